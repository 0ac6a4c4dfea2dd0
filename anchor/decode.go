package anchor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"factdesk/strictjson"
)

// MaxItems is the most items one request or file may carry.
const MaxItems = 10000

// Decoded is one item of the input, or why it could not be read. Items
// keep their place, so a report can name each by its index.
type Decoded struct {
	Item Item
	Err  *Error // nil when Item is usable
}

// ErrFormat is wrapped by Decode's errors about the input as a whole.
var ErrFormat = errors.New("unreadable claims")

// Decode reads claims in any of the shapes tools produce: a JSON array, an
// object {"items": [...]}, one object, or JSON Lines. Each element is a
// plain item {start, end, exact, prefix, suffix, text, score, kind,
// speaker}, a W3C Web Annotation (its target's TextQuoteSelector and
// TextPositionSelector are used, and its classifying bodies give Classes),
// or an annotation target. An element that
// cannot be read is returned with its reason, never skipped; only input
// that is not JSON at all, or has too many items, is an error.
func Decode(data []byte) ([]Decoded, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		// encoding/json would turn the bytes into U+FFFD without a word.
		return nil, fmt.Errorf("%w: the claims are not valid UTF-8; save them as UTF-8 and try again", ErrFormat)
	}
	if at := strictjson.LoneSurrogate(data); at >= 0 {
		// Nor would it say a word of half a surrogate pair.
		return nil, fmt.Errorf("%w: the escape %s at offset %d is half of a UTF-16 surrogate pair without the other half; "+
			"send the character itself, or both halves of its pair", ErrFormat, data[at:at+6], at)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, fmt.Errorf("%w: no claims given", ErrFormat)
	}
	var raws []json.RawMessage
	switch trimmed[0] {
	case '[':
		if err := json.Unmarshal(trimmed, &raws); err != nil {
			return nil, fmt.Errorf("%w: not a JSON array of claims (%s)", ErrFormat, jsonProblem(err))
		}
	case '{':
		var one map[string]json.RawMessage
		if err := json.Unmarshal(trimmed, &one); err == nil {
			if items, ok := one["items"]; ok {
				if err := json.Unmarshal(items, &raws); err != nil {
					return nil, fmt.Errorf("%w: \"items\" must be an array of claims (%s)", ErrFormat, jsonProblem(err))
				}
			} else {
				raws = []json.RawMessage{json.RawMessage(trimmed)}
			}
			break
		}
		// JSON Lines: one item per line, each read on its own so that one
		// bad line is reported and the others still count.
		for _, line := range bytes.Split(trimmed, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) > 0 {
				raws = append(raws, json.RawMessage(line))
			}
		}
	default:
		return nil, fmt.Errorf("%w: expected JSON (an array, an object, or one object per line)", ErrFormat)
	}
	if len(raws) > MaxItems {
		return nil, fmt.Errorf("%w: %d claims is more than the %d one request may carry", ErrFormat, len(raws), MaxItems)
	}
	out := make([]Decoded, len(raws))
	for i, raw := range raws {
		it, err := decodeItem(raw)
		out[i] = Decoded{Item: it, Err: err}
	}
	return out, nil
}

// maxKind is the longest kind an item may name.
const maxKind = 50

// wire is every field an item may carry, in any of its shapes.
type wire struct {
	Start   *int            `json:"start"`
	End     *int            `json:"end"`
	Exact   *string         `json:"exact"`
	Prefix  *string         `json:"prefix"`
	Suffix  *string         `json:"suffix"`
	Text    *string         `json:"text"`
	Score   *float64        `json:"score"`
	Kind    string          `json:"kind"`
	Speaker string          `json:"speaker"`
	Target  json.RawMessage `json:"target"`
	Select  json.RawMessage `json:"selector"`
	Body    json.RawMessage `json:"body"`
}

func decodeItem(raw json.RawMessage) (Item, *Error) {
	var w wire
	if err := json.Unmarshal(raw, &w); err != nil {
		return Item{}, fail(CodeInvalid, "not a claim object: %s", jsonProblem(err))
	}
	if first, again := strictjson.RepeatedKey(raw); again != "" {
		// encoding/json kept the last of the two: the item says two things.
		return Item{}, fail(CodeInvalid, "the key %q is given twice (as %q and %q); give each key once", again, first, again)
	}
	it := Item{Start: w.Start, End: w.End, Score: w.Score, Kind: strings.TrimSpace(w.Kind), Speaker: strings.TrimSpace(w.Speaker),
		Classes: classes(w.Body)}
	for _, f := range []struct {
		src *string
		dst *string
	}{{w.Exact, &it.Exact}, {w.Prefix, &it.Prefix}, {w.Suffix, &it.Suffix}, {w.Text, &it.Text}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	// A Web Annotation, or a bare target: read the selectors.
	sel := w.Select
	if len(w.Target) > 0 {
		var err *Error
		if sel, err = targetSelectors(w.Target); err != nil {
			return Item{}, err
		}
	}
	if len(sel) > 0 {
		if err := readSelectors(sel, &it); err != nil {
			return Item{}, err
		}
	}
	if it.Score != nil && (*it.Score < 0 || *it.Score > 1) {
		return Item{}, fail(CodeInvalid, "score must be between 0 and 1")
	}
	if utf8.RuneCountInString(it.Kind) > maxKind || utf8.RuneCountInString(it.Speaker) > 200 {
		return Item{}, fail(CodeInvalid, "kind is at most 50 characters and speaker at most 200")
	}
	for _, s := range []string{it.Exact, it.Prefix, it.Suffix, it.Text} {
		if utf8.RuneCountInString(s) > MaxQuote {
			return Item{}, fail(CodeInvalid, "quotes and context are at most %d characters", MaxQuote)
		}
	}
	return it, nil
}

// classes returns the values of an annotation body's classifying
// TextualBodies. A body is one object or a list, whose other members
// (status, notes, links to resources) say nothing of the kind and are
// passed over, as are members that are not objects: the body is not needed
// to place the claim, so nothing in it fails the item.
func classes(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	var out []string
	for _, b := range list {
		var body struct {
			Purpose string `json:"purpose"`
			Value   string `json:"value"`
		}
		if json.Unmarshal(b, &body) != nil || body.Purpose != "classifying" {
			continue
		}
		if v := strings.TrimSpace(body.Value); v != "" && utf8.RuneCountInString(v) <= maxKind {
			out = append(out, v)
		}
	}
	return out
}

// targetSelectors returns the selector(s) of an annotation target, which may
// be an object, or an array of them (the first with a selector is used).
func targetSelectors(raw json.RawMessage) (json.RawMessage, *Error) {
	type target struct {
		Selector json.RawMessage `json:"selector"`
	}
	var one target
	if err := json.Unmarshal(raw, &one); err == nil {
		if len(one.Selector) == 0 {
			return nil, fail(CodeInvalid, "the annotation's target has no selector to place it by")
		}
		return one.Selector, nil
	}
	var many []json.RawMessage
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, fail(CodeInvalid, "the annotation's target is neither an object nor a list of them")
	}
	for _, t := range many {
		if err := json.Unmarshal(t, &one); err == nil && len(one.Selector) > 0 {
			return one.Selector, nil
		}
	}
	return nil, fail(CodeInvalid, "none of the annotation's targets has a selector to place it by")
}

// readSelectors fills the item from TextQuoteSelector and
// TextPositionSelector; other selector types are ignored, since they point
// into markup this text does not have.
func readSelectors(raw json.RawMessage, it *Item) *Error {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	used := false
	for _, s := range list {
		var sel struct {
			Type   string  `json:"type"`
			Exact  *string `json:"exact"`
			Prefix string  `json:"prefix"`
			Suffix string  `json:"suffix"`
			Start  *int    `json:"start"`
			End    *int    `json:"end"`
		}
		if err := json.Unmarshal(s, &sel); err != nil {
			return fail(CodeInvalid, "unreadable selector: %s", jsonProblem(err))
		}
		switch sel.Type {
		case "TextQuoteSelector":
			if sel.Exact == nil {
				return fail(CodeInvalid, "a TextQuoteSelector needs exact")
			}
			it.Exact, it.Prefix, it.Suffix = *sel.Exact, sel.Prefix, sel.Suffix
			used = true
		case "TextPositionSelector":
			if sel.Start == nil || sel.End == nil {
				return fail(CodeInvalid, "a TextPositionSelector needs start and end")
			}
			it.Start, it.End = sel.Start, sel.End
			used = true
		}
	}
	if !used {
		return fail(CodeInvalid, "no TextQuoteSelector or TextPositionSelector to place the claim by")
	}
	return nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	case errors.As(err, &te):
		if te.Field != "" {
			return fmt.Sprintf("%s must be %s, not %s", te.Field, kindName(te.Type.Kind().String()), te.Value)
		}
		return fmt.Sprintf("expected %s, not %s", kindName(te.Type.Kind().String()), te.Value)
	}
	return "invalid JSON"
}

func kindName(k string) string {
	switch k {
	case "int", "int64":
		return "a whole number"
	case "float64":
		return "a number"
	case "string":
		return "text"
	case "struct", "map":
		return "an object"
	case "slice":
		return "an array"
	}
	return k
}
