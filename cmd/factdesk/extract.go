package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"factdesk/extract"
)

const extractUsage = "[--json] [--max-doc-mb N] FILE"

func runExtract(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	// No --db: extraction needs no database.
	fs := newFlagSet("extract", extractUsage, stdout)
	asJSON := fs.Bool("json", false, "print one JSON object per claim and line")
	maxDoc := maxDocFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{msg: "extract needs exactly one FILE (or - for standard input)"}
	}
	max, err := maxDoc()
	if err != nil {
		return err
	}
	doc, err := readInput(fs.Arg(0), stdin, max)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, c := range extract.Extract(doc.Body) {
		if *asJSON {
			// Offsets are code points into the text as stored (BOM
			// stripped, CRLF turned into LF).
			if err := enc.Encode(c); err != nil {
				return err
			}
			continue
		}
		// START..END, as import --claims and its messages write a span;
		// the text escaped so that a claim stays one line of four fields.
		fmt.Fprintf(w, "%d..%d\t%.2f\t%s\t%s\n", c.Start, c.End, c.Score, c.Kind, lineEscaper.Replace(c.Text))
	}
	return w.Flush()
}

// lineEscaper writes a claim's tabs and line breaks as \t and \n (and a
// backslash as \\), so that each claim of extract's output is one line.
var lineEscaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`)
