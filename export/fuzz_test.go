package export

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzWriters writes records made of any text in every format and checks
// that the output reads back: ClaimReview and Web Annotation are valid
// JSON, JSON and JSON Lines parse to the same values
// (invalid UTF-8 becomes U+FFFD, as encoding/json does), and CSV parses to
// one row per record whose text cells are the values, with an apostrophe in
// front of any that a spreadsheet would run as a formula.
//
//	go test ./export -run '^$' -fuzz FuzzWriters -fuzztime 30s
func FuzzWriters(f *testing.F) {
	seeds := [][5]string{
		{"Port plan", "https://example.org/a", "The council spent $2.5 billion, officials said.", "officials", "Port authority says 8,000."},
		{"=HYPERLINK(\"https://evil.example\",\"x\")", "", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)"},
		{"\t=1+1", "\r=1", "a\r\nb\nc\rd", "\"quoted\", comma", "caf\xe9 \xff"},
		{"<script>alert(1)</script>", "javascript:alert(1)", "\u202eevil\u202c", "nul\x00", "\u2028\u2029"},
		{"", "", "", "", ""},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], s[4], 0.5, int64(3), uint32(1700000000))
	}
	f.Fuzz(func(t *testing.T, title, url, text, speaker, note string, score float64, start int64, at uint32) {
		when := time.Unix(int64(at), 0).UTC()
		recs := []*Record{
			{ID: 1, DocumentID: 2, DocumentTitle: title, DocumentURL: url, Text: text, Start: int(start), End: int(start) + 1,
				Status: "disputed", Score: score, Kind: speaker, Speaker: speaker, LastReviewer: note, LastReviewedAt: &when,
				History: []Event{{User: note, Time: when, From: "unverified", To: "disputed", Note: note}}},
			{ID: 2, DocumentID: 2, DocumentTitle: text, Text: title, Status: "unverified", History: []Event{}},
		}
		finite := !math.IsNaN(score) && !math.IsInf(score, 0)
		for _, format := range Formats {
			var buf bytes.Buffer
			w, err := NewWith(format, &buf, Options{OrgName: "Desk", PublicURL: "https://factcheck.example.org"})
			if err != nil {
				t.Fatal(err)
			}
			var werr error
			for _, r := range recs {
				if werr = w.Write(r); werr != nil {
					break
				}
			}
			if werr == nil {
				werr = w.Close()
			}
			if werr != nil {
				if format != "csv" && !finite {
					continue // JSON has no NaN or infinity: an error, not a broken file
				}
				t.Fatalf("%s: %v", format, werr)
			}
			switch format {
			case "claimreview", "annotation":
				// Linked-data formats: whatever the text, valid JSON.
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("%s is not valid JSON:\n%s", format, buf.Bytes())
				}
			case "json":
				var got []Record
				if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
					t.Fatalf("json does not parse: %v\n%s", err, buf.Bytes())
				}
				checkJSON(t, recs, got)
			case "jsonl":
				var got []Record
				sc := bufio.NewScanner(&buf)
				sc.Buffer(nil, 1<<20)
				for sc.Scan() {
					var r Record
					if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
						t.Fatalf("jsonl line does not parse: %v\n%q", err, sc.Text())
					}
					got = append(got, r)
				}
				checkJSON(t, recs, got)
			case "csv":
				rows, err := csv.NewReader(&buf).ReadAll()
				if err != nil {
					t.Fatalf("csv does not parse: %v\n%q", err, buf.String())
				}
				if len(rows) != len(recs)+1 || strings.Join(rows[0], ",") != strings.Join(CSVHeader, ",") {
					t.Fatalf("csv: %d rows, header %q", len(rows), rows[0])
				}
				for i, r := range recs {
					row := rows[i+1]
					for col, want := range map[int]string{2: r.DocumentTitle, 3: r.DocumentURL, 4: r.Text, 9: r.Kind, 10: r.Speaker, 11: r.LastReviewer} {
						cell := row[col]
						if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
							t.Fatalf("csv cell %d starts a formula: %q", col, cell)
						}
						// csv.Reader turns \r\n inside a quoted cell into \n.
						norm := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
						if strings.TrimPrefix(cell, "'") != norm(want) && cell != norm(want) {
							t.Fatalf("csv cell %d = %q, want %q", col, cell, want)
						}
					}
				}
			}
		}
	})
}

func checkJSON(t *testing.T, want []*Record, got []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d records read back, want %d", len(got), len(want))
	}
	// encoding/json writes U+FFFD for each byte that is not UTF-8.
	v := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b.WriteRune(utf8.RuneError)
			} else {
				b.WriteString(s[i : i+n])
			}
			i += n
		}
		return b.String()
	}
	for i, w := range want {
		g := got[i]
		if g.ID != w.ID || g.DocumentTitle != v(w.DocumentTitle) || g.DocumentURL != v(w.DocumentURL) || g.Text != v(w.Text) ||
			g.Speaker != v(w.Speaker) || g.Start != w.Start || g.Score != w.Score || len(g.History) != len(w.History) {
			t.Fatalf("record %d read back as %+v, want %+v", i, g, *w)
		}
		for j := range w.History {
			if g.History[j].Note != v(w.History[j].Note) || !g.History[j].Time.Equal(w.History[j].Time) {
				t.Fatalf("history %d read back as %+v", j, g.History[j])
			}
		}
	}
}
