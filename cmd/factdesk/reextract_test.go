package main

import (
	"context"
	"strings"
	"testing"

	"factdesk/db"
)

func TestReextractCommand(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run("", "import", writeFile(t, "budget.txt", cliArticle)); err != nil {
		t.Fatal(err)
	}
	second := "Dock workers voted on Monday to strike for 48 hours, the union said.\n\nThe strike would cost the port 12 million euros a day, according to Norbank.\n"
	if _, _, err := c.run("", "import", writeFile(t, "port.txt", second)); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateUser(ctx, "maria", "hash", "reviewer"); err != nil {
		t.Fatal(err)
	}
	u, _ := store.UserByName(ctx, "maria")
	claims, _ := store.DocumentClaims(ctx, 1)
	reviewed, err := store.SetStatus(ctx, claims[0].ID, u.ID, 1, "confirmed", "")
	if err != nil {
		t.Fatal(err)
	}
	store.Close()

	out, _, err := c.run("", "reextract")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "1\tCity budget passes\t0 added, 0 removed, 0 updated, ") ||
		!strings.Contains(lines[0], "1 reviewed kept") || !strings.HasPrefix(lines[1], "2\t") ||
		!strings.HasPrefix(lines[2], "2 documents\t0 added, 0 removed") {
		t.Fatalf("reextract printed:\n%s", out)
	}
	out, _, err = c.run("", "reextract", "--doc", "2")
	if err != nil || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "2\tPort\t") { // titled by its file, its first line being a sentence
		t.Fatalf("reextract --doc 2: %q %v", out, err)
	}

	store, err = db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	after, err := store.Claim(ctx, reviewed.ID)
	if err != nil || after.Status != "confirmed" || after.Version != reviewed.Version {
		t.Fatalf("reviewed claim after reextract: %+v %v", after, err)
	}

	if _, _, err := c.run("", "import", "--no-extract", writeFile(t, "bare.txt", "The council voted 31 to 4 on Tuesday, officials said.\n")); err != nil {
		t.Fatal(err)
	}
	out, _, err = c.run("", "reextract", "--doc", "3")
	if err != nil || !strings.Contains(out, "imported without extraction, left as it is") {
		t.Fatalf("reextract of a bare document: %q %v", out, err)
	}
	if cs, _ := store.DocumentClaims(ctx, 3); len(cs) != 0 {
		t.Fatalf("claims added to a bare document: %d", len(cs))
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"reextract", "--doc", "99"}, "no document with id 99"},
		{[]string{"reextract", "--doc", "x"}, "positive number"},
		{[]string{"reextract", "extra"}, "no arguments"},
	} {
		out, _, err := c.run("", tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || out != "" {
			t.Errorf("%v: %v, stdout %q; want %q", tc.args, err, out, tc.want)
		}
	}
}
