package ingest

// Markdown is reduced to the text a reader of the rendered page sees, as
// HTML is (see extractHTML): no marks, no link targets, no images, no tags.
// It follows CommonMark, with GitHub's tables and strikethrough, closely
// enough for articles. Left out: indented code blocks (an indented line is
// text: in articles it is a paragraph indented by mistake), footnotes, and
// Unicode case folding of reference labels beyond lower case; a quoted
// attribute value holding a '<' ends the tag (see htmlTag); raw HTML keeps
// its text except where no reader sees it (see hiddenElement), without
// the HTML path's guesses from class names.
//
// The reducer takes time linear in its input by construction. Uploads of
// up to 5 MB are parsed while the user waits, and a parser whose scans
// cross each other is a denial of service (goldmark takes minutes on 1 MB
// of "> " or "[a]("). How each scan is bounded:
//
//   - Blocks are read a line at a time. A line is scanned a fixed number of
//     times: its container marks are read left to right once, and the tests
//     that look at the rest of a line (thematic break, setext underline)
//     use its end, found once per line, not a scan per mark.
//   - Inline text (a paragraph, a heading, a table cell) is read left to
//     right once. Every scan that starts at an opener and looks ahead
//     either uses a table built in one pass (the closing backtick run of
//     each length; the matching ")" of each "(" in a link destination),
//     or stops at the next opener of its own kind so that no two such
//     scans cross the same text (a tag stops at the next "<", a link title
//     at the next quote of its kind, a link label at the next bracket), or
//     remembers where the next "-->", "?>" or "</script" is for all later
//     openers (the search only moves forward), or is bounded by a constant
//     (an entity: 32 bytes; a label: 999).
//   - A link deactivates the links around it through a single index, not
//     by visiting them.
//   - Emphasis is matched with CommonMark's "openers bottom": a closer never
//     searches again the stretch where an earlier closer of its kind found
//     no opener, and the marks a match encloses leave the list for good.
//   - Raw HTML blocks go through the HTML tokenizer, which reads its input
//     once.

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// extractMarkdown reduces Markdown to its text and returns the text of the
// first heading outside blockquotes and lists, the title the author gave the
// article ("" when there is none). src must use "\n" line endings.
func extractMarkdown(src string) (title, text string) {
	p := mdParser{defs: map[string]bool{}, table: -1}
	for line := range strings.Lines(src) {
		p.line(strings.TrimSuffix(line, "\n"))
	}
	p.end()

	var r renderer
	prev := -1
	for _, b := range p.blocks {
		// Blocks of one list are its items: each on its own line, as the
		// HTML path writes <li>s; anything else is a paragraph.
		level := paraBreak
		if b.list != 0 && b.list == prev {
			level = lineBreak
		}
		prev = b.list
		r.block(level)
		switch b.kind {
		case mdPara:
			p.inline(&r, b.text)
		case mdHeading:
			var h renderer
			p.inline(&h, b.text)
			if b.top && title == "" {
				title = cleanTitle(string(h.buf))
			}
			writeText(&r, string(h.buf))
		case mdCode:
			writeCode(&r, b.text)
		case mdHTML:
			writeHTML(&r, b.text, level)
		case mdTable:
			for i, row := range b.rows {
				if i > 0 {
					r.block(lineBreak)
				}
				for j, cell := range row {
					if j > 0 {
						r.space, r.gap = true, false
					}
					p.inline(&r, cell)
				}
			}
		}
	}
	return title, string(r.buf)
}

type mdKind uint8

const (
	mdPara mdKind = iota
	mdHeading
	mdCode
	mdHTML
	mdTable
)

// mdBlock is a block of the document, its inline text still to be read:
// link reference definitions may come after the links that use them.
type mdBlock struct {
	kind mdKind
	text string     // inline source of a paragraph or heading; code; raw HTML
	rows [][]string // a table's cells, head first
	list int        // the list the block is in, 0 for none
	top  bool       // a heading outside blockquotes and lists
}

// mdParser reads the blocks of a document line by line.
type mdParser struct {
	blocks []mdBlock
	defs   map[string]bool // normalized labels of link reference definitions

	para     []string // lines of the open paragraph
	paraQ    int      // its blockquote depth
	paraList int      // the list it is in

	table     int // index in blocks of the open table, -1 for none
	tableQ    int
	tableCols int

	list     int  // the open list, 0 for none
	lists    int  // lists opened so far, to number them
	listQ    int  // blockquote marks outside the list
	listCol  int  // content column of its outermost items
	itemCol  int  // content column of the last item started
	listType byte // '-', '+', '*', '.' or ')'

	raw mdRaw // the open fenced code or HTML block
}

// mdRaw is an open block whose lines are taken as written.
type mdRaw struct {
	open   bool
	kind   mdKind   // mdCode or mdHTML
	fence  byte     // '`' or '~'
	n      int      // length of the opening fence
	ends   []string // what ends an HTML block; none: a blank line
	q      int      // blockquote marks around the block
	minCol int      // a line starting left of this column leaves the list item
	indent int      // columns of indentation removed from code lines
	list   int
	lines  []string
}

// mdLine is a line with its container marks read.
type mdLine struct {
	rest    string // what follows the marks, without leading blanks
	col     int    // column of rest
	q       int    // blockquote marks
	qOuter  int    // of which left of the open list's content column
	qCol    int    // column after the last blockquote mark
	items   int    // list marks
	itemQ   int    // blockquote marks before the first list mark
	itemCol int    // column of the first list mark
	content int    // content column of the first list mark's item
	inner   int    // content column of the last list mark's item
	typ     byte   // the first list mark's type
	hr      bool   // a thematic break
	setext  byte   // '=' or '-': the line underlines the open paragraph
	delims  int    // a table's delimiter row with this many columns
	deep    bool   // indented four columns or more past its container: text
}

func (p *mdParser) line(l string) {
	if p.raw.open && p.rawLine(l) {
		return
	}
	m := p.scan(l)
	if m.rest == "" && m.items == 0 {
		// A blank line, in blockquotes or not, ends paragraphs and tables.
		p.closePara()
		p.table = -1
		return
	}
	if m.setext != 0 {
		if p.setext() {
			return
		}
		// Only definitions above: the underline is text, or a break.
		if m.setext == '-' && strings.Count(m.rest, "-") >= 3 {
			return
		}
		m.deep = true
	}
	if m.delims > 0 && p.tableHead(m.delims) {
		return
	}
	if p.table >= 0 {
		if m.items == 0 && !m.hr && m.q == p.tableQ && (m.deep || !interrupts(m.rest)) {
			p.row(m.rest)
			return
		}
		p.table = -1
	}
	// Paragraph continuation, lazy ("> a\nb") or not.
	if len(p.para) > 0 && m.items == 0 && !m.hr && m.q <= p.paraQ && (m.deep || !interrupts(m.rest)) {
		p.para = append(p.para, m.rest)
		return
	}
	p.closePara()
	p.enterList(m)
	if m.hr || m.rest == "" {
		return
	}
	if m.deep {
		p.openPara(m)
		return
	}
	p.open(m)
}

func (p *mdParser) end() {
	if p.raw.open {
		p.closeRaw()
	}
	p.closePara()
	p.table = -1
}

// scan reads the container marks at the start of a line: blockquote marks
// and list marks, in any order, each after any blanks. Indented code blocks
// are not read as such: in articles an indented line is text, and as in
// CommonMark it starts no other block either.
func (p *mdParser) scan(l string) mdLine {
	var m mdLine
	hrAt, hrChar := hrFrom(l)
	seAt, seChar := setextFrom(l)
	para := len(p.para) > 0
	i, col := 0, 0
	for {
		for i < len(l) && isBlank(l[i]) {
			col = nextCol(col, l[i])
			i++
		}
		if i == len(l) {
			break
		}
		c := l[i]
		if c == '>' {
			if p.list == 0 || col < p.listCol {
				m.qOuter++
			}
			m.q++
			i++
			col++
			if i < len(l) && isBlank(l[i]) {
				col = nextCol(col, l[i])
				i++
			}
			m.qCol = col
			continue
		}
		if m.items == 0 {
			// Indentation counts from the item the line is in: the last
			// one started or, left of it, an outermost one.
			base := m.qCol
			switch {
			case p.list == 0:
			case col >= p.itemCol:
				base = max(base, p.itemCol)
			case col >= p.listCol:
				base = max(base, p.listCol)
			}
			if col-base >= 4 {
				m.deep = true
				break
			}
		}
		// What follows a paragraph's marks may underline it, or make its
		// last line a table's head.
		inItem := p.paraList == 0 || col >= p.listCol
		if m.items == 0 && para && m.q == p.paraQ {
			if i == seAt && c == seChar && inItem {
				m.setext = c
				break
			}
			if n := delimRow(l[i:]); n > 0 {
				m.delims = n
				break
			}
		}
		// Counted at most three times a line: past three it is a break.
		if i >= hrAt && c == hrChar && strings.Count(l[i:], l[i:i+1]) >= 3 {
			m.hr = true
			break
		}
		end, typ, one, ok := listMark(l, i)
		if !ok {
			break
		}
		markEnd := col + end - i
		j, after := end, markEnd
		for j < len(l) && isBlank(l[j]) {
			after = nextCol(after, l[j])
			j++
		}
		empty := j == len(l)
		if m.items == 0 && para && m.q == p.paraQ && inItem {
			// Inside a paragraph only a bullet with text or a list from 1
			// starts a list: "1984. That year" goes on with the sentence.
			if empty || (typ == '.' || typ == ')') && !one {
				break
			}
		}
		content := after
		if empty || after-markEnd > 4 {
			content = markEnd + 1
		}
		if m.items == 0 {
			m.itemQ, m.itemCol, m.typ, m.content = m.q, col, typ, content
		}
		m.inner = content
		m.items++
		col, i = markEnd, end
	}
	m.rest, m.col = l[i:], col
	return m
}

// enterList keeps track of the open list: a line with a list mark starts an
// item of it, of a list inside it or of a new list; a line without one
// stays in the list only when indented to its items' content.
func (p *mdParser) enterList(m mdLine) {
	inside := p.list != 0 && m.qOuter == p.listQ
	if m.items == 0 {
		if p.list != 0 && (!inside || m.col < p.listCol) {
			p.list = 0
		}
		return
	}
	p.itemCol = m.inner
	switch {
	case inside && m.itemCol >= p.listCol: // a list inside an item
	case inside && m.typ == p.listType: // the next item
		p.listCol = m.content
	default:
		p.lists++
		p.list, p.listQ, p.listCol, p.listType = p.lists, m.itemQ, m.content, m.typ
	}
}

// open starts the block that begins at m.rest.
func (p *mdParser) open(m mdLine) {
	s := m.rest
	if isATX(s) {
		p.blocks = append(p.blocks, mdBlock{kind: mdHeading, text: stripATX(s), list: p.list, top: m.q == 0 && p.list == 0})
		return
	}
	minCol := 0
	if p.list != 0 {
		minCol = p.listCol
	}
	if c, n, ok := fenceOpen(s); ok {
		p.raw = mdRaw{open: true, kind: mdCode, fence: c, n: n, q: m.q, minCol: minCol, indent: m.col - m.qCol, list: p.list}
		return
	}
	if ends, ok := htmlStart(s, false); ok {
		p.raw = mdRaw{open: true, kind: mdHTML, ends: ends, q: m.q, minCol: minCol, list: p.list, lines: []string{s}}
		if len(ends) > 0 && hasEnd(s, ends) {
			p.closeRaw()
		}
		return
	}
	p.openPara(m)
}

func (p *mdParser) openPara(m mdLine) {
	p.para = append(p.para[:0], m.rest)
	p.paraQ, p.paraList = m.q, p.list
}

// rawLine takes a line of an open fenced code or HTML block. It returns
// false when the line ends the block without belonging to it (it left the
// blockquote or list item around the block, or is the blank line that ends
// an HTML block): the line is then read as usual.
func (p *mdParser) rawLine(l string) bool {
	r := &p.raw
	i, col := 0, 0
	for range r.q {
		for i < len(l) && isBlank(l[i]) {
			col = nextCol(col, l[i])
			i++
		}
		if i == len(l) || l[i] != '>' {
			p.closeRaw()
			return false
		}
		i++
		col++
		if i < len(l) && isBlank(l[i]) {
			col = nextCol(col, l[i])
			i++
		}
	}
	j, c := i, col
	for j < len(l) && isBlank(l[j]) {
		c = nextCol(c, l[j])
		j++
	}
	if j < len(l) && c < r.minCol {
		p.closeRaw()
		return false
	}
	if r.kind == mdCode {
		k := j
		for k < len(l) && l[k] == r.fence {
			k++
		}
		if k-j >= r.n && onlyBlanks(l[k:]) && c-max(col, r.minCol) < 4 {
			p.closeRaw()
			return true
		}
		// The fence's own indentation is not part of the code.
		for c = col; i < len(l) && isBlank(l[i]) && c < col+r.indent; i++ {
			c = nextCol(c, l[i])
		}
		r.lines = append(r.lines, l[i:])
		return true
	}
	if len(r.ends) == 0 && j == len(l) {
		p.closeRaw()
		return false
	}
	r.lines = append(r.lines, l[i:])
	if len(r.ends) > 0 && hasEnd(l[i:], r.ends) {
		p.closeRaw()
	}
	return true
}

func (p *mdParser) closeRaw() {
	r := p.raw
	p.raw = mdRaw{}
	p.blocks = append(p.blocks, mdBlock{kind: r.kind, text: strings.Join(r.lines, "\n"), list: r.list})
}

func (p *mdParser) closePara() {
	if len(p.para) == 0 {
		return
	}
	text := p.takeDefs(strings.Join(p.para, "\n"))
	p.para = p.para[:0]
	if text != "" {
		p.blocks = append(p.blocks, mdBlock{kind: mdPara, text: text, list: p.paraList})
	}
}

// setext makes the open paragraph a heading; false when it held only link
// reference definitions.
func (p *mdParser) setext() bool {
	text := p.takeDefs(strings.Join(p.para, "\n"))
	p.para = p.para[:0]
	if text == "" {
		return false
	}
	p.blocks = append(p.blocks, mdBlock{kind: mdHeading, text: text, list: p.paraList, top: p.paraQ == 0 && p.paraList == 0})
	return true
}

// tableHead makes the last line of the open paragraph the head of a table
// when it has as many cells as the delimiter row under it.
func (p *mdParser) tableHead(cols int) bool {
	head := splitCells(p.para[len(p.para)-1])
	if len(head) != cols {
		return false
	}
	p.para = p.para[:len(p.para)-1]
	q, list := p.paraQ, p.paraList
	p.closePara()
	p.blocks = append(p.blocks, mdBlock{kind: mdTable, rows: [][]string{head}, list: list})
	p.table, p.tableQ, p.tableCols = len(p.blocks)-1, q, cols
	return true
}

// row adds a line to the open table. Cells past the head's are not shown.
func (p *mdParser) row(s string) {
	cells := splitCells(s)
	if len(cells) > p.tableCols {
		cells = cells[:p.tableCols]
	}
	t := &p.blocks[p.table]
	t.rows = append(t.rows, cells)
}

// takeDefs removes the link reference definitions that start a paragraph,
// keeping their labels, and returns the rest.
func (p *mdParser) takeDefs(text string) string {
	for strings.HasPrefix(text, "[") {
		label, n := refDef(text)
		if n == 0 {
			break
		}
		p.defs[normLabel(label)] = true
		text = text[n:]
	}
	return text
}

// refDef reads a link reference definition ("[label]: url 'title'") at the
// start of s; it returns the label and the length through the end of its
// last line, or 0.
func refDef(s string) (label string, n int) {
	k := linkLabel(s, 0)
	if k <= 2 || k >= len(s) || s[k] != ':' {
		return "", 0
	}
	label = s[1 : k-1]
	if strings.TrimSpace(label) == "" {
		return "", 0
	}
	i := skipSpaceNL(s, k+1)
	var end int
	if i < len(s) && s[i] == '<' {
		end = pointyDest(s, i)
	} else if end = nestedDest(s, i); end == i {
		end = -1
	}
	if end < 0 {
		return "", 0
	}
	if t := skipSpaceNL(s, end); t > end && t < len(s) && (s[t] == '"' || s[t] == '\'' || s[t] == '(') {
		if e := titleEnd(s, t); e > 0 {
			if n := lineEnd(s, e); n >= 0 {
				return label, n
			}
		}
	}
	if n := lineEnd(s, end); n >= 0 {
		return label, n
	}
	return "", 0
}

// hrFrom returns where the thematic-break tail of a line starts: the
// index from which it holds only blanks and one of - * _ (returned too);
// past the end when there is no such tail.
func hrFrom(l string) (int, byte) {
	j := len(l)
	for j > 0 && isBlank(l[j-1]) {
		j--
	}
	if j == 0 {
		return len(l) + 1, 0
	}
	c := l[j-1]
	if c != '-' && c != '*' && c != '_' {
		return len(l) + 1, 0
	}
	for j > 0 && (l[j-1] == c || isBlank(l[j-1])) {
		j--
	}
	return j, c
}

// setextFrom returns where a line's final run of '=' or '-' (returned
// too), before trailing blanks, starts; past the end when there is none.
func setextFrom(l string) (int, byte) {
	j := len(l)
	for j > 0 && isBlank(l[j-1]) {
		j--
	}
	if j == 0 || (l[j-1] != '=' && l[j-1] != '-') {
		return len(l) + 1, 0
	}
	c := l[j-1]
	for j > 0 && l[j-1] == c {
		j--
	}
	return j, c
}

// listMark reads a list mark at l[i]: a bullet (- + *) or one to nine
// digits and '.' or ')', followed by a blank or the end of the line. typ is
// the bullet or the delimiter; one says the number is 1.
func listMark(l string, i int) (end int, typ byte, one, ok bool) {
	switch c := l[i]; {
	case c == '-' || c == '+' || c == '*':
		end, typ = i+1, c
	case isDigit(c):
		j := i
		for j < len(l) && j-i < 10 && isDigit(l[j]) {
			j++
		}
		if j-i > 9 || j == len(l) || (l[j] != '.' && l[j] != ')') {
			return 0, 0, false, false
		}
		end, typ, one = j+1, l[j], strings.TrimLeft(l[i:j], "0") == "1"
	default:
		return 0, 0, false, false
	}
	if end < len(l) && !isBlank(l[end]) {
		return 0, 0, false, false
	}
	return end, typ, one, true
}

// isATX reports an ATX heading: one to six '#' and a blank or nothing.
func isATX(s string) bool {
	n := 0
	for n < len(s) && s[n] == '#' {
		n++
	}
	return n >= 1 && n <= 6 && (n == len(s) || isBlank(s[n]))
}

// fenceOpen reads the opening fence of a code block: three or more '`'
// (with no '`' in the info string after them) or '~'.
func fenceOpen(s string) (c byte, n int, ok bool) {
	if s == "" || (s[0] != '`' && s[0] != '~') {
		return 0, 0, false
	}
	c = s[0]
	for n < len(s) && s[n] == c {
		n++
	}
	if n < 3 || (c == '`' && strings.IndexByte(s[n:], '`') >= 0) {
		return 0, 0, false
	}
	return c, n, true
}

// interrupts reports a line that starts a block even inside a paragraph
// (blockquotes, list items and breaks are seen by scan).
func interrupts(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '#':
		return isATX(s)
	case '`', '~':
		_, _, ok := fenceOpen(s)
		return ok
	case '<':
		_, ok := htmlStart(s, true)
		return ok
	}
	return false
}

// htmlBlockTags are the tags that start an HTML block anywhere (CommonMark's
// kind 6).
var htmlBlockTags = map[string]bool{
	"address": true, "article": true, "aside": true, "base": true, "basefont": true,
	"blockquote": true, "body": true, "caption": true, "center": true, "col": true,
	"colgroup": true, "dd": true, "details": true, "dialog": true, "dir": true,
	"div": true, "dl": true, "dt": true, "fieldset": true, "figcaption": true,
	"figure": true, "footer": true, "form": true, "frame": true, "frameset": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"head": true, "header": true, "hr": true, "html": true, "iframe": true,
	"legend": true, "li": true, "link": true, "main": true, "menu": true,
	"menuitem": true, "nav": true, "noframes": true, "ol": true, "optgroup": true,
	"option": true, "p": true, "param": true, "search": true, "section": true,
	"summary": true, "table": true, "tbody": true, "td": true, "tfoot": true,
	"th": true, "thead": true, "title": true, "tr": true, "track": true, "ul": true,
}

var rawTextEnds = []string{"</script>", "</pre>", "</style>", "</textarea>"}

// htmlStart reports a line that starts an HTML block and returns what ends
// it: one of ends on a line, or (ends empty) a blank line. A block that is
// a lone tag of any name cannot interrupt a paragraph.
func htmlStart(s string, interrupt bool) (ends []string, ok bool) {
	if len(s) < 2 || s[0] != '<' {
		return nil, false
	}
	for _, t := range []string{"script", "pre", "style", "textarea"} {
		if k := 1 + len(t); len(s) >= k && strings.EqualFold(s[1:k], t) && (k == len(s) || isBlank(s[k]) || s[k] == '>') {
			return rawTextEnds, true
		}
	}
	switch {
	case strings.HasPrefix(s, "<!--"):
		return []string{"-->"}, true
	case strings.HasPrefix(s, "<?"):
		return []string{"?>"}, true
	case strings.HasPrefix(s, "<![CDATA["):
		return []string{"]]>"}, true
	case s[1] == '!' && len(s) > 2 && isLetter(s[2]):
		return []string{">"}, true
	}
	k := 1
	if s[1] == '/' {
		k = 2
	}
	j := k
	for j < len(s) && j-k <= 10 && isAlnum(s[j]) {
		j++
	}
	if htmlBlockTags[strings.ToLower(s[k:j])] && (j == len(s) || isBlank(s[j]) || s[j] == '>' || strings.HasPrefix(s[j:], "/>")) {
		return nil, true
	}
	if !interrupt {
		if end, name, _ := htmlTag(s, 0); end > 0 && onlyBlanks(s[end:]) {
			switch strings.ToLower(name) {
			case "script", "style", "pre", "textarea":
			default:
				return nil, true
			}
		}
	}
	return nil, false
}

// hasEnd reports whether a line of an HTML block holds one of ends.
func hasEnd(l string, ends []string) bool {
	for _, e := range ends {
		if strings.HasPrefix(e, "</") {
			if indexCloseTag(l, 0, e[2:len(e)-1]) >= 0 {
				return true
			}
		} else if strings.Contains(l, e) {
			return true
		}
	}
	return false
}

// delimRow returns the number of columns of a table's delimiter row
// ("| --- | :-: |"), 0 when s is not one. It needs a '|'.
func delimRow(s string) int {
	s = trimBlanks(s)
	if strings.IndexByte(s, '|') < 0 {
		return 0
	}
	s = strings.TrimPrefix(s, "|")
	s = strings.TrimSuffix(s, "|")
	n := 0
	for {
		cell, rest, more := strings.Cut(s, "|")
		c := trimBlanks(cell)
		c = strings.TrimPrefix(c, ":")
		c = strings.TrimSuffix(c, ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return 0
		}
		n++
		if !more {
			return n
		}
		s = rest
	}
}

// splitCells splits a table row into its cells' inline sources. An escaped
// "\|" is a pipe in the cell, code spans included.
func splitCells(s string) []string {
	s = trimBlanks(s)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '|':
			cells = append(cells, cell(s[start:i]))
			start = i + 1
		}
	}
	return append(cells, cell(s[start:]))
}

func cell(s string) string {
	return strings.ReplaceAll(trimBlanks(s), `\|`, "|")
}

// The inline reader.

type pieceKind uint8

const (
	pText  pieceKind = iota // s[a:b]
	pStr                    // strs[a]: decoded text
	pDelim                  // what is left of delimiter run dl[a]
	pOpen                   // "[" (b == 0) or "![" (b == 1); a < 0: a link's, gone; a > 0: an image's, output resumes at piece a
	pSoft                   // a soft line break: a space
	pHard                   // a hard line break
	pGap                    // something inline was dropped here
)

// piece is a stretch of output, decided once the text is read: a mark is
// text unless something pairs it.
type piece struct {
	kind pieceKind
	a, b int32
}

// delim is a run of '*', '_' or '~' in the delimiter list.
type delim struct {
	c           byte
	open, close bool
	n, orig     int32 // characters left, run length
	prev, next  int32
}

// bracket is an open "[" or "![" that a "]" may close.
type bracket struct {
	piece  int32 // its pOpen
	pos    int32 // index after it
	bottom int32 // the last delimiter before it, -1 for none
	image  bool
	after  bool // a bracket opened after it: its text is no link label
}

type inline struct {
	s    string
	defs map[string]bool
	out  []piece
	strs []string

	dl         []delim
	head, tail int32

	br   []bracket
	dead int // link brackets below this index are inactive: no links in links

	ticks   map[int][]int32 // backtick runs by length, start positions in order
	tickAt  map[int]int     // next unread entry of ticks[n]
	parens  []int32         // index of the ')' closing each '(' in one word, -1 for none
	found   map[string]int  // where the next "-->" (...) is, -1 for nowhere
	closeAt map[string]int  // where the next "</name" is, -1 for nowhere
}

// inline writes the text of one paragraph, heading or cell to r.
func (p *mdParser) inline(r *renderer, s string) {
	in := inline{s: s, defs: p.defs, head: -1, tail: -1}
	in.parse()
	in.write(r)
}

var mdSpecial = [256]bool{'\\': true, '`': true, '*': true, '_': true, '~': true,
	'[': true, ']': true, '!': true, '<': true, '&': true, '\n': true}

func (in *inline) parse() {
	s := in.s
	// Sizing the lists up front keeps memory to one copy of each: grown by
	// append, a large slice costs about five times its size.
	specials, brackets, marks := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case !mdSpecial[c]:
			continue
		case c == '[':
			brackets++
		case c == '*' || c == '_' || c == '~':
			marks++
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			i++ // the escaped character is text
		}
		specials++
	}
	in.out = make([]piece, 0, 2*specials+1) // text before each special, and it
	in.br = make([]bracket, 0, brackets)
	in.dl = make([]delim, 0, marks)

	lit, i := 0, 0 // pending literal text is s[lit:i]
	for i < len(s) {
		c := s[i]
		if !mdSpecial[c] {
			i++
			continue
		}
		switch c {
		case '\\':
			switch {
			case i+1 < len(s) && isASCIIPunct(s[i+1]):
				in.text(lit, i)
				lit, i = i+1, i+2
			case i+1 < len(s) && s[i+1] == '\n':
				in.text(lit, i)
				in.add(pHard, 0, 0)
				lit, i = i+2, i+2
			default:
				i++
			}
		case '`':
			n := runLen(s, i, '`')
			if j := in.closingTicks(i, n); j >= 0 {
				in.text(lit, i)
				in.str(codeText(s[i+n : j]))
				lit, i = j+n, j+n
			} else {
				i += n
			}
		case '*', '_', '~':
			n := runLen(s, i, c)
			open, close := flanking(s, i, i+n, c)
			if (!open && !close) || (c == '~' && n > 2) {
				i += n
				continue
			}
			in.text(lit, i)
			in.delim(c, n, open, close)
			lit, i = i+n, i+n
		case '!':
			if i+1 < len(s) && s[i+1] == '[' {
				in.text(lit, i)
				in.open(i+2, true)
				lit, i = i+2, i+2
			} else {
				i++
			}
		case '[':
			in.text(lit, i)
			in.open(i+1, false)
			lit, i = i+1, i+1
		case ']':
			in.text(lit, i)
			i = in.close(i)
			lit = i
		case '<':
			if end := autolink(s, i); end > 0 {
				in.text(lit, i)
				in.add(pText, i+1, end-1)
				lit, i = end, end
			} else if end, name, closing := in.rawHTML(i); end > 0 {
				in.text(lit, i)
				i = in.tag(end, name, closing)
				lit = i
			} else {
				i++
			}
		case '&':
			if d, end := entity(s, i); end > i {
				in.text(lit, i)
				in.str(d)
				lit, i = end, end
			} else {
				i++
			}
		case '\n':
			in.text(lit, i)
			if strings.HasSuffix(s[:i], "  ") {
				in.add(pHard, 0, 0)
			} else {
				in.add(pSoft, 0, 0)
			}
			lit, i = i+1, i+1
		}
	}
	in.text(lit, len(s))
	in.emphasis(-1)
}

func (in *inline) add(k pieceKind, a, b int) {
	in.out = append(in.out, piece{kind: k, a: int32(a), b: int32(b)})
}

func (in *inline) text(from, to int) {
	if to > from {
		in.add(pText, from, to)
	}
}

func (in *inline) str(s string) {
	if s != "" {
		in.add(pStr, len(in.strs), 0)
		in.strs = append(in.strs, s)
	}
}

// write puts the pieces to r: marks that paired are gone, images with all
// they hold too.
func (in *inline) write(r *renderer) {
	for k := 0; k < len(in.out); k++ {
		pc := in.out[k]
		switch pc.kind {
		case pText:
			writeText(r, in.s[pc.a:pc.b])
		case pStr:
			writeText(r, in.strs[pc.a])
		case pDelim:
			d := in.dl[pc.a]
			for range d.n {
				r.put(rune(d.c))
			}
		case pOpen:
			switch {
			case pc.a > 0:
				r.dropped(atom.Img)
				k = int(pc.a) - 1
			case pc.a == 0 && pc.b == 1:
				writeText(r, "![")
			case pc.a == 0:
				writeText(r, "[")
			}
		case pSoft:
			r.space = true
		case pHard:
			r.lineBreakTag()
		case pGap:
			r.gap = true
		}
	}
}

// writeText writes Markdown text to r: runs of ASCII blank space and line
// breaks become one space; everything else, no-break spaces included, is
// written as it is.
func writeText(r *renderer, s string) {
	for _, c := range s {
		if c == ' ' || c == '\t' || c == '\n' {
			r.space = true
		} else {
			r.put(c)
		}
	}
}

// writeCode writes a code block as it is, without its blank first lines.
func writeCode(r *renderer, code string) {
	for {
		first, rest, ok := strings.Cut(code, "\n")
		if !ok || !onlyBlanks(first) {
			break
		}
		code = rest
	}
	r.pre++
	for _, c := range code {
		r.put(c)
	}
	r.pre--
}

// writeHTML writes the text of a raw HTML block the way the HTML path
// does, without what no reader sees (see hiddenElement) and comments.
func writeHTML(r *renderer, src string, level int) {
	pre := r.pre
	defer func() { r.pre = pre }()
	z := html.NewTokenizer(strings.NewReader(src))
	hidden := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return
		case html.TextToken:
			if hidden == 0 {
				r.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hiddenElement(a) {
				if hidden == 0 {
					r.dropped(a)
				}
				switch {
				case tt == html.StartTagToken:
					hidden++
				case tt == html.EndTagToken && hidden > 0:
					hidden--
				}
				continue
			}
			if hidden > 0 {
				continue
			}
			switch {
			case a == atom.Br:
				r.lineBreakTag()
			case a == atom.Img:
				r.dropped(a)
			case a == atom.Td || a == atom.Th:
				r.space, r.gap = true, false
			case a == atom.Li || a == atom.Dt || a == atom.Dd || a == atom.Tr:
				r.block(lineBreak)
			case isBlock(a):
				r.block(level)
				if a == atom.Pre || a == atom.Listing {
					if tt == html.EndTagToken {
						r.pre = max(r.pre-1, pre)
					} else if tt == html.StartTagToken {
						r.pre++
					}
				}
			}
		}
	}
}

// hiddenElement lists elements whose content no reader sees: code, styles,
// fallbacks and drawings.
func hiddenElement(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Title, atom.Noembed, atom.Noframes:
		return true
	}
	return false
}

// runLen is the length of the run of c at s[i].
func runLen(s string, i int, c byte) int {
	j := i
	for j < len(s) && s[j] == c {
		j++
	}
	return j - i
}

// closingTicks returns where the backtick run that closes a code span
// opened by n backticks at s[i] starts, or -1. The runs of each length are
// listed in one pass; openers come in order, so each list is read forward.
func (in *inline) closingTicks(i, n int) int {
	if in.ticks == nil {
		in.ticks, in.tickAt = map[int][]int32{}, map[int]int{}
		for j := 0; j < len(in.s); {
			if in.s[j] != '`' {
				j++
				continue
			}
			k := runLen(in.s, j, '`')
			in.ticks[k] = append(in.ticks[k], int32(j))
			j += k
		}
	}
	runs, at := in.ticks[n], in.tickAt[n]
	for at < len(runs) && int(runs[at]) < i+n {
		at++
	}
	in.tickAt[n] = at
	if at == len(runs) {
		return -1
	}
	return int(runs[at])
}

// codeText is a code span's text: line breaks are spaces, and one space is
// stripped from each end when both have one.
func codeText(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) >= 2 && s[0] == ' ' && s[len(s)-1] == ' ' && strings.Trim(s, " ") != "" {
		s = s[1 : len(s)-1]
	}
	return s
}

// flanking says whether the run s[i:j] of c can open and close emphasis
// (CommonMark's left- and right-flanking rules; '_' is stricter inside
// words, so snake_case stays as it is).
func flanking(s string, i, j int, c byte) (open, close bool) {
	before, after := ' ', ' ' // the edges of the text count as blank space
	if i > 0 {
		before, _ = utf8.DecodeLastRuneInString(s[:i])
	}
	if j < len(s) {
		after, _ = utf8.DecodeRuneInString(s[j:])
	}
	left := !unicode.IsSpace(after) && (!isPunctRune(after) || unicode.IsSpace(before) || isPunctRune(before))
	right := !unicode.IsSpace(before) && (!isPunctRune(before) || unicode.IsSpace(after) || isPunctRune(after))
	if c == '_' {
		return left && (!right || isPunctRune(before)), right && (!left || isPunctRune(after))
	}
	return left, right
}

func isPunctRune(r rune) bool {
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

func (in *inline) delim(c byte, n int, open, close bool) {
	k := int32(len(in.dl))
	in.dl = append(in.dl, delim{c: c, open: open, close: close, n: int32(n), orig: int32(n), prev: in.tail, next: -1})
	if in.tail >= 0 {
		in.dl[in.tail].next = k
	} else {
		in.head = k
	}
	in.tail = k
	in.add(pDelim, int(k), 0)
}

func (in *inline) unlink(k int32) {
	d := in.dl[k]
	if d.prev >= 0 {
		in.dl[d.prev].next = d.next
	} else {
		in.head = d.next
	}
	if d.next >= 0 {
		in.dl[d.next].prev = d.prev
	} else {
		in.tail = d.prev
	}
}

// emphasis pairs the delimiter runs after bottom (CommonMark's "process
// emphasis"). floor holds, for each kind of closer, the delimiter below
// which an earlier closer of that kind found no opener: no closer searches
// there again, and runs between a pair leave the list, so every run is
// passed over a bounded number of times.
func (in *inline) emphasis(bottom int32) {
	var floor [3][2][3]int32 // mark, closer can open, closer length % 3
	for a := range floor {
		for b := range floor[a] {
			for c := range floor[a][b] {
				floor[a][b][c] = bottom
			}
		}
	}
	cur := in.head
	if bottom >= 0 {
		cur = in.dl[bottom].next
	}
	for cur >= 0 {
		d := &in.dl[cur]
		if !d.close {
			cur = d.next
			continue
		}
		f := &floor[strings.IndexByte("*_~", d.c)][b2i(d.open)][d.orig%3]
		o := d.prev
		for o > *f && !in.pairs(o, cur) {
			o = in.dl[o].prev
		}
		if o > *f {
			od := &in.dl[o]
			use := int32(1)
			switch {
			case d.c == '~':
				use = d.n
			case d.n >= 2 && od.n >= 2:
				use = 2
			}
			od.n -= use
			d.n -= use
			od.next, d.prev = cur, o // the runs between are text
			if od.n == 0 {
				in.unlink(o)
			}
			if d.n == 0 {
				next := d.next
				in.unlink(cur)
				cur = next
			}
			continue
		}
		*f = d.prev
		next := d.next
		if !d.open {
			in.unlink(cur)
		}
		cur = next
	}
}

// pairs reports whether run o can open the emphasis that run c closes.
func (in *inline) pairs(o, c int32) bool {
	od, cd := &in.dl[o], &in.dl[c]
	if !od.open || od.c != cd.c {
		return false
	}
	if cd.c == '~' {
		return od.orig == cd.orig
	}
	// "Rule of three": *a**b* is one emphasis, not two.
	if (od.close || cd.open) && (od.orig+cd.orig)%3 == 0 && (od.orig%3 != 0 || cd.orig%3 != 0) {
		return false
	}
	return true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (in *inline) open(pos int, image bool) {
	if n := len(in.br); n > 0 {
		in.br[n-1].after = true
	}
	in.dead = min(in.dead, len(in.br))
	in.br = append(in.br, bracket{piece: int32(len(in.out)), pos: int32(pos), bottom: in.tail, image: image})
	in.add(pOpen, 0, b2i(image))
}

// close handles the "]" at s[i] and returns where reading goes on.
func (in *inline) close(i int) int {
	s := in.s
	n := len(in.br)
	if n == 0 {
		in.add(pText, i, i+1)
		return i + 1
	}
	b := in.br[n-1]
	if !b.image && n-1 < in.dead {
		in.br = in.br[:n-1]
		in.add(pText, i, i+1)
		return i + 1
	}
	end := -1
	if i+1 < len(s) && s[i+1] == '(' {
		end = in.linkTail(i + 2)
	}
	if end < 0 {
		// A reference: [text][label], [text][] or [text].
		label, after := "", i+1
		k := 0
		if i+1 < len(s) && s[i+1] == '[' {
			k = linkLabel(s, i+1)
		}
		switch {
		case k > 2:
			label, after = s[i+2:i+k], i+1+k
		case !b.after:
			label = s[b.pos:i]
			if k == 2 {
				after = i + 3
			}
		}
		if label != "" && len(label) <= 999 && len(in.defs) > 0 && in.defs[normLabel(label)] {
			end = after
		}
	}
	if end < 0 {
		in.br = in.br[:n-1]
		in.add(pText, i, i+1)
		return i + 1
	}
	// Emphasis inside the brackets is settled: no mark in them pairs with
	// one outside.
	in.emphasis(b.bottom)
	if b.bottom < 0 {
		in.head, in.tail = -1, -1
	} else {
		in.dl[b.bottom].next, in.tail = -1, b.bottom
	}
	if b.image {
		in.out[b.piece].a = int32(len(in.out))
	} else {
		in.out[b.piece].a = -1
		in.dead = n - 1
	}
	in.br = in.br[:n-1]
	return end
}

// linkTail reads the rest of an inline link after its "(": a destination,
// a title, ")". It returns the index after the ")", or -1.
func (in *inline) linkTail(p int) int {
	s := in.s
	p = skipSpaceNL(s, p)
	if p >= len(s) {
		return -1
	}
	if s[p] == ')' {
		return p + 1
	}
	var e int
	if s[p] == '<' {
		e = pointyDest(s, p)
	} else if e = in.rawDest(p); e == p {
		e = -1
	}
	if e < 0 {
		return -1
	}
	q := skipSpaceNL(s, e)
	if q > e && q < len(s) && (s[q] == '"' || s[q] == '\'' || s[q] == '(') {
		t := titleEnd(s, q)
		if t < 0 {
			return -1
		}
		q = skipSpaceNL(s, t)
	}
	if q < len(s) && s[q] == ')' {
		return q + 1
	}
	return -1
}

// rawDest returns the end of a link destination without <> at s[p]: it
// stops at blank space or at a ")" it did not open. It steps over each
// balanced "(...)" at once, using parens: so a failed attempt never reads
// inside the destination of a later link, and no character is read by
// two attempts.
func (in *inline) rawDest(p int) int {
	s := in.s
	if in.parens == nil {
		in.parens = make([]int32, len(s))
		var open []int32
		for i := 0; i < len(s); i++ {
			switch c := s[i]; {
			case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
				i++
			case c == '(':
				in.parens[i] = -1
				open = append(open, int32(i))
			case c == ')':
				if k := len(open); k > 0 {
					in.parens[open[k-1]] = int32(i)
					open = open[:k-1]
				}
			case c <= ' ' || c == 0x7f:
				open = open[:0]
			}
		}
	}
	q := p
	for q < len(s) {
		switch c := s[q]; {
		case c == '\\' && q+1 < len(s) && isASCIIPunct(s[q+1]):
			q += 2
		case c == '(':
			if in.parens[q] < 0 {
				return -1
			}
			q = int(in.parens[q]) + 1
		case c == ')' || c <= ' ' || c == 0x7f:
			return q
		default:
			q++
		}
	}
	return q
}

// nestedDest is rawDest for a single use, a reference definition's, with
// a counter for the parentheses.
func nestedDest(s string, p int) int {
	depth := 0
	q := p
	for ; q < len(s); q++ {
		c := s[q]
		if c == '\\' && q+1 < len(s) && isASCIIPunct(s[q+1]) {
			q++
			continue
		}
		if c <= ' ' || c == 0x7f {
			break
		}
		if c == '(' {
			depth++
		} else if c == ')' {
			if depth == 0 {
				break
			}
			depth--
		}
	}
	if depth != 0 {
		return -1
	}
	return q
}

// pointyDest returns the index after a destination in <> at s[p], or -1.
// It stops at the next '<', so no two of these scans cross.
func pointyDest(s string, p int) int {
	for q := p + 1; q < len(s); q++ {
		switch s[q] {
		case '\\':
			if q+1 < len(s) && isASCIIPunct(s[q+1]) {
				q++
			}
		case '>':
			return q + 1
		case '<', '\n':
			return -1
		}
	}
	return -1
}

// titleEnd returns the index after a link title ("...", '...' or (...)) at
// s[q], or -1. It stops at the next quote of its kind (or parenthesis), so
// no two titles' scans cross.
func titleEnd(s string, q int) int {
	open, end := s[q], s[q]
	if open == '(' {
		end = ')'
	}
	for k := q + 1; k < len(s); k++ {
		switch c := s[k]; {
		case c == '\\' && k+1 < len(s) && isASCIIPunct(s[k+1]):
			k++
		case c == end:
			return k + 1
		case open == '(' && c == '(':
			return -1
		}
	}
	return -1
}

// linkLabel returns the length of the link label ("[...]") at s[k],
// brackets included, or 0: at most 999 characters inside, no unescaped
// bracket.
func linkLabel(s string, k int) int {
	for j := k + 1; j < len(s) && j-k <= 1000; j++ {
		switch s[j] {
		case '\\':
			if j+1 < len(s) && isASCIIPunct(s[j+1]) {
				j++
			}
		case '[':
			return 0
		case ']':
			return j - k + 1
		}
	}
	return 0
}

// normLabel makes labels that match the same: case and blank space do not
// count.
func normLabel(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// skipSpaceNL skips blanks and at most one line break.
func skipSpaceNL(s string, i int) int {
	nl := false
	for i < len(s) {
		switch s[i] {
		case ' ', '\t':
		case '\n':
			if nl {
				return i
			}
			nl = true
		default:
			return i
		}
		i++
	}
	return i
}

// lineEnd returns the index after the end of the line at s[i:] when it
// holds nothing but blanks (len(s) at the end of s), or -1.
func lineEnd(s string, i int) int {
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	switch {
	case i == len(s):
		return i
	case s[i] == '\n':
		return i + 1
	}
	return -1
}

// autolink returns the index after an autolink at s[i] ("<https://…>",
// "<name@example.org>"), or -1. Its text is s[i+1 : end-1]. Neither form
// holds a '<', so no two of these scans cross.
func autolink(s string, i int) int {
	j := i + 1
	k := j
	for k < len(s) && k-j <= 32 && (isLetter(s[k]) || (k > j && (isDigit(s[k]) || s[k] == '+' || s[k] == '.' || s[k] == '-'))) {
		k++
	}
	if k-j >= 2 && k-j <= 32 && k < len(s) && s[k] == ':' {
		e := k + 1
		for e < len(s) && s[e] > ' ' && s[e] != '<' && s[e] != '>' && s[e] != 0x7f {
			e++
		}
		if e < len(s) && s[e] == '>' {
			return e + 1
		}
		return -1
	}
	e := j
	for e < len(s) && (isAlnum(s[e]) || strings.IndexByte(".!#$%&'*+/=?^_`{|}~-", s[e]) >= 0) {
		e++
	}
	if e == j || e >= len(s) || s[e] != '@' {
		return -1
	}
	d := e + 1
	for {
		start := d
		for d < len(s) && d-start < 63 && (isAlnum(s[d]) || s[d] == '-') {
			d++
		}
		if d == start || s[start] == '-' || s[d-1] == '-' {
			return -1
		}
		if d < len(s) && s[d] == '.' {
			d++
			continue
		}
		break
	}
	if d < len(s) && s[d] == '>' {
		return d + 1
	}
	return -1
}

// rawHTML reads inline raw HTML at s[i]: a comment, processing
// instruction, declaration, CDATA section or tag. It returns the index
// after it (or -1), and the tag's name and whether it closes.
func (in *inline) rawHTML(i int) (end int, name string, closing bool) {
	rest := in.s[i:]
	find := func(sub string, from int) int {
		if e := in.next(sub, from); e >= 0 {
			return e + len(sub)
		}
		return -1
	}
	switch {
	case strings.HasPrefix(rest, "<!-->"):
		return i + 5, "", false
	case strings.HasPrefix(rest, "<!--->"):
		return i + 6, "", false
	case strings.HasPrefix(rest, "<!--"):
		return find("-->", i+4), "", false
	case strings.HasPrefix(rest, "<?"):
		return find("?>", i+2), "", false
	case strings.HasPrefix(rest, "<![CDATA["):
		return find("]]>", i+9), "", false
	case len(rest) > 2 && rest[1] == '!' && isLetter(rest[2]):
		return find(">", i+2), "", false
	}
	return htmlTag(in.s, i)
}

// next returns the index of the next sub in s from from on, or -1. The
// answer is kept: reading goes forward, so later questions start past
// from, and a sub not found is never looked for again.
func (in *inline) next(sub string, from int) int {
	if in.found == nil {
		in.found = map[string]int{}
	}
	at, ok := in.found[sub]
	if !ok || (at >= 0 && at < from) {
		if at = strings.Index(in.s[from:], sub); at >= 0 {
			at += from
		}
		in.found[sub] = at
	}
	return at
}

// tag handles a tag that ends at end and returns where reading goes on:
// tags are removed, <br> breaks the line, and the content of an element
// no reader sees is dropped up to its closing tag (or the end of the
// paragraph).
func (in *inline) tag(end int, name string, closing bool) int {
	if name == "" || closing {
		return end
	}
	name = strings.ToLower(name)
	a := atom.Lookup([]byte(name))
	switch {
	case a == atom.Br:
		in.add(pHard, 0, 0)
	case a == atom.Img:
		in.add(pGap, 0, 0)
	case hiddenElement(a):
		in.add(pGap, 0, 0)
		if in.closeAt == nil {
			in.closeAt = map[string]int{}
		}
		at, ok := in.closeAt[name]
		if !ok || (at >= 0 && at < end) {
			at = indexCloseTag(in.s, end, name)
			in.closeAt[name] = at
		}
		if at < 0 {
			return len(in.s)
		}
		if e := in.next(">", at); e >= 0 {
			return e + 1
		}
		return len(in.s)
	}
	return end
}

// indexCloseTag returns the index of the next "</name" (any case) at or
// after from that ends the tag name, or -1.
func indexCloseTag(s string, from int, name string) int {
	for from < len(s) {
		j := strings.Index(s[from:], "</")
		if j < 0 {
			return -1
		}
		j += from
		e := j + 2 + len(name)
		if e <= len(s) && strings.EqualFold(s[j+2:e], name) && (e == len(s) || s[e] == '>' || s[e] == '/' || s[e] <= ' ') {
			return j
		}
		from = j + 2
	}
	return -1
}

// htmlTag reads an open or closing tag at s[i] ('<') and returns the index
// after it (or -1), its name and whether it closes. Unlike CommonMark, a
// quoted attribute value may not hold a '<': so the scan never passes the
// next '<', and the scans of all the '<' of a text read it once.
func htmlTag(s string, i int) (end int, name string, closing bool) {
	j := i + 1
	if j < len(s) && s[j] == '/' {
		closing = true
		j++
	}
	if j >= len(s) || !isLetter(s[j]) {
		return -1, "", false
	}
	k := j
	for k < len(s) && (isAlnum(s[k]) || s[k] == '-') {
		k++
	}
	name = s[j:k]
	if closing {
		k = skipSpace(s, k)
		if k < len(s) && s[k] == '>' {
			return k + 1, name, true
		}
		return -1, "", false
	}
	for {
		w := skipSpace(s, k)
		switch {
		case w < len(s) && s[w] == '>':
			return w + 1, name, false
		case w+1 < len(s) && s[w] == '/' && s[w+1] == '>':
			return w + 2, name, false
		case w == k || w >= len(s) || !(isLetter(s[w]) || s[w] == '_' || s[w] == ':'):
			return -1, "", false // an attribute starts after blank space
		}
		k = w + 1
		for k < len(s) && (isAlnum(s[k]) || strings.IndexByte("_.:-", s[k]) >= 0) {
			k++
		}
		v := skipSpace(s, k)
		if v >= len(s) || s[v] != '=' {
			continue
		}
		v = skipSpace(s, v+1)
		if v >= len(s) {
			return -1, "", false
		}
		switch q := s[v]; q {
		case '"', '\'':
			e := v + 1
			for e < len(s) && s[e] != q && s[e] != '<' {
				e++
			}
			if e >= len(s) || s[e] != q {
				return -1, "", false
			}
			k = e + 1
		default:
			e := v
			for e < len(s) && s[e] > ' ' && strings.IndexByte("\"'=<>`", s[e]) < 0 {
				e++
			}
			if e == v {
				return -1, "", false
			}
			k = e
		}
	}
}

// skipSpace skips blank space, line breaks included.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n') {
		i++
	}
	return i
}

// entity decodes an HTML entity at s[i] ("&amp;", "&#8212;", "&#x201C;"),
// returning it and the index after it; end == i when there is none. Names
// are at most 32 characters, numbers 7 digits.
func entity(s string, i int) (decoded string, end int) {
	j := i + 1
	if j < len(s) && s[j] == '#' {
		j++
		hex := j < len(s) && (s[j] == 'x' || s[j] == 'X')
		digit, most := isDigit, 7
		if hex {
			j++
			digit, most = isHexDigit, 6
		}
		k := j
		for k < len(s) && k-j < most && digit(s[k]) {
			k++
		}
		if k == j || k >= len(s) || s[k] != ';' {
			return "", i
		}
		return html.UnescapeString(s[i : k+1]), k + 1
	}
	k := j
	for k < len(s) && k-j < 32 && isAlnum(s[k]) {
		k++
	}
	if k == j || k >= len(s) || s[k] != ';' || !isLetter(s[j]) {
		return "", i
	}
	ref := s[i : k+1]
	d := html.UnescapeString(ref)
	// An unknown name comes back as it was, or with only a known prefix
	// decoded ("&ampx;" -> "&x;"): neither is an entity.
	if d == ref || (strings.HasSuffix(d, ";") && d != ";") {
		return "", i
	}
	return d, k + 1
}

func isBlank(c byte) bool    { return c == ' ' || c == '\t' }
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isLetter(c byte) bool   { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isAlnum(c byte) bool    { return isLetter(c) || isDigit(c) }
func isHexDigit(c byte) bool { return isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'f') }
func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

func nextCol(col int, c byte) int {
	if c == '\t' {
		return col + 4 - col%4
	}
	return col + 1
}

func onlyBlanks(s string) bool {
	return trimBlanks(s) == ""
}

func trimBlanks(s string) string {
	return strings.Trim(s, " \t")
}
