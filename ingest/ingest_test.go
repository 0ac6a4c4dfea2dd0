package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"factdesk/extract"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		label string
		name  string
		data  string
		max   int
		want  error
	}{
		{"empty", "a.txt", "", 0, ErrEmpty},
		{"empty paste", "", "", 0, ErrEmpty},
		{"whitespace only", "a.txt", " \r\n\t\n  \r ", 0, ErrEmpty},
		{"bom only", "a.md", "\uFEFF\n\n", 0, ErrEmpty},
		{"zero-width only", "a.txt", "\u200b\u200b\n\u200f\u2060", 0, ErrEmpty},
		{"zero-width paste", "", "\u200d \ufeff\u200e", 0, ErrEmpty},
		{"zero-width markdown", "a.md", "# \u200b\n\n\u200c", 0, ErrEmpty},
		{"zero-width html", "a.html", "<html><body><p>\u200b&#8203;</p></body></html>", 0, ErrEmpty},
		{"html without text", "a.html", "<html><body> <script>x()</script><nav>Home</nav> </body></html>", 0, ErrEmpty},
		{"nul bytes", "a.txt", "abc\x00\x01\x02def", 0, ErrBinary},
		{"single nul", "", "text\x00", 0, ErrBinary},
		{"pdf magic", "a.txt", "%PDF-1.7\n%âãÏÓ\n1 0 obj", 0, ErrBinary},
		{"png magic", "", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 0, ErrBinary},
		{"zip magic (docx renamed)", "a.txt", "PK\x03\x04\x14\x00\x06\x00", 0, ErrBinary},
		{"gzip magic", "a.md", "\x1f\x8b\x08\x00", 0, ErrBinary},
		{"jpeg magic", "a.html", "\xff\xd8\xff\xe0\x00\x10JFIF", 0, ErrBinary},
		{"many control chars", "a.txt", strings.Repeat("\x01\x02\x1bab", 20), 0, ErrBinary},
		{"latin-1 text", "a.txt", "caf\xe9 au lait", 0, ErrInvalidUTF8},
		{"invalid after bom", "a.txt", "\xef\xbb\xbfok\n\xff", 0, ErrInvalidUTF8},
		{"truncated rune", "", "end \xe2\x80", 0, ErrInvalidUTF8},
		{"utf-16 with bom", "a.txt", "\xff\xfeh\x00i\x00", 0, ErrInvalidUTF8},
		{"utf-16 without bom", "a.txt", "h\x00e\x00l\x00l\x00o\x00", 0, ErrInvalidUTF8},
		{"over limit", "a.txt", "hello world", 5, ErrTooLarge},
		{"over limit html", "a.html", "<p>hello</p>", 11, ErrTooLarge},
		{"exe", "setup.exe", "MZ", 0, ErrUnsupportedType},
		{"pdf extension", "report.pdf", "hello", 0, ErrUnsupportedType},
		{"docx", "story.docx", "hello", 0, ErrUnsupportedType},
		{"double extension", "story.txt.exe", "hello", 0, ErrUnsupportedType},
		{"compressed html", "page.html.gz", "hello", 0, ErrUnsupportedType},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse(tt.name, []byte(tt.data), tt.max)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Parse(%q) = %+v, %v; want %v", tt.name, doc, err, tt.want)
			}
			checkMessage(t, err)
		})
	}
}

// checkMessage asserts an error reads as a short sentence for users.
func checkMessage(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if r, _ := utf8.DecodeRuneInString(msg); !unicode.IsLower(r) {
		t.Errorf("message %q should start lowercase", msg)
	}
	for _, bad := range []string{"ingest", "%!", "\n", "nil", "<"} {
		if strings.Contains(msg, bad) {
			t.Errorf("message %q contains %q", msg, bad)
		}
	}
	if len(msg) > 120 {
		t.Errorf("message %q is too long", msg)
	}
}

func TestTooLargeNamesLimit(t *testing.T) {
	tests := []struct {
		max  int
		want string
	}{
		{0, "5 MB"},
		{10, "10 bytes"},
		{2 << 10, "2 KB"},
		{3 << 20, "3 MB"},
		{1536 << 10, "1.5 MB"},
	}
	for _, tt := range tests {
		size := tt.max + 1
		if tt.max == 0 {
			size = DefaultMaxBytes + 1
		}
		_, err := Parse("a.txt", bytes.Repeat([]byte("a"), size), tt.max)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("max %d: got %v, want ErrTooLarge naming %q", tt.max, err, tt.want)
		}
	}
	// At the limit exactly is fine.
	if _, err := Parse("a.txt", []byte("hello"), 5); err != nil {
		t.Errorf("at the limit: %v", err)
	}
}

func TestReadLimited(t *testing.T) {
	tests := []struct {
		in      string
		max     int
		wantErr error
	}{
		{"hello", 10, nil},
		{"hello", 5, nil},
		{"hello!", 5, ErrTooLarge},
		{"hello", 0, nil},
	}
	for _, tt := range tests {
		got, err := ReadLimited(strings.NewReader(tt.in), tt.max)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("ReadLimited(%q, %d) error = %v, want %v", tt.in, tt.max, err, tt.wantErr)
		}
		if err == nil && string(got) != tt.in {
			t.Errorf("ReadLimited(%q, %d) = %q", tt.in, tt.max, got)
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		label, in, want string
	}{
		{"bom", "\uFEFFhello", "hello"},
		{"bom after blank", " \uFEFF\uFEFFhello", "hello"},
		{"crlf", "a\r\nb\r\n", "a\nb"},
		{"lone cr", "a\rb\r\rc", "a\nb\n\nc"},
		{"cr then crlf", "a\r\r\nb", "a\n\nb"},
		{"trim document", "  \n\n text  \n\n", "text"},
		{"inner spacing kept", "a  b\t c \n\n\n d", "a  b\t c \n\n\n d"},
		{"form feed and escape", "a\x0cb\x1b[31mc\x7fd", "a b [31mc d"},
		{"c1 controls", "a\u009bb\u0085c", "a b c"},
		{"nul", "a\x00b", "a b"},
		{"curly quotes and dashes", "“Yes,” she said — it’s 40–50%.", "“Yes,” she said — it’s 40–50%."},
		{"non-latin", "Заголовок\n東京で「テスト」。 مرحبا", "Заголовок\n東京で「テスト」。 مرحبا"},
		{"zero width and bidi", "a\u200bb\u202ec\u2066d\u2069", "a\u200bb\u202ec\u2066d\u2069"},
		{"nbsp inside kept", "5\u00a0km", "5\u00a0km"},
		{"invalid bytes left alone", "a\xffb", "a\xffb"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			got := Normalize(tt.in)
			if got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestParseText(t *testing.T) {
	long := strings.Repeat("word ", 80)
	tests := []struct {
		label, name, in, title, body string
	}{
		{"txt with bom and crlf", "story.txt",
			"\uFEFF  Dam holds more water  \r\n\r\nThe council said “4.2 million” — engineers disagree.\r\nSecond line\r\n\r\n",
			"Dam holds more water",
			"Dam holds more water  \n\nThe council said “4.2 million” — engineers disagree.\nSecond line"},
		{"upper case extension", "STORY.TXT", "Title\nbody", "Title", "Title\nbody"},
		{"windows path", `C:\Users\ed\Desktop\story.txt`, "Title\nbody", "Title", "Title\nbody"},
		{"script in txt is literal", "a.txt", "<script>alert(1)</script> stays", "<script>alert(1)</script> stays", "<script>alert(1)</script> stays"},
		{"pasted fragment is text", "", "<p>Not a page</p>\nMore", "<p>Not a page</p>", "<p>Not a page</p>\nMore"},
		{"stdin text", "-", "\n\nFirst line\n\nSecond", "First line", "First line\n\nSecond"},
		{"no extension is sniffed", "article", "Plain words", "Plain words", "Plain words"},
		{"controls become spaces", "a.txt", "a\x0cb\tc", "a b c", "a b\tc"},
		{"non-latin", "a.txt", "Заголовок\n\n東京で“テスト”。", "Заголовок", "Заголовок\n\n東京で“テスト”。"},
		{"hash without space is not a heading", "a.txt", "#hashtag first\nx", "#hashtag first", "#hashtag first\nx"},
		{"heading in pasted markdown", "", "## Pasted heading\n\ntext", "Pasted heading", "## Pasted heading\n\ntext"},
		{"markdown heading", "a.md", "# Big *news* #\n\nBody text.\n", "Big news", "Big news\n\nBody text."},
		{"markdown long extension", "a.markdown", "\n\nSetext title\n===\n\ntext", "Setext title", "Setext title\n\ntext"},
		{"markdown front matter title", "a.md", "---\ntitle: \"From front matter\"\ndate: 2025-01-02\n---\n\n# Heading\n",
			"From front matter", "Heading"},
		{"markdown front matter without title", "a.md", "---\ndate: 2025-01-02\n---\n\n# Heading\n", "Heading", "Heading"},
		{"markdown empty heading skipped", "a.md", "#\n\n## Real", "Real", "Real"},
		{"markdown heading after the first paragraph", "a.md", "Filed at 9am.\n\n# Port Strike Ends\n\nText.", "Port Strike Ends",
			"Filed at 9am.\n\nPort Strike Ends\n\nText."},
		{"markdown quoted heading is no title", "a.md", "> # Quoted\n\n## Real\n\nText.", "Real", "Quoted\n\nReal\n\nText."},
		{"markdown without heading", "port-vote.md", "The council voted 31 to 4 on *Tuesday*.\n\nMore.", "Port vote",
			"The council voted 31 to 4 on Tuesday.\n\nMore."},
		{"long first line", "a.txt", long, strings.TrimSpace(strings.Repeat("word ", 24)) + "…", strings.TrimSpace(long)},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse(tt.name, []byte(tt.in), 0)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if doc.Title != tt.title {
				t.Errorf("title = %q, want %q", doc.Title, tt.title)
			}
			if doc.Body != tt.body {
				t.Errorf("body = %q, want %q", doc.Body, tt.body)
			}
		})
	}
}

// The title guessed when none is given: past the furniture, a headline as
// it is; the story's first sentence gives way to the file's name.
func TestTextTitle(t *testing.T) {
	const sentence190 = "An unnamed port official told the Harbour Courier on Tuesday that the council had quietly " +
		"approved a plan to spend $2.5 billion on the container terminal over the next ten years."
	if n := len([]rune(sentence190)); n < 170 {
		t.Fatalf("the long sentence has %d characters", n)
	}
	tests := []struct {
		label, name, in, title string
	}{
		{"desk byline skipped", "", "News Desk\nCouncil approves port plan\n\nThe council voted.", "Council approves port plan"},
		{"byline, dateline and ad skipped", "a.txt", "Advertisement\nThursday, November 21, 2024\nBy Jane Doe\nPort Plan Approved\n\nText.", "Port Plan Approved"},
		{"headline's full stop dropped", "", "Council Approves Port Plan.\n\nText.", "Council Approves Port Plan"},
		{"abbreviation kept", "", "Talks Resume in Washington D.C.\n\nText.", "Talks Resume in Washington D.C."},
		{"question headline kept", "port-vote.txt", "Why Did the Council Vote Yes? The Port Plan Explained\nText.", "Why Did the Council Vote Yes? The Port Plan Explained"},
		{"long sentence gives way to the file name", "port-vote.txt", sentence190 + "\n\nMore.", "Port vote"},
		{"long sentence, folder and extension dropped", `C:\Users\ed\port vote 2024.txt`, sentence190, "Port vote 2024"},
		{"sentence with a full stop gives way to the file name", "port-vote.md", "The council voted 31 to 4 on Tuesday.\n\nMore.", "Port vote"},
		{"sentence pasted is kept", "", "The council voted 31 to 4 on Tuesday.\n\nMore.", "The council voted 31 to 4 on Tuesday."},
		{"paragraph pasted: its first sentence", "", "The council voted 31 to 4. It met on Tuesday.", "The council voted 31 to 4."},
		{"long sentence without a name: its first clause", "",
			"The council voted 31 to 4 on Tuesday to spend $2.5 billion on the container terminal at the old harbour, officials said on Thursday.",
			"The council voted 31 to 4 on Tuesday to spend $2.5 billion on the container terminal at the old harbour"},
		{"long sentence, a file name that is no words: cut", "003_ba5a2808.txt", sentence190,
			"An unnamed port official told the Harbour Courier on Tuesday that the council had quietly approved a plan to spend $2.5…"},
		{"only furniture: the file name", "port-vote.txt", "Advertisement\nNews Desk", "Port vote"},
		{"invisible first line skipped", "", "\u200b\u200b\nCouncil approves port plan\n\nText.", "Council approves port plan"},
		{"only furniture, no name: the first line", "", "Advertisement\nNews Desk", "Advertisement"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse(tt.name, []byte(tt.in), 0)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if doc.Title != tt.title {
				t.Errorf("title = %q, want %q", doc.Title, tt.title)
			}
			checkDoc(t, doc)
		})
	}
}

// page is a news page with the furniture real pages carry around an article.
const page = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dam report disputed | The Valley Courier</title>
<meta property="og:title" content="Council’s dam report is disputed &amp; revised">
<style>body { color: red }</style>
<script>var tracking = "do not show";</script>
</head>
<body class="single has-sidebar">
<header class="site-header"><a href="/">The Valley Courier</a>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div id="cookie-banner">We use cookies. <button>Accept</button></div>
<div class="menu-drawer"><a href="/">Home</a></div>
<main>
<article class="story">
<header class="article-header">
<h1>Council’s dam report is disputed</h1>
<p class="byline">By A. Writer — 3 March 2025</p>
</header>
<div class="share-tools"><a href="#">Share on X</a> <a href="#">Email</a></div>
<div class="article-body" itemprop="articleBody">
<p>The council said on Monday that the dam holds
   <strong>4.2&nbsp;million</strong> cubic metres, “more than ever before.”</p>
<p>Engineers disagree &amp; say the figure is closer to 3&#8239;million.</p>
<figure><img src="dam.jpg" alt="alt text is never body text"><figcaption>The dam in 2024. Photo: Staff</figcaption></figure>
<div class="ad-slot">Advertisement</div>
<ul><li>First point</li><li>Second <em>point</em></li></ul>
<pre>  flow = 12.5
    level = 3
</pre>
<p>Last<br>line<br><br>New paragraph</p>
<aside class="related"><h2>Related</h2><article><h3>Other story</h3><p>Teaser</p></article></aside>
<div class="relatedStories"><a href="/x">More on dams</a></div>
</div>
<footer class="article-footer">Tags: dams</footer>
</article>
<section id="comments"><h2>Comments</h2><article><p>First comment!</p></article></section>
</main>
<aside><p>Most read</p></aside>
<footer class="site-footer">© Courier</footer>
<script>alert(1)</script>
</body></html>`

func TestParseHTMLPage(t *testing.T) {
	doc, err := Parse("page.html", []byte(page), 0)
	if err != nil {
		t.Fatal(err)
	}
	wantTitle := "Council’s dam report is disputed & revised"
	wantBody := "Council’s dam report is disputed\n\n" +
		"By A. Writer — 3 March 2025\n\n" +
		"The council said on Monday that the dam holds 4.2 million cubic metres, “more than ever before.”\n\n" +
		"Engineers disagree & say the figure is closer to 3\u202Fmillion.\n\n" +
		"First point\nSecond point\n\n" +
		"  flow = 12.5\n    level = 3\n\n" +
		"Last\nline\n\nNew paragraph"
	if doc.Title != wantTitle {
		t.Errorf("title = %q, want %q", doc.Title, wantTitle)
	}
	if doc.Body != wantBody {
		t.Errorf("body =\n%s\n--- want ---\n%s", doc.Body, wantBody)
	}
}

func TestParseHTML(t *testing.T) {
	tests := []struct {
		label, in, body string
	}{
		{"paragraphs", "<p>One</p>\n\n<p>Two\n  lines</p><div>Three</div>", "One\n\nTwo lines\n\nThree"},
		{"entities", "<p>A &amp; B &rsquo;s caf&eacute; &#x201C;q&#x201D;&nbsp;&nbsp;x &lt;b&gt;</p>", "A & B ’s café “q” x <b>"},
		{"curly quotes kept", "<p>“Quoted,” it’s — 東京</p>", "“Quoted,” it’s — 東京"},
		{"inline tags join words", "<p>foo<b>bar</b> <i>baz</i></p>", "foobar baz"},
		{"headings are paragraphs", "<h2>Sub</h2>Text<h3>More</h3>", "Sub\n\nText\n\nMore"},
		{"br", "<p>a<br>b<br> <br>c</p>", "a\nb\n\nc"},
		{"lists", "<p>Intro</p><ul><li>a</li><li><p>b</p><ul><li>b1</li></ul></li></ul><p>End</p>", "Intro\n\na\nb\nb1\n\nEnd"},
		{"definition list", "<dl><dt>Term</dt><dd>Meaning</dd></dl>", "Term\nMeaning"},
		{"table", "<table><tr><th>Year</th><th>Count</th></tr><tr><td>2024</td><td>5</td></tr></table>", "Year Count\n2024 5"},
		{"blockquote", "<p>He said:</p><blockquote>Words.</blockquote>", "He said:\n\nWords."},
		{"caption dropped", "<p>Text.</p><figure><img src=x><figcaption>Kim Jong-un speaks at a rally on June 19, 2024. (KCNA via AP)</figcaption></figure><p>More.</p>", "Text.\n\nMore."},
		{"pre keeps whitespace", "<p>x</p><pre>\n  a  b\n\n  c\n</pre><p>y</p>", "x\n\n  a  b\n\n  c\n\ny"},
		{"pre with entities", "<pre>if a &lt; b {\n\treturn\n}</pre>", "if a < b {\n\treturn\n}"},
		{"largest article wins", "<article><p>Teaser</p></article><article><p>The real story is longer.</p></article>", "The real story is longer."},
		{"main without article", "<div>Menu junk</div><main><p>Main text</p></main>", "Main text"},
		{"role main", "<div>Menu junk</div><div role=\"main\"><p>Main text</p></div>", "Main text"},
		{"itemprop articleBody", "<div>Outside</div><div itemprop=\"articleBody\"><p>Inside</p></div>", "Inside"},
		{"body fallback", "<p>A</p><div>B</div>", "A\n\nB"},
		{"empty article ignored", "<article> </article><p>Body text</p>", "Body text"},
		{"article header kept, page header dropped", "<header>Site</header><article><header><h1>Head</h1></header><p>Text</p></article>", "Head\n\nText"},
		{"article class never drops it", "<article class=\"content--comment\"><p>Opinion</p></article>", "Opinion"},
		{"wrapper with has- class kept", "<div class=\"has-sidebar\"><p>Kept</p><div class=\"sidebar\">Side</div></div>", "Kept"},
		{"class guess that removes all is undone", "<div class=\"content-with-sidebar\"><p>Kept</p></div>", "Kept"},
		{"camel case class", "<p>Text</p><div class=\"shareButtons\">Share</div><div id=\"relatedArticles\">Rel</div>", "Text"},
		{"ad classes", "<p>Text</p><div class=\"ad\">Ad</div><div class=\"ad-container\">Ad</div><div class=\"adsbygoogle\">Ad</div>", "Text"},
		{"similar words kept", "<div class=\"headline\">Headline</div><div class=\"navy\">Navy</div><div class=\"address\">Addr</div>", "Headline\n\nNavy\n\nAddr"},
		{"inline class trusted", "<p>Shares rose to <span class=\"share-price\">12p</span>.</p>", "Shares rose to 12p."},
		{"custom element", "<p>Text</p><social-share>Tweet</social-share>", "Text"},
		{"roles and hidden", "<div role=\"navigation\">Nav</div><div role=\"complementary\">C</div><p aria-hidden=\"true\">H</p><p hidden>H2</p><p style=\"display: none\">H3</p><p>Seen</p>", "Seen"},
		{"page-wide form kept", "<form id=\"aspnetForm\"><h1>Head</h1><p>Text</p></form>", "Head\n\nText"},
		{"search form dropped", "<p>Text</p><form><label>Search</label><input value=\"q\"></form>", "Text"},
		{"svg and math dropped", "<p>a<svg><text>svg</text></svg>b<math><mi>x</mi></math>c</p>", "abc"},
		{"ruby annotations dropped", "<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>字</p>", "漢字"},
		{"cr entity normalized", "<pre>a&#13;b</pre>", "a\nb"},
		{"control entity replaced", "<p>a&#1;b</p>", "a b"},
		{"dropped image leaves no space before punctuation", `<p>The council voted 31 to 4, officials said <img src=x alt="">.</p>`, "The council voted 31 to 4, officials said."},
		{"dropped script and button", "<p>Rates rose 3% <script>x()</script>, the bank said <button>Share</button>!</p>", "Rates rose 3%, the bank said!"},
		{"closing quote after a dropped image", "<p>“Yes <img src=x>” he said <svg></svg>…</p>", "“Yes” he said…"},
		{"space before a word kept", "<p>said <img src=x> more</p>", "said more"},
		{"the text's own space before punctuation kept", "<p>Who ? <b>Me</b> .</p>", "Who ? Me ."},
		{"cells stay apart", "<table><tr><td>a <img src=x></td><td>.5</td></tr></table>", "a .5"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse("a.html", []byte(tt.in), 0)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Body != tt.body {
				t.Errorf("body = %q, want %q", doc.Body, tt.body)
			}
		})
	}
}

func TestHTMLTitle(t *testing.T) {
	tests := []struct {
		label, name, in, want string
	}{
		{"og:title first", "a.html", `<title>T</title><meta property="og:title" content=" OG  title "><h1>H</h1>`, "OG title"},
		{"og:title by name", "a.html", `<meta name="og:title" content="OG"><title>T</title><p>x</p>`, "OG"},
		{"title next", "a.html", "<title>\n  Site &amp; story \n</title><h1>H</h1><p>x</p>", "Site & story"},
		{"h1 last", "a.html", "<h1>Big <em>news</em></h1><p>x</p>", "Big news"},
		{"svg title ignored", "a.html", "<p>x</p><svg><title>icon</title></svg><h1>Head</h1>", "Head"},
		// Without one, the page is titled as a text file is: by its first
		// line, or its file's name when that is words and the line prose.
		{"none, a headline", "a.html", "<p>Port vote delayed</p><p>The vote is off.</p>", "Port vote delayed"},
		{"none, prose", "9999.html", "<p>The mayor said 302 jobs were cut in 2023.</p>", "The mayor said 302 jobs were cut in 2023."},
		{"none, prose, named file", "harbour-jobs.html", "<p>The mayor said 302 jobs were cut in 2023.</p>", "Harbour jobs"},
		{"none, kind alone", ".html", "<p>The mayor said 302 jobs were cut in 2023.</p>", "The mayor said 302 jobs were cut in 2023."},
		{"sniffed paste", "", "<!-- saved page -->\n<!DOCTYPE html><title>Pasted</title><p>x</p>", "Pasted"},
		{"xml declaration before html", "", "<?xml version=\"1.0\"?>\n<html><title>X</title><p>x</p></html>", "X"},
		{"sniffed upper case", "-", "  <HTML><title>Upper</title><p>x</p></HTML>", "Upper"},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse(tt.name, []byte(tt.in), 0)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Title != tt.want {
				t.Errorf("title = %q, want %q", doc.Title, tt.want)
			}
		})
	}
}

// An HTML page names its publisher in og:site_name or, failing that, in
// its JSON-LD (a NewsArticle's publisher, or a node of its @graph that the
// publisher refers to, as WordPress writes it). Text and Markdown name none.
func TestHTMLPublisher(t *testing.T) {
	deep := strings.Repeat("<div>", 100000) // past the tree parser's limit
	graph := `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
		{"@type":"WebSite","@id":"https://courier.example/#website","publisher":{"@id":"https://courier.example/#org"}},
		{"@type":"Organization","@id":"https://courier.example/#org","name":"The Valley Courier"}]}</script>`
	tests := []struct {
		label, name, in, want string
	}{
		{"og:site_name", "a.html", `<meta property="og:site_name" content=" Harbour   Daily "><p>x</p>`, "Harbour Daily"},
		{"og:site_name by name", "a.html", `<meta name="OG:SITE_NAME" content="Harbour Daily"><p>x</p>`, "Harbour Daily"},
		{"json-ld publisher", "a.html", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
			"publisher":{"@type":"Organization","name":"Harbour Daily","logo":{"@type":"ImageObject","url":"https://x/l.png"}}}</script><p>x</p>`,
			"Harbour Daily"},
		{"json-ld with parameters", "a.html", `<script type="application/ld+json; charset=utf-8">{"publisher":{"name":"Courier"}}</script><p>x</p>`, "Courier"},
		{"json-ld list", "a.html", `<script type="application/ld+json">[{"@type":"BreadcrumbList"},
			{"@type":"NewsArticle","publisher":[{"@type":"Organization","name":"First"},{"name":"Second"}]}]</script><p>x</p>`, "First"},
		{"json-ld graph reference", "a.html", graph + `<p>x</p>`, "The Valley Courier"},
		{"og:site_name before json-ld", "a.html", `<script type="application/ld+json">{"publisher":{"name":"From JSON-LD"}}</script>` +
			`<meta property="og:site_name" content="From Open Graph"><p>x</p>`, "From Open Graph"},
		{"second json-ld block", "a.html", `<script type="application/ld+json">{"@type":"BreadcrumbList"}</script>` +
			`<script type="application/ld+json">{"publisher":{"name":"Courier"}}</script><p>x</p>`, "Courier"},
		{"json-ld cleaned", "a.html", `<script type="application/ld+json">{"publisher":{"name":"  Harbour\u0000\n Daily\t"}}</script><p>x</p>`, "Harbour Daily"},
		{"broken json-ld", "a.html", `<script type="application/ld+json">{"publisher":{"name":"Courier"</script><p>x</p>`, ""},
		{"a publisher without a name", "a.html", `<script type="application/ld+json">{"publisher":{"@id":"#nowhere"}}</script><p>x</p>`, ""},
		{"a script of another type", "a.html", `<script>var ld = {"publisher":{"name":"Courier"}}</script><p>x</p>`, ""},
		{"none", "a.html", `<title>T</title><p>x</p>`, ""},
		{"deep page, og:site_name", "a.html", `<html><head><meta property="og:site_name" content="Deep Daily"></head><body>` + deep + "text", "Deep Daily"},
		{"deep page, json-ld", "a.html", "<html><head>" + graph + "</head><body>" + deep + "text", "The Valley Courier"},
		{"text", "a.txt", `<meta property="og:site_name" content="Harbour Daily"> is a tag`, ""},
		{"markdown", "a.md", "# Port vote\n\n<meta property=\"og:site_name\" content=\"Harbour Daily\">\n\nText.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse(tt.name, []byte(tt.in), 0)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Publisher != tt.want {
				t.Errorf("publisher = %q, want %q", doc.Publisher, tt.want)
			}
			if tt.name == "a.html" && (strings.Contains(doc.Body, "Courier") || strings.Contains(doc.Body, "Daily")) {
				t.Errorf("the publisher's name is in the text: %q", doc.Body)
			}
		})
	}
	// A name longer than a title may be is cut as a title is.
	long := strings.Repeat("Harbour ", 100)
	doc, err := Parse("a.html", []byte(`<meta property="og:site_name" content="`+long+`"><p>x</p>`), 0)
	if err != nil || utf8.RuneCountInString(doc.Publisher) > maxTitleRunes || !strings.HasPrefix(doc.Publisher, "Harbour Harbour") {
		t.Errorf("long publisher = %q (%v)", doc.Publisher, err)
	}
}

func TestHostileHTML(t *testing.T) {
	in := `<html><head><base href="javascript:alert('base')//"></head><body>
<p>Hello <img src=x onerror="alert('img')"> <a href="javascript:alert('a')" onclick="alert('click')">click</a></p>
<svg><script>alert('svg')</script><foreignObject><p>alert('fo')</p></foreignObject></svg>
<math><mi><script>alert('math')</script></mi><mtext><p>alert('mtext')</p></mtext></math>
<iframe srcdoc="<script>alert('srcdoc')</script>">alert('iframe')</iframe>
<object data="x.swf">alert('object')</object><embed src="x.swf">
<template><p>alert('template')</p></template><noscript><p>alert('noscript')</p></noscript>
<textarea></textarea><script>alert('textarea')</script></textarea>
<style>@import 'javascript:alert(1)';</style>
<form action="javascript:alert('form')"><button formaction="javascript:alert('b')">alert('button')</button></form>
<div onmouseover="alert('div')" style="background:url(javascript:alert('css'))">end</div>
<p>&lt;script&gt;alert('escaped')&lt;/script&gt;</p>
</body></html>`
	doc, err := Parse("evil.html", []byte(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	// Escaped markup is what the article says: it stays, as inert text.
	const escaped = "<script>alert('escaped')</script>"
	if want := "Hello click\n\nend\n\n" + escaped; doc.Body != want {
		t.Errorf("body = %q, want %q", doc.Body, want)
	}
	rest := strings.TrimSuffix(doc.Body, escaped)
	for _, bad := range []string{"alert", "javascript", "onerror", "src", "<"} {
		if strings.Contains(rest, bad) {
			t.Errorf("body contains %q: %q", bad, doc.Body)
		}
	}
}

func TestBrokenHTML(t *testing.T) {
	deep := func(open string, n int) string { return strings.Repeat(open, n) }
	tests := []struct {
		label, in, want string
	}{
		{"deep divs beyond parser limit", "<html><body>" + deep("<div>", 100000) + "<script>x()</script>deep text<p>after", "deep text\n\nafter"},
		{"deep divs under limit", deep("<div>", 400) + "text", "text"},
		{"deep divs with a dropped image", "<html><body>" + deep("<div>", 100000) + "officials said <img src=x>.", "officials said."},
		{"deep formatting", deep("<b><i><u>", 20000) + "bold", "bold"},
		{"deep tables", deep("<table><tr><td>", 20000) + "cell", "cell"},
		{"deep foreign", deep("<svg><math>", 20000) + "x", ""},
		{"deep lists", deep("<ul><li>", 20000) + "item", "item"},
		{"deep pre", deep("<pre>", 1000) + "  code", "code"},
		{"stray end tags", "</p></div></br></table></html><p>ok</p></b></body>", "ok"},
		{"unclosed everything", "<p><table><tr><td><p>x</div></span></table></b><select><option>o", "x"},
		{"unterminated comment", "<p>before</p><!-- never ends <p>hidden", "before"},
		{"garbage", "<<<>>></ <a <b <=>&&&#;&#xZZ;", ""},
		{"doctype only", "<!DOCTYPE html>", ""},
		{"nested forms and templates", deep("<form><template>", 2000) + "t", ""},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			doc, err := Parse("a.html", []byte(tt.in), 0)
			if err != nil && !errors.Is(err, ErrEmpty) {
				t.Fatalf("err = %v", err)
			}
			checkDoc(t, doc)
			if tt.want != "" && !strings.Contains(doc.Body, tt.want) {
				t.Errorf("body = %q, want it to contain %q", doc.Body, tt.want)
			}
			if strings.Contains(doc.Body, "x()") {
				t.Errorf("script text leaked: %q", doc.Body)
			}
		})
	}
}

// checkDoc asserts the invariants every stored body relies on.
func checkDoc(t *testing.T, doc Doc) {
	t.Helper()
	for _, s := range []string{doc.Title, doc.Body} {
		if !utf8.ValidString(s) {
			t.Errorf("not valid UTF-8: %q", s)
		}
		if strings.ContainsAny(s, "\x00\r") {
			t.Errorf("contains NUL or CR: %q", s)
		}
		if Normalize(s) != s {
			t.Errorf("not normalized: %q", s)
		}
	}
	if strings.Contains(doc.Title, "\n") {
		t.Errorf("title has a line break: %q", doc.Title)
	}
	if n := utf8.RuneCountInString(doc.Title); n > maxTitleRunes+1 {
		t.Errorf("title has %d runes", n)
	}
}

// TestSeeds reads the sample articles shared next to the repository, when
// they are there: real pasted text must go through untouched but for
// line endings and outer blank space.
func TestSeeds(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "seeds", "*.txt"))
	if len(files) == 0 {
		t.Skip("no seeds in ../../shared/seeds")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := Parse(filepath.Base(f), data, 0)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		checkDoc(t, doc)
		if doc.Title == "" {
			t.Errorf("%s: no title", f)
		}
		// Without a title given, the guess reads like a headline: no
		// byline or dateline, no whole first paragraph, no full stop, no
		// file name that is a number, and taken from the text itself.
		title := doc.Title
		if extract.IsFurniture(title) {
			t.Errorf("%s: title %q is page furniture", f, title)
		}
		if n := utf8.RuneCountInString(title); n > maxHeadlineRunes+maxHeadlineRunes/5+1 {
			t.Errorf("%s: title %q has %d characters", f, title, n)
		}
		if strings.HasSuffix(title, ".") {
			t.Errorf("%s: title %q ends in a full stop", f, title)
		}
		if !strings.Contains(doc.Body, strings.TrimSuffix(title, "…")) {
			t.Errorf("%s: title %q is not from the text", f, title)
		}
		// A file name made of words names a story whose first line is a
		// sentence; a headline stays.
		named, err := Parse("north-korea-casualties.txt", data, 0)
		if err != nil {
			t.Fatal(err)
		}
		if extract.IsTitleCase(title) != (named.Title == title) || (named.Title != title && named.Title != "North korea casualties") {
			t.Errorf("%s: with a file name made of words, title %q (without: %q)", f, named.Title, title)
		}
		want := strings.TrimSpace(strings.ReplaceAll(string(data), "\r\n", "\n"))
		if doc.Body != want {
			t.Errorf("%s: body changed beyond line endings and trimming", f)
		}
	}
}
