package extract

// Speaker attribution: who a sentence says said it. Patterns, in order of
// preference:
//
//	according to X / citing X
//	X said / X told Y / X has also said     (X before a speech verb)
//	"...," said X                           (X after the verb)
//	X, an appositive, said                  (name before the appositive)
//
// X is a short noun phrase: capitalised words (names, titles, organisations),
// role nouns (officials, spokesman), a few modifiers (senior, state) and an
// opening determiner, or a bare pronoun. It never crosses punctuation.

// maxSpeakerWords keeps speakers short; longer phrases are almost always a
// misparse.
const maxSpeakerWords = 10

// speakerMatch is a speaker as a word range [from, to).
type speakerMatch struct {
	from, to  int
	according bool
	ok        bool
}

// findSpeaker finds the speaker of one sentence's words. Speech verbs inside
// a quotation ("we said at the time") belong to the quoted speaker, not to
// the sentence, and are skipped.
func findSpeaker(text string, ws []word) speakerMatch {
	// "according to X" names the source outright; "citing X" names the
	// source of the sentence's subject, who is the speaker when there is a
	// speech verb ("The government suggested ..., citing intercepted calls").
	if m := sourceAfter(text, ws, "according"); m.ok {
		return m
	}
	for v := range ws {
		if ws[v].flags&lxAttrib == 0 || ws[v].shape&shLower == 0 || ws[v].quoted {
			continue
		}
		// "...,” said Hong Min" / ", said the official."
		if ws[v].pre&(pComma|pQuoteClose) != 0 && v+1 < len(ws) && ws[v+1].pre == 0 &&
			ws[v].flags&lxInverts != 0 {
			// The inverted speaker ends the clause: "said the official." or
			// "said Hong Min, who ...". "..., said residents were" is a
			// reported clause after an appositive, not an inversion.
			if from, to, ok := phraseAfter(text, ws, v+1); ok && (to == len(ws) || ws[to].pre != 0) {
				return speakerMatch{from: from, to: to, ok: true}
			}
		}
		if from, to, ok := phraseBefore(text, ws, v); ok {
			return speakerMatch{from: from, to: to, ok: true}
		}
	}
	return sourceAfter(text, ws, "citing")
}

// sourceAfter finds the source named after "according to" or "citing".
func sourceAfter(text string, ws []word, marker string) speakerMatch {
	for i := range ws {
		if ws[i].quoted || !wordIs(text, ws[i], marker) {
			continue
		}
		start := i + 1
		if marker == "according" {
			if !nextIs(text, ws, i, "to") {
				continue
			}
			start = i + 2
		}
		if start >= len(ws) || ws[start].pre != 0 {
			continue
		}
		if from, to, ok := phraseAfter(text, ws, start); ok {
			return speakerMatch{from: from, to: to, according: true, ok: true}
		}
		// "according to the port authority": after "according to" the
		// source needs no capital; take the phrase up to punctuation or a
		// clause word ("communications in which ...").
		end := start
		for j := start; j < len(ws) && j-start < maxSpeakerWords && (j == start || ws[j].pre == 0 && ws[j].flags&lxClause == 0); j++ {
			end = j + 1
		}
		return speakerMatch{from: start, to: end, according: true, ok: true}
	}
	return speakerMatch{}
}

// phraseAfter reads a speaker phrase forward from word i.
func phraseAfter(text string, ws []word, i int) (int, int, bool) {
	end := i
	head := false
loop:
	for j := i; j < len(ws) && j-i < maxSpeakerWords; j++ {
		w := ws[j]
		if j > i && w.pre != 0 {
			break
		}
		switch {
		case w.shape&(shCap|shUpper) != 0 && w.flags&lxClause == 0:
			head = true
			end = j + 1
		case w.flags&lxRole != 0:
			head = true
			end = j + 1
		case j == i && w.flags&lxDet != 0:
		case w.flags&lxModifier != 0:
		case w.flags&lxConnector != 0 && j > i && ws[j-1].shape&shCap != 0 &&
			j+1 < len(ws) && ws[j+1].shape&shCap != 0:
		case w.shape&shLower != 0 && w.flags&(lxClause|lxAttrib|lxAux) == 0 && roleAhead(ws, j):
			// "Estrian customs data": plain words before a role noun.
		default:
			break loop
		}
	}
	return i, end, head
}

// roleAhead reports a role noun within two words after j, with no
// punctuation between.
func roleAhead(ws []word, j int) bool {
	for k := j + 1; k < len(ws) && k <= j+2; k++ {
		if ws[k].pre != 0 {
			return false
		}
		if ws[k].flags&lxRole != 0 {
			return true
		}
	}
	return false
}

// phraseBefore reads a speaker phrase backward from the speech verb at v.
func phraseBefore(text string, ws []word, v int) (int, int, bool) {
	j := v - 1
	// Auxiliaries and adverbs between speaker and verb: "has also said",
	// "reportedly told".
	for skips := 0; j >= 0 && skips < 2 && ws[j+1].pre == 0; skips++ {
		w := ws[j]
		if w.flags&lxAux == 0 && !(w.shape&shLower != 0 && hasSuffixLy(text, w)) {
			break
		}
		j--
	}
	if j < 0 {
		return 0, 0, false
	}
	if ws[j+1].pre != 0 {
		// "Radio Free Asia (RFA) reported": step over a bracketed acronym.
		if ws[j+1].pre == pParenClose && ws[j].shape&shUpper != 0 &&
			ws[j].pre&pParenOpen != 0 && j > 0 {
			j--
			return collectBack(text, ws, j, j+1, true)
		}
		// "John Kirby, a White House spokesman, said": the name before the
		// appositive.
		if ws[j+1].pre&pComma != 0 {
			return appositive(text, ws, j)
		}
		return 0, 0, false
	}
	if ws[j].flags&lxPronoun != 0 {
		return j, j + 1, true
	}
	return collectBack(text, ws, j, j+1, true)
}

// collectBack gathers the speaker phrase that ends with word j; to is the
// word index just past the phrase. hop allows one step back over a
// preposition ("analysts at Norbank"); only one, to keep the cost bounded.
func collectBack(text string, ws []word, j, to int, hop bool) (int, int, bool) {
	from := -1
	head := false
	for k := j; k >= 0 && to-k <= maxSpeakerWords; k-- {
		w := ws[k]
		if k < j && ws[k+1].pre != 0 {
			break
		}
		fl := w.flags
		if k == 0 && w.shape&shCap != 0 && fl&(lxRole|lxDet|lxPronoun|lxModifier) == 0 &&
			starters[text[w.s:w.e]] {
			break // "However", "Meanwhile" open the sentence, they are not names
		}
		switch {
		case fl&lxDet != 0:
			if head {
				from = k
			}
			k = -1 // a determiner opens the phrase: stop
			continue
		case w.shape&(shCap|shUpper) != 0 && fl&(lxClause|lxPronoun) == 0:
			head = true
			from = k
		case fl&lxRole != 0:
			head = true
			from = k
		case fl&lxModifier != 0 && head:
			from = k
		case fl&lxConnector != 0 && head && k > 0 && ws[k-1].shape&shCap != 0:
			from = k
		case head && w.shape&shLower != 0:
			// "the regional water authority": up to two plain words between a
			// determiner and the head noun.
			if d := detBefore(text, ws, k); d >= 0 {
				from = d
			}
			k = -1
			continue
		default:
			k = -1
			continue
		}
	}
	if !head || from < 0 {
		return 0, 0, false
	}
	for from < to && ws[from].flags&lxConnector != 0 && ws[from].shape&shLower != 0 {
		from++
	}
	// "speaking to the Guardian described ...": a phrase after a preposition
	// is an object, not the subject of the verb, unless a role noun comes
	// before the preposition: "analysts at Norbank said".
	if from > 0 && ws[from].pre == 0 && isPreposition(text, ws[from-1]) {
		if hop && from >= 2 && ws[from-1].pre == 0 && ws[from-2].flags&lxRole != 0 {
			if f2, _, ok := collectBack(text, ws, from-2, from-1, false); ok {
				return f2, to, true
			}
		}
		return 0, 0, false
	}
	return from, to, from < to
}

// appositive finds "NAME" in "NAME, appositive, VERB" where j is the last word
// of the appositive.
func appositive(text string, ws []word, j int) (int, int, bool) {
	for k := j; k > 0 && j-k < 12; k-- {
		if ws[k].pre&(pStop|pQuoteOpen|pQuoteClose|pParenOpen) != 0 {
			return 0, 0, false
		}
		if ws[k].pre&pComma == 0 {
			continue
		}
		n := k - 1
		if ws[n].shape&shCap == 0 {
			return 0, 0, false
		}
		from := n
		for from > 0 && n-from < 4 && ws[from].pre == 0 && ws[from-1].shape&shCap != 0 &&
			ws[from-1].flags&(lxDet|lxPronoun) == 0 && !(from-1 == 0 && starters[text[ws[0].s:ws[0].e]]) {
			from--
		}
		return from, n + 1, true
	}
	return 0, 0, false
}

func hasSuffixLy(text string, w word) bool {
	return w.e-w.s > 3 && text[w.e-2] == 'l' && text[w.e-1] == 'y'
}

func isPreposition(text string, w word) bool {
	for _, p := range [...]string{"to", "from", "in", "at", "on", "by", "for", "of", "about", "into"} {
		if wordIs(text, w, p) {
			return true
		}
	}
	return false
}

// detBefore looks back from the plain lower-case word k for a determiner at
// most three words away ("the national civil protection agency"), with nothing but plain words and no punctuation
// between; it returns the determiner's index or -1.
func detBefore(text string, ws []word, k int) int {
	for d := k; d >= 0 && k-d <= 3; d-- {
		w := ws[d]
		if d < k && ws[d+1].pre != 0 {
			return -1
		}
		if w.flags&lxDet != 0 {
			return d
		}
		if w.shape&shLower == 0 || w.flags&(lxClause|lxAttrib|lxAux|lxPronoun|lxPredict|lxHedge|lxOpinion) != 0 ||
			hasSuffix(text, w, "ed") || hasSuffix(text, w, "ing") {
			return -1
		}
	}
	return -1
}

func hasSuffix(text string, w word, suf string) bool {
	return w.e-w.s > len(suf)+1 && text[w.e-len(suf):w.e] == suf
}

// speakerRef is a resolved speaker: the byte range of the phrase that names
// them, wherever it is in the text.
type speakerRef struct {
	bs, be    int
	ok        bool
	according bool // "according to X": a source rather than a speaker
	plural    bool // "officials", "sources": not what "he" or "she" refers to
	block     int  // the block it was found in (extractor.blocks)
}

// pronounReach is how many blocks back "he" or "she" may find the person it
// stands for. "They" reaches back to the previous block only: a group is
// more often the subject of a sentence without being a speaker.
const (
	pronounReach = 3
	groupReach   = 1
)

// attribute resolves the speakers of the current block's sentences: each
// sentence's own speaker, "he" and "she" to the last person named, "they"
// to the last group named as a speaker ("officials", never a person), and a
// quotation that runs over several sentences to the speaker named anywhere
// in it ("“A. B,” she said." gives A its speaker too). A quotation that opens
// right after an attributed quotation continues it ("“A,” she said. “B.”"),
// also across a paragraph break.
func (x *extractor) attribute() {
	text, ws, ss := x.text, x.words, x.sents
	for i := range ss {
		s := &ss[i]
		if !s.spk.ok {
			continue
		}
		from, to := s.spk.from, s.spk.to
		if to-from == 1 && ws[from].flags&lxPronoun != 0 {
			switch {
			case (wordIs(text, ws[from], "he") || wordIs(text, ws[from], "she")) &&
				x.last.ok && x.blocks-x.last.block <= pronounReach:
				s.ref = x.last
				s.ref.according = false
			case wordIs(text, ws[from], "they") && x.lastGroup.ok && x.blocks-x.lastGroup.block <= groupReach:
				s.ref = x.lastGroup
			}
			continue
		}
		head := ws[to-1]
		s.ref = speakerRef{bs: ws[from].s, be: head.e, ok: true, according: s.spk.according,
			plural: head.shape&shLower != 0 && hasSuffix(text, head, "s") && !hasSuffix(text, head, "ss"),
			block:  x.blocks}
		switch {
		case s.ref.according:
		case s.ref.plural:
			x.lastGroup = s.ref
		default:
			x.last = s.ref
		}
	}
	// Quotations over several sentences: a run of sentences joined by an
	// open quotation shares the speaker named in one of them.
	prev := -1 // the sentence before the run, when it quoted someone
	if x.lastQuot.ok && x.lastQuot.block == x.blocks-1 {
		prev = -2 // the previous paragraph ended with an attributed quotation
	}
	for i := 0; i < len(ss); {
		j := i
		for j+1 < len(ss) && ss[j].openEnd && ss[j+1].openStart {
			j++
		}
		owner := -1
		for k := i; k <= j; k++ {
			if ss[k].spk.ok && !ss[k].spk.according {
				owner = k
				break
			}
		}
		opens := ss[i].w1 > ss[i].w0 && ws[ss[i].w0].pre&pQuoteOpen != 0
		switch {
		case owner >= 0:
			for k := i; k <= j; k++ {
				if !ss[k].spk.ok {
					ss[k].spk = speakerMatch{ok: true, from: -1, to: -1}
					ss[k].ref = ss[owner].ref
				}
			}
		case opens && prev == -2:
			for k := i; k <= j; k++ {
				ss[k].spk = speakerMatch{ok: true, from: -1, to: -1}
				ss[k].ref = x.lastQuot
			}
		case opens && prev >= 0:
			for k := i; k <= j; k++ {
				ss[k].spk = speakerMatch{ok: true, from: -1, to: -1}
				ss[k].ref = ss[prev].ref
			}
		}
		prev = -1
		if ss[j].spk.ok && !ss[j].spk.according && quotes(ws[ss[j].w0:ss[j].w1]) {
			prev = j
		}
		i = j + 1
	}
	x.lastQuot = speakerRef{}
	if n := len(ss); n > 0 && ss[n-1].spk.ok && !ss[n-1].spk.according && ss[n-1].ref.ok &&
		quotes(ws[ss[n-1].w0:ss[n-1].w1]) {
		x.lastQuot = ss[n-1].ref
		x.lastQuot.block = x.blocks
	}
}

// quotes reports a sentence that quotes someone: three quoted words or more.
func quotes(ws []word) bool {
	n := 0
	for _, w := range ws {
		if w.quoted {
			n++
		}
	}
	return n >= 3
}
