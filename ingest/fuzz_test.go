package ingest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// fuzzNames covers every way Parse reads its input.
var fuzzNames = []string{"", "-", "a.txt", "a.md", "a.html", "a.exe"}

// FuzzParse checks the invariants stored bodies rely on: whatever the
// input, Parse does not panic, fails only with one of its sentinel errors,
// and on success returns valid UTF-8 without NUL or CR that Normalize
// leaves as it is (claim offsets must never shift after storage).
//
//	go test ./ingest -run '^$' -fuzz FuzzParse -fuzztime 20s -fuzzminimizetime 2s
//
// A short -fuzzminimizetime matters: minimizing the large seeds otherwise
// takes up to a minute each and shows as "0/sec" in the progress lines.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"plain text\r\nwith CRLF\rand CR",
		"\uFEFF# Title\n\nbody “quoted” — 東京",
		"---\ntitle: x\n---\n",
		"a\x00b",
		"%PDF-1.4",
		"caf\xe9",
		"\xff\xfeh\x00",
		"a\x0c\x1b[31m\u009b",
		page,
		"<!doctype html><title>t</title><p>a&nbsp;b&#13;&#0;&#1;</p><pre>\n x\r\n</pre>",
		"<html><body><article><p>a</p></article><main>b</main><svg><script>x</script></svg>",
		strings.Repeat("<div>", 600) + "deep",
		"<table><tr><td>a<td>b<tr><td>c</table><br><br>d<li>e",
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	// Seeds go to names in turn; these are read as Markdown.
	md := uint8(slices.Index(fuzzNames, "a.md"))
	for _, s := range []string{
		article,
		"> - a\n>   ```\n>   *x*\n> ```\n>> b\nlazy\n\n- - -\n1) c\n   2. d\n\n      e",
		"*a **b*** _c_ ~~d~~ ~e~ `f` ``g`` <h i=\"j\">k</h> <!-- l --> &amp;&#x201C;&bogus; \\*m\\*",
		"[a][b] [c][] [d] ![e](f \"g\") [h](<i j> 'k') [l](m(n)o)\n\n[b]: /x\n[c]: <y> (z)\n[D]: /w",
		"| a | b |\n|:--|--:|\n| `c\\|d` | **e** | f |\ng\n\nSetext\n===\n# ATX #\n***",
		"<div>\n<script>\n\n</script>\n<!--\n\n-->\n<pre>\n  x\n</pre>\n\n<a b='<'>\n",
		"[a](" + strings.Repeat("(", 40) + "\n[b]: <c\n" + strings.Repeat("> ", 30) + "`" + strings.Repeat("*", 7),
	} {
		f.Add(md, []byte(s))
	}
	f.Fuzz(func(t *testing.T, k uint8, data []byte) {
		name := fuzzNames[int(k)%len(fuzzNames)]
		doc, err := Parse(name, data, 1<<16)
		if err != nil {
			for _, sentinel := range []error{ErrEmpty, ErrBinary, ErrInvalidUTF8, ErrTooLarge, ErrUnsupportedType} {
				if errors.Is(err, sentinel) {
					return
				}
			}
			t.Fatalf("Parse(%q) returned an unknown error: %v", name, err)
		}
		if doc.Body == "" {
			t.Fatal("empty body without ErrEmpty")
		}
		for what, s := range map[string]string{"title": doc.Title, "body": doc.Body} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", what, s)
			}
			if strings.ContainsAny(s, "\x00\r") {
				t.Fatalf("%s contains NUL or CR: %q", what, s)
			}
			if n := Normalize(s); n != s {
				t.Fatalf("%s is not normalized:\n%q\n%q", what, s, n)
			}
		}
		if strings.Contains(doc.Title, "\n") {
			t.Fatalf("title has a line break: %q", doc.Title)
		}
	})
}

// FuzzNormalize checks Normalize alone, since pasted text goes through it
// directly: idempotent, and no CR or control characters but tab and LF.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "a\r\nb", "\uFEFF \uFEFFx", "\x00\x1b\x7f\u0085\u009f", " \t\n", "a\xffb\xc2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if again := Normalize(n); again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, again)
		}
		for _, r := range n {
			if (r < 0x20 && r != '\t' && r != '\n') || (r >= 0x7F && r <= 0x9F) {
				t.Fatalf("control %U left in %q", r, n)
			}
		}
		if utf8.ValidString(s) && utf8.RuneCountInString(n) > utf8.RuneCountInString(s) {
			t.Fatalf("output grew: %q -> %q", s, n)
		}
	})
}
