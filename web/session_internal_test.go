package web

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"factdesk/db"
)

// A request that loaded its session before the user's sessions were ended
// (a password reset, logging out in another tab) and saves it afterwards,
// with a flash message say, must not bring the session back: the browser
// is told to drop its cookie instead.
func TestSaveDoesNotReviveAnEndedSession(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, "rev", "a long enough password", "reviewer")
	if err != nil {
		t.Fatal(err)
	}
	st := NewSessionStore(store, false)
	const name = "factdesk_session"

	login := httptest.NewRequest("POST", "/login", nil)
	rec := httptest.NewRecorder()
	sess, _ := st.Get(login, name)
	sess.Values[userKey] = u.ID
	if err := st.Save(login, rec, sess); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]

	inflight := httptest.NewRequest("POST", "/claims/1/comments", nil)
	inflight.AddCookie(cookie)
	s2, _ := st.Get(inflight, name)
	if uid, _ := s2.Values[userKey].(int64); uid != u.ID {
		t.Fatalf("logged-in session reads user %d, want %d", uid, u.ID)
	}
	if err := store.DeleteUserSessions(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	s2.Values["flash"] = "Comment added."
	rec2 := httptest.NewRecorder()
	if err := st.Save(inflight, rec2, s2); err != nil {
		t.Fatal(err)
	}
	if cs := rec2.Result().Cookies(); len(cs) != 1 || cs[0].MaxAge >= 0 {
		t.Fatalf("cookies after saving an ended session: %v, want one that deletes it", cs)
	}

	later := httptest.NewRequest("GET", "/", nil)
	later.AddCookie(cookie)
	s3, _ := st.Get(later, name)
	if uid, _ := s3.Values[userKey].(int64); uid == u.ID || !s3.IsNew {
		t.Fatalf("the ended session is alive again for user %d", uid)
	}
}
