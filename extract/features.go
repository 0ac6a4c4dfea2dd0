package extract

import (
	"unicode"
	"unicode/utf8"
)

// This file turns a sentence into words and the words into features. The
// features are plain numbers; score.go weighs them. Keeping the two apart lets
// a later version learn the weights without touching the feature code.

// word is one token of a sentence. Words are byte ranges into the text, so
// tokenizing allocates nothing beyond the reused slice.
type word struct {
	s, e   int    // byte offsets into the text
	flags  uint32 // lexicon flags (lx*)
	shape  uint8  // sh* bits
	pre    uint8  // punctuation between the previous word and this one (p*)
	quoted bool   // inside quotation marks
	date   bool   // part of a date span (spans.go)
	h      uint64 // hash of the normalised word (normWord)
}

// Word shapes.
const (
	shCap     uint8 = 1 << iota // first letter upper case
	shUpper                     // all letters upper case, at least two
	shLower                     // first letter lower case
	shDigit                     // contains a digit
	shNumber                    // only digits, commas and periods: 10,000 3.5
	shOrdinal                   // 1st 22nd 71st
	shLetter                    // contains a letter
)

// Punctuation seen before a word.
const (
	pComma uint8 = 1 << iota
	pStop        // ; : dashes, mid-sentence . ! ? and other phrase breaks
	pParenOpen
	pParenClose
	pQuoteOpen
	pQuoteClose
)

// sentInfo holds what the tokenizer sees besides words.
type sentInfo struct {
	moneyPct bool // a currency sign or percent sign
	question bool // ends with a question mark
	exclaim  bool // ends with an exclamation mark
}

// tokenize appends the words of text[bs:be] to ws. quoted says whether a
// quotation is open where the sentence starts; the result says whether one is
// open where it ends, so that a quotation can run over several sentences.
func tokenize(text string, bs, be int, ws []word, quoted bool) ([]word, sentInfo, bool) {
	var info sentInfo
	var pre uint8
	unmarked := len(ws) // first word after the last closing quotation mark
	for i := bs; i < be; {
		r, w := decode(text, i)
		if isWordRune(r) {
			if isCJK(r) { // CJK has no spaces: every character is a word
				ws = append(ws, word{s: i, e: i + w, pre: pre, quoted: quoted, shape: shLetter,
					h: fnvString(fnvOffset, text[i:i+w])})
				pre = 0
				i += w
				continue
			}
			st := i
			shape := uint8(0)
			digits, letters, uppers := 0, 0, 0
			first := true
			// The hash of the normalised word (see normWord), computed on
			// the way: it finds the word in the lexicon and the model.
			h, n := uint64(fnvOffset), 0
			aposH, aposN := uint64(0), -1 // the hash before an apostrophe, for possessives
			for i < be {
				r2, w2 := decode(text, i)
				if isWordRune(r2) && !isCJK(r2) {
					switch {
					case r2 >= '0' && r2 <= '9':
						digits++
						h, n = fnvByte(h, n, byte(r2))
					case r2 >= 'a' && r2 <= 'z':
						letters++
						if first {
							shape |= shLower
						}
						h, n = fnvByte(h, n, byte(r2))
					case r2 >= 'A' && r2 <= 'Z':
						letters++
						uppers++
						if first {
							shape |= shCap
						}
						h, n = fnvByte(h, n, byte(r2)+'a'-'A')
					default:
						for k := i; k < i+w2; k++ {
							h, n = fnvByte(h, n, text[k])
						}
					}
					switch {
					case r2 < utf8.RuneSelf:
					case isLetter(r2):
						letters++
						if isUpper(r2) {
							uppers++
							if first {
								shape |= shCap
							}
						} else if first && isLower(r2) {
							shape |= shLower
						}
					}
					first = false
					i += w2
					continue
				}
				if i+w2 < be && isJoiner(text, r2, i, w2) {
					switch {
					case r2 == '\'' || r2 == '’':
						aposH, aposN = h, n
						h, n = fnvByte(h, n, '\'')
					case r2 < utf8.RuneSelf:
						h, n = fnvByte(h, n, byte(r2))
					default:
						for k := i; k < i+w2; k++ {
							h, n = fnvByte(h, n, text[k])
						}
					}
					i += w2
					continue
				}
				break
			}
			// Keep the period of "U.S." and "Gen." with the word, so that it
			// does not read as the end of a phrase.
			if i < be && text[i] == '.' && letters > 0 && digits == 0 && i-st <= 10 &&
				(isInitials(text[st:i]) || lookupAbbrev(text[st:i]) != abNone) {
				i++
			}
			var fl uint32
			if letters > 0 && n < maxNormWord {
				var ok bool
				if fl, ok = lexiconH[h]; !ok && aposN >= 0 && n == aposN+2 && text[i-1] == 's' {
					fl = lexiconH[aposH] // a possessive takes its noun's flags
				}
			}
			if digits > 0 {
				shape |= shDigit
				switch {
				case letters == 0:
					shape |= shNumber
					h = hashNumber
				case isOrdinal(text[st:i]):
					shape |= shOrdinal
					h = hashOrdinal
				default:
					h = hashAlnum
				}
			}
			if letters > 0 {
				shape |= shLetter
				if uppers == letters && letters >= 2 {
					shape |= shUpper
				}
			}
			ws = append(ws, word{s: st, e: i, flags: fl, shape: shape, pre: pre, quoted: quoted, h: h})
			pre = 0
			continue
		}
		switch r {
		case ',', '،', '、', '，':
			pre |= pComma
		case ';', ':', '—', '–', '.', '!', '?', '…', '/', '|', '•':
			pre |= pStop
		case '-':
			pre |= pStop
		case '(', '[', '{':
			pre |= pParenOpen
		case ')', ']', '}':
			pre |= pParenClose
		case '“', '«', '„':
			pre |= pQuoteOpen
			quoted = true
		case '”', '»':
			pre |= pQuoteClose
			if !quoted {
				// The sentence began inside a quotation opened in an
				// earlier sentence: everything since the last quotation
				// mark was quoted. (Each word is marked at most once.)
				for k := unmarked; k < len(ws); k++ {
					ws[k].quoted = true
				}
			}
			unmarked = len(ws)
			quoted = false
		case '"':
			if quoted {
				pre |= pQuoteClose
			} else {
				pre |= pQuoteOpen
			}
			quoted = !quoted
		case '$', '€', '£', '¥', '₽', '₹', '%', '‰', '₩':
			info.moneyPct = true
		}
		i += w
	}
	// The final terminal punctuation, behind any closing quotes.
	for j := be; j > bs; {
		r, w := decodeLast(text[bs:j])
		if isCloser(r) {
			j -= w
			continue
		}
		info.question = r == '?' || r == '？' || r == '؟'
		info.exclaim = r == '!' || r == '！'
		break
	}
	return ws, info, quoted
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
	}
	return isWordRuneSlow(r)
}

func isWordRuneSlow(r rune) bool {
	return r != utf8.RuneError && runeClassOf(r)&(rcLetter|rcDigit|rcMark) != 0
}

func isCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r))
}

// isJoiner reports punctuation inside a word: apostrophes and hyphens between
// letters (Korea’s, Yong-hyun), periods in U.S. and 3.5, commas in 10,000.
func isJoiner(text string, r rune, i, w int) bool {
	prev, _ := decodeLast(text[:i])
	next, _ := decode(text, i+w) // i+w < be, and be is a rune boundary
	switch r {
	case '\'', '’', '-', '‑':
		return isWordRune(prev) && isWordRune(next)
	case '.':
		return (isDigitRune(prev) && isDigitRune(next)) ||
			(isLetter(prev) && isLetter(next) && isDottedAbbrev(text, i))
	case ',':
		return isDigitRune(prev) && isDigitRune(next)
	}
	return false
}

// isDottedAbbrev reports whether the period at i sits inside "U.S" or "e.g":
// a single letter before it.
func isDottedAbbrev(text string, i int) bool {
	return i >= 1 && isASCIILetter(text[i-1]) && (i == 1 || !isASCIILetter(text[i-2]))
}

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }

func isOrdinal(s string) bool {
	n := len(s)
	if n < 3 || !isDigitRune(rune(s[0])) {
		return false
	}
	suf := s[n-2:]
	return equalFoldASCII(suf, "st") || equalFoldASCII(suf, "nd") ||
		equalFoldASCII(suf, "rd") || equalFoldASCII(suf, "th")
}

// wordIs compares a word with a lower-case ASCII string, ignoring case.
func wordIs(text string, w word, s string) bool {
	return w.e-w.s == len(s) && equalFoldASCII(text[w.s:w.e], s)
}

// Feature indexes. Every feature is a number, mostly 0 or 1 or a small count.
const (
	fBias           = iota // always 1
	fQuantity              // numbers that are not dates or model names (count, max 2)
	fNumWord               // hundreds, dozens, million, six
	fMoneyPct              // a currency or percent sign with a number
	fDate                  // a date or time: month, weekday, year, "last week"
	fSpeaker               // attributed: "X said", "said X", "X told"
	fAccording             // "according to X", "citing X"
	fQuote                 // quotation of three words or more
	fEntities              // runs of capitalised words after the first word (count, max 4)
	fCausal                // because, led to, caused
	fPredict               // will, expected to, forecast
	fLaw                   // law, bill, ban, regulation
	fEventVerb             // killed, signed, launched
	fHedge                 // may, might, perhaps, likely (count, max 2)
	fOpinion               // should, must, I think, terrible (count, max 2)
	fFirstPerson           // I, we, our outside quotations
	fFirstQuoted           // I, we, our inside quotations
	fSecondPerson          // you, your
	fQuestion              // ends with a question mark
	fExclaim               // ends with an exclamation mark
	fShort                 // fewer than 8 words
	fLong                  // more than 70 words
	fLowerStart            // starts in lower case: a fragment
	fAbstract              // concerns, implications, increasingly
	fNegatedFinding        // "no further details", "did not provide"
	fReported              // reportedly, reports indicate, is estimated
	fBareQuote             // mostly a quotation with no number, date or name in it
	fNews                  // the text is news, not a spoken debate (see Score)
	numFeatures
)

// FeatureNames names the features, in index order; score.go's weight table
// and any training tool use the same order.
var FeatureNames = [numFeatures]string{
	"bias", "quantity", "num_word", "money_pct", "date", "speaker", "according",
	"quote", "entities", "causal", "predict", "law", "event_verb", "hedge",
	"opinion", "first_person", "first_quoted", "second_person", "question",
	"exclaim", "short", "long", "lower_start", "abstract", "negated_finding",
	"reported", "bare_quote", "news",
}

// Features is the feature vector of one sentence.
type Features [numFeatures]float64

// traits are facts about a sentence that decide its Kind.
type traits struct {
	quantity, quote, causal, predict, law, date, event bool
	words                                              int
}

// computeFeatures fills the feature vector for the words of one sentence.
// speaker and according say what findSpeaker found.
func computeFeatures(text string, ws []word, info sentInfo, speaker, according bool) (Features, traits) {
	var f Features
	var t traits
	f[fBias] = 1
	quantity, numWords, entities, hedges, opinions := 0, 0, 0, 0, 0
	quotedWords, quotedFacts := 0, 0
	date, prevEntity := false, false
	for i, w := range ws {
		fl := w.flags
		if w.quoted {
			quotedWords++
			// Numbers, dates and names make a quotation checkable.
			if w.shape&shDigit != 0 || fl&(lxNumber|lxMonth|lxWeekday) != 0 ||
				(isEntityWord(w, i) && fl&(lxPronoun|lxFirst|lxDet|lxSmall) == 0) {
				quotedFacts++
			}
		}
		if w.shape&shDigit != 0 {
			prevEntity = false
			switch {
			case w.shape&shNumber != 0:
				if isDateNumber(text, ws, i) {
					date = true
				} else {
					quantity++
				}
			case w.shape&shOrdinal != 0:
				if nearMonth(text, ws, i) {
					date = true
				}
			}
			continue
		}
		if fl == 0 {
			if isEntityWord(w, i) && (!prevEntity || w.pre != 0) {
				entities++
			}
			prevEntity = isEntityWord(w, i)
			continue
		}
		lower := w.shape&shLower != 0
		if (fl&lxMonth != 0 && !lower && isMonth(text, ws, i)) || fl&lxWeekday != 0 || fl&lxRelDate != 0 {
			date = true
			prevEntity = false
			continue
		}
		if fl&lxDateUnit != 0 && i > 0 && (wordIs(text, ws[i-1], "last") ||
			wordIs(text, ws[i-1], "next") || wordIs(text, ws[i-1], "this") ||
			wordIs(text, ws[i-1], "past") || wordIs(text, ws[i-1], "same") ||
			ws[i-1].flags&lxOrdinal != 0) {
			date = true
		}
		if fl&lxNumWord != 0 {
			numWords++
		}
		if fl&lxCurrency != 0 && lower && i > 0 && ws[i-1].shape&shNumber != 0 {
			info.moneyPct = true // "40 euros"
		}
		if fl&lxCausal != 0 || (fl&lxCausalTo != 0 && nextIs(text, ws, i, "to")) ||
			(wordIs(text, w, "result") && i >= 2 && wordIs(text, ws[i-2], "as")) {
			t.causal = true
		}
		if fl&lxPredict != 0 || (fl&lxPredictTo != 0 && nextIs(text, ws, i, "to")) {
			t.predict = true
		}
		if fl&lxLaw != 0 && lower {
			t.law = true
		}
		if fl&lxEventVerb != 0 && lower {
			t.event = true
		}
		if fl&lxHedge != 0 && lower {
			hedges++
		}
		if fl&lxOpinion != 0 {
			opinions++
		}
		if fl&lxOpinionVerb != 0 {
			if i > 0 && ws[i-1].flags&lxFirst != 0 {
				opinions++
			} else {
				hedges++
			}
		}
		if fl&lxFirst != 0 && (lower || wordIs(text, w, "i") || i == 0 || w.pre&pQuoteOpen != 0) {
			if w.quoted {
				f[fFirstQuoted] = 1
			} else {
				f[fFirstPerson] = 1
			}
		}
		if fl&lxSecond != 0 {
			f[fSecondPerson] = 1
		}
		if fl&lxAbstract != 0 {
			f[fAbstract]++
		}
		if (wordIs(text, w, "no") && nextIs(text, ws, i, "further")) ||
			(wordIs(text, w, "declined") && nextIs(text, ws, i, "to")) ||
			(wordIs(text, w, "not") && i+1 < len(ws) && (wordIs(text, ws[i+1], "provide") ||
				wordIs(text, ws[i+1], "disclose") || wordIs(text, ws[i+1], "comment"))) {
			f[fNegatedFinding] = 1
		}
		ent := isEntityWord(w, i) && fl&(lxPronoun|lxFirst|lxDet|lxSmall) == 0
		if ent && (!prevEntity || w.pre != 0) {
			entities++
		}
		prevEntity = ent
		if fl&lxReported != 0 && lower {
			f[fReported] = 1
		}
	}
	t.words = len(ws)
	t.date = date
	t.quantity = quantity > 0 || numWords > 0
	t.quote = quotedWords >= 3
	f[fQuantity] = float64(min(quantity, 2))
	f[fNumWord] = float64(min(numWords, 1))
	if info.moneyPct && quantity > 0 {
		f[fMoneyPct] = 1
	}
	if date {
		f[fDate] = 1
	}
	if speaker {
		f[fSpeaker] = 1
	}
	if according {
		f[fAccording] = 1
	}
	if t.quote {
		f[fQuote] = 1
	}
	f[fEntities] = float64(min(entities, 4))
	if t.causal {
		f[fCausal] = 1
	}
	if t.predict {
		f[fPredict] = 1
	}
	if t.law {
		f[fLaw] = 1
	}
	if t.event {
		f[fEventVerb] = 1
	}
	f[fHedge] = float64(min(hedges, 2))
	f[fOpinion] = float64(min(opinions, 2))
	f[fAbstract] = min(f[fAbstract], 2)
	if info.question {
		f[fQuestion] = 1
	}
	if info.exclaim {
		f[fExclaim] = 1
	}
	if len(ws) < 8 {
		f[fShort] = 1
	}
	if len(ws) > 70 {
		f[fLong] = 1
	}
	if len(ws) > 0 && ws[0].shape&shLower != 0 {
		f[fLowerStart] = 1
	}
	if 2*quotedWords >= len(ws) && quotedFacts == 0 && len(ws) > 0 {
		f[fBareQuote] = 1
	}
	return f, t
}

func nextIs(text string, ws []word, i int, s string) bool {
	return i+1 < len(ws) && ws[i+1].pre == 0 && wordIs(text, ws[i+1], s)
}

// isMonth tells the month "May" or "March" from the verbs: a capitalised
// month name inside the sentence, or any month name next to a number.
func isMonth(text string, ws []word, i int) bool {
	if i > 0 {
		return true
	}
	return i+1 < len(ws) && ws[i+1].shape&shNumber != 0
}

// nearMonth reports a month name right before or after word i.
func nearMonth(text string, ws []word, i int) bool {
	return (i > 0 && ws[i-1].flags&lxMonth != 0 && ws[i-1].shape&shCap != 0) ||
		(i+1 < len(ws) && ws[i+1].flags&lxMonth != 0 && ws[i+1].shape&shCap != 0) ||
		(i+2 < len(ws) && wordIs(text, ws[i+1], "of") && ws[i+2].flags&lxMonth != 0)
}

// isDateNumber reports numbers that are dates or times, not quantities: years,
// days next to a month, clock times.
func isDateNumber(text string, ws []word, i int) bool {
	s := text[ws[i].s:ws[i].e]
	if len(s) == 4 && allDigits(s) && (s[0] == '1' && s[1] >= '8' || s[0] == '2' && s[1] == '0') {
		return true
	}
	if len(s) <= 2 && nearMonth(text, ws, i) {
		return true
	}
	if isClock(text, ws, i) {
		return true // 4 p.m., 10:30
	}
	if i+1 < len(ws) && (wordIs(text, ws[i+1], "gmt") || wordIs(text, ws[i+1], "utc")) {
		return true
	}
	if i > 0 && ws[i].e-ws[i].s == 2 && ws[i].s > 0 && text[ws[i].s-1] == ':' {
		return true
	}
	return false
}

// isEntityWord: a capitalised word that is not the first of the sentence nor
// the first after an opening quote or a colon.
func isEntityWord(w word, i int) bool {
	return w.shape&(shCap|shUpper) != 0 && i > 0 && w.pre&(pQuoteOpen|pStop) == 0
}

// FeaturesOf returns the feature vector of one sentence, as Extract computes
// it (names in FeatureNames). It is meant for tools that label sentences and
// fit weights.
//
// news sets the news feature: true for a sentence of news, false for one
// of spoken debate (the CheckThat! data).
func FeaturesOf(sentence string, news bool) Features {
	f, _ := featuresOf(sentence, news)
	return f
}

func featuresOf(sentence string, news bool) (Features, []word) {
	ws, info, _ := tokenize(sentence, 0, len(sentence), nil, false)
	spk := findSpeaker(sentence, ws)
	f, _ := computeFeatures(sentence, ws, info, spk.ok && !spk.according, spk.according)
	if news {
		f[fNews] = 1
	}
	return f, ws
}
