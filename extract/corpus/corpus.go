// Package corpus reads labelled text for the commands that train and evaluate
// the extractor: the news articles in extract/testdata/news and the CheckThat!
// check-worthiness files. It parses what it is given; reading files is left to
// the commands.
package corpus

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Labels of a news sentence.
const (
	Yes         = 'Y' // check-worthy
	No          = 'N' // story text, not check-worthy
	Boilerplate = 'B' // page furniture
)

// Sentence is one labelled sentence; Start and End are code point offsets
// into its article's Text.
type Sentence struct {
	Label      byte
	Start, End int
	Text       string
	Line       int // line in the source file, for messages
}

// Article is a labelled article with its text rebuilt from the sentences.
type Article struct {
	Name      string
	Kind      string // from a "# kind:" line
	Text      string
	Sentences []Sentence
}

// Parse reads the label format (see extract/testdata/news/README.md):
//
//	# comment, or "# kind: wire report"
//	Y A check-worthy sentence.
//	N A sentence that is not.       (same paragraph: joined by one space)
//	|                               (a line break)
//	B Advertisement
//	                                (an empty line: a paragraph break)
//
// The article text is the sentences joined as the markers say, so offsets
// are those of a real text, not of the file.
func Parse(name string, data []byte) (Article, error) {
	a := Article{Name: name}
	if !utf8.Valid(data) {
		return a, fmt.Errorf("%s: not valid UTF-8", name)
	}
	var b strings.Builder
	cp := 0 // code points written so far
	sep := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		l := strings.TrimRight(sc.Text(), " \t\r")
		switch {
		case strings.HasPrefix(l, "#"):
			if k, ok := strings.CutPrefix(l, "# kind:"); ok {
				a.Kind = strings.TrimSpace(k)
			}
			continue
		case l == "":
			if b.Len() > 0 {
				sep = "\n\n"
			}
			continue
		case l == "|":
			if b.Len() > 0 && sep != "\n\n" {
				sep = "\n"
			}
			continue
		}
		if len(l) < 3 || l[1] != ' ' || (l[0] != Yes && l[0] != No && l[0] != Boilerplate) {
			return a, fmt.Errorf("%s:%d: a line must start with Y, N or B and a space, or be empty, '|' or a # comment", name, line)
		}
		text := l[2:]
		if strings.TrimSpace(text) != text || text == "" {
			return a, fmt.Errorf("%s:%d: sentence has surrounding spaces", name, line)
		}
		if b.Len() > 0 && sep == "" {
			sep = " "
		}
		b.WriteString(sep)
		cp += utf8.RuneCountInString(sep)
		sep = ""
		n := utf8.RuneCountInString(text)
		a.Sentences = append(a.Sentences, Sentence{Label: l[0], Start: cp, End: cp + n, Text: text, Line: line})
		b.WriteString(text)
		cp += n
	}
	if err := sc.Err(); err != nil {
		return a, fmt.Errorf("%s: %w", name, err)
	}
	if len(a.Sentences) == 0 {
		return a, fmt.Errorf("%s: no sentences", name)
	}
	a.Text = b.String()
	return a, nil
}

// Example is one CheckThat! sentence.
type Example struct {
	ID   string
	Text string
	Yes  bool
}

// ReadCheckThat reads a CheckThat! 2024 task 1 TSV file: a header, then
// Sentence_id, Text and class_label (Yes or No, sometimes with trailing
// spaces) separated by tabs.
func ReadCheckThat(r io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var out []Example
	line := 0
	for sc.Scan() {
		line++
		if line == 1 {
			continue // header
		}
		l := strings.TrimRight(sc.Text(), "\r")
		if l == "" {
			continue
		}
		f := strings.Split(l, "\t")
		if len(f) < 3 || len(f)%2 == 0 {
			return nil, fmt.Errorf("line %d: want 3 tab-separated fields, got %d", line, len(f))
		}
		// A few rows lost the line break before the next row, which then
		// starts right after the label: "No29286\tYou can't ...\tNo".
		id := f[0]
		for k := 1; k+1 < len(f); k += 2 {
			label, nextID := splitLabel(f[k+1])
			if (k+2 < len(f)) != (nextID != "") {
				return nil, fmt.Errorf("line %d: label %q is neither Yes nor No", line, f[k+1])
			}
			var yes bool
			switch label {
			case "Yes":
				yes = true
			case "No":
			default:
				return nil, fmt.Errorf("line %d: label %q is neither Yes nor No", line, f[k+1])
			}
			out = append(out, Example{ID: id, Text: unquote(strings.TrimSpace(f[k])), Yes: yes})
			id = nextID
		}
	}
	return out, sc.Err()
}

// splitLabel splits "No29286" into the label and the id run into it.
func splitLabel(s string) (label, nextID string) {
	s = strings.TrimSpace(s)
	for _, l := range []string{"Yes", "No"} {
		if rest, ok := strings.CutPrefix(s, l); ok {
			for i := 0; i < len(rest); i++ {
				if rest[i] < '0' || rest[i] > '9' {
					return s, ""
				}
			}
			return l, rest
		}
	}
	return s, ""
}

// Overlap returns how many code points [s1,e1) and [s2,e2) share.
func Overlap(s1, e1, s2, e2 int) int {
	return max(0, min(e1, e2)-max(s1, s2))
}

// Covered reports whether the ranges [starts[i], ends[i]) cover more than
// half of the sentence: how a claim that was cut or joined differently from
// the labels still counts as finding the sentence.
func (s Sentence) Covered(starts, ends []int) bool {
	n := 0
	for i := range starts {
		n += Overlap(s.Start, s.End, starts[i], ends[i])
	}
	return 2*n > s.End-s.Start
}

// unquote undoes CSV quoting, which about half of the rows carry: the text
// wrapped in double quotes, with inner quotes doubled.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return s
}
