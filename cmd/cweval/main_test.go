package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEvalPrintsScores(t *testing.T) {
	dir := t.TempDir()
	news := filepath.Join(dir, "news")
	os.Mkdir(news, 0o755)
	article := "# kind: wire report\nB Storm Closes Harbor Road\n|\nB Advertisement\n\n" +
		"Y The ministry said on Monday that 40 people died in the storm in Eastbrook.\n" +
		"N I think it was a lovely day out there, honestly.\n"
	os.WriteFile(filepath.Join(news, "a.txt"), []byte(article), 0o644)
	tsv := filepath.Join(dir, "ct.tsv")
	os.WriteFile(tsv, []byte("Sentence_id\tText\tclass_label\n1\tUnemployment rose by 4 million people in 2009.\tYes\n2\tThank you very much.\tNo\n"), 0o644)
	var out strings.Builder
	if err := run([]string{"-news", news, "-checkthat", tsv}, &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"4 sentences (1 check-worthy, 1 not, 2 boilerplate)",
		"claims       precision 1.000  recall 1.000  F1 1.000  (tp 1, fp 0, fn 0, tn 3)",
		"0 of 2 boilerplate sentences returned as claims",
		"ct.tsv (2 sentences, 1 Yes)",
		"as debate    precision 1.000  recall 1.000",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if err := run([]string{"-news", filepath.Join(dir, "none")}, &out); err == nil {
		t.Error("a folder without articles was accepted")
	}
	if err := run([]string{"-news", news, "-checkthat", filepath.Join(dir, "missing.tsv")}, &out); err == nil {
		t.Error("a missing CheckThat! file was accepted")
	}
}
