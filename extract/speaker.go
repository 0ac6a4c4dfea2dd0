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

func findSpeaker(text string, ws []word) speakerMatch {
	for i := range ws {
		var start int
		switch {
		case wordIs(text, ws[i], "according") && nextIs(text, ws, i, "to"):
			start = i + 2
		case wordIs(text, ws[i], "citing"):
			start = i + 1
		default:
			continue
		}
		if start < len(ws) && ws[start].pre == 0 {
			if from, to, ok := phraseAfter(text, ws, start); ok {
				return speakerMatch{from: from, to: to, according: true, ok: true}
			}
			// "according to the port authority": after "according to" the
			// source needs no capital; take the phrase up to punctuation.
			end := start
			for j := start; j < len(ws) && j-start < 6 && (j == start || ws[j].pre == 0); j++ {
				end = j + 1
			}
			return speakerMatch{from: start, to: end, according: true, ok: true}
		}
	}
	for v := range ws {
		if ws[v].flags&lxAttrib == 0 || ws[v].shape&shLower == 0 {
			continue
		}
		// "...,” said Hong Min" / ", said the official."
		if ws[v].pre&(pComma|pQuoteClose) != 0 && v+1 < len(ws) && ws[v+1].pre == 0 &&
			ws[v].flags&lxInverts != 0 {
			if from, to, ok := phraseAfter(text, ws, v+1); ok {
				return speakerMatch{from: from, to: to, ok: true}
			}
		}
		if from, to, ok := phraseBefore(text, ws, v); ok {
			return speakerMatch{from: from, to: to, ok: true}
		}
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
		default:
			break loop
		}
	}
	return i, end, head
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
// most two words away, with nothing but plain words and no punctuation
// between; it returns the determiner's index or -1.
func detBefore(text string, ws []word, k int) int {
	for d := k; d >= 0 && k-d <= 2; d-- {
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
