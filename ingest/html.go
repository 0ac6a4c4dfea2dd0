package ingest

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// extractHTML reduces a page to its title, its publisher and its article
// text: no markup, no attribute values, no scripts, and as little site
// furniture (menus, share buttons, teasers, comments) as can be told apart
// from the article.
func extractHTML(src string) (title, publisher, text string) {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		// The parser refuses pages nested deeper than 512 elements; a flat
		// scan of the tokens still recovers their text.
		return extractTokens(src)
	}
	title, publisher = findMeta(doc)
	root := chooseRoot(doc)
	// Class and id names are a guess; if guessing removed everything, the
	// page's own structure (tags and roles) is all we go by.
	for _, useClass := range []bool{true, false} {
		r := renderer{f: filter{useClass: useClass}}
		r.children(root, inArticle(root))
		if text = string(r.buf); strings.TrimSpace(text) != "" {
			break
		}
	}
	return title, publisher, text
}

// filter decides which elements hold no article text.
type filter struct {
	useClass bool // also drop by class/id names such as "share" or "related"
}

// dropRoles are ARIA landmarks and widgets that are never the article.
var dropRoles = map[string]bool{
	"navigation": true, "banner": true, "contentinfo": true, "complementary": true,
	"search": true, "menu": true, "menubar": true, "dialog": true, "alertdialog": true,
}

// boilerWords are class/id tokens of site furniture. They are matched as
// whole tokens ("site-nav", "shareButtons"), never as substrings, so
// "canvas", "unavailable" or "headline" do not match.
var boilerWords = map[string]bool{
	"nav": true, "navbar": true, "navigation": true, "menu": true, "menubar": true,
	"breadcrumb": true, "breadcrumbs": true, "toolbar": true, "skip": true,
	"share": true, "shares": true, "sharing": true, "sharebar": true, "social": true,
	"related": true, "recommended": true, "outbrain": true, "taboola": true,
	"ad": true, "ads": true, "adslot": true, "adsbygoogle": true, "advert": true,
	"adverts": true, "advertisement": true, "advertising": true, "sponsored": true,
	"promo": true, "promos": true, "promotion": true,
	"cookie": true, "cookies": true, "consent": true, "gdpr": true,
	"newsletter": true, "subscribe": true, "popup": true, "modal": true,
	"comment": true, "comments": true, "disqus": true,
	"footer": true, "header": true, "masthead": true, "sidebar": true,
}

// negators make a class describe its context, not itself: "has-sidebar"
// or "no-comments" often sits on the wrapper of the article.
var negators = map[string]bool{"has": true, "with": true, "no": true, "without": true}

func (f filter) drop(n *html.Node, inArticle bool) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe,
		atom.Svg, atom.Math, atom.Nav, atom.Footer, atom.Aside, atom.Button,
		atom.Select, atom.Option, atom.Datalist, atom.Textarea, atom.Input,
		atom.Object, atom.Embed, atom.Canvas, atom.Audio, atom.Video,
		atom.Dialog, atom.Head, atom.Title, atom.Meta, atom.Link, atom.Base,
		atom.Noembed, atom.Noframes, atom.Frameset, atom.Frame, atom.Map,
		atom.Img, atom.Picture, atom.Rp, atom.Rt,
		// A photo's caption and credit, which pasted text loses to the
		// extractor's caption rules; here the markup says what it is.
		atom.Figcaption:
		return true
	case atom.Header:
		// An article's own <header> holds its headline and byline.
		if !inArticle {
			return true
		}
	case atom.Form:
		// Some frameworks (ASP.NET) wrap the whole page in one <form>.
		if !holdsArticle(n) {
			return true
		}
	case 0:
		// Custom elements name themselves: <social-share>, <ad-slot>.
		if f.useClass && boilerplate(n.Data, inArticle) {
			return true
		}
	}
	for _, a := range n.Attr {
		if a.Namespace != "" {
			continue
		}
		switch a.Key {
		case "hidden":
			if !strings.EqualFold(a.Val, "until-found") {
				return true
			}
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			if hiddenStyle(a.Val) {
				return true
			}
		case "role":
			if fs := strings.Fields(a.Val); len(fs) > 0 && dropRoles[strings.ToLower(fs[0])] {
				return true
			}
		case "class", "id":
			if f.useClass && !keepByName(n.DataAtom) && boilerplate(a.Val, inArticle) {
				return true
			}
		}
	}
	return false
}

// keepByName lists elements whose class or id is not trusted to mark
// furniture: sectioning roots the author declared as content, and words
// inside a sentence (a <span class="share-price"> is part of the story).
func keepByName(a atom.Atom) bool {
	switch a {
	case atom.Html, atom.Body, atom.Article, atom.Main,
		atom.Span, atom.Em, atom.Strong, atom.B, atom.I, atom.U, atom.S,
		atom.Small, atom.Mark, atom.Abbr, atom.Cite, atom.Q, atom.Time,
		atom.Code, atom.Sub, atom.Sup, atom.Data, atom.Var, atom.Dfn, atom.Kbd:
		return true
	}
	return false
}

func boilerplate(names string, inArticle bool) bool {
	for _, word := range strings.Fields(names) {
		toks := tokens(word)
		if len(toks) == 0 || negators[toks[0]] {
			continue
		}
		for _, t := range toks {
			if t == "header" && inArticle {
				continue
			}
			if boilerWords[t] {
				return true
			}
		}
	}
	return false
}

// tokens splits a class name on non-alphanumerics and lower-to-upper case
// changes and lowercases the parts: "shareBar__item" -> share, bar, item.
func tokens(s string) []string {
	var out []string
	start := -1
	var prev rune
	for i, r := range s {
		alnum := unicode.IsLetter(r) || unicode.IsDigit(r)
		if start >= 0 && (!alnum || (unicode.IsUpper(r) && unicode.IsLower(prev))) {
			out = append(out, strings.ToLower(s[start:i]))
			start = -1
		}
		if alnum && start < 0 {
			start = i
		}
		prev = r
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

func hiddenStyle(style string) bool {
	s := strings.ToLower(strings.Join(strings.Fields(style), ""))
	return strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden")
}

// holdsArticle reports whether a wrapper element contains the article.
func holdsArticle(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == atom.Article || c.DataAtom == atom.Main || c.DataAtom == atom.H1 || holdsArticle(c) {
			return true
		}
	}
	return false
}

func isMain(n *html.Node) bool {
	return n.DataAtom == atom.Main || strings.EqualFold(strings.TrimSpace(attr(n, "role")), "main")
}

func isArticleBody(n *html.Node) bool {
	for _, v := range strings.Fields(attr(n, "itemprop")) {
		if strings.EqualFold(v, "articleBody") {
			return true
		}
	}
	return false
}

// inArticle reports whether n is or sits inside an <article> or <main>.
func inArticle(n *html.Node) bool {
	for ; n != nil; n = n.Parent {
		if n.Type == html.ElementNode && (n.DataAtom == atom.Article || isMain(n)) {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

// candidates collects the possible roots of the article text while its
// text is measured.
type candidates struct {
	article    *html.Node // the <article> with the most text
	articleLen int
	main       *html.Node // first <main> (or role=main) with text
	body       *html.Node // first itemprop=articleBody with text
	page       *html.Node // <body>
}

// chooseRoot picks where the article text is: the <article> with the most
// text (a page may also have teaser or comment <article>s), else <main>,
// else the itemprop=articleBody element, else <body>. Class names are not
// used here: a wrapper named "content-with-sidebar" must not hide the article.
func chooseRoot(doc *html.Node) *html.Node {
	var c candidates
	filter{}.measure(doc, false, &c)
	switch {
	case c.article != nil:
		return c.article
	case c.main != nil:
		return c.main
	case c.body != nil:
		return c.body
	case c.page != nil:
		return c.page
	}
	return doc
}

// measure returns the number of non-space bytes of kept text under n and
// records candidates on the way, in one pass over the tree.
func (f filter) measure(n *html.Node, inArt bool, c *candidates) int {
	total := 0
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		switch ch.Type {
		case html.TextNode:
			total += len(ch.Data) - countSpace(ch.Data)
		case html.ElementNode:
			if ch.Namespace != "" || f.drop(ch, inArt) {
				continue
			}
			l := f.measure(ch, inArt || ch.DataAtom == atom.Article || isMain(ch), c)
			total += l
			switch {
			case ch.DataAtom == atom.Body:
				if c.page == nil {
					c.page = ch
				}
			case ch.DataAtom == atom.Article:
				if l > c.articleLen {
					c.article, c.articleLen = ch, l
				}
			case isMain(ch):
				if c.main == nil && l > 0 {
					c.main = ch
				}
			}
			if c.body == nil && l > 0 && isArticleBody(ch) {
				c.body = ch
			}
		}
	}
	return total
}

func countSpace(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '\f':
			n++
		}
	}
	return n
}

// Break levels between pieces of text.
const (
	noBreak   = 0
	lineBreak = 1 // "\n": list items, table rows, <br>
	paraBreak = 2 // "\n\n": paragraphs and other blocks
)

// renderer writes the text of a tree the way a reader sees it: blocks are
// paragraphs separated by one blank line, whitespace inside them collapses
// to single spaces, <pre> keeps its own.
type renderer struct {
	f     filter
	buf   []byte
	space bool // whitespace seen since the last character written
	brk   int  // pending break before the next character
	pre   int  // depth inside <pre>-like elements
	tight int  // depth inside list items: blocks there start lines, not paragraphs
	brRun bool // the last thing seen was a <br>: a second one makes a paragraph
	gap   bool // an inline element (an image, a script) was dropped since the last character
}

func (r *renderer) children(n *html.Node, inArt bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			r.text(c.Data)
		case html.ElementNode:
			r.element(c, inArt)
		}
	}
}

func (r *renderer) element(n *html.Node, inArt bool) {
	// Elements in the SVG or MathML namespace (and everything in them,
	// including an <svg><script>) are drawings, not text.
	if n.Namespace != "" || r.f.drop(n, inArt) {
		r.dropped(n.DataAtom)
		return
	}
	inArt = inArt || n.DataAtom == atom.Article || isMain(n)
	switch n.DataAtom {
	case atom.Br:
		r.lineBreakTag()
	case atom.Td, atom.Th:
		r.space, r.gap = true, false // a cell's space separates, whatever was dropped
		r.children(n, inArt)
		r.space, r.gap = true, false
	case atom.Li, atom.Dt, atom.Dd:
		r.block(lineBreak)
		r.tight++
		r.children(n, inArt)
		r.tight--
		r.block(lineBreak)
	case atom.Tr:
		r.block(lineBreak)
		r.children(n, inArt)
		r.block(lineBreak)
	default:
		if !isBlock(n.DataAtom) {
			r.children(n, inArt)
			return
		}
		level := paraBreak
		if r.tight > 0 {
			level = lineBreak
		}
		pre := n.DataAtom == atom.Pre || n.DataAtom == atom.Listing || n.DataAtom == atom.Plaintext || n.DataAtom == atom.Xmp
		r.block(level)
		if pre {
			r.pre++
		}
		r.children(n, inArt)
		if pre {
			r.pre--
		}
		r.block(level)
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Hgroup,
		atom.Blockquote, atom.Pre, atom.Listing, atom.Plaintext, atom.Xmp,
		atom.Figure, atom.Figcaption, atom.Ul, atom.Ol, atom.Dl, atom.Menu,
		atom.Table, atom.Caption, atom.Address, atom.Details, atom.Summary,
		atom.Center, atom.Fieldset, atom.Legend, atom.Hr, atom.Body, atom.Html:
		return true
	}
	return false
}

func (r *renderer) block(level int) {
	r.brk = max(r.brk, level)
}

func (r *renderer) lineBreakTag() {
	if r.brRun {
		r.brk = paraBreak
	} else {
		r.brk = max(r.brk, lineBreak)
	}
	r.brRun = true
}

func (r *renderer) text(s string) {
	if r.pre > 0 {
		for _, c := range s {
			if c == '\u00a0' {
				c = ' '
			}
			// No blank lines at the top of a <pre>: the block break
			// already separates it.
			if (c == '\n' || c == '\r') && (r.brk > noBreak || len(r.buf) == 0) {
				continue
			}
			r.put(c)
		}
		return
	}
	for _, c := range s {
		switch c {
		case ' ', '\t', '\n', '\r', '\f', '\u00a0': // &nbsp; counts as a plain space
			r.space = true
		default:
			r.put(c)
		}
	}
}

// dropped notes an element left out of the text. An inline one leaves a
// gap where the space before it may be stray: "said <img>." reads "said.".
func (r *renderer) dropped(a atom.Atom) {
	if !isBlock(a) {
		r.gap = true
	}
}

// closesWord reports punctuation that sits against the word before it.
func closesWord(c rune) bool {
	switch c {
	case '.', ',', ';', ':', '!', '?', ')', ']', '}', '”', '’', '»', '…':
		return true
	}
	return false
}

// put writes c after whatever separator is pending.
func (r *renderer) put(c rune) {
	r.brRun = false
	if r.gap && r.brk == noBreak && r.pre == 0 && closesWord(c) {
		r.space = false // the space belonged around what was dropped
	}
	r.gap = false
	if len(r.buf) > 0 {
		switch {
		case r.brk > noBreak:
			// A <pre> may end in spaces or newlines; the break replaces them.
			for n := len(r.buf); n > 0 && (r.buf[n-1] == ' ' || r.buf[n-1] == '\t' || r.buf[n-1] == '\n'); n-- {
				r.buf = r.buf[:n-1]
			}
			if len(r.buf) > 0 {
				if r.brk == paraBreak {
					r.buf = append(r.buf, '\n', '\n')
				} else {
					r.buf = append(r.buf, '\n')
				}
			}
		case r.space && r.pre == 0:
			r.buf = append(r.buf, ' ')
		}
	}
	r.brk, r.space = noBreak, false
	r.buf = utf8.AppendRune(r.buf, c)
}

// findMeta returns the title (og:title, else <title>, else the first <h1>)
// and the publisher (og:site_name, else the publisher's name in the page's
// JSON-LD).
func findMeta(doc *html.Node) (title, publisher string) {
	var og, plain, h1, site, ld string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode || c.Namespace != "" {
				continue
			}
			switch c.DataAtom {
			case atom.Meta:
				p := attr(c, "property")
				if p == "" {
					p = attr(c, "name")
				}
				switch p = strings.TrimSpace(p); {
				case og == "" && strings.EqualFold(p, "og:title"):
					og = cleanTitle(attr(c, "content"))
				case site == "" && strings.EqualFold(p, "og:site_name"):
					site = cleanTitle(attr(c, "content"))
				}
			case atom.Script:
				if ld == "" && isJSONLD(attr(c, "type")) {
					var b strings.Builder
					for t := c.FirstChild; t != nil; t = t.NextSibling {
						if t.Type == html.TextNode {
							b.WriteString(t.Data)
						}
					}
					ld = jsonLDPublisher(b.String())
				}
			case atom.Title:
				if plain == "" {
					var b strings.Builder
					for t := c.FirstChild; t != nil; t = t.NextSibling {
						if t.Type == html.TextNode {
							b.WriteString(t.Data)
						}
					}
					plain = cleanTitle(b.String())
				}
			case atom.H1:
				if h1 == "" {
					r := renderer{}
					r.children(c, true)
					h1 = cleanTitle(string(r.buf))
				}
			}
			walk(c)
		}
	}
	walk(doc)
	switch {
	case og != "":
		title = og
	case plain != "":
		title = plain
	default:
		title = h1
	}
	publisher = site
	if publisher == "" {
		publisher = ld
	}
	return title, publisher
}

// isJSONLD reports whether a script's type attribute says JSON-LD.
func isJSONLD(typ string) bool {
	typ, _, _ = strings.Cut(typ, ";")
	return strings.EqualFold(strings.TrimSpace(typ), "application/ld+json")
}

// jsonLDPublisher returns the name of the publisher in a JSON-LD block:
// the first "publisher" of its top-level objects or of their @graph, in
// the order written, given as an object with a name, a list of them, or a
// reference ({"@id": ...}) to a node of the block that has one. "" when
// there is none, or the block is not JSON.
func jsonLDPublisher(src string) string {
	var v any
	if json.Unmarshal([]byte(src), &v) != nil {
		return ""
	}
	// Nodes in the order written: the top level, then each one's @graph.
	var nodes []map[string]any
	var add func(v any, depth int)
	add = func(v any, depth int) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				add(e, depth)
			}
		case map[string]any:
			nodes = append(nodes, x)
			if g, ok := x["@graph"]; ok && depth < 4 {
				add(g, depth+1)
			}
		}
	}
	add(v, 0)
	byID := map[string]map[string]any{}
	for _, n := range nodes {
		if id, ok := n["@id"].(string); ok && id != "" {
			if _, seen := byID[id]; !seen {
				byID[id] = n
			}
		}
	}
	var name func(v any) string
	name = func(v any) string {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				if n := name(e); n != "" {
					return n
				}
			}
		case map[string]any:
			if n, ok := x["name"].(string); ok && cleanTitle(n) != "" {
				return cleanTitle(n)
			}
			if id, ok := x["@id"].(string); ok {
				if ref, ok := byID[id]; ok {
					if n, ok := ref["name"].(string); ok {
						return cleanTitle(n)
					}
				}
			}
		}
		return ""
	}
	for _, n := range nodes {
		if p, ok := n["publisher"]; ok {
			if s := name(p); s != "" {
				return s
			}
		}
	}
	return ""
}

// extractTokens is the fallback for pages the tree parser refuses. Without
// a tree, only tags (not classes) decide what is dropped, and the whole
// page is read.
func extractTokens(src string) (title, publisher, text string) {
	z := html.NewTokenizer(strings.NewReader(src))
	var r renderer
	skip := map[atom.Atom]int{} // open dropped elements, by tag
	skipping := 0
	inTitle, inLD := false, false
	var site, ld string
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			publisher = cleanTitle(site)
			if publisher == "" {
				publisher = ld
			}
			return title, publisher, string(r.buf)
		case html.TextToken:
			if inTitle && title == "" {
				title = string(z.Text())
				continue
			}
			if inLD && ld == "" {
				ld = jsonLDPublisher(string(z.Text()))
				continue
			}
			if skipping == 0 {
				r.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			end := tt == html.EndTagToken
			if a == atom.Title {
				inTitle = !end && tt != html.SelfClosingTagToken
			}
			if a == atom.Script {
				inLD = false
			}
			if !end && hasAttr && (a == atom.Meta || a == atom.Script) {
				var prop, metaName, content, typ string
				for more := true; more; {
					var k, v []byte
					k, v, more = z.TagAttr()
					switch string(k) {
					case "property":
						prop = strings.TrimSpace(string(v))
					case "name":
						metaName = strings.TrimSpace(string(v))
					case "content":
						content = string(v)
					case "type":
						typ = string(v)
					}
				}
				if prop == "" {
					prop = metaName
				}
				switch {
				case a == atom.Meta && site == "" && strings.EqualFold(prop, "og:site_name"):
					site = content
				case a == atom.Script:
					inLD = tt == html.StartTagToken && isJSONLD(typ)
				}
			}
			if skipping == 0 && (tokenDropped(a) || a == atom.Img) {
				r.dropped(a)
			}
			if tokenDropped(a) {
				switch {
				case end && skip[a] > 0:
					skip[a]--
					skipping--
				case tt == html.StartTagToken:
					skip[a]++
					skipping++
				}
				continue
			}
			if a == atom.Body && !end {
				// Whatever was left open in the head is closed by now.
				skipping -= skip[atom.Head]
				skip[atom.Head] = 0
			}
			if skipping > 0 {
				continue
			}
			switch {
			case a == atom.Br:
				r.lineBreakTag()
			case a == atom.Td || a == atom.Th:
				r.space = true
			case a == atom.Li || a == atom.Dt || a == atom.Dd || a == atom.Tr:
				r.block(lineBreak)
			case isBlock(a):
				r.block(paraBreak)
				if a == atom.Pre || a == atom.Listing {
					if end {
						r.pre = max(r.pre-1, 0)
					} else if tt == html.StartTagToken {
						r.pre++
					}
				}
			}
		}
	}
}

// tokenDropped lists the non-void elements whose content extractTokens skips.
func tokenDropped(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe,
		atom.Svg, atom.Math, atom.Nav, atom.Header, atom.Footer, atom.Aside,
		atom.Button, atom.Select, atom.Textarea, atom.Object, atom.Canvas,
		atom.Audio, atom.Video, atom.Dialog, atom.Head, atom.Title,
		atom.Noembed, atom.Noframes, atom.Rp, atom.Rt:
		return true
	}
	return false
}
