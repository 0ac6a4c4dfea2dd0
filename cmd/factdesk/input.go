package main

import (
	"errors"
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
		f, err := openFile(name)
		if err != nil {
			return ingest.Doc{}, err
		}
		defer f.Close()
		r = f
	}
	data, err := ingest.ReadLimited(r, max)
	if err != nil {
		return ingest.Doc{}, fmt.Errorf("%s: %w", name, tooLargeHint(err))
	}
	doc, err := ingest.Parse(name, data, max)
	if err != nil {
		return doc, fmt.Errorf("%s: %w", name, tooLargeHint(err))
	}
	return doc, nil
}

// tooLargeHint says, on the command line, how to raise the size limit.
func tooLargeHint(err error) error {
	if errors.Is(err, ingest.ErrTooLarge) {
		return fmt.Errorf("%w; raise it with --max-doc-mb", err)
	}
	return err
}

// openFile opens a file that a command reads, saying in plain words when
// it cannot, or when it is a folder (which reads as "is a directory" only
// once reading starts).
func openFile(name string) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %w", name, pathErr(err))
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s: is a folder, not a file", name)
	}
	return f, nil
}

// pathErr drops the path and operation from an *os.PathError: the caller
// already names the file.
func pathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
