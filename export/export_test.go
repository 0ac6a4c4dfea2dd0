package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func records() []*Record {
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	return []*Record{
		{ID: 1, DocumentID: 2, DocumentTitle: "=HYPERLINK(\"http://x\")", Text: "“Curly” — 3.5% rise", Start: 10, End: 29,
			Status: "confirmed", Score: 0.9, LastReviewer: "ann", LastReviewedAt: &at,
			History: []Event{{User: "ann", Time: at, From: "unverified", To: "confirmed", Note: "+1 source"}}},
		{ID: 3, DocumentID: 2, Text: "@SUM(A1)", Status: "disputed", History: []Event{}},
	}
}

func write(t *testing.T, format string, recs []*Record) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := New(format, &buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestJSON(t *testing.T) {
	for _, recs := range [][]*Record{nil, records()} {
		var got []Record
		out := write(t, "json", recs)
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("invalid JSON %q: %v", out, err)
		}
		if len(got) != len(recs) {
			t.Fatalf("got %d records", len(got))
		}
	}
	var got []map[string]any
	json.Unmarshal([]byte(write(t, "json", records())), &got)
	for _, key := range []string{"id", "document_id", "document_title", "document_url", "text", "start", "end", "status", "score", "last_reviewer", "last_reviewed_at", "history"} {
		if _, ok := got[0][key]; !ok {
			t.Errorf("record lacks %q", key)
		}
	}
	// JSON keeps the text as it is: neutralising is for spreadsheets only.
	if got[1]["text"] != "@SUM(A1)" {
		t.Errorf("text = %v", got[1]["text"])
	}
}

func TestJSONL(t *testing.T) {
	out := write(t, "jsonl", records())
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		var r Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	rows, err := csv.NewReader(strings.NewReader(write(t, "csv", records()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
		t.Fatalf("rows = %v", rows)
	}
	if rows[1][2] != `'=HYPERLINK("http://x")` || rows[2][4] != "'@SUM(A1)" || rows[1][4] != "“Curly” — 3.5% rise" {
		t.Fatalf("cells = %q / %q / %q", rows[1][2], rows[2][4], rows[1][4])
	}
	var hist []Event
	if err := json.Unmarshal([]byte(rows[1][13]), &hist); err != nil || hist[0].Note != "+1 source" {
		t.Fatalf("history cell %q: %v", rows[1][13], err)
	}
	for in, want := range map[string]string{"=1": "'=1", "+1": "'+1", "-1": "'-1", "@a": "'@a", "\tx": "'\tx", "a=b": "a=b", "": ""} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q", in, got)
		}
	}
	if empty := write(t, "csv", nil); strings.TrimSpace(empty) != strings.Join(CSVHeader, ",") {
		t.Errorf("empty CSV = %q", empty)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := New("xml", &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "json, jsonl, csv") {
		t.Fatalf("err = %v", err)
	}
}

// A CSV row says what the JSON record says, cell for key: the same times
// to the same fraction of a second, the article's date and the review's
// publication included.
func TestCSVAgreesWithJSON(t *testing.T) {
	at := time.Date(2026, 11, 22, 6, 57, 50, 786000000, time.UTC)
	pub := at.Add(time.Hour)
	recs := []*Record{{ID: 7, DocumentID: 2, DocumentTitle: "Port", DocumentURL: "https://example.org/p", Text: "412 containers",
		Start: 3, End: 17, Status: "confirmed", Score: 0.75, Kind: "quantity", Speaker: "the board", LastReviewer: "ann",
		LastReviewedAt: &at, History: []Event{{User: "ann", Time: at, From: "unverified", To: "confirmed"}},
		DocumentPublishedAt: "2026-11-20", PublishedAt: &pub, DocumentPublisher: "Harbour Daily",
		SecondOpinions: []Opinion{{RequestedBy: "ed", RequestedAt: at, FirstReviewer: "ann", FirstStatus: "confirmed", Reviewer: "bob"}}}}
	rows, err := csv.NewReader(strings.NewReader(write(t, "csv", recs))).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("%v %v", rows, err)
	}
	var obj []map[string]any
	if err := json.Unmarshal([]byte(write(t, "json", recs)), &obj); err != nil {
		t.Fatal(err)
	}
	// Every key but the second opinions, which CSV does not carry.
	if len(rows[0]) != len(obj[0])-1 || slices.Contains(rows[0], "second_opinions") || obj[0]["second_opinions"] == nil {
		t.Errorf("CSV columns %q, JSON keys %d", rows[0], len(obj[0]))
	}
	for i, key := range rows[0] {
		want := obj[0][key]
		var s string
		switch v := want.(type) {
		case string:
			s = v
		case float64:
			s = strconvFloat(v)
		default:
			b, _ := json.Marshal(v)
			s = string(b)
		}
		switch key {
		case "score":
			s = "0.750" // three decimals, for spreadsheets
		case "history":
			var a, b []Event
			json.Unmarshal([]byte(rows[1][i]), &a)
			json.Unmarshal([]byte(s), &b)
			if len(a) != 1 || !reflect.DeepEqual(a[0], b[0]) {
				t.Errorf("history: CSV %q, JSON %q", rows[1][i], s)
			}
			continue
		}
		if rows[1][i] != s {
			t.Errorf("%s: CSV %q, JSON %q", key, rows[1][i], s)
		}
	}
}

func strconvFloat(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

// CSV carries no evidence: its columns and its history cell are what they
// were, and the record's own history keeps its links.
func TestCSVLeavesEvidenceOut(t *testing.T) {
	plain := write(t, "csv", records())
	recs := records()
	ev := []Evidence{{URL: "https://stats.example/", Title: "Stats", User: "ann", CreatedAt: time.Now()}}
	recs[0].Evidence, recs[0].History[0].Evidence = ev, ev
	if got := write(t, "csv", recs); got != plain {
		t.Errorf("CSV with evidence:\n%s\nwithout:\n%s", got, plain)
	}
	if len(recs[0].History[0].Evidence) != 1 {
		t.Error("CSV took the history's evidence away")
	}
}
