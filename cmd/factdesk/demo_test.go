package main

import (
	"context"
	"strings"
	"testing"

	"factdesk/auth"
	"factdesk/db"
)

func TestDemoCommand(t *testing.T) {
	c := newCLI(t)
	t.Setenv("FACTDESK_DEMO_PASSWORD", "demo password 123")
	out, errOut, err := c.run("", "demo", "--docs", "40", "--seed", "2")
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, errOut)
	}
	// Progress goes to stderr, the summary with its own speed to stdout.
	if !strings.Contains(errOut, "40/40 documents") || !strings.Contains(out, "40 documents, ") ||
		!strings.Contains(out, "documents/s") || strings.Contains(out, "demo password 123") {
		t.Fatalf("stdout %q\nstderr %q", out, errOut)
	}
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]string{"demo-admin": "admin", "demo-editor": "editor", "demo-reviewer-1": "reviewer", "demo-viewer": "viewer"} {
		u, err := store.UserByName(context.Background(), name)
		if err != nil || u.Role != role || !auth.CheckPassword(u.PasswordHash, "demo password 123") {
			t.Errorf("%s: %+v %v", name, u, err)
		}
		if !strings.Contains(out, name+" ("+role+")") {
			t.Errorf("%s not listed: %q", name, out)
		}
	}
	store.Close()

	// A second run on the same database is refused in one line.
	_, _, err = c.run("", "demo", "--docs", "5")
	if err == nil || !strings.Contains(err.Error(), "holds documents already") || strings.Contains(err.Error(), "invalid input") {
		t.Fatalf("second demo: %v", err)
	}
	for _, args := range [][]string{{"demo"}, {"demo", "--docs", "-3"}, {"demo", "--docs", "3", "extra"}} {
		if _, _, err := c.run("", args...); err == nil || !strings.Contains(err.Error(), "factdesk help") {
			t.Errorf("%v: %v", args, err)
		}
	}

	// Without a password in the environment a random one is made and shown.
	c2 := newCLI(t)
	t.Setenv("FACTDESK_DEMO_PASSWORD", "")
	out, _, err = c2.run("", "demo", "--docs", "3")
	if err != nil || !strings.Contains(out, "password of every demo user: ") {
		t.Fatalf("demo without a password: %q %v", out, err)
	}
}
