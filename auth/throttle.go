package auth

import (
	"net"
	"time"
)

// Throttle is a login throttling policy for one kind of key (an account, a
// client address): Free failures in a row cost nothing, then each further
// attempt must wait First, doubling with every failure up to Max. A key left
// alone for Forget starts over; Forget is longer than Max, so waiting out
// the longest delay does not reset the count.
type Throttle struct {
	Free   int
	First  time.Duration
	Max    time.Duration
	Forget time.Duration
}

// Delay is how long after the last attempt the next one may come, after
// failures failed attempts in a row.
func (t Throttle) Delay(failures int) time.Duration {
	if failures <= t.Free {
		return 0
	}
	d := t.First
	for i := t.Free + 1; i < failures && d < t.Max; i++ {
		d *= 2
	}
	return min(d, t.Max)
}

// The policies factdesk uses. An account gets 5 free tries, a client address
// (an office behind one NAT address shares it) 20; after that the waits run
// 1 s, 2 s, 4 s ... so that guessing costs hours, not seconds: about 20
// guesses in the first hour on one account, then 4 an hour. The account cap
// is kept short because anyone may lock an account out by failing on it.
var (
	AccountThrottle = Throttle{Free: 5, First: time.Second, Max: 15 * time.Minute, Forget: time.Hour}
	ClientThrottle  = Throttle{Free: 20, First: time.Second, Max: 30 * time.Minute, Forget: time.Hour}
)

// AccountKey is the throttling key of a user name as typed: case-folded the
// way the users table compares names (ASCII letters only, as SQLite's
// NOCASE), so that "Ann" and "ann" share one count.
func AccountKey(name string) string {
	b := []byte(name)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return "account:" + hashHex(b)
}

// ClientKey is the throttling key of a client address. An IPv6 client
// usually holds a whole /64, so that is what counts.
func ClientKey(ip string) string {
	p := net.ParseIP(ip)
	switch {
	case p == nil:
		return "client:" + hashHex([]byte(ip))
	case p.To4() != nil:
		return "client:" + p.To4().String()
	default:
		return "client:" + p.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
}
