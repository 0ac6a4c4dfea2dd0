package web

import (
	"crypto/tls"
	"fmt"
	"net"
)

// ListenTLS wraps ln so that it serves TLS with the certificate and key in
// the given PEM files (a chain may follow the certificate). TLS 1.2 is the
// oldest version offered; Go's defaults choose the cipher suites. HTTP/2 is
// offered and HTTP/1.1 kept.
func ListenTLS(ln net.Listener, certFile, keyFile string) (net.Listener, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load TLS certificate: %w", err)
	}
	return tls.NewListener(ln, &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
	}), nil
}
