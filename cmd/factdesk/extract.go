package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"factdesk/extract"
	"factdesk/ingest"
)

func runExtract(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, _ := newFlags("extract", "[--json] FILE", stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per claim and line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"extract needs exactly one FILE (or - for standard input)"}
	}
	doc, err := readInput(fs.Arg(0), stdin, ingest.DefaultMaxBytes)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, c := range extract.Extract(doc.Body) {
		if *asJSON {
			if err := enc.Encode(jsonClaim(c)); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%d-%d\t%.2f\t%s\t%s\n", c.Start, c.End, c.Score, c.Kind, c.Text)
	}
	return w.Flush()
}

// jsonClaim is the line format of extract --json: offsets are code points
// into the text as stored (BOM stripped, CRLF turned into LF).
func jsonClaim(c extract.Claim) any {
	return struct {
		Start   int     `json:"start"`
		End     int     `json:"end"`
		Text    string  `json:"text"`
		Score   float64 `json:"score"`
		Kind    string  `json:"kind,omitempty"`
		Speaker string  `json:"speaker,omitempty"`
	}{c.Start, c.End, c.Text, c.Score, c.Kind, c.Speaker}
}
