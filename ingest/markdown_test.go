package ingest

import (
	"errors"
	"strings"
	"testing"
)

// Markdown goes in as the text a reader sees: claims quote the article,
// never its markup.
func TestParseMarkdown(t *testing.T) {
	tests := []struct {
		label, in, title, body string
	}{
		{"emphasis and links", "The port authority said **64 ships** were held, according to [shipping agents](https://example.org/agents).",
			"", "The port authority said 64 ships were held, according to shipping agents."},
		{"quote marks", "> “We lost about $12 million,” said the owner.\n>\n> Second paragraph.",
			"", "“We lost about $12 million,” said the owner.\n\nSecond paragraph."},
		{"image dropped", "![Cranes at the port](cranes.jpg)\n\nText.", "", "Text."},
		{"headings", "# Port strike ends\n\n## What happened\n\nText.", "Port strike ends", "Port strike ends\n\nWhat happened\n\nText."},
		{"lists", "Intro:\n\n- one\n- two\n  1. two a\n\nEnd.", "", "Intro:\n\none\ntwo\ntwo a\n\nEnd."},
		{"code kept as written", "Run `make test`:\n\n```\nflow = 12.5\n  level = 3\n```", "", "Run make test:\n\nflow = 12.5\n  level = 3"},
		{"escapes and entities", `5 \* 3 &amp; 2 &lt;b&gt; \_x\_`, "", "5 * 3 & 2 <b> _x_"},
		{"snake case stays", "the file_name_here holds 4 rows", "", "the file_name_here holds 4 rows"},
		{"line breaks", "soft\nwrap and hard  \nbreak", "", "soft wrap and hard\nbreak"},
		{"table", "| Year | Count |\n|---|---|\n| 2024 | 5 |", "", "Year Count\n2024 5"},
		{"strikethrough keeps words", "It was ~~40~~ 42.", "", "It was 40 42."},
		{"raw html: tags and comments go, their text stays", "Text.\n\n<div class=\"note\">Figures are <b>provisional</b>.</div>\n\n<!-- note -->\n\nMore.",
			"", "Text.\n\nFigures are provisional.\n\nMore."},
		{"autolink", "See <https://example.org/a>.", "", "See https://example.org/a."},
		{"thematic break", "One.\n\n---\n\nTwo.", "", "One.\n\nTwo."},

		// Emphasis marks go only when they pair.
		{"emphasis kinds", "*a* _b_ **c** __d__ ***e*** ~f~ ~~g~~", "", "a b c d e f g"},
		{"emphasis inside a word", "un*frigging*believable", "", "unfriggingbelievable"},
		{"marks that pair with nothing stay", "a * b, 2 ** 3, *alone, snake_case_name and x_y_z, ~~~ and ~approx", "",
			"a * b, 2 ** 3, *alone, snake_case_name and x_y_z, ~~~ and ~approx"},
		{"unclosed emphasis", "**not closed and _this", "", "**not closed and _this"},
		{"rule of three", "*foo**bar*", "", "foo**bar"},
		{"nested emphasis", "***strong* and em** _a __b__ c_", "", "strong and em a b c"},
		{"curly quotes and other scripts", "“Ja,” sagte sie — *東京*で「テスト」。 Ελλάδα 5\u00a0km", "",
			"“Ja,” sagte sie — 東京で「テスト」。 Ελλάδα 5\u00a0km"},
		{"emphasis next to curly quotes", "He said “*never*” and *“always”*.", "", "He said “never” and “always”."},

		// Blocks.
		{"paragraph lines join", "plain text\nwith lines\n\nNext  paragraph.", "", "plain text with lines\n\nNext paragraph."},
		{"ordered lists", "1. one\n2. two\n\n3) three", "", "one\ntwo\n\nthree"},
		{"plus bullets", "+ a\n+ b", "", "a\nb"},
		{"loose list", "- a\n\n- b\n\n  more b\n\nAfter.", "", "a\nb\nmore b\n\nAfter."},
		{"item continued lazily", "- a long item\nwrapped here\n- b", "", "a long item wrapped here\nb"},
		{"a year starting a line goes on with the sentence", "The strike began in\n1984. It ended in 1985.", "",
			"The strike began in 1984. It ended in 1985."},
		{"a number with a stop is a list mark only before a blank", "1.5 million people\n\n2024. A year", "", "1.5 million people\n\nA year"},
		{"nested blockquotes", "> a\n>> b\n> > > c\n\nd", "", "a\n\nb\n\nc\n\nd"},
		{"lazy quote line", "> a\nb", "", "a b"},
		{"quote holding a list", "> - a\n> - b\n>\n> c", "", "a\nb\n\nc"},
		{"list holding a quote", "- a\n\n  > b\n- c", "", "a\nb\nc"},
		{"setext h2 and breaks", "Title\n---\nText\n\n- - -\n\n***\n___\nMore", "Title", "Title\n\nText\n\nMore"},
		{"atx closing marks", "## Heading ##\n### Not closed#\n#hashtag and #5", "Heading", "Heading\n\nNot closed#\n\n#hashtag and #5"},
		{"fence with info string", "~~~python\nx = `a`  # *not* emphasis\n~~~\n\nAfter.", "", "x = `a`  # *not* emphasis\n\nAfter."},
		{"unclosed fence runs to the end", "```\ncode\n\nmore *x*", "", "code\n\nmore *x*"},
		{"fence in a list item", "- a\n\n  ```\n  code\n    indented\n  ```\n- b", "", "a\ncode\n  indented\nb"},
		{"fence in a quote", "> ```\n> x\n>   y\n> ```\n\nz", "", "x\n  y\n\nz"},
		{"quote ends its fence", "> ```\n> x\ny", "", "x\n\ny"},

		// Inline.
		{"code spans", "``a ` b`` and ` c ` and `unclosed", "", "a ` b and c and `unclosed"},
		{"code span holds marks", "`*a* [b](c) &amp;`", "", "*a* [b](c) &amp;"},
		{"escapes", `\[not a link\](x) \# \\ and \`, "", `[not a link](x) # \ and \`},
		{"entities", "&copy; &#8212; &#x201C;q&#x201D; &nosuch; &amp AT&T &ampx;", "", "© — “q” &nosuch; &amp AT&T &ampx;"},
		{"links of every form",
			"[inline](http://x.org \"Title\") [pointy](<a b.html>) [parens](http://x.org/a_(b)) [ref][id] [collapsed][] [shortcut] [Case  Insensitive]\n\n" +
				"[id]: http://x.org\n[collapsed]: http://y.org 'T'\n[shortcut]: <http://z.org>\n[case insensitive]: /c",
			"", "inline pointy parens ref collapsed shortcut Case Insensitive"},
		{"undefined references stay", "[not defined] and [a][nope] and [x]: stays", "", "[not defined] and [a][nope] and [x]: stays"},
		{"definition before text", "[a]: http://x.org\nText after [a].", "", "Text after a."},
		{"definition with its title on the next line", "[a]: /url\n  \"Title\"\n\n[a]", "", "a"},
		{"emphasis in links", "[**bold** link](x) and *[em link](y)*", "", "bold link and em link"},
		{"images of every form", "said ![x](y.png \"t\"). ![ref][img] [![badge](b.svg)](https://ci)\n\n[img]: i.png", "", "said."},
		{"image holding a link goes whole", "![a [b](c) d](e.png) text", "", "text"},
		{"no links in links", "[a [b](c) d](e)", "", "[a b d](e)"},
		{"link text with brackets", "[a [b] c](d)", "", "a [b] c"},
		{"autolinks", "<https://example.org/a?b=c> <mail@example.org> <3 and a < b", "",
			"https://example.org/a?b=c mail@example.org <3 and a < b"},
		{"inline html", "The <em>council</em> said<br>it <span title=\"a>b\">agreed</span> <!-- note -->today.", "",
			"The council said\nit agreed today."},
		{"inline script dropped", "a <script>x('*')</script>b <style>p{}</style>c", "", "a b c"},
		{"html block", "<div>\n<p>One</p>\n<p>Two &amp; three</p>\n</div>\n\nAfter.", "", "One\n\nTwo & three\n\nAfter."},
		{"script block across blank lines", "<script>\nvar a = '*x*';\n\nvar b;\n</script>\n\nText.", "", "Text."},
		{"comment block across blank lines", "<!--\nhidden\n\nstill hidden\n-->\nText.", "", "Text."},
		{"markdown between html blocks", "<aside>\n\n**Read** more\n\n</aside>", "", "Read more"},
		{"table cells", "| Name | Note |\n|:-----|-----:|\n| **Ann** | a \\| b |\n| Bob | c | extra |\nlazy row\n\nText.", "",
			"Name Note\nAnn a | b\nBob c\nlazy row\n\nText."},
		{"table after paragraph lines", "Intro line\n| a | b |\n|---|---|\n| 1 | 2 |", "", "Intro line\n\na b\n1 2"},
		{"no table without a matching head", "a | b\n--- | --- | ---", "", "a | b --- | --- | ---"},
		{"hard breaks", "a  \nb\\\nc<br/>d", "", "a\nb\nc\nd"},
		{"no break at the end", "end  \n\nnext\\", "", "end\n\nnext\\"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse("a.md", []byte(tt.in), 0)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Body != tt.body {
				t.Errorf("body = %q, want %q", doc.Body, tt.body)
			}
			if tt.title != "" && doc.Title != tt.title {
				t.Errorf("title = %q, want %q", doc.Title, tt.title)
			}
			checkDoc(t, doc)
		})
	}
	for _, in := range []string{
		"![only](a.png)\n\n<!-- x -->",
		"---\ntitle: x\n---\n",
		"<script>x()</script>",
		"[a]: http://x.org",
		"***\n\n---",
	} {
		_, err := Parse("a.md", []byte(in), 0)
		if !errors.Is(err, ErrEmpty) {
			t.Errorf("Markdown without text %q: err = %v, want ErrEmpty", in, err)
			continue
		}
		checkMessage(t, err)
	}
}

// article is a news story as a Markdown file would carry it.
const article = `---
layout: post
date: 2025-03-04
---

# Port strike ends after 12 days as dockers accept 9% pay rise

*By Jane Doe, Transport Correspondent* · 4 March 2025

![Idle cranes at the container terminal](https://example.org/img/cranes.jpg "Cranes")
*Cranes stood idle at the Northgate terminal on Monday. Photo: J. Smith/Reuters*

The 12-day strike at the **Port of Northgate** ended on Tuesday after dock workers voted
to accept a 9% pay rise, the union said, clearing the way for some 64 ships that had
been held at anchor to unload.

> “We lost about $12 million a day,” said Maria Okafor, chief executive of the
> [Northgate Port Authority](https://example.org/npa). “That money is not coming back.”

The deal, reached late on Monday, includes:

- a 9% rise this year and 4% in 2026;
- a cap of **48 hours** a week, down from 56;
- a review of night-shift _safety rules_ by June.

According to [figures from the port authority][npa-data], the backlog of
containers peaked at 41,000 on Sunday — more than [three times the usual
level](https://example.org/levels "Typical levels") — while [shipping agents] said
freight rates from the port had risen by as much as 30%. Analysts at
[Harbour Economics](https://harbour.example.com/) put the cost to the wider
economy at &pound;150 million.

## What happens next

1. Ships will be unloaded in the order they arrived.
2. Overtime is banned until the backlog clears, the union said.

| Week | Ships waiting |
|------|--------------:|
| 1    | 23            |
| 2    | 64            |

"Nobody wins a strike like this," said union organiser Tom Reyes.<br>
Reyes said 1,200 members took part in the vote, of whom 87% backed the deal.

---

*Additional reporting by Sam Lee.*

[npa-data]: https://example.org/npa/data.csv "NPA data"
[shipping agents]: https://example.org/agents
`

func TestParseMarkdownArticle(t *testing.T) {
	doc, err := Parse("port-strike.md", []byte(article), 0)
	if err != nil {
		t.Fatal(err)
	}
	const title = "Port strike ends after 12 days as dockers accept 9% pay rise"
	const body = title + "\n\n" +
		"By Jane Doe, Transport Correspondent · 4 March 2025\n\n" +
		"Cranes stood idle at the Northgate terminal on Monday. Photo: J. Smith/Reuters\n\n" +
		"The 12-day strike at the Port of Northgate ended on Tuesday after dock workers voted to accept a 9% pay rise, " +
		"the union said, clearing the way for some 64 ships that had been held at anchor to unload.\n\n" +
		"“We lost about $12 million a day,” said Maria Okafor, chief executive of the Northgate Port Authority. " +
		"“That money is not coming back.”\n\n" +
		"The deal, reached late on Monday, includes:\n\n" +
		"a 9% rise this year and 4% in 2026;\n" +
		"a cap of 48 hours a week, down from 56;\n" +
		"a review of night-shift safety rules by June.\n\n" +
		"According to figures from the port authority, the backlog of containers peaked at 41,000 on Sunday — " +
		"more than three times the usual level — while shipping agents said freight rates from the port had risen " +
		"by as much as 30%. Analysts at Harbour Economics put the cost to the wider economy at £150 million.\n\n" +
		"What happens next\n\n" +
		"Ships will be unloaded in the order they arrived.\n" +
		"Overtime is banned until the backlog clears, the union said.\n\n" +
		"Week Ships waiting\n1 23\n2 64\n\n" +
		"\"Nobody wins a strike like this,\" said union organiser Tom Reyes.\n" +
		"Reyes said 1,200 members took part in the vote, of whom 87% backed the deal.\n\n" +
		"Additional reporting by Sam Lee."
	if doc.Title != title {
		t.Errorf("title = %q, want %q", doc.Title, title)
	}
	if doc.Body != body {
		t.Errorf("body =\n%s\n--- want ---\n%s", doc.Body, body)
	}
}

// hostile are inputs that make parsers which rescan text take time
// quadratic (or worse) in their size. Each is built to about n bytes.
func hostile(n int) []struct{ name, in string } {
	rep := func(s string) string { return strings.Repeat(s, max(n/len(s), 1)) }
	var ticks, lists strings.Builder
	for k := 1; ticks.Len() < n; k++ {
		ticks.WriteString("a")
		ticks.WriteString(strings.Repeat("`", k))
	}
	for k := 0; lists.Len() < n; k++ {
		lists.WriteString(strings.Repeat("  ", k))
		lists.WriteString("- a\n")
	}
	return []struct{ name, in string }{
		{"quotes", rep("> ")},
		{"quote lines", rep("> > > a\n")},
		{"link openers", rep("[a](")},
		{"brackets", rep("[")},
		{"closing brackets", rep("]")},
		{"emphasis openers", rep("*a")},
		{"backticks", rep("`")},
		{"backticks in text", "a" + rep("`")},
		{"intraword underscores", rep("a_")},
		{"image openers", rep("![")},
		{"tag openers", rep("<a ")},
		{"tag attributes", rep(`<a b="`)},
		{"comments", rep("<!--")},
		{"script tags", rep("<script>")},
		{"html block", "<div>\n" + rep("<a ")},
		{"table cells", rep("| a ")},
		{"table rows", "| a | b |\n|---|---|\n" + rep("| a | b |\n")},
		{"nested emphasis", rep("*a _b ") + rep("c_ d* ")},
		{"mixed emphasis closers", rep("_a ") + rep("a* ")},
		{"strong openers", rep("**a ")},
		{"backtick runs", ticks.String()},
		{"nested lists", lists.String()},
		{"list marks", rep("- 1. + ") + "a"},
		{"link destinations", rep("[a](b(")},
		{"nested link parens", rep("[a](b") + rep(")")},
		{"link titles", rep(`[a](b "`)},
		{"pointy destinations", rep("[a](<b")},
		{"reference labels", rep("[a][b")},
		{"long labels", rep("[" + strings.Repeat("a", 990) + "]")},
		{"entities", rep("&#")},
		{"autolinks", rep("<http:a")},
		{"escapes", rep(`\`)},
		{"hard breaks", rep("a  \n")},
		{"fences", rep("```\n")},
	}
}

// The hostile inputs read correctly; BenchmarkMarkdownHostile times them.
func TestMarkdownHostile(t *testing.T) {
	for _, h := range hostile(16 << 10) {
		doc, err := Parse("a.md", []byte(h.in), 0)
		if err != nil && !errors.Is(err, ErrEmpty) {
			t.Errorf("%s: %v", h.name, err)
		}
		checkDoc(t, doc)
	}
	// Text that pairs with nothing comes out as it went in.
	for _, s := range []string{"[a](", "[", "*a ", "a_", "![", "<a ", "[a](b(", "&#"} {
		in := strings.Repeat(s, 4000)
		doc, err := Parse("a.md", []byte(in), 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(in); doc.Body != want {
			t.Errorf("%q repeated: body starts %q", s, doc.Body[:min(40, len(doc.Body))])
		}
	}
}

// BenchmarkMarkdownHostile reads 1 MB of each hostile input. The ns/byte
// of every case should stay about that of an article: the reader is
// linear in its input.
//
//	go test ./ingest -run '^$' -bench MarkdownHostile
func BenchmarkMarkdownHostile(b *testing.B) {
	cases := append([]struct{ name, in string }{{"article", strings.Repeat(article, (1<<20)/len(article))}}, hostile(1<<20)...)
	for _, h := range cases {
		b.Run(strings.ReplaceAll(h.name, " ", "_"), func(b *testing.B) {
			data := []byte(h.in)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse("a.md", data, 0); err != nil && !errors.Is(err, ErrEmpty) {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(data)), "ns/byte")
		})
	}
}
