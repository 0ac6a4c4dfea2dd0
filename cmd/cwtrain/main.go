// Command cwtrain learns the weights of the claim extractor's scoring model
// and writes them to extract/model_gen.go.
//
//	go run ./cmd/cwtrain [-train FILE] [-dev FILE] [-news DIR] [-out FILE]
//
// The model is logistic regression over extract's hand-made features and
// word unigrams and bigrams (extract.NGrams). It is fitted on the CheckThat!
// 2024 English training set, mixed with the dev part of the labelled news
// corpus, by proximal gradient descent (FISTA) with an L1 penalty on the
// n-grams so that only the useful ones are kept, and an L2 penalty on
// everything but the bias. The CheckThat! dev set picks the decision
// threshold, which is folded into the bias so that extract.MinScore stays
// 0.5. Nothing is random and the data is read in a fixed order, so the
// same inputs give the same file.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"factdesk/extract"
	"factdesk/extract/corpus"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "cwtrain:", err)
		os.Exit(1)
	}
}

const dataDir = "../shared/data/checkworthy/"

type options struct {
	train, dev, news, out string
	newsWeight            float64 // weight of a news sentence relative to a debate sentence
	l1, l2                float64
	minCount              int
	iters                 int
}

func run(args []string, out io.Writer) error {
	var o options
	fs := flag.NewFlagSet("cwtrain", flag.ContinueOnError)
	fs.StringVar(&o.train, "train", dataDir+"CT24_checkworthy_english_train.tsv", "CheckThat! training `file`")
	fs.StringVar(&o.dev, "dev", dataDir+"CT24_checkworthy_english_dev.tsv", "CheckThat! dev `file`, for the threshold")
	fs.StringVar(&o.news, "news", "extract/testdata/news/dev", "`dir` of labelled news articles to train on (empty: none)")
	fs.StringVar(&o.out, "out", "extract/model_gen.go", "Go `file` to write")
	fs.Float64Var(&o.newsWeight, "news-weight", 16, "weight of a news sentence against a debate sentence")
	fs.Float64Var(&o.l1, "l1", 1e-4, "L1 penalty on n-gram weights")
	fs.Float64Var(&o.l2, "l2", 1e-4, "L2 penalty on all weights but the bias")
	fs.IntVar(&o.minCount, "min-count", 3, "n-grams seen in fewer training sentences are left out")
	fs.IntVar(&o.iters, "iters", 1500, "gradient steps")
	cv := fs.Int("cv", 0, "instead of writing the model, cross-validate over `k` folds of the news articles and report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	train, err := readCheckThat(o.train)
	if err != nil {
		return err
	}
	dev, err := readCheckThat(o.dev)
	if err != nil {
		return err
	}
	if *cv > 0 {
		return crossValidate(train, dev, o, *cv, out)
	}
	if o.news != "" {
		n, err := readNews(o.news, o.newsWeight)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "news: %d scored sentences from %s\n", len(n), o.news)
		train = append(train, n...)
	}
	m := fit(train, o, out)
	thr := bestThreshold(m, dev)
	fmt.Fprintf(out, "threshold on %s: %.3f\n", filepath.Base(o.dev), thr)
	m.hand[0] -= math.Log(thr / (1 - thr)) // so that score >= 0.5 means z >= logit(thr)
	m.threshold = thr
	for _, d := range []struct {
		name string
		ex   []example
	}{{"train", train}, {"dev", dev}} {
		fmt.Fprintf(out, "%-5s %s\n", d.name, m.evaluate(d.ex))
	}
	src, err := m.source(o)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, src, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %s: %d n-grams\n", o.out, len(m.kept()))
	return nil
}

// example is one labelled sentence as the model sees it.
type example struct {
	text   string
	hand   extract.Features
	ngrams []string
	ids    []int32 // ngrams in the vocabulary
	y      float64 // 1 check-worthy, 0 not
	weight float64
	news   bool
	doc    int // article number, for cross-validation
}

func newExample(text string, f extract.Features, yes bool, weight float64) example {
	e := example{text: text, hand: f, ngrams: extract.NGrams(text), weight: weight}
	if yes {
		e.y = 1
	}
	return e
}

func readCheckThat(path string) ([]example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := corpus.ReadCheckThat(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make([]example, 0, len(rows))
	for _, r := range rows {
		out = append(out, newExample(r.Text, extract.FeaturesOf(r.Text, false), r.Yes, 1))
	}
	return out, nil
}

// readNews takes the labelled sentences that the extractor scores (page
// furniture and questions never reach the model) with the features they get
// in their article, where a quotation's speaker may be sentences away.
func readNews(dir string, weight float64) ([]example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New(dir + ": no labelled articles")
	}
	sort.Strings(files)
	var out []example
	for doc, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		a, err := corpus.Parse(filepath.Base(f), b)
		if err != nil {
			return nil, err
		}
		an := extract.Analyze(a.Text)
		for _, s := range a.Sentences {
			if s.Label == corpus.Boilerplate {
				continue
			}
			best, bi := 0, -1
			for i, x := range an {
				if o := corpus.Overlap(s.Start, s.End, x.Start, x.End); o > best {
					best, bi = o, i
				}
			}
			if bi < 0 || (an[bi].Verdict != extract.VerdictClaim && an[bi].Verdict != extract.VerdictLow) {
				continue
			}
			e := newExample(an[bi].Text, an[bi].Features, s.Label == corpus.Yes, weight)
			e.news, e.doc = true, doc
			out = append(out, e)
		}
	}
	return out, nil
}

// model is the fitted weights: hand-made features, then the vocabulary.
type model struct {
	hand      extract.Features
	vocab     []string
	ng        []float64
	threshold float64
}

func (m *model) z(e *example) float64 {
	z := 0.0
	for i, v := range e.hand {
		z += m.hand[i] * v
	}
	for _, id := range e.ids {
		z += m.ng[id]
	}
	return z
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// fit builds the vocabulary from the training examples and runs FISTA.
func fit(train []example, o options, out io.Writer) *model {
	df := map[string]int{}
	for i := range train {
		seen := map[string]bool{}
		for _, k := range train[i].ngrams {
			if !seen[k] {
				seen[k] = true
				df[k]++
			}
		}
	}
	var vocab []string
	for k, n := range df {
		if n >= o.minCount {
			vocab = append(vocab, k)
		}
	}
	sort.Strings(vocab)
	ids := make(map[string]int32, len(vocab))
	for i, k := range vocab {
		ids[k] = int32(i)
	}
	for i := range train {
		for _, k := range train[i].ngrams {
			if id, ok := ids[k]; ok {
				train[i].ids = append(train[i].ids, id)
			}
		}
	}
	fmt.Fprintf(out, "training: %d sentences, %d hand features, %d n-grams\n", len(train), len(extract.FeatureNames), len(vocab))

	nh := len(extract.FeatureNames)
	dim := nh + len(vocab)
	totalW := 0.0
	for i := range train {
		totalW += train[i].weight
	}
	// grad returns the gradient of the mean weighted log loss plus the L2
	// term at theta.
	grad := func(theta, g []float64) {
		clear(g)
		m := model{vocab: vocab}
		copy(m.hand[:], theta[:nh])
		m.ng = theta[nh:]
		for i := range train {
			e := &train[i]
			r := e.weight * (sigmoid(m.z(e)) - e.y) / totalW
			for k, v := range e.hand {
				g[k] += r * v
			}
			for _, id := range e.ids {
				g[nh+int(id)] += r
			}
		}
		for k := 1; k < dim; k++ { // no penalty on the bias
			g[k] += o.l2 * theta[k]
		}
	}
	L := lipschitz(train, nh, dim, totalW) + o.l2
	step := 1 / L
	theta := make([]float64, dim)
	y := make([]float64, dim)
	next := make([]float64, dim)
	g := make([]float64, dim)
	t := 1.0
	for it := 0; it < o.iters; it++ {
		grad(y, g)
		for k := range next {
			v := y[k] - step*g[k]
			if k >= nh { // soft threshold: the L1 penalty on n-grams
				switch {
				case v > step*o.l1:
					v -= step * o.l1
				case v < -step*o.l1:
					v += step * o.l1
				default:
					v = 0
				}
			}
			next[k] = v
		}
		tn := (1 + math.Sqrt(1+4*t*t)) / 2
		// Restart the momentum when it points uphill (O'Donoghue and Candès).
		dot := 0.0
		for k := range next {
			dot += (y[k] - next[k]) * (next[k] - theta[k])
		}
		if dot > 0 {
			tn = 1
		}
		for k := range y {
			y[k] = next[k] + (t-1)/tn*(next[k]-theta[k])
		}
		theta, next = next, theta
		t = tn
	}
	m := &model{vocab: vocab, ng: theta[nh:]}
	copy(m.hand[:], theta[:nh])
	return m
}

// lipschitz bounds the curvature of the mean weighted log loss: a quarter of
// the largest eigenvalue of X'WX/sum(w), by power iteration.
func lipschitz(train []example, nh, dim int, totalW float64) float64 {
	v := make([]float64, dim)
	for k := range v {
		v[k] = 1 / math.Sqrt(float64(dim))
	}
	w := make([]float64, dim)
	lambda := 0.0
	for it := 0; it < 50; it++ {
		clear(w)
		for i := range train {
			e := &train[i]
			xv := 0.0
			for k, x := range e.hand {
				xv += x * v[k]
			}
			for _, id := range e.ids {
				xv += v[nh+int(id)]
			}
			xv *= e.weight / totalW
			for k, x := range e.hand {
				w[k] += x * xv
			}
			for _, id := range e.ids {
				w[nh+int(id)] += xv
			}
		}
		norm := 0.0
		for _, x := range w {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		lambda = norm
		for k := range v {
			v[k] = w[k] / norm
		}
	}
	return lambda / 4
}

// prepare maps an example's n-grams to the model's vocabulary.
func (m *model) prepare(ex []example) {
	ids := make(map[string]int32, len(m.vocab))
	for i, k := range m.vocab {
		ids[k] = int32(i)
	}
	for i := range ex {
		ex[i].ids = ex[i].ids[:0]
		for _, k := range ex[i].ngrams {
			if id, ok := ids[k]; ok {
				ex[i].ids = append(ex[i].ids, id)
			}
		}
	}
}

// bestThreshold picks the probability threshold for ex: the middle of the
// range of thresholds whose F1 is within 0.01 of the best. F1 is flat near
// its peak, and the arg max alone moves with every small change of the
// model; the middle of the plateau does not.
func bestThreshold(m *model, ex []example) float64 {
	m.prepare(ex)
	var thrs, f1s []float64
	bestF1 := 0.0
	for k := 20; k <= 80; k++ {
		thr := float64(k) / 100
		var tp, fp, fn int
		for i := range ex {
			got := sigmoid(m.z(&ex[i])) >= thr
			switch {
			case got && ex[i].y == 1:
				tp++
			case got:
				fp++
			case ex[i].y == 1:
				fn++
			}
		}
		f := f1(tp, fp, fn)
		thrs, f1s = append(thrs, thr), append(f1s, f)
		bestF1 = max(bestF1, f)
	}
	lo, hi := -1.0, 0.0
	for i, f := range f1s {
		if f >= bestF1-0.01 {
			if lo < 0 {
				lo = thrs[i]
			}
			hi = thrs[i]
		}
	}
	return math.Round((lo+hi)/2*100) / 100
}

func f1(tp, fp, fn int) float64 {
	if tp == 0 {
		return 0
	}
	p := float64(tp) / float64(tp+fp)
	r := float64(tp) / float64(tp+fn)
	return 2 * p * r / (p + r)
}

func (m *model) evaluate(ex []example) string {
	m.prepare(ex)
	var tp, fp, fn int
	for i := range ex {
		got := m.z(&ex[i]) >= 0
		switch {
		case got && ex[i].y == 1:
			tp++
		case got:
			fp++
		case ex[i].y == 1:
			fn++
		}
	}
	return fmt.Sprintf("F1 %.3f (tp %d, fp %d, fn %d, %d sentences)", f1(tp, fp, fn), tp, fp, fn, len(ex))
}

// kept lists the vocabulary indexes with a weight that survived rounding.
func (m *model) kept() []int {
	var out []int
	for i, w := range m.ng {
		if round(w) != 0 {
			out = append(out, i)
		}
	}
	return out
}

// round keeps four significant decimals: enough for the model, and stable
// text in the generated file.
func round(w float64) float64 { return math.Round(w*1e4) / 1e4 }

func (m *model) source(o options) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by cwtrain; DO NOT EDIT.\n\n")
	fmt.Fprintf(&b, "package extract\n\n")
	fmt.Fprintf(&b, "// Trained on %s", filepath.Base(o.train))
	if o.news != "" {
		fmt.Fprintf(&b, " and the news articles in %s (weight %g)", filepath.ToSlash(o.news), o.newsWeight)
	}
	fmt.Fprintf(&b, ";\n// threshold %.2f from %s, folded into the bias; l1 %g, l2 %g, min-count %d,\n// %d iterations.\n\n",
		m.threshold, filepath.Base(o.dev), o.l1, o.l2, o.minCount, o.iters)
	b.WriteString("var trainedFeatures = Features{\n")
	for i, name := range extract.FeatureNames {
		fmt.Fprintf(&b, "\t%s: %s,\n", constName(name), formatWeight(m.hand[i]))
	}
	b.WriteString("}\n\nvar trainedNGrams = []ngramWeight{\n")
	for _, i := range m.kept() {
		fmt.Fprintf(&b, "\t{%q, %s},\n", m.vocab[i], formatWeight(m.ng[i]))
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

func formatWeight(w float64) string {
	w = round(w)
	if w == 0 {
		return "0"
	}
	return fmt.Sprintf("%.4f", w)
}

// constName turns a feature name into its constant: "first_person" is
// fFirstPerson.
func constName(name string) string {
	var b strings.Builder
	b.WriteString("f")
	for _, part := range strings.Split(name, "_") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// crossValidate fits k models, each without one fold of the news articles
// (articles i, i+k, ...), and scores the left-out sentences: an honest
// estimate of how the settings do on news the model has not seen.
func crossValidate(ct, dev []example, o options, k int, out io.Writer) error {
	news, err := readNews(o.news, o.newsWeight)
	if err != nil {
		return err
	}
	var tp, fp, fn int
	devF1 := 0.0
	for fold := 0; fold < k; fold++ {
		train := append([]example(nil), ct...)
		var held []example
		for _, e := range news {
			if e.doc%k == fold {
				held = append(held, e)
			} else {
				train = append(train, e)
			}
		}
		for i := range train {
			train[i].ids = nil
		}
		m := fit(train, o, io.Discard)
		thr := bestThreshold(m, dev)
		m.hand[0] -= math.Log(thr / (1 - thr))
		var dtp, dfp, dfn int
		for i := range dev {
			got := m.z(&dev[i]) >= 0
			switch {
			case got && dev[i].y == 1:
				dtp++
			case got:
				dfp++
			case dev[i].y == 1:
				dfn++
			}
		}
		devF1 += f1(dtp, dfp, dfn) / float64(k)
		m.prepare(held)
		for i := range held {
			got := m.z(&held[i]) >= 0
			switch {
			case got && held[i].y == 1:
				tp++
			case got:
				fp++
			case held[i].y == 1:
				fn++
			}
		}
	}
	p := float64(tp) / float64(max(1, tp+fp))
	r := float64(tp) / float64(max(1, tp+fn))
	fmt.Fprintf(out, "news-weight %g l1 %g l2 %g: held-out news sentences precision %.3f recall %.3f F1 %.3f (tp %d, fp %d, fn %d); CheckThat! dev F1 %.3f\n",
		o.newsWeight, o.l1, o.l2, p, r, f1(tp, fp, fn), tp, fp, fn, devF1)
	return nil
}
