// Package ingest turns an uploaded, pasted or piped article into a Doc whose
// Body can be stored for good: it is valid UTF-8, uses "\n" line endings and
// holds no markup and no control characters other than "\n" and "\t".
//
// Claim offsets point into Body, so everything that changes the text happens
// here, once, before the document is stored; nothing may rewrite Body later.
package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"factdesk/extract"
)

// DefaultMaxBytes is the size limit used when a caller passes maxBytes <= 0.
const DefaultMaxBytes = 5 << 20 // 5 MB

// maxTitleRunes caps a title: it is shown in lists and page headers, and a
// text file's first "line" may be a whole paragraph.
const maxTitleRunes = 200

// Doc is an article ready to store: Body is normalized and never changes afterwards.
type Doc struct {
	// Title comes from og:title, <title> or the first <h1> of an HTML page,
	// from a Markdown file's front matter or first heading outside quotes
	// and lists, or is guessed from the text (see textTitle). It may be "".
	Title string
	// Publisher is who published the article, from an HTML page's
	// og:site_name, else the publisher's name in its JSON-LD; "" when the
	// page names none, and for text and Markdown.
	Publisher string
	// Body is the article text: for HTML and Markdown the text a reader
	// sees, for text the source itself, normalized (see Normalize).
	Body string
}

// The errors Parse returns wrap one of these, so callers can use errors.Is.
// Their messages (and those of the wrapping errors) are written for end users.
var (
	ErrEmpty           = errors.New("the document is empty")
	ErrBinary          = errors.New("the file is not text")
	ErrInvalidUTF8     = errors.New("the text is not valid UTF-8")
	ErrTooLarge        = errors.New("the document is too large")
	ErrUnsupportedType = errors.New("unsupported file type")
)

type kind int

const (
	kindSniff kind = iota // pasted text or stdin: HTML if it starts like a page
	kindText
	kindMarkdown
	kindHTML
)

// Parse validates and normalizes one input.
//
// name is the file name. Its extension (case-insensitive) gives the kind:
// .txt, .md, .markdown, .html and .htm are accepted. A name of "" or "-"
// (pasted text, stdin) or a name without any extension is sniffed: HTML if it
// starts with <!doctype html> or <html>, else plain text. Any other extension
// fails with ErrUnsupportedType. The rest of the name may give the title
// (see textTitle): a caller that knows the kind but has no file passes the
// extension alone (".txt"). HTML and Markdown are reduced to the text a
// reader sees (see extractHTML and extractMarkdown). Errors speak of a
// file, unless there is none (a name of "" or an extension alone): then of
// the text.
//
// maxBytes <= 0 means DefaultMaxBytes. The limit applies to data as given.
func Parse(name string, data []byte, maxBytes int) (Doc, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	// Cheap checks first: no work is spent on input that is refused anyway.
	if len(data) > maxBytes {
		return Doc{}, tooLarge(maxBytes)
	}
	k, err := kindOf(name)
	if err != nil {
		return Doc{}, err
	}
	if len(data) == 0 {
		return Doc{}, ErrEmpty
	}
	if err := checkText(data, isFile(name)); err != nil {
		return Doc{}, err
	}
	// The BOM goes before sniffing and HTML parsing, which would see it as text.
	src := strings.TrimPrefix(string(data), "\uFEFF")
	if k == kindSniff {
		k = kindText
		if looksLikeHTML(src) {
			k = kindHTML
		}
	}

	var doc Doc
	switch k {
	case kindHTML:
		title, publisher, text := extractHTML(src)
		doc = Doc{Title: cleanTitle(title), Publisher: cleanTitle(publisher), Body: Normalize(text)}
		if !visible(doc.Body) {
			return Doc{}, fmt.Errorf("%w: the page has no readable text", ErrEmpty)
		}
		if doc.Title == "" {
			// A page without a title is titled as a text file is.
			doc.Title = textTitle(doc.Body, name)
		}
	case kindMarkdown:
		// Front matter is metadata, not text: its title is the title.
		fmTitle, rest, _ := frontMatter(Normalize(src))
		title, text := extractMarkdown(rest)
		doc.Body = Normalize(text)
		if !visible(doc.Body) {
			return Doc{}, fmt.Errorf("%w: it has no readable text", ErrEmpty)
		}
		switch {
		case strings.TrimSpace(fmTitle) != "":
			doc.Title = cleanTitle(fmTitle)
		case title != "":
			doc.Title = title
		default:
			doc.Title = textTitle(doc.Body, name)
		}
	default:
		doc.Body = Normalize(src)
		if !visible(doc.Body) {
			return Doc{}, fmt.Errorf("%w: it contains only blank space or invisible characters", ErrEmpty)
		}
		doc.Title = textTitle(doc.Body, name)
	}
	return doc, nil
}

// ReadLimited reads all of r but stops with ErrTooLarge as soon as it has
// seen more than maxBytes (DefaultMaxBytes when <= 0), so an oversized upload
// or stdin is never buffered whole. I/O errors from r are returned as they are.
func ReadLimited(r io.Reader, maxBytes int) ([]byte, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(maxBytes)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBytes {
		return nil, tooLarge(maxBytes)
	}
	return data, nil
}

func tooLarge(limit int) error {
	return fmt.Errorf("%w: the limit is %s", ErrTooLarge, FormatSize(limit))
}

// FormatSize names a limit the way a user would: "5 MB", "512 KB", "100 bytes".
func FormatSize(n int) string {
	const kb, mb = 1 << 10, 1 << 20
	switch {
	case n >= mb && n%mb == 0:
		return fmt.Sprintf("%d MB", n/mb)
	case n >= mb:
		return fmt.Sprintf("%.1f MB", float64(n)/mb)
	case n >= kb && n%kb == 0:
		return fmt.Sprintf("%d KB", n/kb)
	case n >= kb:
		return fmt.Sprintf("%.1f KB", float64(n)/kb)
	case n == 1:
		return "1 byte"
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

func kindOf(name string) (kind, error) {
	if name == "" || name == "-" {
		return kindSniff, nil
	}
	name = baseName(name)
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case "":
		// A file without an extension tells us nothing; the content checks
		// still refuse anything that is not text.
		return kindSniff, nil
	case ".txt":
		return kindText, nil
	case ".md", ".markdown":
		return kindMarkdown, nil
	case ".html", ".htm":
		return kindHTML, nil
	}
	if !utf8.ValidString(ext) || len(ext) > 16 {
		return 0, fmt.Errorf("%w: use .txt, .md or .html", ErrUnsupportedType)
	}
	return 0, fmt.Errorf("%w %q: use .txt, .md or .html", ErrUnsupportedType, ext)
}

// baseName is a file name without its folders: browsers on Windows may send
// a full path, and only the last element counts.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// magics are signatures of binary formats people upload by mistake; naming
// the format makes the error actionable ("copy the text out of the PDF").
var magics = []struct {
	prefix string
	what   string
}{
	{"%PDF-", "a PDF"},
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"PK\x03\x04", "a ZIP archive or an Office document"},
	{"PK\x05\x06", "a ZIP archive or an Office document"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Office document"},
	{"\x1f\x8b", "a gzip archive"},
	{"\x7fELF", "a program"},
}

// isFile reports whether name names a file (or stdin) rather than text
// typed, pasted or sent in a request, which has no name or only the
// extension that gives its kind.
func isFile(name string) bool {
	base := baseName(name)
	return name == "-" || base != path.Ext(base)
}

// textError is one of Parse's errors about text that came in no file: it
// wraps its sentinel without that sentinel's words ("the file is not
// text"), which would speak of a file nobody sent.
type textError struct {
	sentinel error
	msg      string
}

func (e *textError) Error() string { return e.msg }
func (e *textError) Unwrap() error { return e.sentinel }

// checkText refuses input that is not UTF-8 text. It does not repair
// anything: a silently "fixed" body would differ from what the user sent.
// file says whether the input came in a file, for the messages.
func checkText(data []byte, file bool) error {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return fmt.Errorf("%w: it looks like UTF-16; save it as UTF-8 and try again", ErrInvalidUTF8)
	}
	for _, m := range magics {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			if !file {
				return &textError{ErrBinary, fmt.Sprintf("the text starts like %s, not an article; copy the article text out of it instead", m.what)}
			}
			return fmt.Errorf("%w: it looks like %s; copy the article text out of it instead", ErrBinary, m.what)
		}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		if !file {
			// With no file there is no encoding to blame: say where it is.
			return &textError{ErrBinary, fmt.Sprintf("the text holds a NUL character (U+0000, character %d), which no article has; "+
				"send the text without it", utf8.RuneCount(data[:i])+1)}
		}
		if looksUTF16(data) {
			return fmt.Errorf("%w: it looks like UTF-16; save it as UTF-8 and try again", ErrInvalidUTF8)
		}
		return fmt.Errorf("%w: it contains binary data", ErrBinary)
	}
	// Text has few control characters besides tab and line breaks; binary
	// data without NUL bytes (or with a format we do not know) has many.
	controls := 0
	for _, c := range data {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F {
			controls++
		}
	}
	if controls*10 > len(data) {
		if !file {
			return &textError{ErrBinary, fmt.Sprintf("the text holds %d control characters, too many for an article: it looks like binary data", controls)}
		}
		return fmt.Errorf("%w: it contains binary data", ErrBinary)
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if !utf8.Valid(data) {
		return fmt.Errorf("%w: there is an invalid byte on line %d; save it as UTF-8 and try again",
			ErrInvalidUTF8, invalidLine(data))
	}
	return nil
}

// looksUTF16 reports whether data starts like ASCII text saved as UTF-16
// without a byte order mark: every other byte is NUL.
func looksUTF16(data []byte) bool {
	n := min(len(data), 64) &^ 1
	if n < 4 {
		return false
	}
	for _, zero := range []int{0, 1} { // big endian: NUL first; little endian: NUL second
		ok := true
		for i := 0; i < n && ok; i += 2 {
			ok = data[i+zero] == 0 && data[i+1-zero] != 0 && data[i+1-zero] < 0x80
		}
		if ok {
			return true
		}
	}
	return false
}

// invalidLine returns the 1-based line of the first byte that is not UTF-8.
func invalidLine(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return 1 + bytes.Count(data[:i], []byte{'\n'}) + bytes.Count(data[:i], []byte{'\r'}) - bytes.Count(data[:i], []byte("\r\n"))
		}
		i += size
	}
	return 0
}

// Normalize is the one normalization every stored body goes through:
//   - a leading byte order mark (U+FEFF) is removed;
//   - CRLF and lone CR become LF;
//   - every other control character (C0 except tab and LF, DEL, and C1) is
//     replaced by a space, one for one, so a stored body carries no terminal
//     escapes or invisible junk yet keeps its words apart. NUL is replaced
//     too, though Parse refuses NUL first as a sign of binary data;
//   - blank space at the start and end of the whole text is trimmed.
//
// Everything else is kept as it is: spaces inside lines, blank lines, curly
// quotes, dashes, non-Latin scripts, zero-width and bidi characters.
// Normalize does not validate UTF-8 (Parse does) and leaves invalid bytes
// alone. It is idempotent: Normalize(Normalize(s)) == Normalize(s).
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		case c == '\n' || c == '\t':
			b.WriteByte(c)
		case c < 0x20 || c == 0x7F:
			b.WriteByte(' ')
		case c == 0xC2 && i+1 < len(s) && s[i+1] >= 0x80 && s[i+1] <= 0x9F:
			// U+0080..U+009F, the C1 controls (CSI among them).
			b.WriteByte(' ')
			i++
		default:
			b.WriteByte(c)
		}
	}
	out := strings.TrimLeftFunc(b.String(), func(r rune) bool {
		return r == '\uFEFF' || unicode.IsSpace(r)
	})
	return strings.TrimRightFunc(out, unicode.IsSpace)
}

// looksLikeHTML sniffs pasted text: only a full page (doctype or <html>)
// counts, so an article that merely mentions a <tag> stays literal text.
func looksLikeHTML(s string) bool {
	for {
		s = strings.TrimLeft(s, " \t\r\n\f")
		var end string
		switch {
		case strings.HasPrefix(s, "<!--"):
			end = "-->"
		case strings.HasPrefix(s, "<?"):
			end = ">"
		default:
			return hasTagPrefix(s, "<!doctype html") || hasTagPrefix(s, "<html")
		}
		i := strings.Index(s, end)
		if i < 0 {
			return false
		}
		s = s[i+len(end):]
	}
}

// hasTagPrefix reports whether s starts with tag (ASCII case-insensitive)
// followed by the end of the tag name.
func hasTagPrefix(s, tag string) bool {
	if len(s) < len(tag) || !strings.EqualFold(s[:len(tag)], tag) {
		return false
	}
	if len(s) == len(tag) {
		return true
	}
	switch s[len(tag)] {
	case ' ', '\t', '\r', '\n', '\f', '>', '/':
		return true
	}
	return false
}

// Title guessing looks at this many non-empty lines for one that is not
// page furniture, and at this many bytes of each.
const (
	titleLines     = 20
	titleLineBytes = 4 << 10
)

// maxHeadlineRunes is where a first line stops reading as a headline and
// starts reading as the story's first sentence.
const maxHeadlineRunes = 120

// textTitle guesses the title of a text: the first line that is not page
// furniture (a byline, a dateline, "Advertisement": extract.IsFurniture),
// a Markdown heading's '#' marks dropped (pasted text may be Markdown too).
// A first line that is the story's first sentence rather than a headline
// gives way to the file's name (see headline).
func textTitle(body string, name string) string {
	first, seen := "", 0
	for line := range strings.Lines(body) {
		line = strings.TrimSpace(line)
		if !visible(line) {
			continue
		}
		t := stripATX(line)
		if !visible(t) {
			continue
		}
		if first == "" {
			first = t
		}
		if len(t) > titleLineBytes {
			t = strings.ToValidUTF8(t[:titleLineBytes], "")
		}
		if !extract.IsFurniture(t) {
			return headline(t, t != line, name)
		}
		if seen++; seen == titleLines {
			break
		}
	}
	// Nothing but furniture: the file's name says more, else the first line.
	if n := fileTitle(name); n != "" {
		return n
	}
	return cleanTitle(first)
}

// headline makes a title of the first line of the story. A headline
// (a Markdown heading, Title Case, or a short line without a full stop)
// is kept. A line that is the story's first sentence gives way to the
// file's name, when the name is made of words; without one, a long
// sentence is cut to its first clause or to a headline's length.
func headline(line string, heading bool, name string) string {
	if heading || extract.IsTitleCase(line) {
		// A headline needs no full stop; an abbreviation keeps its own.
		if strings.HasSuffix(line, ".") && !strings.HasSuffix(line, "..") {
			if last := line[strings.LastIndexByte(line, ' ')+1:]; strings.Count(last, ".") == 1 {
				line = strings.TrimSuffix(line, ".")
			}
		}
		return cleanTitle(line)
	}
	sents := extract.Segment(line)
	sentence := line
	if len(sents) > 0 {
		sentence = strings.TrimSpace(sents[0].Text)
	}
	long := utf8.RuneCountInString(sentence) > maxHeadlineRunes
	prose := long || len(sents) > 1 || strings.HasSuffix(sentence, ".")
	if !prose {
		return cleanTitle(sentence)
	}
	if n := fileTitle(name); n != "" {
		return n
	}
	if long {
		return cleanTitle(shorten(sentence))
	}
	return cleanTitle(sentence)
}

// shorten cuts a long sentence to a headline: before its last comma that
// leaves a clause of headline length (dropping ", officials said on
// Thursday"), else at a word near maxHeadlineRunes, with an ellipsis.
func shorten(s string) string {
	best := ""
	for i := strings.Index(s, ", "); i >= 0; {
		head := s[:i]
		if n := utf8.RuneCountInString(head); n > maxHeadlineRunes+maxHeadlineRunes/5 {
			break
		} else if n >= 30 {
			best = head
		}
		j := strings.Index(s[i+2:], ", ")
		if j < 0 {
			break
		}
		i += 2 + j
	}
	if best != "" {
		return best
	}
	cut, n := len(s), 0
	for i := range s {
		if n == maxHeadlineRunes {
			cut = i
			break
		}
		n++
	}
	s = s[:cut]
	if i := strings.LastIndexByte(s, ' '); i > len(s)/2 {
		s = s[:i]
	}
	return strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// fileTitle is an uploaded file's name without its folder and extension,
// when it is made of words ("port-vote-report", "Port vote 2024"), as words
// with a capital: letters
// and digits with a word of four letters or more, and nothing but spaces
// and simple punctuation between them. It is "" for names such as
// "003_ba5a2808", "IMG_0042" or "%2e%2e%2fetc", which say nothing of the
// story.
func fileTitle(name string) string {
	if name == "" || name == "-" {
		return ""
	}
	name = baseName(name)
	name = strings.TrimSuffix(name, path.Ext(name))
	run, word := 0, false
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			if run++; run >= 4 {
				word = true
			}
			continue
		case unicode.IsDigit(r), strings.ContainsRune(" -_.,'’()&", r):
		default:
			return ""
		}
		run = 0
	}
	if !word {
		return ""
	}
	// A slug reads as words: "port-vote-report" -> "Port vote report".
	if !strings.ContainsRune(name, ' ') {
		name = strings.NewReplacer("-", " ", "_", " ").Replace(name)
	}
	r, n := utf8.DecodeRuneInString(name)
	return cleanTitle(string(unicode.ToUpper(r)) + name[n:])
}

// stripATX removes the marks of a Markdown ATX heading: "## Title ##" -> "Title".
func stripATX(line string) string {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(line) && line[n] != ' ' && line[n] != '\t') {
		return line
	}
	t := strings.TrimSpace(line[n:])
	// An optional closing sequence of '#' must follow a space.
	if u := strings.TrimRight(t, "#"); u != t && (u == "" || strings.HasSuffix(u, " ") || strings.HasSuffix(u, "\t")) {
		t = strings.TrimSpace(u)
	}
	return t
}

// frontMatter splits off YAML front matter ("---" lines around it) and
// returns its title: value, if any.
func frontMatter(body string) (title, rest string, ok bool) {
	if !strings.HasPrefix(body, "---\n") {
		return "", body, false
	}
	head := body[len("---\n"):]
	end := strings.Index(head, "\n---\n")
	if end >= 0 {
		rest = head[end+len("\n---\n"):]
	} else if strings.HasSuffix(head, "\n---") {
		end = len(head) - len("\n---")
	} else {
		return "", body, false
	}
	for line := range strings.Lines(head[:end]) {
		if v, found := strings.CutPrefix(line, "title:"); found {
			v = strings.TrimSpace(v)
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
				v = v[1 : len(v)-1]
			}
			return v, rest, true
		}
	}
	return "", rest, true
}

// cleanTitle makes any title candidate one tidy line of at most
// maxTitleRunes code points.
func cleanTitle(s string) string {
	s = strings.Join(strings.Fields(Normalize(s)), " ")
	if !visible(s) {
		return "" // a title of zero-width characters would be a link nobody sees
	}
	if utf8.RuneCountInString(s) <= maxTitleRunes {
		return s
	}
	cut := 0
	for i := range s {
		if cut == maxTitleRunes {
			s = s[:i]
			break
		}
		cut++
	}
	// End on a word boundary when one is reasonably close.
	if i := strings.LastIndexByte(s, ' '); i > len(s)*3/4 {
		s = s[:i]
	}
	return strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) }) + "…"
}

// visible reports whether s holds a character that shows: not blank space,
// not a control, not a format character (zero-width spaces and joiners,
// bidi marks, which alone would make a document or title nobody can see).
func visible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsControl(r) && !unicode.Is(unicode.Cf, r) {
			return true
		}
	}
	return false
}
