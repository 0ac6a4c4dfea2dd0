// Package extract finds check-worthy claims in plain text. It is pure: no I/O,
// no database, nothing of the app. Offsets it returns are Unicode code points
// into the text it was given.
//
// The pipeline: Segment splits the text into blocks (lines) and sentences;
// boilerplate.go drops page furniture; features.go describes each remaining
// sentence; speaker.go finds who said it, also across a quotation that runs
// over several sentences; model.go weighs the description with weights
// learnt by cmd/cwtrain; spans.go marks the numbers and dates of a claim.
package extract

// Claim is one check-worthy sentence (or part of one) found in a text.
// text[Start:End], counted in code points, is always exactly Text.
//
// Speaker is who the claim is attributed to, and text[SpeakerStart:SpeakerEnd]
// is exactly Speaker. The speaker usually lies inside the claim; for a
// quotation that runs over several sentences, or a pronoun ("he said"), it
// points at the sentence that names the speaker.
type Claim struct {
	Start        int     `json:"start"`
	End          int     `json:"end"`
	Text         string  `json:"text"`
	Score        float64 `json:"score"`
	Kind         string  `json:"kind,omitempty"`
	Speaker      string  `json:"speaker,omitempty"`
	SpeakerStart int     `json:"speaker_start,omitempty"`
	SpeakerEnd   int     `json:"speaker_end,omitempty"`
	Numbers      []Span  `json:"numbers,omitempty"`
	Dates        []Span  `json:"dates,omitempty"`
}

// Span is a stretch of text inside a claim, such as a number ("$4.5
// million", "40%", "hundreds") or a date ("Nov. 21", "last week"). Start and
// End are code point offsets into the whole text, like the claim's.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Extract returns the claims in text, in order of position, never overlapping.
// It never panics, whatever the input.
func Extract(text string) []Claim {
	x := extractor{text: text, cur: cpCursor{s: text}}
	scan(text, x.block)
	return x.claims
}

// Verdicts of Analyze: why a sentence was or was not returned.
const (
	VerdictClaim       = "claim"       // returned by Extract
	VerdictLow         = "low"         // scored below MinScore
	VerdictBoilerplate = "boilerplate" // page furniture
	VerdictTeaser      = "teaser"      // a teaser for another story
	VerdictQuestion    = "question"    // a question, or an interviewer's turn
	VerdictShort       = "short"       // too few words to be a claim
	VerdictRepeat      = "repeat"      // the same text was seen before
)

// Analysis is what Extract decided about one sentence, for tools that
// evaluate and train the extractor. Start and End are code point offsets of
// the sentence as scored (past a dateline or bullet); Features is set for
// scored sentences (VerdictClaim and VerdictLow), and Score is -1 otherwise.
type Analysis struct {
	Start, End int
	Text       string
	Verdict    string
	Score      float64
	Features   Features
}

// Analyze returns every sentence of text with what Extract made of it.
func Analyze(text string) []Analysis {
	var out []Analysis
	x := extractor{text: text, cur: cpCursor{s: text}}
	x.report = func(bs, be int, verdict string, score float64, f *Features) {
		a := Analysis{Start: x.cur.at(bs), Text: text[bs:be], Verdict: verdict, Score: score}
		a.End = x.cur.at(be)
		if f != nil {
			a.Features = *f
		}
		out = append(out, a)
	}
	scan(text, x.block)
	return out
}

// caption lines longer than this are prose that merely mentions a credit; only
// the offending sentence is dropped from them.
const maxCaptionBytes = 600

type extractor struct {
	text   string
	cur    cpCursor
	claims []Claim
	spans  []Span // backing array of the claims' Numbers and Dates
	words  []word // words of the current block, reused between blocks
	sents  []sent // sentences of the current block, reused
	seen   map[string]bool
	f      Features // of the sentence being scored
	report func(bs, be int, verdict string, score float64, f *Features)

	related int  // relNone, relHeader or relHeadline
	tail    bool // inside the "About ..." and contact sections of a press release
	blocks  int  // blocks with story text seen so far

	// The last speaker named in the text, for "he said" and for quotations
	// that continue into the next paragraph.
	last      speakerRef
	lastGroup speakerRef // the last group named ("Ukrainian officials"), for "they said"
	lastQuot  speakerRef // speaker of the previous block's closing quotation
}

// Where the extractor is relative to a teaser section.
const (
	relNone     = iota // story text
	relHeader          // after "Related Articles" and the like
	relHeadline        // after a teaser headline: the next paragraph is its blurb
)

// sent is one sentence of the current block while the block is processed.
type sent struct {
	bs, be    int // byte range as scored
	w0, w1    int // its words: x.words[w0:w1]
	info      sentInfo
	openStart bool // a quotation is open where the sentence starts
	openEnd   bool // and where it ends
	verdict   string
	spk       speakerMatch // in x.words indexes
	ref       speakerRef   // the resolved speaker, if any
}

func (x *extractor) drop(bs, be int, verdict string) {
	if x.report != nil {
		x.report(bs, be, verdict, -1, nil)
	}
}

func (x *extractor) dropAll(sents []span, verdict string) {
	for _, sp := range sents {
		x.drop(sp.bs, sp.be, verdict)
	}
}

func (x *extractor) block(bs, be int, sents []span) {
	bt := x.text[bs:be]
	if isRelatedHeader(bt) {
		x.related = relHeader
		x.dropAll(sents, VerdictTeaser)
		return
	}
	if isTailHeader(bt) {
		x.tail = true
		x.dropAll(sents, VerdictBoilerplate)
		return
	}
	furniture := isBracketed(bt) || isExactBoiler(bt) || hasBoilerPrefix(bt) ||
		isByline(bt) || isDateStamp(bt) || isTitleCase(bt) || isHeadlineLike(x.text, sents)
	if x.tail {
		if !furniture || isExactBoiler(bt) {
			x.dropAll(sents, VerdictBoilerplate)
			return
		}
		x.tail = false // another heading: the press release's tail has ended
	}
	// A teaser section: headlines after the header, then one summary
	// paragraph, then the story resumes.
	if x.related != relNone {
		if isExactBoiler(bt) {
			x.dropAll(sents, VerdictBoilerplate) // "Advertisement" inside the teaser section changes nothing
			return
		}
		if furniture {
			x.related = relHeadline
			x.dropAll(sents, VerdictTeaser)
			return
		}
		teaser := x.related == relHeadline
		x.related = relNone
		if teaser {
			x.dropAll(sents, VerdictTeaser)
			return
		}
	}
	if furniture {
		x.dropAll(sents, VerdictBoilerplate)
		return
	}
	short := len(bt) <= maxCaptionBytes
	if short && (hasCredit(bt) || hasBio(bt)) {
		x.dropAll(sents, VerdictBoilerplate)
		return
	}
	if isInterviewerTurn(bt) {
		x.dropAll(sents, VerdictQuestion)
		return
	}
	x.blocks++
	x.prose(bs, sents, short)
}

// prose handles a block of story text in two passes: the first tokenizes
// every sentence and finds its speaker, following quotations across
// sentences; the second scores the sentences and keeps the claims.
func (x *extractor) prose(bs int, sents []span, short bool) {
	text := x.text
	x.words = x.words[:0]
	x.sents = x.sents[:0]
	quoted := false
	for i, sp := range sents {
		if i == 0 {
			sp.bs = skipDateline(text, sp.bs, sp.be)
		}
		sp.bs = skipBullet(text, sp.bs, sp.be)
		s := sent{bs: sp.bs, be: sp.be, openStart: quoted}
		st := text[sp.bs:sp.be]
		if len(sents) > 1 || sp.bs != bs {
			if isBoilerSentence(st, !short) {
				s.verdict = VerdictBoilerplate
			}
		} else if !short && hasCredit(st) {
			s.verdict = VerdictBoilerplate // the block tests above covered the rest
		}
		s.w0 = len(x.words)
		x.words, s.info, quoted = tokenize(text, sp.bs, sp.be, x.words, quoted)
		s.w1 = len(x.words)
		s.openEnd = quoted
		if s.verdict == "" {
			if m := findSpeaker(text, x.words[s.w0:s.w1]); m.ok {
				m.from += s.w0
				m.to += s.w0
				s.spk = m
			}
		}
		x.sents = append(x.sents, s)
	}
	x.attribute()
	first := len(x.claims)
	for i := range x.sents {
		x.sentence(&x.sents[i])
	}
	x.wholeQuotes(first)
}

// Quotations that run over sentences are kept whole when only some of their
// sentences are claims: such a claim started or ended mid-quotation ("They
// entered a war, and they are … legitimate targets," he added.), the rest of
// the statement unmarked. A quote whose every sentence is a claim stays in
// sentences, one checkable statement each.
// A quote longer than maxQuoteSents sentences or maxQuoteBytes, more likely
// a stray quotation mark than one statement, is left in sentences.
const (
	maxQuoteSents = 4
	maxQuoteBytes = 900
)

// wholeQuotes widens the claims found since x.claims[first] that lie in a
// quotation of several sentences, not all of them claims, to the whole
// quotation, one claim for it: the best score and kind among its claims,
// the speaker they were given.
func (x *extractor) wholeQuotes(first int) {
	if len(x.claims) == first {
		return
	}
	ss := x.sents
	for i := 0; i < len(ss); i++ {
		if ss[i].openStart || !ss[i].openEnd {
			continue
		}
		j := i + 1
		for j < len(ss) && ss[j].openStart && ss[j].openEnd && j-i < maxQuoteSents {
			j++
		}
		if j >= len(ss) || !ss[j].openStart || ss[j].openEnd || j-i >= maxQuoteSents || ss[j].be-ss[i].bs > maxQuoteBytes {
			continue
		}
		x.mergeClaims(first, ss[i].bs, ss[j].be, j-i+1)
		i = j
	}
}

// mergeClaims makes the claims since x.claims[first] that lie within the
// bytes [bs, be) of the text, n sentences, one claim covering all of it,
// unless each of the n is a claim of its own.
func (x *extractor) mergeClaims(first, bs, be, n int) {
	start, end := x.cur.at(bs), x.cur.at(be)
	k0, k1 := -1, -1
	for k := first; k < len(x.claims); k++ {
		if c := x.claims[k]; c.Start >= start && c.End <= end {
			if k0 < 0 {
				k0 = k
			}
			k1 = k + 1
		}
	}
	if k0 < 0 || k1-k0 >= n {
		return
	}
	m := x.claims[k0]
	for _, c := range x.claims[k0+1 : k1] {
		if c.Score > m.Score {
			m.Score, m.Kind = c.Score, c.Kind
		}
		if m.Speaker == "" && c.Speaker != "" {
			m.Speaker, m.SpeakerStart, m.SpeakerEnd = c.Speaker, c.SpeakerStart, c.SpeakerEnd
		}
		m.Numbers = append(m.Numbers, c.Numbers...)
		m.Dates = append(m.Dates, c.Dates...)
	}
	m.Start, m.End, m.Text = start, end, x.text[bs:be]
	x.claims[k0] = m
	x.claims = append(x.claims[:k0+1], x.claims[k1:]...)
}

// sentence scores one sentence and keeps it when it is check-worthy.
func (x *extractor) sentence(s *sent) {
	if s.verdict != "" {
		x.drop(s.bs, s.be, s.verdict)
		return
	}
	text := x.text
	ws := x.words[s.w0:s.w1]
	if s.info.question {
		x.drop(s.bs, s.be, VerdictQuestion)
		return
	}
	if len(ws) < 5 {
		x.drop(s.bs, s.be, VerdictShort)
		return
	}
	attributed := s.spk.ok && !s.spk.according || s.ref.ok && !s.ref.according
	// The features live in the extractor, not on the stack: report would
	// make a local escape, and allocate, for every sentence.
	var t traits
	x.f, t = computeFeatures(text, ws, s.info, attributed, s.spk.ok && s.spk.according)
	f := &x.f
	f[fNews] = 1
	score := x.score(f, ws)
	st := text[s.bs:s.be]
	if score < MinScore && attributed && quotesCount(text, ws) {
		score = MinScore
	}
	if score < MinScore {
		if x.report != nil {
			x.report(s.bs, s.be, VerdictLow, score, f)
		}
		return
	}
	if x.seen[st] {
		x.drop(s.bs, s.be, VerdictRepeat) // teasers and pull quotes repeat story text
		return
	}
	if x.seen == nil {
		x.seen = make(map[string]bool)
	}
	x.seen[st] = true
	if x.report != nil {
		x.report(s.bs, s.be, VerdictClaim, score, f)
	}
	c := Claim{
		Start: x.cur.at(s.bs),
		Text:  st,
		Score: float64(int(score*1000+0.5)) / 1000,
		Kind:  kindOf(t, attributed),
	}
	if s.ref.ok {
		// The speaker may sit before the claim (a pronoun's antecedent, the
		// opening of a quotation) or after it (the end of a quotation that
		// runs over several sentences); count from the claim's start.
		c.Speaker = text[s.ref.bs:s.ref.be]
		if s.ref.bs >= s.bs {
			c.SpeakerStart = c.Start + runeCount(text[s.bs:s.ref.bs])
		} else {
			c.SpeakerStart = c.Start - runeCount(text[s.ref.bs:s.bs])
		}
		c.SpeakerEnd = c.SpeakerStart + runeCount(c.Speaker)
	}
	c.Numbers, c.Dates = x.findSpans(s.bs, c.Start, ws)
	c.End = x.cur.at(s.be)
	x.claims = append(x.claims, c)
}

// isInterviewerTurn reports a paragraph that opens with "Q:" or
// "Question:": the interviewer speaking, not a claim.
func isInterviewerTurn(s string) bool {
	return len(s) > 3 && (s[:2] == "Q:" || s[:2] == "Q." && s[2] == ' ') ||
		len(s) > 9 && equalFoldASCII(s[:9], "question:")
}

// skipBullet steps over a list bullet ("• ", "- ", "* ") or an interview's
// answer label ("A: ") opening a sentence.
func skipBullet(text string, bs, be int) int {
	if be-bs > 3 && text[bs] == 'A' && text[bs+1] == ':' && text[bs+2] == ' ' {
		return bs + 3
	}
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
	return isLower(r)
}

// quotesCount reports a count inside the quoted words of a sentence: a
// number that is not part of a date, or a magnitude ("several dozens",
// "hundreds", "40 percent"). A speaker's own estimate of a figure is what a
// fact-checker checks first, however hedged its wording ("I would say
// certainly in the realm of dozens"), and the model, which weighs the hedge,
// scores such estimates low; the sentence is kept at the threshold.
func quotesCount(text string, ws []word) bool {
	for i, w := range ws {
		if !w.quoted {
			continue
		}
		if w.shape&shNumber != 0 && !isDateNumber(text, ws, i) {
			return true
		}
		if w.flags&lxNumber != 0 && isMagnitude(text, w) {
			return true
		}
	}
	return false
}

func isMagnitude(text string, w word) bool {
	for _, m := range [...]string{"dozen", "dozens", "hundred", "hundreds",
		"thousand", "thousands", "million", "millions", "billion", "billions",
		"trillion", "trillions", "percent"} {
		if wordIs(text, w, m) {
			return true
		}
	}
	return false
}
