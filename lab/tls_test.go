package lab

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// tlsServe starts an HTTPS server with the lab certificate and returns its
// address.
func tlsServe(t *testing.T, l *TLS) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		TLSConfig: l.ServerConfig(),
	}
	go srv.ServeTLS(ln, "", "")
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// tlsClientFromFile trusts only the ca.pem file, as an outside client does.
func tlsClientFromFile(t *testing.T, path string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", path)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func TestTLSServesVerifiedHTTPS(t *testing.T) {
	dir := t.TempDir()
	l, err := LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l.CAPath != filepath.Join(dir, CAFile) {
		t.Fatalf("CAPath = %q", l.CAPath)
	}
	addr := tlsServe(t, l)
	_, port, _ := net.SplitHostPort(addr)
	c := tlsClientFromFile(t, l.CAPath)
	for _, host := range []string{"127.0.0.1", "localhost"} {
		resp, err := c.Get("https://" + net.JoinHostPort(host, port) + "/")
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d", host, resp.StatusCode)
		}
	}

	// A client trusting another CA must be refused: the check is real.
	other, err := LoadTLS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	c2 := &http.Client{Transport: &http.Transport{TLSClientConfig: other.ClientConfig()}}
	if resp, err := c2.Get("https://" + addr + "/"); err == nil {
		resp.Body.Close()
		t.Fatal("a client trusting another CA connected")
	}
}

func TestTLSKeptAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	first, err := LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, _ := os.ReadFile(first.CAPath)
	second, err := LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(second.CAPath)
	if !bytes.Equal(caPEM, again) {
		t.Fatal("ca.pem changed on restart")
	}
	if !bytes.Equal(first.Server.Certificate[0], second.Server.Certificate[0]) {
		t.Fatal("server certificate reissued although still valid")
	}
	if fi, err := os.Stat(filepath.Join(dir, caKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("CA key: %v, mode %v", err, fi.Mode())
	}
}

func TestTLSReissuesBrokenServerCert(t *testing.T) {
	dir := t.TempDir()
	first, err := LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, serverFile), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := LoadTLS(dir)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first.Server.Certificate[0], second.Server.Certificate[0]) {
		t.Fatal("broken server certificate was not reissued")
	}
	c := tlsClientFromFile(t, second.CAPath)
	resp, err := c.Get("https://" + tlsServe(t, second) + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestTLSRefusesCAWithoutKey(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadTLS(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, caKeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTLS(dir); !errors.Is(err, ErrTLSState) {
		t.Fatalf("err = %v, want ErrTLSState", err)
	}
}

func TestTLSRefusesGarbageCA(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadTLS(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, CAFile), []byte("not pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTLS(dir); !errors.Is(err, ErrTLSState) {
		t.Fatalf("err = %v, want ErrTLSState", err)
	}
}
