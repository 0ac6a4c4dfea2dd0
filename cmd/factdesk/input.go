package main

import (
	"fmt"
	"io"
	"os"

	"factdesk/ingest"
)

// readInput reads a file, or stdin for "-", refusing more than max bytes
// without reading them all.
func readInput(name string, stdin io.Reader, max int) (ingest.Doc, error) {
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return ingest.Doc{}, fmt.Errorf("%s: cannot open: %w", name, pathErr(err))
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return ingest.Doc{}, fmt.Errorf("%s: is a folder, not a file", name)
		}
		r = f
	}
	data, err := ingest.ReadLimited(r, max)
	if err != nil {
		return ingest.Doc{}, fmt.Errorf("%s: %w", name, err)
	}
	doc, err := ingest.Parse(name, data, max)
	if err != nil {
		return doc, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// pathErr drops the path and operation from an *os.PathError: the caller
// already names the file.
func pathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
