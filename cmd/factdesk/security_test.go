package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"factdesk/db"
)

func TestUserAddIsAuditedAndRefusesCommonPasswords(t *testing.T) {
	c := newCLI(t)
	for _, pw := range []string{"password1234", "Summer2024!!", "maria-maria-2024"} {
		_, _, err := c.run(pw+"\n", "user", "add", "maria")
		if err == nil || !strings.Contains(err.Error(), "common or easy to guess") {
			t.Errorf("%q: %v", pw, err)
		}
	}
	if _, _, err := c.run("plum tractor anthem velvet\n", "user", "add", "--role", "admin", "maria"); err != nil {
		t.Fatal(err)
	}
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	evs, err := store.AuditLog(context.Background(), db.AuditFilter{})
	if err != nil || len(evs) != 1 {
		t.Fatalf("audit: %+v %v", evs, err)
	}
	ev := evs[0]
	if ev.Event != db.AuditUserCreated || ev.Target != "maria" || ev.TargetID == 0 || ev.Detail != "role admin, from the command line" {
		t.Fatalf("audit event %+v", ev)
	}
	if strings.Contains(ev.Detail+ev.Target+ev.Actor, "tractor") {
		t.Fatal("password in the audit log")
	}
	store.Close()

	// The other user commands are audited too (otto is the other admin that
	// lets maria stop being one).
	for _, args := range [][]string{{"add", "--role", "admin", "otto"}, {"role", "maria", "editor"}, {"passwd", "maria"}, {"disable", "maria"}, {"enable", "maria"}} {
		if _, _, err := c.run("velvet orbit cedar\n", append([]string{"user"}, args...)...); err != nil {
			t.Fatalf("user %v: %v", args, err)
		}
	}
	if _, _, err := c.run("maria-2024-maria\n", "user", "passwd", "maria"); err == nil {
		t.Error("passwd took a password built on the name")
	}
	store, err = db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	evs, _ = store.AuditLog(context.Background(), db.AuditFilter{})
	var got []string
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Target == "maria" {
			got = append(got, evs[i].Event+" "+evs[i].Detail)
		}
	}
	want := []string{"user_created role admin, from the command line", "role_changed admin -> editor, from the command line",
		"password_reset sessions ended, API tokens revoked, from the command line", "user_disabled from the command line", "user_enabled from the command line"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit:\n got %q\nwant %q", got, want)
	}
}

func TestServeSecurityFlags(t *testing.T) {
	c := newCLI(t)
	for _, args := range [][]string{
		{"serve", "--tls-cert", "c.pem"},
		{"serve", "--tls-key", "k.pem"},
		{"serve", "--trusted-proxy", "10.0.0.0/33"},
		{"serve", "--trusted-proxy", "proxy.example"},
		{"serve", "--session-idle", "10s"},
		{"serve", "--session-idle", "48h", "--session-max", "24h"},
	} {
		_, _, err := c.run("", args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	// A certificate or key that cannot be read or used is said in plain
	// words before serving, naming the file: it was Go's "load TLS
	// certificate: open /nonexistent.pem: no such file or directory".
	certFile, keyFile, _ := testCert(t)
	dir := t.TempDir()
	junk := writeFile(t, "junk.pem", "not PEM\n")
	for _, tc := range []struct {
		cert, key, want string
	}{
		{"/nonexistent.pem", "/nonexistent.key", "cannot read the TLS certificate /nonexistent.pem: no such file"},
		{certFile, "/nonexistent.key", "cannot read the TLS private key /nonexistent.key: no such file"},
		{dir, keyFile, "cannot read the TLS certificate " + dir + ": it is a folder, not a file"},
		{junk, keyFile, "the TLS certificate " + junk + " and key " + keyFile + " cannot be used: failed to find any PEM data in certificate input"},
		{keyFile, certFile, "the TLS certificate " + keyFile + " and key " + certFile + " cannot be used: " +
			"failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched"},
	} {
		out, _, err := c.run("", "serve", "--addr", "127.0.0.1:0", "--tls-cert", tc.cert, "--tls-key", tc.key)
		if err == nil || err.Error() != tc.want || out != "" {
			t.Errorf("--tls-cert %s --tls-key %s: %v, want %q", tc.cert, tc.key, err, tc.want)
		}
	}
	if _, err := os.Stat(c.db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed start made the database: %v", err)
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve --tls-cert/--tls-key serves HTTPS, and the setup link says https.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := testCert(t)
	dbPath := filepath.Join(t.TempDir(), "tls.db")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", dbPath, "--addr", "127.0.0.1:0", "--tls-cert", certFile, "--tls-key", keyFile},
			strings.NewReader(""), out, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	link := regexp.MustCompile(`https://127\.0\.0\.1:\d+/setup/\S+`)
	var u string
	for deadline := time.Now().Add(10 * time.Second); u == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		u = link.FindString(out.String())
	}
	if u == "" {
		t.Fatalf("no https setup link printed: %q", out.String())
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	res, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Strict-Transport-Security") == "" {
		t.Fatalf("GET setup link: %d, HSTS %q", res.StatusCode, res.Header.Get("Strict-Transport-Security"))
	}
	var hostCookie bool
	for _, ck := range res.Cookies() {
		hostCookie = hostCookie || (strings.HasPrefix(ck.Name, "__Host-") && ck.Secure)
	}
	if !hostCookie {
		t.Errorf("no Secure __Host- cookie over TLS: %v", res.Header["Set-Cookie"])
	}
}

func testCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "factdesk test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:    x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTokenCommandsAreAudited(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run("plum tractor anthem velvet\n", "user", "add", "rita"); err != nil {
		t.Fatal(err)
	}
	secret, _, err := c.run("", "token", "create", "--user", "rita", "pipeline")
	if err != nil {
		t.Fatal(err)
	}
	list, _, _ := c.run("", "token", "list", "--user", "rita")
	id, _, _ := strings.Cut(list, "\t")
	if _, _, err := c.run("", "token", "revoke", "--user", "rita", id); err != nil {
		t.Fatal(err)
	}
	// A second revoke says so, and records nothing more.
	if out, _, err := c.run("", "token", "revoke", "--user", "rita", id); err != nil || !strings.Contains(out, "revoked already") {
		t.Fatalf("second revoke: %q %v", out, err)
	}
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	evs, _ := store.AuditLog(context.Background(), db.AuditFilter{})
	var got []string
	for i := len(evs) - 1; i >= 0; i-- {
		ev := evs[i]
		if strings.Contains(ev.Target+ev.Detail, strings.TrimSpace(secret)) {
			t.Fatalf("the token is in the audit log: %+v", ev)
		}
		got = append(got, ev.Event+" "+ev.Detail)
	}
	want := []string{"user_created role reviewer, from the command line", "token_created for rita: pipeline, from the command line",
		"token_revoked of rita, from the command line"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("audit:\n got %q\nwant %q", got, want)
	}
}
