package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test keys are generated once per test binary: RSA takes tens of
// milliseconds, and since Go 1.26 key generation ignores the random reader,
// so fixed test keys cannot be derived from a seed anyway. Tests therefore
// never depend on a key's value, only on its kind.
var (
	rsaKey     = sync.OnceValue(func() *rsa.PrivateKey { return must(rsa.GenerateKey(rand.Reader, 2048)) })
	rsa1024Key = sync.OnceValue(func() *rsa.PrivateKey { return must(rsa.GenerateKey(rand.Reader, 1024)) })
	ecKey      = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	otherECKey = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	caKey      = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader)) })
	p384Key    = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader)) })
	p521Key    = sync.OnceValue(func() *ecdsa.PrivateKey { return must(ecdsa.GenerateKey(elliptic.P521(), rand.Reader)) })
	edKey      = sync.OnceValue(func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return must(k, err)
	})
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// testNow is the fixed "now" of the tests.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// testSubject is a camera reached by an address and a name.
func testSubject() Subject {
	return NewSubject("", "192.0.2.10", "cam.example.com")
}

// certSpec describes a test certificate; zero fields take defaults.
type certSpec struct {
	key       crypto.Signer           // the certificate's key; default ecKey
	subj      *Subject                // default testSubject
	validity  time.Duration           // default DefaultValidity
	now       time.Time               // default testNow
	edit      func(*x509.Certificate) // changes the template before signing
	issuer    *x509.Certificate       // default: self-signed
	issuerKey crypto.Signer
}

// makeCert issues a certificate from the package's own leaf template,
// bypassing SelfSigned's refusal of weak keys so that Validate can be
// tested on them.
func makeCert(t testing.TB, s certSpec) *x509.Certificate {
	t.Helper()
	if s.key == nil {
		s.key = ecKey()
	}
	subj := testSubject()
	if s.subj != nil {
		subj = *s.subj
	}
	if s.now.IsZero() {
		s.now = testNow
	}
	tmpl, err := leafTemplate(subj, ecKey().Public(), s.validity, s.now)
	if err != nil {
		t.Fatalf("leaf template: %v", err)
	}
	tmpl.KeyUsage = keyUsageFor(s.key.Public())
	if s.edit != nil {
		s.edit(tmpl)
	}
	parent, signer := tmpl, s.key
	if s.issuer != nil {
		parent, signer = s.issuer, s.issuerKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, s.key.Public(), signer)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	return c
}

// makeCA makes a CA certificate named cn for key, signed by issuer (or by
// itself when issuer is nil).
func makeCA(t testing.TB, key crypto.Signer, cn string, issuer *x509.Certificate, issuerKey crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"mxwizard test CA"}},
		NotBefore:             testNow.Add(-365 * day),
		NotAfter:              testNow.Add(5 * 365 * day),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	parent, signer := tmpl, key
	if issuer != nil {
		parent, signer = issuer, issuerKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		t.Fatalf("create CA %s: %v", cn, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse CA %s: %v", cn, err)
	}
	return c
}

func certPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

func pkcs8PEM(t testing.TB, key crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatalf("marshal key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// keyPEMBodyLines are the base64 lines of a key's PEM encoding: none of them
// may ever appear in an error message or a test log.
func keyPEMBodyLines(t testing.TB, keyPEM []byte) []string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(string(keyPEM), "\n") {
		if len(l) >= 16 && l[0] != '-' {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		t.Fatal("no key body lines found")
	}
	return lines
}
