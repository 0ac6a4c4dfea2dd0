package anchor

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecodeShapes(t *testing.T) {
	annotation := `{"@context":"http://www.w3.org/ns/anno.jsonld","type":"Annotation","body":[{"type":"TextualBody","value":"disputed"}],
		"target":{"source":"https://example.org/a","selector":[
			{"type":"TextQuoteSelector","exact":"“Curly” — dash","prefix":"said ","suffix":" today"},
			{"type":"TextPositionSelector","start":4,"end":18},
			{"type":"CssSelector","value":"p:nth-child(2)"}]}}`
	cases := []struct {
		name string
		in   string
		n    int
	}{
		{"array", `[{"start":1,"end":3},{"text":"a b"}]`, 2},
		{"items object", `{"items":[{"exact":"x y z"}]}`, 1},
		{"one object", `{"exact":"x y z","kind":"quote"}`, 1},
		{"JSON Lines", "{\"text\":\"one\"}\n\n{\"text\":\"two\"}\r\n{\"text\":\"three\"}\n", 3},
		{"annotation", annotation, 1},
		{"BOM", "\ufeff[{\"text\":\"a\"}]", 1},
	}
	for _, tc := range cases {
		got, err := Decode([]byte(tc.in))
		if err != nil || len(got) != tc.n {
			t.Errorf("%s: %d items, %v", tc.name, len(got), err)
			continue
		}
		for i, d := range got {
			if d.Err != nil {
				t.Errorf("%s: item %d: %v", tc.name, i, d.Err)
			}
		}
	}
	got, _ := Decode([]byte(annotation))
	it := got[0].Item
	if it.Exact != "“Curly” — dash" || it.Prefix != "said " || it.Suffix != " today" || *it.Start != 4 || *it.End != 18 {
		t.Fatalf("annotation item = %+v", it)
	}
	// The classifying bodies' values, one body or a list; bodies of other
	// purposes, and members that are not objects, are passed over.
	for body, want := range map[string]string{
		`[{"type":"TextualBody","purpose":"assessing","value":"disputed"},{"type":"TextualBody","purpose":"classifying","value":" quantity "},` +
			`{"purpose":"moderating","value":"law"},"https://example.org/tag",{"purpose":"classifying","value":"other"}]`: "quantity|other",
		`{"purpose":"classifying","value":"event"}`:                                         "event",
		`"https://example.org/tag"`:                                                         "",
		`[{"purpose":"classifying","value":7},{"purpose":"commenting","value":"quantity"}]`: "",
	} {
		got, _ := Decode([]byte(`{"body":` + body + `,"target":{"selector":{"type":"TextQuoteSelector","exact":"abc"}}}`))
		if got[0].Err != nil || strings.Join(got[0].Item.Classes, "|") != want {
			t.Errorf("body %s: %+v, want classes %q", body, got[0], want)
		}
	}
	// A target given as a list, the Hypothesis way.
	got, _ = Decode([]byte(`{"target":[{"source":"x","selector":[{"type":"TextQuoteSelector","exact":"abc"}]}]}`))
	if got[0].Err != nil || got[0].Item.Exact != "abc" || got[0].Item.Start != nil {
		t.Fatalf("target list: %+v", got[0])
	}
}

func TestDecodeReportsEveryBadItem(t *testing.T) {
	in := strings.Join([]string{
		`{"text":"fine"}`,
		`{"start":"3","end":5}`,
		`{"start":1.5,"end":5}`,
		`not json`,
		`{"text":"x","score":7}`,
		`{"target":{"source":"https://example.org"}}`,
		`{"target":{"selector":{"type":"RangeSelector"}}}`,
		`{"target":{"selector":{"type":"TextQuoteSelector"}}}`,
		`{"target":{"selector":{"type":"TextPositionSelector","start":3}}}`,
		`[1,2]`,
		`{"kind":"` + strings.Repeat("k", 51) + `","text":"x"}`,
		`{"text":"x","Text":"y"}`,
	}, "\n")
	got, err := Decode([]byte(in))
	if err != nil || len(got) != 12 {
		t.Fatalf("%d items, %v", len(got), err)
	}
	wants := []string{"", "start must be a whole number", "start must be a whole number", "invalid JSON", "score", "no selector",
		"no TextQuoteSelector", "needs exact", "needs start and end", "not a claim object", "kind", `the key "Text" is given twice`}
	for i, w := range wants {
		switch {
		case w == "" && got[i].Err != nil:
			t.Errorf("item %d: %v", i, got[i].Err)
		case w != "" && (got[i].Err == nil || got[i].Err.Code != CodeInvalid || !strings.Contains(got[i].Err.Reason, w)):
			t.Errorf("item %d: %v, want %q", i, got[i].Err, w)
		}
	}
	for _, bad := range []string{"", "  ", "hello", "[{\"text\":\"caf\xe9\"}]", `[{"text":"caf\udce9"}]`, `[{"text":"a"}`, `{"items":{"text":"a"}}`, "[" + strings.Repeat(`{},`, MaxItems) + "{}]"} {
		if _, err := Decode([]byte(bad)); !errors.Is(err, ErrFormat) {
			t.Errorf("Decode(%.30q) = %v, want ErrFormat", bad, err)
		}
	}
}

// FuzzAnchor decodes arbitrary input as claims and anchors them on
// arbitrary text: no panic, and every placed claim is in range, on code
// point boundaries, and its Text is the text at its offsets.
func FuzzAnchor(f *testing.F) {
	f.Add(text, `[{"start":14,"end":20},{"text":"The council approved the plan."}]`)
	f.Add(text, `{"target":{"selector":[{"type":"TextQuoteSelector","exact":"approved the plan","prefix":"council ","suffix":"."},{"type":"TextPositionSelector","start":1,"end":900}]}}`)
	f.Add("“Prices” — rose 3.5%\n\nВ Москве", "{\"exact\":\"\\\"Prices\\\" - rose\"}\n{\"text\":\"Москве\"}")
	f.Add("abc abd abc", `{"items":[{"exact":"abc","prefix":"abd "},{"exact":"abx abd"}]}`)
	f.Add("caf\xe9 \xff", `{"start":0,"end":4}`)
	f.Fuzz(func(t *testing.T, body, input string) {
		items, err := Decode([]byte(input))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("Decode error not ErrFormat: %v", err)
			}
			return
		}
		d := NewDoc(body)
		runes := []rune(body)
		for _, it := range items {
			if it.Err != nil {
				if it.Err.Code == "" || it.Err.Reason == "" {
					t.Fatalf("error without code or reason: %+v", it.Err)
				}
				continue
			}
			m, err := d.Anchor(it.Item)
			if err != nil {
				var ae *Error
				if !errors.As(err, &ae) || ae.Code == "" || ae.Reason == "" {
					t.Fatalf("Anchor error is not an *Error with a reason: %v", err)
				}
				continue
			}
			if m.Start < 0 || m.End <= m.Start || m.End > len(runes) {
				t.Fatalf("placed at %d..%d in %d code points", m.Start, m.End, len(runes))
			}
			if utf8.ValidString(body) && m.Text != string(runes[m.Start:m.End]) {
				t.Fatalf("Text %q is not the text at %d..%d (%q)", m.Text, m.Start, m.End, string(runes[m.Start:m.End]))
			}
			quote := it.Item.Exact
			if quote == "" {
				quote = it.Item.Text
			}
			switch m.Method {
			case ByPosition:
				if *it.Item.Start != m.Start || *it.Item.End != m.End {
					t.Fatalf("position method moved %d..%d to %d..%d", *it.Item.Start, *it.Item.End, m.Start, m.End)
				}
			case ByQuote:
				if utf8.ValidString(body) && foldString(m.Text) != foldString(quote) {
					t.Fatalf("quote %q placed on %q", quote, m.Text)
				}
			case ByFuzzy:
				if m.Distance < 1 || m.Distance > maxErrors(utf8.RuneCountInString(quote)) {
					t.Fatalf("fuzzy match with %d edits for a quote of %d", m.Distance, utf8.RuneCountInString(quote))
				}
			default:
				t.Fatalf("unknown method %q", m.Method)
			}
		}
	})
}
