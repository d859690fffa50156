package lab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// File names of the TLS material in the state directory. Only ca.pem is
// meant for clients; the keys stay private to the lab.
const (
	CAFile        = "ca.pem"
	caKeyFile     = "ca-key.pem"
	serverFile    = "rest.pem"
	serverKeyFile = "rest-key.pem"
)

// ErrTLSState reports TLS files in the state directory that cannot be used
// (unreadable PEM, a key that does not match, a certificate not from the CA).
var ErrTLSState = errors.New("lab tls: bad state file")

// TLS is the lab's certificate authority and the certificate its HTTPS
// servers present. Clients trust CAPool (or the ca.pem file at CAPath) and
// never skip verification.
type TLS struct {
	// CAPath is the ca.pem file in the state directory, for the inventory.
	CAPath string
	CA     *x509.Certificate
	CAPool *x509.CertPool
	// Server is the certificate of the REST servers, valid for 127.0.0.1,
	// ::1 and localhost.
	Server tls.Certificate
}

// LoadTLS reads the CA and the server certificate from dir, creating what
// is missing. The keys are written to dir too, so a restart with the same
// dir keeps the CA that clients already trust. A server certificate that no
// longer verifies against the CA, or is about to expire, is issued anew.
func LoadTLS(dir string) (*TLS, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lab tls: %w", err)
	}
	ca, caKey, err := loadOrCreateCA(dir)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	server, err := loadServer(dir, pool)
	if err != nil {
		return nil, err
	}
	if server == nil {
		if server, err = issueServer(dir, ca, caKey); err != nil {
			return nil, err
		}
	}
	return &TLS{CAPath: filepath.Join(dir, CAFile), CA: ca, CAPool: pool, Server: *server}, nil
}

// ServerConfig is the configuration of a lab HTTPS server.
func (t *TLS) ServerConfig() *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{t.Server},
		MinVersion:   tls.VersionTLS12,
	}
}

// ClientConfig trusts the lab CA and nothing else.
func (t *TLS) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: t.CAPool, MinVersion: tls.VersionTLS12}
}

func loadOrCreateCA(dir string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	certPath, keyPath := filepath.Join(dir, CAFile), filepath.Join(dir, caKeyFile)
	_, errC := os.Stat(certPath)
	_, errK := os.Stat(keyPath)
	if errC == nil && errK == nil {
		pair, err := tls.LoadX509KeyPair(certPath, keyPath)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %s: %v", ErrTLSState, certPath, err)
		}
		key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
		if !ok || pair.Leaf == nil || !pair.Leaf.IsCA {
			return nil, nil, fmt.Errorf("%w: %s is not a lab CA", ErrTLSState, certPath)
		}
		return pair.Leaf, key, nil
	}
	// A CA certificate without its key cannot be repaired: say so rather
	// than replace the CA clients trust behind their back. A key without its
	// certificate was never trusted by anyone and is replaced.
	if errC == nil {
		return nil, nil, fmt.Errorf("%w: %s has no key %s", ErrTLSState, certPath, keyPath)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("lab tls: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "hasync lab CA", Organization: []string{"hasync lab"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("lab tls: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("lab tls: %w", err)
	}
	if err := writePair(certPath, keyPath, der, key); err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

// loadServer returns nil, nil when the server certificate must be issued.
func loadServer(dir string, pool *x509.CertPool) (*tls.Certificate, error) {
	pair, err := tls.LoadX509KeyPair(filepath.Join(dir, serverFile), filepath.Join(dir, serverKeyFile))
	if err != nil {
		// A missing or broken server certificate is simply issued again.
		return nil, nil
	}
	_, err = pair.Leaf.Verify(x509.VerifyOptions{
		DNSName:     "localhost",
		Roots:       pool,
		CurrentTime: time.Now().Add(24 * time.Hour),
	})
	if err != nil || pair.Leaf.VerifyHostname("127.0.0.1") != nil {
		return nil, nil
	}
	return &pair, nil
}

func issueServer(dir string, ca *x509.Certificate, caKey *ecdsa.PrivateKey) (*tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("lab tls: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"hasync lab"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(2, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("lab tls: %w", err)
	}
	certPath, keyPath := filepath.Join(dir, serverFile), filepath.Join(dir, serverKeyFile)
	if err := writePair(certPath, keyPath, der, key); err != nil {
		return nil, err
	}
	pair, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, fmt.Errorf("lab tls: %w", err)
	}
	return &pair, nil
}

func writePair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("lab tls: %w", err)
	}
	// The key first, so a crash between the writes leaves no certificate
	// without its key.
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		return fmt.Errorf("lab tls: %w", err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return fmt.Errorf("lab tls: %w", err)
	}
	return nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		// crypto/rand does not fail on supported platforms; a fixed serial
		// still yields a working lab certificate.
		return big.NewInt(1)
	}
	return n
}
