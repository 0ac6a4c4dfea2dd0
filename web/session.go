package web

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"factdesk/db"
)

// touchEvery is how often a request moves a session's idle expiry on: often
// enough for the idle timeout, rarely enough not to write on every request.
const touchEvery = time.Minute

// userKey holds the logged-in user's id in session.Values; the store keeps it
// in its own column so that a user's sessions can be ended at once.
const userKey = "user_id"

// loadedUser keys the session's user in session.Values as New read it
// with the session; it is never saved. The user is read on every request
// all the same (loadUser), in the session's own statement.
type loadedUser struct{}

// SessionStore is a gorilla/sessions Store that keeps sessions in SQLite.
// The cookie carries only a random token; the server keeps the data, so
// deleting the row ends the session whatever the browser holds.
type SessionStore struct {
	db       *db.Store
	Options  sessions.Options
	Timeouts db.SessionTimeouts
}

// NewSessionStore returns a store whose cookies are HttpOnly, SameSite=Lax,
// and Secure when secure is set, with the default timeouts.
func NewSessionStore(s *db.Store, secure bool) *SessionStore {
	return &SessionStore{db: s, Options: sessions.Options{
		Path:     "/",
		MaxAge:   int(DefaultSessionAbsolute / time.Second),
		HttpOnly: true,
		Secure:   secure,
		SameSite: http.SameSiteLaxMode,
	}, Timeouts: db.SessionTimeouts{Idle: DefaultSessionIdle, Absolute: DefaultSessionAbsolute}}
}

// Get returns the request's session, cached per request by gorilla.
func (st *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session named by the request's cookie, or starts an empty
// one when there is none or it has ended.
func (st *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	sess := sessions.NewSession(st, name)
	opts := st.Options
	sess.Options = &opts
	sess.IsNew = true
	ck, err := r.Cookie(name)
	if err != nil || ck.Value == "" {
		return sess, nil
	}
	row, err := st.db.Session(r.Context(), ck.Value)
	if errors.Is(err, db.ErrNotFound) {
		return sess, nil
	}
	if err != nil {
		return sess, err
	}
	var vals map[string]any
	if err := json.Unmarshal([]byte(row.Data), &vals); err != nil {
		return sess, nil
	}
	for k, v := range vals {
		sess.Values[k] = v
	}
	if row.UserID > 0 {
		sess.Values[userKey] = row.UserID
	}
	if row.User != nil {
		sess.Values[loadedUser{}] = row.User
	}
	sess.ID = ck.Value
	sess.IsNew = false
	if st.db.Now().Sub(row.LastSeen) >= touchEvery {
		if err := st.db.TouchSession(r.Context(), ck.Value, st.Timeouts); err != nil && !errors.Is(err, db.ErrNotFound) {
			return sess, err
		}
	}
	return sess, nil
}

// Save writes the session and sets its cookie. A negative MaxAge deletes it
// on the server and in the browser.
func (st *SessionStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	ctx := r.Context()
	if sess.Options.MaxAge < 0 {
		if sess.ID != "" {
			if err := st.db.DeleteSession(ctx, sess.ID); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	}
	var uid int64
	vals := make(map[string]any, len(sess.Values))
	for k, v := range sess.Values {
		if _, ok := k.(loadedUser); ok {
			continue // read with the session, never stored in it
		}
		ks, ok := k.(string)
		if !ok {
			return fmt.Errorf("session key %v is not a string", k)
		}
		if ks == userKey {
			uid, _ = v.(int64)
			continue
		}
		vals[ks] = v
	}
	data, err := json.Marshal(vals)
	if err != nil {
		return err
	}
	if sess.ID == "" {
		tok, err := newToken()
		if err != nil {
			return err
		}
		if err := st.db.CreateSession(ctx, tok, uid, string(data), st.Timeouts); err != nil {
			return err
		}
		sess.ID = tok
	} else if err := st.db.UpdateSession(ctx, sess.ID, uid, string(data), st.Timeouts); errors.Is(err, db.ErrNotFound) {
		// The session ended while this request ran: the browser is logged
		// out, not handed the session back.
		sess.ID = ""
		sess.Options.MaxAge = -1
		http.SetCookie(w, sessions.NewCookie(sess.Name(), "", sess.Options))
		return nil
	} else if err != nil {
		return err
	}
	sess.IsNew = false
	http.SetCookie(w, sessions.NewCookie(sess.Name(), sess.ID, sess.Options))
	return nil
}

// newToken returns 256 random bits, URL-safe.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewSetupToken returns a fresh one-time setup token.
func NewSetupToken() (string, error) { return newToken() }
