package certs

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests hold the package's output against OpenSSL, the tool installers
// and CAs check certificates with. They skip only where openssl is missing.

func requireOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not on PATH")
	}
}

// openssl runs openssl and returns stdout and stderr together. Commands
// given here never print private keys, so the output is safe to show.
func openssl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("openssl", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

func mustOpenSSL(t *testing.T, args ...string) string {
	t.Helper()
	out, err := openssl(t, args...)
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// writeFile writes data to a private file in dir.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func publicKeyPEM(t *testing.T, pub crypto.PublicKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestOpenSSLReadsTheSelfSignedBundle(t *testing.T) {
	requireOpenSSL(t)
	for _, tc := range []struct {
		name   string
		key    crypto.Signer
		wantKU string
	}{
		{"openssl reads an RSA bundle as a server certificate with its key", rsaKey(), "Digital Signature, Key Encipherment"},
		{"openssl reads an ECDSA bundle as a server certificate with its key", ecKey(), "Digital Signature"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := SelfSigned(tc.key, Subject{Organization: "Example Site", Country: "DE", DNSNames: []string{"cam.example.com"}, IPAddresses: testSubject().IPAddresses}, 0, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			p := &Pair{Cert: c, Key: tc.key}
			bundle, err := p.BundlePEM()
			if err != nil {
				t.Fatal(err)
			}
			path := writeFile(t, t.TempDir(), "httpd_cert.pem", bundle)

			text := mustOpenSSL(t, "x509", "-in", path, "-noout", "-text")
			for _, want := range []string{
				"Subject: C = DE, O = Example Site, CN = cam.example.com",
				"X509v3 Subject Alternative Name: \n                DNS:cam.example.com, IP Address:192.0.2.10",
				"X509v3 Extended Key Usage: \n                TLS Web Server Authentication",
				"X509v3 Basic Constraints: critical\n                CA:FALSE",
				"X509v3 Key Usage: critical\n                " + tc.wantKU + "\n",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("openssl x509 -text lacks %q:\n%s", want, text)
				}
			}

			fp := mustOpenSSL(t, "x509", "-in", path, "-noout", "-fingerprint", "-sha256")
			_, got, ok := strings.Cut(strings.TrimSpace(fp), "Fingerprint=")
			if !ok || got != p.fingerprint() {
				t.Errorf("openssl fingerprint %q, Fingerprint() %q", strings.TrimSpace(fp), p.fingerprint())
			}

			// pkey reads the key out of the same file; -pubout and -check
			// print no private material.
			if got := mustOpenSSL(t, "pkey", "-in", path, "-pubout"); got != publicKeyPEM(t, tc.key.Public()) {
				t.Errorf("openssl pkey read a different public key from the bundle:\n%s", got)
			}
			if out := mustOpenSSL(t, "pkey", "-in", path, "-noout", "-check"); !strings.Contains(out, "Key is valid") {
				t.Errorf("openssl pkey -check: %s", out)
			}
			if certPub := mustOpenSSL(t, "x509", "-in", path, "-noout", "-pubkey"); certPub != publicKeyPEM(t, tc.key.Public()) {
				t.Error("openssl sees a certificate key that differs from the bundled key")
			}
		})
	}
}

func TestOpenSSLVerifiesTheCertificateRequest(t *testing.T) {
	requireOpenSSL(t)
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{
		{"openssl verifies an RSA request and sees its extensions", rsaKey()},
		{"openssl verifies an ECDSA request and sees its extensions", ecKey()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			csr, err := CertificateRequest(tc.key, Subject{Organization: "Example Site", DNSNames: []string{"cam.example.com"}, IPAddresses: testSubject().IPAddresses})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := writeFile(t, dir, "camera.csr", csr)
			// OpenSSL 3.0 exits 0 even when the signature is bad: read what it says.
			if out := mustOpenSSL(t, "req", "-in", path, "-verify", "-noout"); !strings.Contains(out, "verify OK") || strings.Contains(out, "fail") {
				t.Errorf("openssl req -verify: %s", out)
			}
			text := mustOpenSSL(t, "req", "-in", path, "-noout", "-text")
			for _, want := range []string{
				"Subject: O = Example Site, CN = cam.example.com",
				"Requested Extensions:",
				"DNS:cam.example.com, IP Address:192.0.2.10",
				"TLS Web Server Authentication",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("openssl req -text lacks %q:\n%s", want, text)
				}
			}

			// The same check must fail on a request whose signature is broken.
			block, _ := pem.Decode(csr)
			broken := bytes.Clone(block.Bytes)
			broken[len(broken)-3] ^= 0xff
			bad := writeFile(t, dir, "broken.csr", pem.EncodeToMemory(&pem.Block{Type: block.Type, Bytes: broken}))
			if out, err := openssl(t, "req", "-in", bad, "-verify", "-noout"); err == nil && !strings.Contains(out, "verify failure") {
				t.Errorf("openssl accepted a request with a broken signature: %s", out)
			}
		})
	}
}

func TestOpenSSLVerifiesACASignedLeaf(t *testing.T) {
	requireOpenSSL(t)
	now := time.Now()
	root := makeCA(t, caKey(), "Test Root", nil, nil)
	inter := makeCA(t, otherECKey(), "Test Intermediate", root, caKey())
	if now.Before(root.NotBefore) || now.After(root.NotAfter) {
		t.Skip("the test CA's fixed dates do not cover the clock of this machine")
	}
	leaf := makeCert(t, certSpec{key: rsaKey(), issuer: inter, issuerKey: otherECKey(), now: now})
	clientOnly := makeCert(t, certSpec{key: rsaKey(), issuer: inter, issuerKey: otherECKey(), now: now, edit: func(c *x509.Certificate) {
		c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}})

	dir := t.TempDir()
	rootPath := writeFile(t, dir, "root.pem", certPEM(root))
	interPath := writeFile(t, dir, "inter.pem", certPEM(inter))
	leafPath := writeFile(t, dir, "leaf.pem", certPEM(leaf))
	clientPath := writeFile(t, dir, "client.pem", certPEM(clientOnly))
	verify := func(cert string, extra ...string) (string, error) {
		return openssl(t, append([]string{"verify", "-CAfile", rootPath, "-untrusted", interPath, "-purpose", "sslserver"}, append(extra, cert)...)...)
	}

	tests := []struct {
		name   string
		cert   string
		extra  []string
		wantOK bool
		valid  []error // what Validate says about the same certificate
		reach  string
	}{
		{"the leaf verifies for its address", leafPath, []string{"-verify_ip", "192.0.2.10"}, true, nil, "192.0.2.10"},
		{"the leaf verifies for its name", leafPath, []string{"-verify_hostname", "cam.example.com"}, true, nil, "cam.example.com"},
		{"the leaf fails for an address it does not list, as in Validate", leafPath, []string{"-verify_ip", "192.0.2.11"}, false, []error{ErrHostNotCovered}, "192.0.2.11"},
		{"a client-only leaf fails the server purpose, as in Validate", clientPath, nil, false, []error{ErrNoServerAuth}, "192.0.2.10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := verify(tt.cert, tt.extra...)
			if ok := err == nil && strings.Contains(out, ": OK"); ok != tt.wantOK {
				t.Fatalf("openssl verify ok=%v, want %v:\n%s", ok, tt.wantOK, out)
			}
			c := leaf
			if tt.cert == clientPath {
				c = clientOnly
			}
			_, verr := Validate(&Pair{Cert: c, Chain: []*x509.Certificate{inter, root}, Key: rsaKey()}, []string{tt.reach}, now)
			if (verr == nil) != (len(tt.valid) == 0) {
				t.Fatalf("Validate = %v, want problems %v", verr, tt.valid)
			}
			for _, rule := range tt.valid {
				if !errors.Is(verr, rule) {
					t.Errorf("Validate = %v, want %v", verr, rule)
				}
			}
		})
	}
}

func TestImportsWhatOpenSSLWrites(t *testing.T) {
	requireOpenSSL(t)
	const san = "subjectAltName=DNS:cam.example.com,IP:192.0.2.10"
	good := []string{"-addext", san, "-addext", "extendedKeyUsage=serverAuth", "-addext", "basicConstraints=critical,CA:FALSE"}
	tests := []struct {
		name     string
		genKey   [][]string // openssl commands writing key.pem (run in order)
		reqExtra []string   // extra arguments for `openssl req -x509`
		keyFile  string     // the file to import as key (default key.pem)
		wantErr  string     // ImportPair error
		want     []error    // Validate problems
		wantWarn int
	}{
		{
			name:     "an RSA key in PKCS#8 from openssl req imports and validates",
			genKey:   [][]string{{"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "key.pem"}},
			reqExtra: good,
			wantWarn: 1, // 30 days left
		},
		{
			name:     "a PKCS#1 RSA key from openssl genrsa -traditional imports and validates",
			genKey:   [][]string{{"genrsa", "-traditional", "-out", "key.pem", "2048"}},
			reqExtra: good,
			wantWarn: 1,
		},
		{
			name:     "a SEC1 EC key with EC PARAMETERS from openssl ecparam imports and validates",
			genKey:   [][]string{{"ecparam", "-genkey", "-name", "prime256v1", "-out", "key.pem"}},
			reqExtra: good,
			wantWarn: 1,
		},
		{
			name:   "a stock openssl self-signed certificate imports but fails for CA:TRUE, no serverAuth and no SAN",
			genKey: [][]string{{"ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "key.pem"}},
			want:   []error{ErrCACertificate, ErrNoServerAuth, ErrHostNotCovered},
		},
		{
			name:    "a passphrase-protected PKCS#8 key is refused",
			genKey:  [][]string{{"ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "key.pem"}, {"pkey", "-in", "key.pem", "-aes256", "-passout", "pass:secret", "-out", "enc.pem"}},
			keyFile: "enc.pem",
			wantErr: "the key is encrypted: export it without a passphrase for upload",
		},
		{
			name:    "a passphrase-protected traditional RSA key is refused",
			genKey:  [][]string{{"genrsa", "-traditional", "-out", "key.pem", "2048"}, {"rsa", "-in", "key.pem", "-traditional", "-aes256", "-passout", "pass:secret", "-out", "enc.pem"}},
			keyFile: "enc.pem",
			wantErr: "the key is encrypted: export it without a passphrase for upload",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, args := range tt.genKey {
				cmd := exec.Command("openssl", args...)
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("openssl %s: %v\n%s", args[0], err, out)
				}
			}
			req := append([]string{"req", "-x509", "-key", filepath.Join(dir, "key.pem"), "-out", filepath.Join(dir, "cert.pem"), "-days", "30", "-subj", "/CN=cam.example.com"}, tt.reqExtra...)
			mustOpenSSL(t, req...)
			keyFile := tt.keyFile
			if keyFile == "" {
				keyFile = "key.pem"
			}
			p, err := ImportPair(readFile(t, filepath.Join(dir, "cert.pem")), readFile(t, filepath.Join(dir, keyFile)))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ImportPair = %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			warnings, err := Validate(p, []string{"cam.example.com", "192.0.2.10"}, time.Time{})
			if len(tt.want) == 0 && err != nil {
				t.Fatalf("Validate: %v", err)
			}
			for _, rule := range tt.want {
				if !errors.Is(err, rule) {
					t.Errorf("Validate = %v, want %v", err, rule)
				}
			}
			if len(tt.want) == 0 && len(warnings) != tt.wantWarn {
				t.Errorf("warnings = %q, want %d", warnings, tt.wantWarn)
			}
			if fp := mustOpenSSL(t, "x509", "-in", filepath.Join(dir, "cert.pem"), "-noout", "-fingerprint", "-sha256"); !strings.HasSuffix(strings.TrimSpace(fp), "="+p.fingerprint()) {
				t.Errorf("openssl fingerprint %q, Fingerprint() %q", strings.TrimSpace(fp), p.fingerprint())
			}
		})
	}
}
