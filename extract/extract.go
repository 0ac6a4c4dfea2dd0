// Package extract finds check-worthy claims in plain text. It is pure: no I/O,
// no database, nothing of the app. Offsets it returns are Unicode code points
// into the text it was given.
//
// The pipeline: Segment splits the text into blocks (lines) and sentences;
// boilerplate.go drops page furniture; features.go describes each remaining
// sentence; score.go weighs the description; speaker.go finds who said it.
package extract

import "unicode"

// Claim is one check-worthy sentence (or part of one) found in a text.
// text[Start:End], counted in code points, is always exactly Text.
type Claim struct {
	Start        int     `json:"start"`
	End          int     `json:"end"`
	Text         string  `json:"text"`
	Score        float64 `json:"score"`
	Kind         string  `json:"kind,omitempty"`
	Speaker      string  `json:"speaker,omitempty"`
	SpeakerStart int     `json:"speaker_start,omitempty"`
	SpeakerEnd   int     `json:"speaker_end,omitempty"`
}

// Extract returns the claims in text, in order of position, never overlapping.
// It never panics, whatever the input.
func Extract(text string) []Claim {
	x := extractor{text: text, cur: cpCursor{s: text}}
	scan(text, x.block)
	return x.claims
}

// caption lines longer than this are prose that merely mentions a credit; only
// the offending sentence is dropped from them.
const maxCaptionBytes = 600

type extractor struct {
	text    string
	cur     cpCursor
	claims  []Claim
	words   []word // reused between sentences
	seen    map[string]bool
	related int  // relNone, relHeader or relHeadline
	started bool // a story sentence has been seen
}

// Where the extractor is relative to a teaser section.
const (
	relNone     = iota // story text
	relHeader          // after "Related Articles" and the like
	relHeadline        // after a teaser headline: the next paragraph is its blurb
)

func (x *extractor) block(bs, be int, sents []span) {
	bt := x.text[bs:be]
	if isRelatedHeader(bt) {
		x.related = relHeader
		return
	}
	furniture := isBracketed(bt) || isExactBoiler(bt) || hasBoilerPrefix(bt) ||
		isByline(bt) || isDateStamp(bt) || isTitleCase(bt)
	// A teaser section: headlines after the header, then one summary
	// paragraph, then the story resumes.
	if x.related != relNone {
		if isExactBoiler(bt) {
			return // "Advertisement" inside the teaser section changes nothing
		}
		if furniture {
			x.related = relHeadline
			return
		}
		teaser := x.related == relHeadline
		x.related = relNone
		if teaser {
			return
		}
	}
	if furniture {
		return
	}
	short := len(bt) <= maxCaptionBytes
	if short && hasCredit(bt) {
		return
	}
	for i, sp := range sents {
		if i == 0 {
			sp.bs = skipDateline(x.text, sp.bs, sp.be)
		}
		sp.bs = skipBullet(x.text, sp.bs, sp.be)
		st := x.text[sp.bs:sp.be]
		if len(sents) > 1 || sp.bs != bs {
			if isBoiler(st, !short) {
				continue
			}
		} else if !short && hasCredit(st) {
			continue // the block tests above covered the rest
		}
		first := !x.started
		x.started = true
		if first && startsLower(st) {
			continue // the scrape cut the lede mid-sentence
		}
		x.sentence(sp, first)
	}
}

// sentence scores one sentence and keeps it when it is check-worthy.
func (x *extractor) sentence(sp span, first bool) {
	text := x.text
	ws, info := tokenize(text, sp.bs, sp.be, x.words)
	x.words = ws
	if len(ws) < 5 || info.question {
		return
	}
	if first && truncated(text, ws) {
		return
	}
	spk := findSpeaker(text, ws)
	f, t := computeFeatures(text, ws, info, spk.ok && !spk.according, spk.according)
	score := f.Score()
	if score < MinScore {
		return
	}
	st := text[sp.bs:sp.be]
	if x.seen[st] {
		return // teasers and pull quotes repeat story text
	}
	if x.seen == nil {
		x.seen = make(map[string]bool)
	}
	x.seen[st] = true
	c := Claim{
		Start: x.cur.at(sp.bs),
		Text:  st,
		Score: float64(int(score*1000+0.5)) / 1000,
		Kind:  kindOf(t, spk.ok),
	}
	if spk.ok {
		sb, se := ws[spk.from].s, ws[spk.to-1].e
		c.Speaker = text[sb:se]
		c.SpeakerStart = c.Start + runeCount(text[sp.bs:sb])
		c.SpeakerEnd = c.SpeakerStart + runeCount(text[sb:se])
	}
	c.End = x.cur.at(sp.be)
	x.claims = append(x.claims, c)
}

// startsLower reports a sentence that starts in lower case (past any opening
// quotes): a fragment, not the start of a sentence.
func startsLower(s string) bool {
	for i := 0; i < len(s); {
		r, w := decode(s, i)
		if !isOpener(r) {
			return isLowerRune(r)
		}
		i += w
	}
	return false
}

// skipBullet steps over a list bullet ("• ", "- ", "* ") opening a sentence.
func skipBullet(text string, bs, be int) int {
	r, w := decode(text, bs)
	switch r {
	case '•', '-', '*', '–', '—', '·', '▪', '►':
	default:
		return bs
	}
	i := bs + w
	if i >= be {
		return bs
	}
	if r2, _ := decode(text, i); !isSpace(r2) {
		return bs
	}
	for i < be {
		r2, w2 := decode(text, i)
		if !isSpace(r2) {
			return i
		}
		i += w2
	}
	return bs
}

// skipDateline steps over a wire-service dateline such as
// "KYIV, Ukraine (AP) — " opening the first sentence of a paragraph.
func skipDateline(text string, bs, be int) int {
	limit := min(be, bs+100)
	for i := bs; i < limit; i++ {
		if text[i] != ' ' {
			continue
		}
		rest := text[i+1 : be]
		var dash int
		switch {
		case len(rest) > 4 && (rest[:4] == "— " || rest[:4] == "– "):
			dash = 4
		case len(rest) > 2 && rest[:2] == "- ":
			dash = 2
		case len(rest) > 3 && rest[:3] == "-- ":
			dash = 3
		default:
			continue
		}
		prefix := text[bs:i]
		if !hasUpperWord(prefix) || !isTitleCase(prefix) || len(rest)-dash < 20 {
			return bs
		}
		return i + 1 + dash
	}
	return bs
}

// hasUpperWord reports a word of three or more capitals, as in "KYIV" or
// "WASHINGTON": datelines are set in capitals, ordinary sentence starts are not.
func hasUpperWord(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			run++
			if run >= 3 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func isLowerRune(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z'
	}
	return unicode.IsLower(r)
}

// truncated spots a first sentence that the scrape cut at the start: "1,000
// reportedly been killed ..." has lost its subject and auxiliary, which shows
// as "been" with no have/has/had before it.
func truncated(text string, ws []word) bool {
	for i := 0; i < len(ws) && i < 4; i++ {
		if !wordIs(text, ws[i], "been") {
			continue
		}
		for k := i - 1; k >= 0 && k >= i-2; k-- {
			if wordIs(text, ws[k], "have") || wordIs(text, ws[k], "has") ||
				wordIs(text, ws[k], "had") || wordIs(text, ws[k], "having") ||
				wordIs(text, ws[k], "it's") || wordIs(text, ws[k], "it’s") {
				return false
			}
		}
		return true
	}
	return false
}
