// Command cweval measures the claim extractor: precision, recall and F1 on
// the labelled news corpus (extract/testdata/news), how much page furniture
// it lets through, and F1 on the CheckThat! 2024 English dev-test set.
//
//	go run ./cmd/cweval [-v] [-news DIR,DIR] [-checkthat FILE]
//
// It reads files and prints; it changes nothing.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"factdesk/extract"
	"factdesk/extract/corpus"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cweval:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("cweval", flag.ContinueOnError)
	news := fs.String("news", "extract/testdata/news/dev,extract/testdata/news/test", "comma-separated `dirs` of labelled articles, each scored on its own")
	ct := fs.String("checkthat", "../shared/data/checkworthy/CT24_checkworthy_english_dev-test.tsv", "CheckThat! TSV `file` to score (empty: none)")
	verbose := fs.Bool("v", false, "list every sentence the extractor got wrong")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var all tally
	dirs := 0
	for _, dir := range strings.Split(*news, ",") {
		if dir == "" {
			continue
		}
		arts, err := readArticles(dir)
		if err != nil {
			return err
		}
		var t tally
		for _, a := range arts {
			t.add(a, out, *verbose)
		}
		t.print(out, fmt.Sprintf("News corpus %s (%d articles)", dir, len(arts)))
		all.merge(t)
		dirs++
	}
	if dirs > 1 {
		all.print(out, "News corpus, all")
	}
	if *ct != "" {
		f, err := os.Open(*ct)
		if err != nil {
			return fmt.Errorf("CheckThat! file: %w (pass -checkthat '' to leave it out)", err)
		}
		defer f.Close()
		exs, err := corpus.ReadCheckThat(f)
		if err != nil {
			return fmt.Errorf("%s: %w", *ct, err)
		}
		var spoken, news confusion
		for _, e := range exs {
			s := extract.ScoreSpoken(e.Text)
			got := s >= extract.MinScore
			spoken.add(got, e.Yes)
			news.add(extract.Score(e.Text) >= extract.MinScore, e.Yes)
			if *verbose && got != e.Yes {
				fmt.Fprintf(out, "  ct %s %.2f %s\n", map[bool]string{true: "FN", false: "FP"}[e.Yes], s, e.Text)
			}
		}
		yes := spoken.tp + spoken.fn
		fmt.Fprintf(out, "CheckThat! %s (%d sentences, %d Yes)\n", filepath.Base(*ct), len(exs), yes)
		fmt.Fprintf(out, "  as debate    %s\n", spoken)
		fmt.Fprintf(out, "  as news      %s\n", news)
	}
	return nil
}

func readArticles(dir string) ([]corpus.Article, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New(dir + ": no labelled articles (*.txt)")
	}
	sort.Strings(files)
	var out []corpus.Article
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		a, err := corpus.Parse(filepath.Base(f), b)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// confusion counts one binary decision.
type confusion struct{ tp, fp, fn, tn int }

func (c *confusion) add(got, want bool) {
	switch {
	case got && want:
		c.tp++
	case got:
		c.fp++
	case want:
		c.fn++
	default:
		c.tn++
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (c confusion) String() string {
	p, r := ratio(c.tp, c.tp+c.fp), ratio(c.tp, c.tp+c.fn)
	f1 := 0.0
	if p+r > 0 {
		f1 = 2 * p * r / (p + r)
	}
	return fmt.Sprintf("precision %.3f  recall %.3f  F1 %.3f  (tp %d, fp %d, fn %d, tn %d)", p, r, f1, c.tp, c.fp, c.fn, c.tn)
}

// tally is the news corpus score.
type tally struct {
	sentences, y, n, b int
	claims             confusion // claim returned vs labelled Y
	boiler             confusion // dropped as furniture vs labelled B
	boilerClaims       int       // B sentences returned as claims
}

func (t *tally) merge(o tally) {
	t.sentences += o.sentences
	t.y, t.n, t.b = t.y+o.y, t.n+o.n, t.b+o.b
	t.claims.tp, t.claims.fp, t.claims.fn, t.claims.tn = t.claims.tp+o.claims.tp, t.claims.fp+o.claims.fp, t.claims.fn+o.claims.fn, t.claims.tn+o.claims.tn
	t.boiler.tp, t.boiler.fp, t.boiler.fn, t.boiler.tn = t.boiler.tp+o.boiler.tp, t.boiler.fp+o.boiler.fp, t.boiler.fn+o.boiler.fn, t.boiler.tn+o.boiler.tn
	t.boilerClaims += o.boilerClaims
}

func (t *tally) add(a corpus.Article, out io.Writer, verbose bool) {
	claims := extract.Extract(a.Text)
	starts, ends := make([]int, len(claims)), make([]int, len(claims))
	for i, c := range claims {
		starts[i], ends[i] = c.Start, c.End
	}
	an := extract.Analyze(a.Text)
	for _, s := range a.Sentences {
		t.sentences++
		switch s.Label {
		case corpus.Yes:
			t.y++
		case corpus.No:
			t.n++
		case corpus.Boilerplate:
			t.b++
		}
		got := s.Covered(starts, ends)
		t.claims.add(got, s.Label == corpus.Yes)
		if got && s.Label == corpus.Boilerplate {
			t.boilerClaims++
		}
		// The verdict of the analysed sentence that overlaps this one most.
		verdict, score := "none", -1.0
		best := 0
		for _, x := range an {
			if o := corpus.Overlap(s.Start, s.End, x.Start, x.End); o > best {
				best, verdict, score = o, x.Verdict, x.Score
			}
		}
		furniture := verdict == extract.VerdictBoilerplate || verdict == extract.VerdictTeaser
		t.boiler.add(furniture, s.Label == corpus.Boilerplate)
		if verbose && (got != (s.Label == corpus.Yes) || furniture != (s.Label == corpus.Boilerplate)) {
			fmt.Fprintf(out, "  %s:%d %c %-11s %5.2f  %s\n", a.Name, s.Line, s.Label, verdict, score, s.Text)
		}
	}
}

func (t tally) print(out io.Writer, title string) {
	fmt.Fprintf(out, "%s: %d sentences (%d check-worthy, %d not, %d boilerplate)\n", title, t.sentences, t.y, t.n, t.b)
	fmt.Fprintf(out, "  claims       %s\n", t.claims)
	fmt.Fprintf(out, "  boilerplate  %d of %d boilerplate sentences returned as claims\n", t.boilerClaims, t.b)
	fmt.Fprintf(out, "  furniture    %s\n", t.boiler)
}
