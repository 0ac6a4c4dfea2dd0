package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"factdesk/db"
	"factdesk/export"
)

// Many files go into the database a batch at a time, and the report still
// has one line per file, in the order given, with each file's own outcome:
// a file that cannot be read is reported and leaves the others stored, and
// text given twice is stored once.
func TestImportManyFilesReportsEachFile(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	var files, want []string
	nextID := 1
	for i := range 2*importBatch + 5 {
		switch i {
		case 3, importBatch + 1: // missing files, one in each of two batches
			p := filepath.Join(dir, fmt.Sprintf("missing-%d.txt", i))
			files = append(files, p)
			want = append(want, "error "+p)
			continue
		case 10, 2 * importBatch: // the text of the first file again
			p := writeFileIn(t, dir, fmt.Sprintf("again-%d.txt", i), article(0))
			files = append(files, p)
			want = append(want, "1\tHarbour report 0\texists already")
			continue
		}
		files = append(files, writeFileIn(t, dir, fmt.Sprintf("article-%d.txt", i), article(i)))
		want = append(want, fmt.Sprintf("%d\tHarbour report %d\t", nextID, i))
		nextID++
	}
	out, errOut, err := c.run("", append([]string{"import"}, files...)...)
	if !errors.Is(err, errReported) {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	errLines := strings.Split(strings.TrimSpace(errOut), "\n")
	for _, w := range want {
		if p, ok := strings.CutPrefix(w, "error "); ok {
			if len(errLines) == 0 || !strings.Contains(errLines[0], p) {
				t.Fatalf("want an error for %s, stderr %q", p, errLines)
			}
			errLines = errLines[1:]
			continue
		}
		if len(lines) == 0 || !strings.HasPrefix(lines[0], w) {
			t.Fatalf("want a line %q, got %q", w, lines)
		}
		if !strings.Contains(w, "exists") && !strings.HasSuffix(lines[0], " claims") {
			t.Fatalf("line %q: no claim count", lines[0])
		}
		lines = lines[1:]
	}
	if len(lines) != 0 || len(errLines) != 1 || errLines[0] != fmt.Sprintf("factdesk: 2 of %d files not imported", len(files)) {
		t.Fatalf("left over: stdout %q, stderr %q", lines, errLines)
	}
	// Each line's claim count is what the database holds for that document.
	ctx := context.Background()
	store, err := db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(l, "\t")
		if strings.Contains(l, "exists") {
			continue
		}
		var id, n int64
		if _, err := fmt.Sscan(f[0], &id); err != nil {
			t.Fatal(err)
		}
		if _, err := fmt.Sscanf(f[2], "%d claims", &n); err != nil {
			t.Fatal(err)
		}
		d, err := store.Document(ctx, id)
		if err != nil || d.Title != f[1] || !strings.Contains(d.Body, f[1]+"\n") {
			t.Fatalf("document %d: %q, %v; line %q", id, d.Title, err, l)
		}
		cs, err := store.DocumentClaims(ctx, id)
		if err != nil || int64(len(cs)) != n || n == 0 {
			t.Fatalf("document %d: %d claims stored, line %q", id, len(cs), l)
		}
	}
}

func article(i int) string {
	return fmt.Sprintf("Harbour report %d\n\nThe port authority said %d ships docked in 2024, up 12%% on the year before.\n\n"+
		"Officials said the new crane cost $%d million, the mayor told reporters on Monday.\n", i, 100+i, 20+i)
}

func writeFileIn(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Counts read as English whatever the number: import printed "1 claims",
// verify "1 history rows", and a claim from another tool that was not
// found was "not even with 1 characters different".
func TestCountsInWords(t *testing.T) {
	c := newCLI(t)
	out, _, err := c.run("", "import", writeFile(t, "one.txt", "The council voted 31 to 4 on Tuesday to close the port, officials said.\n"))
	if err != nil || !strings.HasSuffix(out, "\t1 claim\n") {
		t.Fatalf("import: %q %v", out, err)
	}
	if _, _, err := c.run("a long enough password\n", "user", "add", "maria"); err != nil {
		t.Fatal(err)
	}
	out, _, _ = c.run(`{"text": "zebra crossing"}`+"\n"+`{"start": 0, "end": 900}`, "import", "--claims", "-", "--user", "maria", "1")
	if want := "0\tfailed\tnot_found\tthe quote is not in the text, not even with 1 of its characters different\n" +
		"1\tfailed\tout_of_range\t0..900 is outside the text, which ends at 71\n"; out != want {
		t.Errorf("import --claims: %q, want %q", out, want)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	claims, _ := store.DocumentClaims(ctx, 1)
	u, _ := store.UserByName(ctx, "maria")
	if _, err := store.SetStatus(ctx, claims[0].ID, u.ID, claims[0].Version, "confirmed", ""); err != nil {
		t.Fatal(err)
	}
	store.Close()
	if out, _, err := c.run("", "verify"); err != nil || !strings.HasPrefix(out, "OK: database intact; 1 history row and 1 claim verify\n") {
		t.Errorf("verify: %q %v", out, err)
	}
	out, _, err = c.run("", "backup", filepath.Join(t.TempDir(), "b.db"))
	if err != nil || !strings.Contains(out, " MB, 1 history row)\n") {
		t.Errorf("backup: %q %v", out, err)
	}
	_, errOut, err := c.run("", "import", filepath.Join(t.TempDir(), "missing.txt"))
	if !errors.Is(err, errReported) || !strings.HasSuffix(errOut, "factdesk: 1 of 1 file not imported\n") {
		t.Errorf("import of a missing file: %q %v", errOut, err)
	}
}

// A folder named as the claims file is refused as import refuses one
// named as an article: it said "adir: read adir: is a directory".
func TestImportClaimsFromAFolder(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	want := dir + ": is a folder, not a file"
	if _, _, err := c.run("", "import", "--claims", dir, "--user", "maria", "1"); err == nil || err.Error() != want {
		t.Errorf("import --claims DIR: %v, want %q", err, want)
	}
	if _, errOut, _ := c.run("", "import", dir); !strings.HasPrefix(errOut, "factdesk: "+want+"\n") {
		t.Errorf("import DIR: %q, want %q", errOut, want)
	}
}

// The flags that describe an article mean nothing with --claims, which adds
// claims to a stored document: they were ignored and the command exited 0.
// They are refused as a wrong command line, before anything is read.
func TestImportClaimsRefusesArticleFlags(t *testing.T) {
	c := newCLI(t)
	doc := writeFile(t, "vote.txt", "The council voted 31 to 4 on Tuesday to close the port, officials said.\n")
	if _, _, err := c.run("", "import", "--no-extract", doc); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.run("a long enough password\n", "user", "add", "maria"); err != nil {
		t.Fatal(err)
	}
	claims := writeFile(t, "claims.jsonl", `{"text": "The council voted 31 to 4"}`)
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--title", "zzz"}, "factdesk: --title is for importing an article, not for --claims (see 'factdesk help import')\n"},
		{[]string{"--url", "https://example.org/a"}, "factdesk: --url is for importing an article, not for --claims (see 'factdesk help import')\n"},
		{[]string{"--published", "2024-05-02"}, "factdesk: --published is for importing an article, not for --claims (see 'factdesk help import')\n"},
		{[]string{"--publisher", "Harbour Daily"}, "factdesk: --publisher is for importing an article, not for --claims (see 'factdesk help import')\n"},
		{[]string{"--no-extract"}, "factdesk: --no-extract is for importing an article, not for --claims (see 'factdesk help import')\n"},
		{[]string{"--max-doc-mb", "2"}, "factdesk: --max-doc-mb is for importing an article, not for --claims (see 'factdesk help import')\n"},
		// An empty title is given all the same.
		{[]string{"--title", "", "--url", "u", "--published", "2024-05-02"},
			"factdesk: --published, --title and --url are for importing an article, not for --claims (see 'factdesk help import')\n"},
	} {
		args := append(append([]string{"import", "--claims", claims, "--user", "maria"}, tc.flags...), "1")
		out, errOut, err := c.run("", args...)
		var b strings.Builder
		if code := exitCode(err, &b); code != 2 || out != "" || errOut+b.String() != tc.want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", tc.flags, code, out, errOut+b.String(), tc.want)
		}
	}
	// Without them, the claims are added and nothing was added before.
	if out, _, err := c.run("", "import", "--claims", claims, "--user", "maria", "1"); err != nil || !strings.HasPrefix(out, "0\tcreated\t") {
		t.Errorf("import --claims: %q %v", out, err)
	}
}

// A Web Annotation's classifying body gives the claim its kind when it is
// one the extractor gives; other values, from another tool's vocabulary,
// leave the claim placed without a kind. A kind given as such wins.
func TestImportClaimsKindFromAnnotation(t *testing.T) {
	c := newCLI(t)
	doc := writeFile(t, "port.txt", "The council voted 31 to 4 on Tuesday. The port will close in 2026. Officials blamed the storms.\n")
	if _, _, err := c.run("", "import", "--no-extract", doc); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.run("a long enough password\n", "user", "add", "maria"); err != nil {
		t.Fatal(err)
	}
	ann := func(exact string, body string) string {
		return `{"type":"Annotation","body":` + body + `,"target":{"selector":{"type":"TextQuoteSelector","exact":"` + exact + `"}}}`
	}
	claims := strings.Join([]string{
		ann("The council voted 31 to 4 on Tuesday.",
			`[{"type":"TextualBody","purpose":"assessing","value":"confirmed"},{"type":"TextualBody","purpose":"classifying","value":"politics"},`+
				`{"type":"TextualBody","purpose":"classifying","value":"quantity"},{"type":"TextualBody","purpose":"moderating","value":"law"}]`),
		ann("The port will close in 2026.", `{"type":"TextualBody","purpose":"classifying","value":"politics"}`),
		`{"kind":"cause","body":{"purpose":"classifying","value":"event"},"text":"Officials blamed the storms."}`,
	}, "\n")
	out, errOut, err := c.run(claims, "import", "--claims", "-", "--user", "maria", "1")
	if err != nil || strings.Count(out, "\tcreated\t") != 3 {
		t.Fatalf("import --claims: %q %q %v", out, errOut, err)
	}
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cs, _ := store.DocumentClaims(context.Background(), 1)
	var kinds []string
	for _, cl := range cs {
		kinds = append(kinds, cl.Kind)
	}
	if strings.Join(kinds, "|") != "quantity||cause" {
		t.Errorf("kinds %q, want quantity, none, cause", kinds)
	}
}

// --publisher names the article's publisher, as --url and --published
// describe it: the exports carry it, and ClaimReview names it as the
// author of a claim without a speaker. Without it, an HTML page's
// og:site_name or JSON-LD publisher is taken.
func TestImportPublisher(t *testing.T) {
	c := newCLI(t)
	text := writeFile(t, "port.txt", "Port report\n\nThe port handled 10,000 containers a day in 2023, up from 8,000 in 2020.\n\n"+
		"The harbour will close for repairs in 2026, a delay of two years.\n")
	if out, _, err := c.run("", "import", "--publisher", "  Harbour\tDaily ", "--url", "https://example.org/port", text); err != nil || !strings.HasPrefix(out, "1\t") {
		t.Fatalf("import --publisher: %q %v", out, err)
	}
	page := writeFile(t, "courier.html", `<html><head><title>Dam report</title><meta property="og:site_name" content="Valley Courier">
<script type="application/ld+json">{"@type":"NewsArticle","publisher":{"@type":"Organization","name":"Courier Media Group"}}</script></head>
<body><p>The dam holds 40 million cubic metres of water, engineers said in 2024.</p></body></html>`)
	if _, _, err := c.run("", "import", page); err != nil {
		t.Fatal(err)
	}
	ld := writeFile(t, "ld.html", `<html><head><title>Rates</title>
<script type="application/ld+json">{"@type":"NewsArticle","publisher":{"@type":"Organization","name":"Courier Media Group"}}</script></head>
<body><p>Water rates rose 12% in 2024, the utility said.</p></body></html>`)
	if _, _, err := c.run("", "import", ld); err != nil {
		t.Fatal(err)
	}
	// Given on the command line, it is the page's no longer.
	other := writeFile(t, "other.html", `<html><head><meta property="og:site_name" content="Valley Courier"></head>
<body><p>The bridge cost $3 million in 2021, the council said.</p></body></html>`)
	if _, _, err := c.run("", "import", "--publisher", "Bridge Weekly", other); err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{1: "Harbour Daily", 2: "Valley Courier", 3: "Courier Media Group", 4: "Bridge Weekly"}
	for id, name := range want {
		if d, err := store.Document(context.Background(), id); err != nil || d.Publisher != name {
			t.Errorf("document %d: publisher %q, want %q (%v)", id, d.Publisher, name, err)
		}
	}
	c.run("a long enough password\n", "user", "add", "maria")
	u, _ := store.UserByName(context.Background(), "maria")
	claims, _ := store.DocumentClaims(context.Background(), 1)
	noSpeaker := 0
	for _, cl := range claims {
		if _, err := store.SetStatus(context.Background(), cl.ID, u.ID, 1, "confirmed", ""); err != nil {
			t.Fatal(err)
		}
		if cl.Speaker == "" {
			noSpeaker++
		}
	}
	store.Close()
	if len(claims) == 0 || noSpeaker == 0 {
		t.Fatalf("document 1 has %d claims, %d without a speaker: the test needs one", len(claims), noSpeaker)
	}

	out, _, err := c.run("", "export", "--format", "jsonl", "--document", "1")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["document_publisher"] != "Harbour Daily" {
			t.Errorf("record %s: document_publisher %v (%v)", line, rec["document_publisher"], err)
		}
	}
	t.Setenv("FACTDESK_ORG_NAME", "Desk")
	out, _, err = c.run("", "export", "--format", "claimreview", "--document", "1", "--public-url", "https://desk.example.org")
	var reviews []export.ClaimReview
	if err != nil || json.Unmarshal([]byte(out), &reviews) != nil || len(reviews) != len(claims) {
		t.Fatalf("claimreview: %q %v", out, err)
	}
	authored := 0
	for _, r := range reviews {
		if a := r.ItemReviewed.Author; a != nil && a.Name == "Harbour Daily" && a.Type == "Organization" {
			authored++
		}
		if p := r.ItemReviewed.Appearance; p == nil || p.Publisher == nil || p.Publisher.Name != "Harbour Daily" {
			t.Errorf("appearance %+v: want the publisher", p)
		}
	}
	if authored != noSpeaker {
		t.Errorf("%d claims without a speaker, %d with the publisher as author:\n%s", noSpeaker, authored, out)
	}

	// Refused as --url and --published are: for several files, and when it
	// is not plain text or too long; nothing is stored.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--publisher", "Harbour Daily", writeFile(t, "a.txt", "Text 1."), writeFile(t, "b.txt", "Text 2.")},
			"factdesk: --title, --url, --published and --publisher describe one article: give a single FILE (see 'factdesk help import')\n"},
		{[]string{"--publisher", "Harbour\x1b[31m Daily", writeFile(t, "c.txt", "Text 3.")},
			"factdesk: the publisher holds control characters; use plain text (see 'factdesk help import')\n"},
		{[]string{"--publisher", strings.Repeat("Harbour ", 30), writeFile(t, "d.txt", "Text 4.")},
			"factdesk: the publisher is longer than 200 characters (see 'factdesk help import')\n"},
	} {
		out, errOut, err := c.run("", append([]string{"import"}, tc.args...)...)
		var b strings.Builder
		if code := exitCode(err, &b); code != 2 || out != "" || errOut+b.String() != tc.want {
			t.Errorf("%q: exit %d, stdout %q, stderr %q, want %q", tc.args, code, out, errOut+b.String(), tc.want)
		}
	}
	store, err = db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if docs, _ := store.ListDocuments(context.Background(), 0, 10); len(docs) != len(want) {
		t.Errorf("%d documents, want %d: a refused import stored one", len(docs), len(want))
	}
}
