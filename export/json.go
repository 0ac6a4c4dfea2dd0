package export

import (
	"math"
	"strconv"
	"time"
	"unicode/utf8"
)

// appendRecord appends r as encoding/json's Encoder writes it (HTML escaping
// on, newline at the end), byte for byte: the tests compare the two. Written
// out by hand because reflection was a quarter of the time of a large export.
func appendRecord(b []byte, r *Record) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, r.ID, 10)
	b = append(b, `,"document_id":`...)
	b = strconv.AppendInt(b, r.DocumentID, 10)
	b = append(b, `,"document_title":`...)
	b = appendString(b, r.DocumentTitle)
	b = append(b, `,"document_url":`...)
	b = appendString(b, r.DocumentURL)
	b = append(b, `,"text":`...)
	b = appendString(b, r.Text)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(r.Start), 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, int64(r.End), 10)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status)
	b = append(b, `,"score":`...)
	b, err := appendFloat(b, r.Score)
	if err != nil {
		return b, err
	}
	if r.Kind != "" {
		b = append(b, `,"kind":`...)
		b = appendString(b, r.Kind)
	}
	if r.Speaker != "" {
		b = append(b, `,"speaker":`...)
		b = appendString(b, r.Speaker)
	}
	b = append(b, `,"last_reviewer":`...)
	b = appendString(b, r.LastReviewer)
	b = append(b, `,"last_reviewed_at":`...)
	if r.LastReviewedAt == nil {
		b = append(b, "null"...)
	} else if b, err = appendTime(b, *r.LastReviewedAt); err != nil {
		return b, err
	}
	b = append(b, `,"history":`...)
	if r.History == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.History {
			e := &r.History[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"user":`...)
			b = appendString(b, e.User)
			b = append(b, `,"time":`...)
			if b, err = appendTime(b, e.Time); err != nil {
				return b, err
			}
			b = append(b, `,"from":`...)
			b = appendString(b, e.From)
			b = append(b, `,"to":`...)
			b = appendString(b, e.To)
			b = append(b, `,"note":`...)
			b = appendString(b, e.Note)
			if e.Action != "" {
				b = append(b, `,"action":`...)
				b = appendString(b, e.Action)
			}
			if len(e.Evidence) > 0 {
				b = append(b, `,"evidence":`...)
				if b, err = appendEvidence(b, e.Evidence); err != nil {
					return b, err
				}
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if r.DocumentPublishedAt != "" {
		b = append(b, `,"document_published_at":`...)
		b = appendString(b, r.DocumentPublishedAt)
	}
	if r.PublishedAt != nil {
		b = append(b, `,"published_at":`...)
		if b, err = appendTime(b, *r.PublishedAt); err != nil {
			return b, err
		}
	}
	if r.DocumentPublisher != "" {
		b = append(b, `,"document_publisher":`...)
		b = appendString(b, r.DocumentPublisher)
	}
	if len(r.SecondOpinions) > 0 {
		b = append(b, `,"second_opinions":[`...)
		for i := range r.SecondOpinions {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendOpinion(b, &r.SecondOpinions[i]); err != nil {
				return b, err
			}
		}
		b = append(b, ']')
	}
	if len(r.Evidence) > 0 {
		b = append(b, `,"evidence":`...)
		if b, err = appendEvidence(b, r.Evidence); err != nil {
			return b, err
		}
	}
	return append(b, "}\n"...), nil
}

// appendEvidence appends a list of links as encoding/json writes it.
func appendEvidence(b []byte, evs []Evidence) ([]byte, error) {
	var err error
	b = append(b, '[')
	for i := range evs {
		e := &evs[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"url":`...)
		b = appendString(b, e.URL)
		b = append(b, `,"title":`...)
		b = appendString(b, e.Title)
		b = appendOptString(b, `"excerpt":`, e.Excerpt)
		b = append(b, `,"user":`...)
		b = appendString(b, e.User)
		b = append(b, `,"created_at":`...)
		if b, err = appendTime(b, e.CreatedAt); err != nil {
			return b, err
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

// appendOpinion appends o as encoding/json writes it: empty fields left out.
func appendOpinion(b []byte, o *Opinion) ([]byte, error) {
	var err error
	b = append(b, '{')
	b = appendOptString(b, `"requested_by":`, o.RequestedBy)
	b = appendKey(b, `"requested_at":`)
	if b, err = appendTime(b, o.RequestedAt); err != nil {
		return b, err
	}
	b = appendOptString(b, `"first_reviewer":`, o.FirstReviewer)
	b = appendOptString(b, `"first_status":`, o.FirstStatus)
	b = appendOptString(b, `"reviewer":`, o.Reviewer)
	b = appendOptString(b, `"status":`, o.Status)
	b = appendOptString(b, `"note":`, o.Note)
	if o.AnsweredAt != nil {
		b = appendKey(b, `"answered_at":`)
		if b, err = appendTime(b, *o.AnsweredAt); err != nil {
			return b, err
		}
	}
	b = appendOptString(b, `"withdrawn_by":`, o.WithdrawnBy)
	if o.WithdrawnAt != nil {
		b = appendKey(b, `"withdrawn_at":`)
		if b, err = appendTime(b, *o.WithdrawnAt); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// appendKey appends an object's key, after a comma unless it is the first.
func appendKey(b []byte, key string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	return append(b, key...)
}

// appendOptString appends key and s, unless s is empty (omitempty).
func appendOptString(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	return appendString(appendKey(b, key), s)
}

// appendTime writes what time.Time's MarshalJSON writes.
func appendTime(b []byte, t time.Time) ([]byte, error) {
	if y := t.Year(); y < 0 || y > 9999 {
		_, err := t.MarshalJSON() // the same refusal encoding/json reports
		return b, err
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// appendFloat formats as encoding/json does (ES6 number conversion).
func appendFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, &unsupportedFloat{f}
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 becomes e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

type unsupportedFloat struct{ f float64 }

func (e *unsupportedFloat) Error() string {
	return "json: unsupported value: " + strconv.FormatFloat(e.f, 'g', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as encoding/json does with HTML escaping: <, > and
// & escaped, invalid UTF-8 replaced, U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
