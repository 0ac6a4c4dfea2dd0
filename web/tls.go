package web

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"syscall"
)

// ListenTLS wraps ln so that it serves TLS with the certificate and key in
// the given PEM files (a chain may follow the certificate). TLS 1.2 is the
// oldest version offered; Go's defaults choose the cipher suites. HTTP/2 is
// offered and HTTP/1.1 kept.
func ListenTLS(ln net.Listener, certFile, keyFile string) (net.Listener, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, tlsProblem(err, certFile, keyFile)
	}
	return tls.NewListener(ln, &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
	}), nil
}

// tlsProblem says why the certificate and key could not be loaded in the
// words of someone setting up a server: which file, and what is wrong with
// it, without Go's operation text ("open FILE: no such file or directory").
func tlsProblem(err error, certFile, keyFile string) error {
	var pe *fs.PathError
	if !errors.As(err, &pe) {
		// Both were read; their contents are at fault.
		return fmt.Errorf("the TLS certificate %s and key %s cannot be used: %s", certFile, keyFile, strings.TrimPrefix(err.Error(), "tls: "))
	}
	what := "TLS certificate"
	if pe.Path == keyFile && pe.Path != certFile {
		what = "TLS private key"
	}
	reason := pe.Err.Error()
	switch {
	case errors.Is(pe.Err, fs.ErrNotExist):
		reason = "no such file"
	case errors.Is(pe.Err, fs.ErrPermission):
		reason = "permission denied"
	case errors.Is(pe.Err, syscall.EISDIR):
		reason = "it is a folder, not a file"
	}
	return fmt.Errorf("cannot read the %s %s: %s", what, pe.Path, reason)
}
