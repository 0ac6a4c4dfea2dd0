package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Scraped news carries page furniture around the story: headlines, bylines,
// captions and credits, ads, teasers, share and correction prompts. None of it
// is a claim. IsBoilerplate recognises it sentence by sentence; Extract adds
// what needs context (teaser sections, a truncated first sentence).

// boilerExact are whole lines (compared without case, ignoring a final ':').
var boilerExact = map[string]bool{}

// relatedHeaders open a block of teasers for other stories.
var relatedHeaders = map[string]bool{}

func init() {
	for _, s := range []string{"advertisement", "advertising", "ad", "sponsored",
		"sponsored content", "comments", "comment", "trending", "recommended",
		"share", "print", "email", "tweet", "menu", "loading", "live", "updated",
		"watch", "listen", "video", "photo", "photos", "gallery", "close",
		"skip", "skip ad", "next", "previous", "back to top", "top", "home",
		"log in", "login", "sign in", "register", "subscribe", "newsletter",
		"story continues below", "story continues below advertisement",
		"article continues below advertisement", "continue reading",
		"scroll to continue with content", "view comments", "show comments",
		"load comments", "accept all cookies", "accept cookies", "reject all",
		"manage preferences", "cookie settings", "copy link", "key events",
		"show key events only", "order reprints", "today's paper",
		"today’s paper", "yes", "no", "more", "search", "sections"} {
		boilerExact[s] = true
	}
	for _, s := range []string{"other topics of interest", "related",
		"related articles", "related stories", "related coverage",
		"related content", "related news", "related posts", "read more",
		"read also", "also read", "see also", "more from", "more stories",
		"more news", "more on this story", "you may also like",
		"you might also like", "recommended", "recommended for you",
		"recommended stories", "most read", "most popular", "most viewed",
		"most commented", "most shared", "top stories", "latest news",
		"latest stories", "don't miss", "don’t miss", "editor's picks",
		"editor’s picks", "what to read next", "trending now", "popular"} {
		relatedHeaders[s] = true
		boilerExact[s] = true
	}
}

// boilerPrefixes open a line of page furniture (compared without case; a
// prefix ending in a letter must end at a word boundary).
var boilerPrefixes = []string{
	"advertisement", "sponsored content", "story continues", "article continues",
	"continue reading", "scroll to continue", "read more", "read also",
	"also read", "see also", "related:", "related articles", "related stories",
	"related coverage", "more:", "more from", "most read", "most commented",
	"most popular", "other topics of interest", "recommended for",
	"recommended:", "you may also like", "you might also like", "share this",
	"share on", "share via", "share article", "click here", "click to",
	"tap here", "sign up", "subscribe to", "subscribe now", "subscribe for",
	"follow us", "follow our", "join our", "download our", "download the app",
	"to suggest a correction", "you can also highlight", "if you spot",
	"report an error", "report a typo", "spotted an error", "copyright", "©",
	"(c) ", "all rights reserved", "this article was", "this story was",
	"this article has been", "this story has been", "an earlier version",
	"correction:", "clarification:", "editor's note", "editor’s note",
	"editors' note", "warning:", "content warning", "trigger warning",
	"viewer discretion", "graphic content", "photo:", "photo by", "photos:",
	"photograph:", "image:", "images:", "picture:", "pictured:", "pictured ",
	"credit:", "caption:", "video:", "watch:", "listen:", "watch live",
	"reporting by", "additional reporting", "edited by", "writing by",
	"compiled by", "(reporting by", "contact the author", "email the author",
	"got a tip", "leave a comment", "view comments", "this picture taken",
	"this photo taken", "this image taken", "this handout", "this undated",
	"in this photo", "in this picture", "in this image", "in this handout",
	"in this file photo", "in this undated", "a picture taken",
	"a photo taken", "file photo", "file picture", "(photo", "(image",
	"(credit", "[photo", "(ap photo", "ap photo", "afp photo", "getty images",
	"reuters/", "(file", "listen to this article", "audio:",
	"please enable javascript", "we use cookies", "by clicking",
	"skip to", "by continuing", "accept all", "manage preferences",
	"this site uses cookies", "this website uses cookies", "claim:",
	"verdict:", "rating:", "our rating:", "this interview has been",
	"this interview was", "this conversation has been", "this transcript",
	"the views expressed", "views expressed", "the opinions expressed",
	"a version of this article", "a version of this story",
	"please turn on javascript", "have your say", "was this article",
	"did you find this", "order reprints", "sign up", "newsletter:",
}

// tailHeaders open the closing sections of a press release or article: the
// company description, legal notices, contacts. Everything under them is
// furniture until the next heading.
var tailHeaders = map[string]bool{}

func init() {
	for _, s := range []string{"forward-looking statements",
		"forward looking statements", "cautionary statement",
		"safe harbor statement", "media contact", "media contacts",
		"press contact", "press contacts", "media enquiries", "media inquiries",
		"investor contact", "investor contacts", "investor relations", "contact",
		"contacts", "notes to editors", "note to editors", "editor's notes",
		"editor’s notes", "for more information", "###", "# # #", "-ends-",
		"- ends -", "ends", "about the author", "about the authors"} {
		tailHeaders[s] = true
	}
}

// isTailHeader reports the heading of a press release's closing section:
// one of tailHeaders, or "About" and a name ("About Corvanta").
func isTailHeader(s string) bool {
	var buf [48]byte
	k, ok := lineKey(s, &buf)
	if !ok {
		return false
	}
	if tailHeaders[string(k)] {
		return true
	}
	if len(s) < 7 || s[:6] != "About " || !(s[6] >= 'A' && s[6] <= 'Z' || s[6] >= '0' && s[6] <= '9') {
		return false
	}
	words := 1
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			words++
		}
	}
	return words <= 6 && isTitleCase(s[6:]) && !endsSentence(s)
}

// lineKey lower-cases a short line into buf, dropping a final colon and
// surrounding spaces; ok is false for lines too long to be a heading.
func lineKey(s string, buf *[48]byte) ([]byte, bool) {
	s = trimSpace(s)
	if len(s) > len(buf) {
		return nil, false
	}
	n := copy(buf[:], s)
	for i := 0; i < n; i++ {
		if c := buf[i]; c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	for n > 0 && (buf[n-1] == ':' || buf[n-1] == ' ') {
		n--
	}
	return buf[:n], true
}

// maxHeadlineWords bounds isHeadlineLike: a longer line without final
// punctuation is more likely prose that lost its full stop.
const maxHeadlineWords = 20

// isHeadlineLike reports a line of one sentence that does not end like a
// sentence: headlines and standfirsts in sentence case ("Ruling says data
// retention rules violate privacy"), navigation, teasers, section names,
// credits. Prose ends with punctuation. A text of that one line alone is
// left to the other tests: someone pasting a single sentence may have left
// off its full stop.
func isHeadlineLike(text string, sents []span) bool {
	if len(sents) != 1 {
		return false
	}
	sp := sents[0]
	st := text[sp.bs:sp.be]
	if endsSentence(st) {
		return false
	}
	words := 0
	for i := 0; i < len(st); i++ {
		if st[i] == ' ' {
			words++
			if words >= maxHeadlineWords {
				return false
			}
		}
	}
	return len(trimSpace(text)) != len(st)
}

// endsSentence reports text that ends with terminal punctuation, possibly
// inside closing quotes or brackets.
func endsSentence(s string) bool {
	for j := len(s); j > 0; {
		r, w := decodeLast(s[:j])
		if isCloser(r) {
			j -= w
			continue
		}
		return isTerminal(r)
	}
	return false
}

// bioAfterIs betray an author's note after " is ": "Jane Doe is a
// columnist for ...".
var bioAfterIs = []string{"a columnist", "a contributing", "a freelance", "a staff writer",
	"a senior fellow", "the author of", "a regular contributor", "a correspondent for",
	"a reporter for"}

// hasBio reports an author's note in a short line.
func hasBio(s string) bool {
	if len(s) > 300 {
		return false
	}
	for i := 0; ; {
		k := strings.Index(s[i:], " is ")
		if k < 0 {
			break
		}
		i += k + 4
		for _, m := range bioAfterIs {
			if strings.HasPrefix(s[i:], m) {
				return true
			}
		}
	}
	return strings.Contains(s, " writes about ")
}

// creditMarkers betray a photo caption or credit anywhere in a line.
var creditMarkers = []string{
	"AFP PHOTO", "AFP/", "/AFP", "Getty Images", "(Photo", "Photo:", "PHOTO:",
	"Photo by", "Photo credit", "AP Photo", "Reuters/", "/Reuters", "REUTERS/",
	"/REUTERS", "EPA-EFE",
	"EPA/", "/EPA", "Shutterstock", "Courtesy of", "Photograph:", "Image credit",
	"Image:", "Picture:", "Pictured:", "FILE PHOTO", "File photo",
	"Handout photo", "(Image", "via Getty", "/Getty", "Ctrl + Enter",
	"Ctrl+Enter", "(Credit", "Credit:",
	// A credit in brackets at a caption's end: "(KCNA via AP)".
	"via AP)", "via AFP)", "via Reuters)", "via REUTERS)", "via EPA)",
}

// prefixIndex groups boilerPrefixes by first byte so a line is compared with
// a handful of prefixes, not all of them.
var prefixIndex = map[byte][]string{}

func init() {
	for _, p := range boilerPrefixes {
		prefixIndex[p[0]] = append(prefixIndex[p[0]], p)
	}
}

// IsBoilerplate reports whether s (a sentence or a whole line) is page
// furniture rather than story text: empty or bracketed lines ("[Warning:
// graphic video]"), ads, share and correction prompts, teaser headers, photo
// captions and credits, bylines, date stamps, and headline-style lines in
// which every significant word is capitalised.
func IsBoilerplate(s string) bool {
	return isBoiler(trimSpace(s), true)
}

// isBoiler is IsBoilerplate on trimmed text; credits says whether to look for
// photo credits, which Extract has already done for short lines.
func isBoiler(s string, credits bool) bool {
	if s == "" {
		return true
	}
	return isFurniture(s, credits) || isTitleCase(s)
}

// IsFurniture reports page furniture other than headlines: bylines ("By
// Jane Doe", "News Desk"), date stamps, ads, captions and credits, share and
// correction prompts, bracketed notes, author's notes. Unlike IsBoilerplate
// it leaves headline-style lines alone, so a title can be looked for past
// the furniture above it.
func IsFurniture(s string) bool {
	s = trimSpace(s)
	return s == "" || isFurniture(s, true)
}

// IsTitleCase reports headline-style text: no lower-case word but short
// function words ("Zelensky Confirms First Deaths in Ukraine").
func IsTitleCase(s string) bool { return isTitleCase(trimSpace(s)) }

// isFurniture is IsFurniture on trimmed, non-empty text.
func isFurniture(s string, credits bool) bool {
	return isBracketed(s) || isExactBoiler(s) || hasBoilerPrefix(s) || (credits && hasCredit(s)) ||
		isByline(s) || isDateStamp(s) || hasBio(s)
}

// isBoilerSentence is isBoiler for one sentence of a paragraph of prose,
// where a short sentence such as "She was 88." is not a headline: it needs
// at least two capitalised words, and half of its words capitalised. An
// author's note is looked for in the whole paragraph (see block).
func isBoilerSentence(s string, credits bool) bool {
	if isBracketed(s) || isExactBoiler(s) || hasBoilerPrefix(s) || (credits && hasCredit(s)) ||
		isByline(s) || isDateStamp(s) {
		return true
	}
	caps, words, ok := titleCase(s)
	return ok && caps >= 2 && 2*caps >= words
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j {
		r, w := decode(s, i)
		if !isSpace(r) && !isLineBreak(r) {
			break
		}
		i += w
	}
	for j > i {
		r, w := decodeLast(s[i:j])
		if !isSpace(r) && !isLineBreak(r) {
			break
		}
		j -= w
	}
	return s[i:j]
}

func decodeLast(s string) (rune, int) {
	if c := s[len(s)-1]; c < 0x80 {
		return rune(c), 1
	}
	// Only trailing white space is tested, which is never an invalid byte.
	r, w := rune(0xFFFD), 1
	for k := len(s) - 1; k >= 0 && k >= len(s)-4; k-- {
		if s[k]&0xC0 != 0x80 {
			rr, ww := decode(s, k)
			if k+ww == len(s) {
				r, w = rr, ww
			}
			break
		}
	}
	return r, w
}

func isBracketed(s string) bool {
	return (s[0] == '[' && s[len(s)-1] == ']') || (s[0] == '(' && s[len(s)-1] == ')')
}

// isExactBoiler compares the whole line with boilerExact, ignoring case and a
// final colon or period.
func isExactBoiler(s string) bool {
	if len(s) > 48 {
		return false
	}
	var buf [48]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	for n > 0 && (buf[n-1] == ':' || buf[n-1] == '.' || buf[n-1] == ' ') {
		n--
	}
	return boilerExact[string(buf[:n])]
}

func isRelatedHeader(s string) bool {
	s = trimSpace(s)
	if len(s) > 48 {
		return false
	}
	var buf [48]byte
	n := copy(buf[:], s)
	for i := 0; i < n; i++ {
		if c := buf[i]; c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	for n > 0 && (buf[n-1] == ':' || buf[n-1] == ' ') {
		n--
	}
	return relatedHeaders[string(buf[:n])]
}

func hasBoilerPrefix(s string) bool {
	c := s[0]
	if c >= 'A' && c <= 'Z' {
		c += 'a' - 'A'
	}
	for _, p := range prefixIndex[c] {
		if len(s) < len(p) || !equalFoldASCII(s[:len(p)], p) {
			continue
		}
		last := p[len(p)-1]
		if isASCIILetter(last) && len(s) > len(p) && isASCIILetter(s[len(p)]) {
			continue
		}
		return true
	}
	return false
}

// equalFoldASCII compares s with the lower-case pattern p, folding ASCII only.
func equalFoldASCII(s, p string) bool {
	for i := 0; i < len(p); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// creditIndex groups creditMarkers by first byte: hasCredit scans for each
// distinct first byte once, instead of once per marker.
var creditIndex = func() (idx [][]string) {
	pos := map[byte]int{}
	for _, m := range creditMarkers {
		k, ok := pos[m[0]]
		if !ok {
			k = len(idx)
			pos[m[0]] = k
			idx = append(idx, nil)
		}
		idx[k] = append(idx[k], m)
	}
	return idx
}()

func hasCredit(s string) bool {
	for _, group := range creditIndex {
		c := group[0][0]
		for i := 0; ; {
			k := strings.IndexByte(s[i:], c)
			if k < 0 {
				break
			}
			i += k
			for _, m := range group {
				if strings.HasPrefix(s[i:], m) {
					return true
				}
			}
			i++
		}
	}
	// "..., Photo, Jane Doe." at the end of a caption.
	return strings.Contains(s[max(0, len(s)-64):], "Photo, ")
}

// isByline matches "By Jane Doe", "By Jane Doe and John Roe, Reuters" and a
// desk's credit on a line of its own ("News Desk", "Staff Reporter").
func isByline(s string) bool {
	if isDeskByline(s) {
		return true
	}
	if len(s) < 4 || len(s) > 80 || !equalFoldASCII(s[:3], "by ") {
		return false
	}
	rest := s[3:]
	if rest == "" || !unicode.IsUpper(rune(rest[0])) {
		return false
	}
	return isTitleCase(rest)
}

// deskWords end a credit to a desk rather than a person.
var deskWords = map[string]bool{"desk": true, "newsroom": true, "correspondent": true,
	"correspondents": true, "reporter": true, "reporters": true, "writer": true, "writers": true}

// isDeskByline matches a short capitalised line ending in a desk word:
// "News Desk", "Web Desk", "Staff Reporter", "Our Correspondent". Four
// words at most, so it never takes a sentence long enough to be a claim.
func isDeskByline(s string) bool {
	if len(s) > 40 || len(s) < 4 || s[0] < 'A' || s[0] > 'Z' || strings.Count(s, " ") > 3 {
		return false
	}
	last := s[strings.LastIndexByte(s, ' ')+1:]
	var buf [16]byte
	if len(last) > len(buf) {
		return false
	}
	for i := 0; i < len(last); i++ {
		c := last[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return deskWords[string(buf[:len(last)])]
}

// isDateStamp matches "Updated 3:45 PM, Nov. 22, 2024", a date on a line of
// its own ("Thursday, November 21, 2024 10:31 GMT") and similar short lines.
func isDateStamp(s string) bool {
	if len(s) > 80 {
		return false
	}
	if isDateOnly(s) {
		return true
	}
	for _, p := range []string{"updated", "published", "posted", "last updated",
		"first published", "last modified", "modified"} {
		if len(s) > len(p) && equalFoldASCII(s[:len(p)], p) && !isASCIILetter(s[len(p)]) {
			_, _, ok := titleCase(s[len(p):])
			return ok && strings.ContainsAny(s, "0123456789")
		}
	}
	return false
}

// isTitleCase reports headline-style text: at least one capitalised word,
// at most 25 words, and no lower-case word other than short function words.
// Prose always has lower-case verbs and nouns; headlines, bylines, datelines,
// section names and "Advertisement" do not.
func isTitleCase(s string) bool {
	caps, _, ok := titleCase(s)
	return ok && caps > 0
}

// titleCase counts capitalised words and words; ok is false when s has a
// significant lower-case word or more than 25 words.
func titleCase(s string) (caps, words int, ok bool) {
	for i := 0; i < len(s); {
		r, w := decode(s, i)
		if !isWordRune(r) {
			i += w
			continue
		}
		// One word: letters and digits, with inner apostrophes and hyphens.
		start := i
		for i < len(s) {
			r2, w2 := decode(s, i)
			if isWordRune(r2) {
				i += w2
				continue
			}
			if (r2 == '\'' || r2 == '’' || r2 == '-' || r2 == '.') && i+w2 < len(s) {
				if r3, _ := decode(s, i+w2); isLetter(r3) {
					i += w2
					continue
				}
			}
			break
		}
		words++
		if words > 25 {
			return caps, words, false
		}
		switch {
		case r >= 'A' && r <= 'Z' || r >= utf8.RuneSelf && isUpper(r):
			caps++
		case r >= 'a' && r <= 'z' || r >= utf8.RuneSelf && isLower(r):
			if lookupWord(s[start:i])&lxSmall == 0 {
				return caps, words, false
			}
		case r >= utf8.RuneSelf && isLetter(r):
			// A caseless script (Chinese, Arabic, ...) has no title case;
			// stop rather than scan the whole text.
			return caps, words, false
		}
	}
	return caps, words, true
}

// dateWords are the words a line that is only a date or a time may have
// besides numbers: months, weekdays, am/pm, time zones, ordinal endings.
var dateWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`january february march april may june july august
		september october november december jan feb mar apr jun jul aug sep sept oct nov dec
		monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
		thurs fri sat sun am pm a m p gmt utc bst cet cest eet eest est edt cst cdt mst mdt
		pst pdt et pt kst jst ist aest st nd rd th`) {
		dateWords[w] = true
	}
}

// isDateOnly reports a short line made of a date or a time and nothing else.
func isDateOnly(s string) bool {
	if len(s) > 48 {
		return false
	}
	digits := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
			i++
		case isASCIILetter(c):
			j := i
			for j < len(s) && isASCIILetter(s[j]) {
				j++
			}
			var buf [16]byte
			if j-i > len(buf) {
				return false
			}
			for k := i; k < j; k++ {
				b := s[k]
				if b >= 'A' && b <= 'Z' {
					b += 'a' - 'A'
				}
				buf[k-i] = b
			}
			if !dateWords[string(buf[:j-i])] {
				return false
			}
			i = j
		case c == ' ' || c == ',' || c == '.' || c == ':' || c == '/' || c == '-' || c == '(' || c == ')' || c == '|' || c == '\t':
			i++
		default:
			return false
		}
	}
	return digits
}
