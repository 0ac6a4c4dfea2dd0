package handlers

import (
	"errors"
	"net/url"
	"testing"

	"factdesk/db"
)

// FuzzQueueQuery feeds the queue any query string: it is refused with
// ErrInvalid or read into a valid filter, and the links the queue builds
// from that filter read back as the same filter.
//
//	go test ./handlers -run '^$' -fuzz FuzzQueueQuery -fuzztime 30s
func FuzzQueueQuery(f *testing.F) {
	for _, s := range []string{
		"", "status=disputed", "status=bogus", "document=12", "document=-1", "document=1e3",
		"after=0.75_12", "before=0.5_3", "after=NaN_1", "after=1e309_1", "after=0.5_0", "after=_",
		"status=confirmed&document=3&after=0.9_7", "status=%3Cscript%3E", "status=disputed&status=confirmed",
		"document=9223372036854775807", "document=9223372036854775808", "after=-0_1", "after=0x1p-2_5",
		"%zz=1", "after=1_1&before=2_2", "status=unverified%00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // echo reads what it can, as here
		flt, err := parseQueueFilter(q)
		if err != nil {
			if !errors.Is(err, db.ErrInvalid) {
				t.Fatalf("%q: error %v is not ErrInvalid", raw, err)
			}
			return
		}
		if flt.Status != "" && !db.ValidStatus(flt.Status) {
			t.Fatalf("%q: status %q", raw, flt.Status)
		}
		if flt.DocumentID < 0 || flt.Limit != queuePageSize {
			t.Fatalf("%q: document %d limit %d", raw, flt.DocumentID, flt.Limit)
		}
		for _, cur := range []*db.Cursor{flt.After, flt.Before} {
			if cur == nil {
				continue
			}
			if cur.ID <= 0 {
				t.Fatalf("%q: cursor %+v", raw, cur)
			}
			link, err := url.Parse(queueURL(flt.Status, flt.DocumentID, "", "after", cur.String()))
			if err != nil {
				t.Fatalf("%q: queue link: %v", raw, err)
			}
			again, err := parseQueueFilter(link.Query())
			if err != nil || again.Status != flt.Status || again.DocumentID != flt.DocumentID || again.After == nil || *again.After != *cur {
				t.Fatalf("%q: link %s reads back as %+v, %v", raw, link, again, err)
			}
		}
	})
}

// A message's first character is capitalised whole; a name after it is
// left as written.
func TestSentence(t *testing.T) {
	for in, want := range map[string]string{
		"user élise is a viewer": "User élise is a viewer.",
		"done.":                  "Done.",
		"":                       "",
		"ünïcode":                "Ünïcode.",
	} {
		if got := Sentence(in); got != want {
			t.Errorf("Sentence(%q) = %q, want %q", in, got, want)
		}
	}
}
