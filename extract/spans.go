package extract

// Numbers and dates inside a claim: what a fact-checker looks up first. Dates
// are found first and their words marked, so that "2024" in "May 3, 2024" or
// "9" in "9 a.m." is not also counted as a number.

// findSpans returns the number and date spans of the sentence whose words
// are ws; bs is the sentence's byte start and startCP its code point offset.
// The spans share one backing array per Extract call.
func (x *extractor) findSpans(bs, startCP int, ws []word) (nums, dates []Span) {
	text := x.text
	some := false
	for i := range ws {
		ws[i].date = false
		some = some || mayOpenSpan(ws[i])
	}
	if !some {
		return nil, nil
	}
	n0 := len(x.spans)
	cur := spanCursor{text: text, b: bs, c: startCP}
	for i := 0; i < len(ws); {
		if !mayOpenSpan(ws[i]) {
			i++
			continue
		}
		j := dateSpan(text, ws, i)
		if j == i {
			i++
			continue
		}
		for k := i; k < j; k++ {
			ws[k].date = true
		}
		x.spans = append(x.spans, cur.span(ws[i].s, ws[j-1].e))
		i = j
	}
	n1 := len(x.spans)
	cur = spanCursor{text: text, b: bs, c: startCP}
	for i := 0; i < len(ws); {
		if !mayOpenSpan(ws[i]) {
			i++
			continue
		}
		j := numberSpan(text, ws, i)
		if j == i {
			i++
			continue
		}
		s, e := ws[i].s, ws[j-1].e
		// A currency sign before, a percent sign after.
		if s > bs {
			if r, w := decodeLast(text[bs:s]); r == '$' || r == '€' || r == '£' || r == '¥' || r == '₹' {
				s -= w
			}
		}
		if e < len(text) && text[e] == '%' {
			e++
		}
		x.spans = append(x.spans, cur.span(s, e))
		i = j
	}
	n2 := len(x.spans)
	if n1 > n0 {
		dates = x.spans[n0:n1:n1]
	}
	if n2 > n1 {
		nums = x.spans[n1:n2:n2]
	}
	return nums, dates
}

// mayOpenSpan is a quick test that most words fail: only a word with a
// digit or one of these lexicon flags can open a date or a number.
func mayOpenSpan(w word) bool {
	return w.shape&shDigit != 0 || w.flags&(lxMonth|lxWeekday|lxRelDate|lxDateUnit|lxNumber|lxSpanLead) != 0
}

// spanCursor converts increasing byte offsets to code points, counting only
// the runes in between.
type spanCursor struct {
	text string
	b, c int
}

func (k *spanCursor) span(s, e int) Span {
	k.c += runeCount(k.text[k.b:s])
	start := k.c
	k.c += runeCount(k.text[s:e])
	k.b = e
	return Span{Start: start, End: k.c, Text: k.text[s:e]}
}

// dateSpan returns the end (exclusive word index) of a date starting at
// word i, or i when no date starts there: "Nov. 21", "July 26, 2024", "15
// September 2024", "June", "Monday night", "2014", "the 1960s", "last week",
// "two years ago", "3:47 a.m.", "yesterday".
func dateSpan(text string, ws []word, i int) int {
	w := ws[i]
	next := func(k int) bool {
		return k < len(ws) && ws[k].pre&(pStop|pParenOpen|pParenClose|pQuoteOpen|pQuoteClose) == 0
	}
	switch {
	case w.flags&lxMonth != 0 && w.shape&shCap != 0 && isMonth(text, ws, i):
		j := i + 1
		if next(j) && ws[j].shape&shNumber != 0 && ws[j].e-ws[j].s <= 2 && ws[j].pre == 0 {
			j++ // Nov. 21
			if next(j) && isYear(text, ws[j]) {
				j++ // , 2024
			}
		} else if next(j) && isYear(text, ws[j]) && ws[j].pre == 0 {
			j++ // June 2022
		}
		return j
	case w.shape&shNumber != 0 && w.e-w.s <= 2 && i+1 < len(ws) && ws[i+1].pre == 0 &&
		ws[i+1].flags&lxMonth != 0 && ws[i+1].shape&shCap != 0:
		j := i + 2 // 15 September
		if next(j) && isYear(text, ws[j]) && ws[j].pre == 0 {
			j++
		}
		return j
	case w.flags&lxWeekday != 0 && w.shape&shCap != 0:
		j := i + 1
		if next(j) && ws[j].pre == 0 && (wordIs(text, ws[j], "night") || wordIs(text, ws[j], "morning") ||
			wordIs(text, ws[j], "afternoon") || wordIs(text, ws[j], "evening")) {
			j++
		}
		return j
	case w.flags&lxRelDate != 0 && w.shape&shLower != 0 && !wordIs(text, w, "ago"):
		return i + 1
	case (wordIs(text, w, "last") || wordIs(text, w, "next") || wordIs(text, w, "this") ||
		wordIs(text, w, "past")) && i+1 < len(ws) && ws[i+1].pre == 0 && ws[i+1].flags&lxDateUnit != 0 &&
		!wordIs(text, ws[i+1], "time"):
		return i + 2
	case w.shape&shNumber != 0 && isClock(text, ws, i):
		j := i + 1
		if j < len(ws) && ws[j].shape&shNumber != 0 && w.e < len(text) && text[w.e] == ':' {
			j++ // 10:30
		}
		if j < len(ws) && ws[j].pre == 0 && (wordIs(text, ws[j], "a.m") || wordIs(text, ws[j], "p.m") ||
			wordIs(text, ws[j], "a.m.") || wordIs(text, ws[j], "p.m.") ||
			wordIs(text, ws[j], "am") || wordIs(text, ws[j], "pm")) {
			j++
		}
		return j
	case isYear(text, w) || isDecade(text, w):
		return i + 1
	case (w.shape&shNumber != 0 || w.flags&lxNumber != 0 || wordIs(text, w, "a") || wordIs(text, w, "several") ||
		wordIs(text, w, "few")) && i+2 < len(ws) && ws[i+1].flags&lxDateUnit != 0 &&
		wordIs(text, ws[i+2], "ago") && ws[i+1].pre == 0 && ws[i+2].pre == 0:
		return i + 3 // two years ago
	case w.flags&lxDateUnit != 0 && w.shape&shLower != 0 && i+1 < len(ws) && wordIs(text, ws[i+1], "ago") &&
		ws[i+1].pre == 0:
		return i + 2 // weeks ago
	}
	return i
}

// isClock reports a number that is a time of day: "10:30", "4 p.m.".
func isClock(text string, ws []word, i int) bool {
	w := ws[i]
	if i+1 < len(ws) && ws[i+1].shape&shNumber != 0 && ws[i+1].e-ws[i+1].s == 2 &&
		w.e < len(text) && text[w.e] == ':' && w.e-w.s <= 2 {
		return true
	}
	if i+1 < len(ws) && w.e-w.s <= 2 {
		n := ws[i+1]
		return wordIs(text, n, "a.m") || wordIs(text, n, "p.m") || wordIs(text, n, "a.m.") ||
			wordIs(text, n, "p.m.") || wordIs(text, n, "am") || wordIs(text, n, "pm")
	}
	return false
}

// isYear: four digits from 1800 to 2099.
func isYear(text string, w word) bool {
	s := text[w.s:w.e]
	return len(s) == 4 && allDigits(s) && (s[0] == '1' && s[1] >= '8' || s[0] == '2' && s[1] == '0')
}

// isDecade: "1960s", "2020s".
func isDecade(text string, w word) bool {
	s := text[w.s:w.e]
	return len(s) == 5 && s[4] == 's' && allDigits(s[:4]) && s[3] == '0' &&
		(s[0] == '1' && s[1] >= '8' || s[0] == '2' && s[1] == '0')
}

// numberSpan returns the end of a number starting at word i, or i: digits
// ("10,000", "3.5", "4.5m"), number words ("six", "hundreds", "a dozen"),
// and what multiplies or measures them ("million", "percent", "per cent",
// "euros"). Dates were marked before.
func numberSpan(text string, ws []word, i int) int {
	w := ws[i]
	if w.date || !isNumberWord(text, ws, i) {
		return i
	}
	j := i + 1
	for j < len(ws) && ws[j].pre == 0 && !ws[j].date {
		n := ws[j]
		switch {
		case isNumberWord(text, ws, j), n.flags&lxCurrency != 0 && n.shape&shLower != 0:
			j++
			continue
		case wordIs(text, n, "per") && j+1 < len(ws) && wordIs(text, ws[j+1], "cent"):
			j += 2
			continue
		case wordIs(text, n, "and") && j+1 < len(ws) && ws[j+1].flags&lxNumber != 0 &&
			j > i && (wordIs(text, ws[j-1], "hundred") || wordIs(text, ws[j-1], "thousand")):
			j++ // two hundred and fifty
			continue
		}
		break
	}
	return j
}

// isNumberWord reports a word that is, or is part of, a number.
func isNumberWord(text string, ws []word, i int) bool {
	w := ws[i]
	switch {
	case w.shape&shNumber != 0:
		return true
	case w.shape&shDigit != 0:
		return isScaledNumber(text[w.s:w.e]) // 4.5m, 3bn, 10k
	case w.flags&lxNumber != 0 && w.shape&shLower != 0:
		return true
	case w.flags&lxNumber != 0 && i == 0:
		return true // "Six people died."
	case (wordIs(text, w, "one") || wordIs(text, w, "a") || wordIs(text, w, "several") ||
		wordIs(text, w, "few") || wordIs(text, w, "many")) &&
		i+1 < len(ws) && ws[i+1].pre == 0 && isMultiplier(text, ws[i+1]):
		return true // one million, a dozen, several hundred
	}
	return false
}

// isScaledNumber matches digits with a scale suffix: "4.5m", "3bn", "10k".
func isScaledNumber(s string) bool {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
		i++
	}
	if i == 0 {
		return false
	}
	switch s[i:] {
	case "m", "bn", "k", "mn", "tn", "M", "BN", "K", "B", "bln", "mln":
		return true
	}
	return false
}

func isMultiplier(text string, w word) bool {
	for _, m := range [...]string{"hundred", "hundreds", "thousand", "thousands", "million",
		"millions", "billion", "billions", "trillion", "dozen", "dozens"} {
		if wordIs(text, w, m) {
			return true
		}
	}
	return false
}

// NumbersAndDates returns the numbers and dates in a piece of text, such as
// a stored claim, with offsets counted in code points from its start.
func NumbersAndDates(text string) (numbers, dates []Span) {
	x := extractor{text: text}
	ws, _, _ := tokenize(text, 0, len(text), nil, false)
	return x.findSpans(0, 0, ws)
}
