package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"factdesk/extract"
)

func TestParse(t *testing.T) {
	a, err := Parse("x", []byte("# kind: wire report\nB Headline Here\n|\nY One “quoted” sentence.\nN Another one.\n\nB Advertisement\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "Headline Here\nOne “quoted” sentence. Another one.\n\nAdvertisement"
	if a.Text != want || a.Kind != "wire report" || len(a.Sentences) != 4 {
		t.Fatalf("got %q %q %d", a.Text, a.Kind, len(a.Sentences))
	}
	runes := []rune(a.Text)
	for _, s := range a.Sentences {
		if string(runes[s.Start:s.End]) != s.Text {
			t.Errorf("%q at [%d:%d]", s.Text, s.Start, s.End)
		}
	}
	for _, bad := range []string{"X Not a label.\n", "Y  Two spaces.\n", "Ysentence\n", "# only a comment\n"} {
		if _, err := Parse("bad", []byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestReadCheckThat(t *testing.T) {
	in := "Sentence_id\tText\tclass_label\n1\tTaxes rose 4 percent.\tYes\n2\t\"He said \"\"no\"\" twice.\"\tNo \n3\tJoined rows.\tNo4\tThe next row.\tYes\n"
	got, err := ReadCheckThat(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || !got[0].Yes || got[1].Yes || got[2].Yes || got[3].ID != "4" || !got[3].Yes || got[3].Text != "The next row." ||
		got[1].Text != `He said "no" twice.` {
		t.Fatalf("got %+v", got)
	}
	if _, err := ReadCheckThat(strings.NewReader("h\n1\tText\tMaybe\n")); err == nil {
		t.Error("label Maybe accepted")
	}
}

// TestNewsCorpus checks the labelled articles themselves: they parse, there
// are enough of them, every line holds exactly one sentence as the
// extractor's segmenter sees it, and the labels are as the README says.
func TestNewsCorpus(t *testing.T) {
	files, _ := filepath.Glob("../testdata/news/*/*.txt")
	if len(files) < 12 {
		t.Fatalf("%d labelled articles, want at least 12", len(files))
	}
	n := 0
	kinds := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(filepath.Base(f), b)
		if err != nil {
			t.Fatal(err)
		}
		if a.Kind == "" {
			t.Errorf("%s: no '# kind:' line", a.Name)
		}
		kinds[a.Kind] = true
		starts := map[int]bool{}
		for _, s := range extract.Segment(a.Text) {
			starts[s.Start] = true
		}
		for _, s := range a.Sentences {
			n++
			if ss := extract.Segment(s.Text); len(ss) != 1 {
				t.Errorf("%s:%d: %d sentences on one line: %q", a.Name, s.Line, len(ss), s.Text)
			}
			// Furniture lines may run together ("By Jane Doe" and an
			// e-mail address starting in lower case on the next line).
			if !starts[s.Start] && s.Label != Boilerplate {
				t.Errorf("%s:%d: the segmenter does not start a sentence here: %q", a.Name, s.Line, s.Text)
			}
			if utf8.RuneCountInString(s.Text) != s.End-s.Start {
				t.Errorf("%s:%d: offsets", a.Name, s.Line)
			}
		}
	}
	if n < 300 {
		t.Errorf("%d labelled sentences, want at least 300", n)
	}
	if len(kinds) < 8 {
		t.Errorf("only %d kinds of article", len(kinds))
	}
}

// TestExtractOnNewsCorpus guards what make eval measures: no boilerplate
// line of any labelled article comes back as a claim, and F1 on the whole
// corpus stays at the target of 0.85 or more.
func TestExtractOnNewsCorpus(t *testing.T) {
	files, _ := filepath.Glob("../testdata/news/*/*.txt")
	var tp, fp, fn int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse(filepath.Base(f), b)
		if err != nil {
			t.Fatal(err)
		}
		cs := extract.Extract(a.Text)
		starts, ends := make([]int, len(cs)), make([]int, len(cs))
		for i, c := range cs {
			starts[i], ends[i] = c.Start, c.End
		}
		for _, s := range a.Sentences {
			got := s.Covered(starts, ends)
			switch {
			case got && s.Label == Boilerplate:
				t.Errorf("%s:%d: boilerplate returned as a claim: %q", a.Name, s.Line, s.Text)
			case got && s.Label == Yes:
				tp++
			case got:
				fp++
			case s.Label == Yes:
				fn++
			}
		}
	}
	p, r := float64(tp)/float64(tp+fp), float64(tp)/float64(tp+fn)
	if f1 := 2 * p * r / (p + r); f1 < 0.85 {
		t.Errorf("F1 %.3f on the news corpus (precision %.3f, recall %.3f), want 0.85 or more", f1, p, r)
	}
}
