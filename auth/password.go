// Package auth holds password hashing and the role rules, shared by the web
// app and the command line.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Password length bounds. There is no truncation: argon2 takes any length,
// and the upper bound only stops hashing megabytes on every login attempt.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

var ErrWeakPassword = errors.New("password too weak")

// CheckPasswordRules returns a user-facing reason when pw is not acceptable:
// fewer than 12 or more than 128 characters (never truncated), or common
// and easy to guess (see isGuessable). context holds words the password
// must not be built on, such as the user's name.
func CheckPasswordRules(pw string, context ...string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return fmt.Errorf("%w: the password is not valid text", ErrWeakPassword)
	case n < MinPasswordLen:
		return fmt.Errorf("%w: use at least %d characters", ErrWeakPassword, MinPasswordLen)
	case n > MaxPasswordLen:
		return fmt.Errorf("%w: use at most %d characters", ErrWeakPassword, MaxPasswordLen)
	case isGuessable(pw, context):
		return fmt.Errorf("%w: this password is common or easy to guess; choose another, such as a few unrelated words", ErrWeakPassword)
	}
	return nil
}

// HashPassword returns an encoded argon2id hash in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash, in constant time.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<20 || t > 16 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := idKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a user does not exist, so that unknown
// users and wrong passwords take the same time. Any well-formed hash with
// the current parameters does that; writing one out needs no hashing, which
// at package start cost every process 20 MB and 60 ms or more.
var dummyHash = fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
	argon2.Version, argonMemory, argonTime, argonThreads,
	base64.RawStdEncoding.EncodeToString(make([]byte, saltLen)),
	base64.RawStdEncoding.EncodeToString(make([]byte, argonKeyLen)))

// CheckNoUser spends the same work as CheckPassword and always fails.
func CheckNoUser(pw string) bool {
	CheckPassword(dummyHash, pw)
	return false
}

func hashHex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// hashSlots bounds how many argon2 hashes run at once. Each takes 19 MiB:
// without a bound, a burst of logins (from many addresses, so throttling
// does not stop it) would take memory without limit; with it, they queue.
var hashSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

func idKey(pw, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(pw, salt, t, m, p, n)
}
