package export

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// encodingJSON is what the writers used to produce, and what every JSON
// reader expects: the hand-written encoder must match it byte for byte.
func encodingJSON(t testing.TB, r *Record) (string, error) {
	var buf bytes.Buffer
	err := json.NewEncoder(&buf).Encode(r)
	return buf.String(), err
}

var awkward = []string{"", "plain", "“curly” — dash", "a\"b\\c", "<script>&amp;</script>", "tab\there\nnew\rline",
	"\b\f\x00\x01\x1f\x7f", "bad \xff utf8 \xc3", "line\u2028para\u2029", "Москва 東京 🙂", "=SUM(A1)", "'\u00e9'"}

func TestAppendRecordMatchesEncodingJSON(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 120_000_000, time.UTC)
	zoned := time.Date(2024, 12, 31, 23, 59, 59, 999_999_999, time.FixedZone("X", -5*3600))
	recs := records()
	recs = append(recs,
		&Record{}, // zero values: null history, null time
		&Record{History: []Event{{}}, LastReviewedAt: &time.Time{}}, // the zero time
		&Record{ID: -1, Start: math.MaxInt32, Score: 1e-7, LastReviewedAt: &zoned, History: []Event{{Time: zoned}}},
		&Record{Score: 1e21}, &Record{Score: -0.5}, &Record{Score: 0.123456789}, &Record{Score: 12345678.9},
		&Record{SecondOpinions: []Opinion{}}, // empty: left out, as nil is
		&Record{SecondOpinions: []Opinion{{}}},
		&Record{SecondOpinions: []Opinion{{RequestedAt: zoned, AnsweredAt: &at}, {RequestedAt: at, WithdrawnAt: &zoned}}},
		&Record{Evidence: []Evidence{}, History: []Event{{Evidence: []Evidence{}}}}, // empty: left out, as nil is
		&Record{Evidence: []Evidence{{}}, History: []Event{{Evidence: []Evidence{{}}}}},
		&Record{Evidence: []Evidence{{URL: "https://a.example/", Title: "A", CreatedAt: zoned}, {URL: "http://b", Title: "B", Excerpt: "b", CreatedAt: at}},
			History:        []Event{{Time: at, Evidence: []Evidence{{URL: "https://c", CreatedAt: at}}}, {Time: zoned}, {ID: 7, Evidence: []Evidence{{User: "u"}}}},
			SecondOpinions: []Opinion{{RequestedAt: at}}},
	)
	for i, s := range awkward {
		recs = append(recs, &Record{ID: int64(i), DocumentTitle: s, DocumentURL: s, Text: s, Status: s, Kind: s, Speaker: s,
			LastReviewer: s, LastReviewedAt: &at, History: []Event{{User: s, Time: at, From: s, To: s, Note: s, Action: s}, {Note: s + s}},
			DocumentPublishedAt: s, PublishedAt: &at, DocumentPublisher: s, DocumentSHA256: s, Prefix: s, Suffix: s,
			SecondOpinions: []Opinion{
				{RequestedBy: s, RequestedAt: at, FirstReviewer: s, FirstStatus: s, Reviewer: s, Status: s, Note: s, AnsweredAt: &at},
				{RequestedBy: s, RequestedAt: zoned, FirstReviewer: s, FirstStatus: s, Reviewer: s, WithdrawnBy: s, WithdrawnAt: &at},
				{RequestedBy: s, RequestedAt: at, Reviewer: s}},
			Evidence: []Evidence{{URL: s, Title: s, Excerpt: s, User: s, CreatedAt: at}, {URL: s, CreatedAt: zoned}}})
		recs[len(recs)-1].History[0].Evidence = []Evidence{{URL: s, Title: s, Excerpt: s, User: s, CreatedAt: zoned}}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			b[i] = byte(r.IntN(256))
		}
		s := string(b)
		recs = append(recs, &Record{Text: s, Kind: s, Score: r.Float64(), History: []Event{{Note: s, Time: at}},
			SecondOpinions: []Opinion{{Note: s, Status: s, RequestedAt: at}},
			Evidence:       []Evidence{{URL: s, Excerpt: s, CreatedAt: at}}})
	}
	for _, rec := range recs {
		want, err := encodingJSON(t, rec)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendRecord(nil, rec)
		if err != nil || string(got) != want {
			t.Fatalf("record %+v:\n got %q (%v)\nwant %q", rec, got, err, want)
		}
	}
}

func TestAppendRecordRefusesWhatEncodingJSONRefuses(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, rec := range []*Record{{Score: math.NaN()}, {Score: math.Inf(1)}, {LastReviewedAt: &far}, {History: []Event{{Time: far}}},
		{PublishedAt: &far}, {SecondOpinions: []Opinion{{RequestedAt: far}}}, {SecondOpinions: []Opinion{{AnsweredAt: &far}}},
		{SecondOpinions: []Opinion{{WithdrawnAt: &far}}}, {Evidence: []Evidence{{CreatedAt: far}}},
		{History: []Event{{Evidence: []Evidence{{CreatedAt: far}}}}}} {
		if _, err := encodingJSON(t, rec); err == nil {
			t.Fatalf("encoding/json accepts %+v", rec)
		}
		if _, err := appendRecord(nil, rec); err == nil {
			t.Errorf("appendRecord accepts %+v", rec)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		// json.Marshal escapes HTML the same way Encoder does by default.
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q: got %s want %s", s, got, want)
		}
		if strings.Contains(s, "\n") && bytes.Contains(appendString(nil, s), []byte("\n")) {
			t.Fatal("a newline inside a JSON Lines record")
		}
	})
}
