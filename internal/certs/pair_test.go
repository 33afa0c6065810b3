package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// testChain is a leaf (for rsaKey) issued by an intermediate issued by a
// root, the way a customer's CA hands them out.
func testChain(t *testing.T) (leaf, inter, root *x509.Certificate) {
	t.Helper()
	root = makeCA(t, caKey(), "Test Root", nil, nil)
	inter = makeCA(t, otherECKey(), "Test Intermediate", root, caKey())
	leaf = makeCert(t, certSpec{key: rsaKey(), issuer: inter, issuerKey: otherECKey()})
	return leaf, inter, root
}

func blockTypes(t *testing.T, data []byte) []string {
	t.Helper()
	var types []string
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		types = append(types, b.Type)
	}
	if len(bytes.TrimSpace(data)) != 0 {
		t.Fatalf("trailing bytes after the PEM blocks: %q", data)
	}
	return types
}

func TestBundleRoundTrip(t *testing.T) {
	leaf, inter, root := testChain(t)
	selfRSA, _, err := SelfSigned(rsaKey(), testSubject(), 0, testNow)
	if err != nil {
		t.Fatal(err)
	}
	selfEC, _, err := SelfSigned(ecKey(), testSubject(), 0, testNow)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		pair      *Pair
		wantTypes []string
	}{
		{"a self-signed RSA pair comes back whole", &Pair{Cert: selfRSA, Key: rsaKey()}, []string{"CERTIFICATE", "PRIVATE KEY"}},
		{"a self-signed ECDSA pair comes back whole", &Pair{Cert: selfEC, Key: ecKey()}, []string{"CERTIFICATE", "PRIVATE KEY"}},
		{"a CA-issued pair keeps its chain in order", &Pair{Cert: leaf, Chain: []*x509.Certificate{inter, root}, Key: rsaKey()}, []string{"CERTIFICATE", "CERTIFICATE", "CERTIFICATE", "PRIVATE KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bundle, err := tt.pair.BundlePEM()
			if err != nil {
				t.Fatal(err)
			}
			if got := blockTypes(t, bundle); !slices.Equal(got, tt.wantTypes) {
				t.Fatalf("bundle blocks = %q, want certificate, chain, then key: %q", got, tt.wantTypes)
			}
			if first, _ := pem.Decode(bundle); !bytes.Equal(first.Bytes, tt.pair.Cert.Raw) {
				t.Fatal("the bundle does not start with the camera's own certificate")
			}
			back, err := parsePEMBundle(bundle)
			if err != nil {
				t.Fatal(err)
			}
			assertSamePair(t, back, tt.pair)
			if _, err := Validate(back, []string{"192.0.2.10"}, testNow); err != nil {
				t.Errorf("the re-read pair fails validation: %v", err)
			}
			if !bytes.Equal(bundle, append(tt.pair.CertificatePEM(), must(tt.pair.KeyPEM())...)) {
				t.Error("BundlePEM is not CertificatePEM followed by KeyPEM")
			}
		})
	}
}

func assertSamePair(t *testing.T, got, want *Pair) {
	t.Helper()
	if !got.Cert.Equal(want.Cert) {
		t.Errorf("leaf = %s, want %s", got.Cert.Subject, want.Cert.Subject)
	}
	if len(got.Chain) != len(want.Chain) {
		t.Fatalf("chain has %d certificates, want %d", len(got.Chain), len(want.Chain))
	}
	for i := range want.Chain {
		if !got.Chain[i].Equal(want.Chain[i]) {
			t.Errorf("chain[%d] = %s, want %s", i, got.Chain[i].Subject, want.Chain[i].Subject)
		}
	}
	if got.Key == nil || !publicKeysEqual(got.Key.Public(), want.Key.Public()) {
		t.Error("the key that came back is not the key that went in")
	}
	if got.fingerprint() != want.fingerprint() {
		t.Errorf("fingerprint changed: %s, want %s", got.fingerprint(), want.fingerprint())
	}
}

func TestPEMBundleParsingAcceptsWhatToolsWrite(t *testing.T) {
	leaf, inter, root := testChain(t)
	selfEC := makeCert(t, certSpec{})
	unrelated := makeCA(t, p384Key(), "Unrelated CA", nil, nil)

	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey())})
	sec1 := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: must(x509.MarshalECPrivateKey(ecKey()))})
	ecParams := pem.EncodeToMemory(&pem.Block{Type: "EC PARAMETERS", Bytes: []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}})
	mislabelled := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(rsaKey()))})
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	tests := []struct {
		name string
		in   []byte
		want *Pair
	}{
		{"a PKCS#1 RSA key is read", join(certPEM(leaf), pkcs1), &Pair{Cert: leaf, Key: rsaKey()}},
		{"a PKCS#8 RSA key is read", join(certPEM(leaf), pkcs8PEM(t, rsaKey())), &Pair{Cert: leaf, Key: rsaKey()}},
		{"a SEC1 EC key after its EC PARAMETERS block is read", join(certPEM(selfEC), ecParams, sec1), &Pair{Cert: selfEC, Key: ecKey()}},
		{"a PKCS#8 key in a block labelled RSA PRIVATE KEY is read", join(certPEM(leaf), mislabelled), &Pair{Cert: leaf, Key: rsaKey()}},
		{"the key may come first", join(pkcs1, certPEM(leaf, inter, root)), &Pair{Cert: leaf, Chain: []*x509.Certificate{inter, root}, Key: rsaKey()}},
		{"a shuffled chain is put in issuing order", join(certPEM(root, leaf, inter), pkcs1), &Pair{Cert: leaf, Chain: []*x509.Certificate{inter, root}, Key: rsaKey()}},
		{"an unrelated certificate is kept last for Validate to report", join(certPEM(unrelated, leaf, inter), pkcs1), &Pair{Cert: leaf, Chain: []*x509.Certificate{inter, unrelated}, Key: rsaKey()}},
		{"a repeated certificate is kept once", join(certPEM(leaf, inter, leaf, inter), pkcs1), &Pair{Cert: leaf, Chain: []*x509.Certificate{inter}, Key: rsaKey()}},
		{"the same key twice counts once", join(certPEM(leaf), pkcs1, pkcs8PEM(t, rsaKey())), &Pair{Cert: leaf, Key: rsaKey()}},
		{
			"text between blocks is ignored",
			join([]byte("Bag Attributes\n    localKeyID: 01 00 00 00\nsubject=CN = cam.example.com\n"), certPEM(leaf), []byte("Key Attributes: <No Attributes>\n"), pkcs1),
			&Pair{Cert: leaf, Key: rsaKey()},
		},
		{"Windows line endings are read", bytes.ReplaceAll(join(certPEM(leaf), pkcs1), []byte("\n"), []byte("\r\n")), &Pair{Cert: leaf, Key: rsaKey()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parsePEMBundle(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			assertSamePair(t, got, tt.want)
		})
	}

	t.Run("a key matching no certificate leaves the first as leaf for Validate to report", func(t *testing.T) {
		got, err := parsePEMBundle(join(certPEM(selfEC), pkcs1))
		if err != nil {
			t.Fatal(err)
		}
		if !got.Cert.Equal(selfEC) {
			t.Fatalf("leaf = %s", got.Cert.Subject)
		}
		if _, err := Validate(got, nil, testNow); !errors.Is(err, ErrKeyMismatch) {
			t.Fatalf("Validate = %v, want the key mismatch", err)
		}
	})
}

func TestPEMBundleParsingErrors(t *testing.T) {
	leaf := makeCert(t, certSpec{})
	key := pkcs8PEM(t, ecKey())
	secretLines := append(keyPEMBodyLines(t, key), keyPEMBodyLines(t, pkcs8PEM(t, otherECKey()))...)
	keyDER, _ := pem.Decode(key)
	x25519 := must(ecdh.X25519().GenerateKey(rand.Reader))
	encryptedBody := make([]byte, 128)
	_, _ = rand.Read(encryptedBody)

	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"an empty file is refused", []byte("  \n"), "the file is empty"},
		{"a binary DER file is refused with a conversion hint", leaf.Raw, "no PEM blocks found (is it a binary DER or PKCS#12 file?): convert it with `openssl x509 -inform der"},
		{"a certificate without its key is refused", certPEM(leaf), "the file holds no private key: add the certificate's key"},
		{"a key without its certificate is refused", key, "the file holds a private key but no certificate: add the certificate"},
		{"two different keys are refused", bytes.Join([][]byte{certPEM(leaf), key, pkcs8PEM(t, otherECKey())}, nil), "the file holds 2 private keys: keep only the one that belongs to the certificate"},
		{
			"a PKCS#8 encrypted key is refused with the passphrase hint",
			append(certPEM(leaf), pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: encryptedBody})...),
			"the key is encrypted: export it without a passphrase for upload",
		},
		{
			"a legacy OpenSSL encrypted key is refused with the passphrase hint",
			append(certPEM(leaf), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00112233445566778899AABBCCDDEEFF"}, Bytes: encryptedBody})...),
			"the key is encrypted: export it without a passphrase for upload",
		},
		{
			"a damaged key is refused without quoting it",
			append(certPEM(leaf), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER.Bytes[:len(keyDER.Bytes)-9]})...),
			"the PRIVATE KEY block is not a readable PKCS#8, PKCS#1 or SEC1 key: export it again",
		},
		{
			"an X25519 key is refused because it cannot sign",
			append(certPEM(leaf), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(x25519))})...),
			"the private key is an X25519 key, which cannot sign: use an RSA or ECDSA key",
		},
		{
			"a damaged certificate is refused",
			append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw[:100]}), key...),
			"certificate 1 does not parse",
		},
		{
			"a certificate request is refused with what to do with it",
			append(must(CertificateRequest(ecKey(), testSubject())), key...),
			"the file holds a certificate request, not a certificate: send it to your CA",
		},
		{
			"an unknown block is refused",
			append(pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: []byte{1}}), key...),
			`unexpected PEM block "X509 CRL": the file should hold only certificates and one private key`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parsePEMBundle(tt.in)
			if err == nil || p != nil {
				t.Fatalf("parsePEMBundle succeeded, want an error containing %q", tt.want)
			}
			msg := err.Error()
			for _, line := range secretLines {
				if strings.Contains(msg, line) || strings.Contains(msg, line[:16]) {
					t.Fatal("the error message quotes private key material")
				}
			}
			if !strings.Contains(msg, tt.want) {
				t.Fatalf("error = %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}

func TestImportPair(t *testing.T) {
	leaf, inter, root := testChain(t)
	key := pkcs8PEM(t, rsaKey())
	tests := []struct {
		name     string
		cert     []byte
		key      []byte
		want     *Pair
		wantErr  string
		wantPref string
	}{
		{name: "a certificate file with its chain and a key file make a pair", cert: certPEM(leaf, inter, root), key: key, want: &Pair{Cert: leaf, Chain: []*x509.Certificate{inter, root}, Key: rsaKey()}},
		{name: "a combined file given as both files makes a pair", cert: append(certPEM(leaf), key...), key: key, want: &Pair{Cert: leaf, Key: rsaKey()}},
		{name: "swapped files are recognised", cert: key, key: certPEM(leaf), wantErr: "certificate file: it holds a private key, not a certificate: check that the two files were not swapped"},
		{name: "a key file without a key is refused", cert: certPEM(leaf), key: certPEM(inter), wantErr: "key file: it holds certificates but no private key"},
		{name: "an empty key file is refused", cert: certPEM(leaf), key: nil, wantErr: "key file: the file is empty"},
		{name: "an empty certificate file is refused", cert: nil, key: key, wantErr: "certificate file: the file is empty"},
		{name: "two different keys across the files are refused", cert: append(certPEM(leaf), pkcs8PEM(t, ecKey())...), key: key, wantErr: "the files hold 2 private keys"},
		{name: "an encrypted key file is refused", cert: certPEM(leaf), key: pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1, 2, 3}}), wantErr: "key file: the key is encrypted: export it without a passphrase for upload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ImportPair(tt.cert, tt.key)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ImportPair = %v, %v; want an error containing %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertSamePair(t, got, tt.want)
		})
	}
}

func TestFingerprintSHA256(t *testing.T) {
	t.Run("it formats SHA-256 as upper-case hex pairs joined by colons", func(t *testing.T) {
		// SHA-256("abc") from FIPS 180-2, appendix B.1.
		const want = "BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:7A:9C:B4:10:FF:61:F2:00:15:AD"
		if got := FingerprintSHA256([]byte("abc")); got != want {
			t.Fatalf("FingerprintSHA256(abc) = %s, want %s", got, want)
		}
	})
	t.Run("a pair's fingerprint is its leaf's, not its chain's", func(t *testing.T) {
		leaf, inter, _ := testChain(t)
		p := &Pair{Cert: leaf, Chain: []*x509.Certificate{inter}, Key: rsaKey()}
		if p.fingerprint() != FingerprintSHA256(leaf.Raw) || p.fingerprint() == FingerprintSHA256(inter.Raw) {
			t.Fatal("Fingerprint does not follow the leaf")
		}
		if (&Pair{}).fingerprint() != "" || (*Pair)(nil).fingerprint() != "" {
			t.Fatal("a pair without a certificate has a fingerprint")
		}
	})
}

func TestTLSCertificateServesTheChain(t *testing.T) {
	leaf, inter, root := testChain(t)
	tc := (&Pair{Cert: leaf, Chain: []*x509.Certificate{inter, root}, Key: rsaKey()}).tlsCertificate()
	if len(tc.Certificate) != 3 || !bytes.Equal(tc.Certificate[0], leaf.Raw) || !bytes.Equal(tc.Certificate[1], inter.Raw) || !bytes.Equal(tc.Certificate[2], root.Raw) {
		t.Fatal("the TLS certificate does not hold leaf, intermediate and root in that order")
	}
	if tc.Leaf != leaf || tc.PrivateKey != crypto.PrivateKey(rsaKey()) {
		t.Fatal("the TLS certificate lost its leaf or key")
	}
}

// secretPatterns are what a key's private value looks like when fmt prints
// it: long decimal numbers (RSA and ECDSA big integers) and, for Ed25519
// (a byte slice), its first bytes in decimal, hex and Go syntax.
func secretPatterns(key crypto.Signer) []*regexp.Regexp {
	pats := []*regexp.Regexp{regexp.MustCompile(`[0-9]{40,}`)}
	if k, ok := key.(ed25519.PrivateKey); ok {
		for _, f := range []string{"%d %d %d %d", "%02x%02x%02x%02x", "0x%x, 0x%x, 0x%x, 0x%x"} {
			pats = append(pats, regexp.MustCompile(regexp.QuoteMeta(fmt.Sprintf(f, k[0], k[1], k[2], k[3]))))
		}
	}
	return pats
}

func TestPairNeverPrintsItsKey(t *testing.T) {
	for _, kt := range []struct {
		name string
		key  crypto.Signer
	}{
		{"an RSA pair prints without its key", rsaKey()},
		{"an ECDSA pair prints without its key", ecKey()},
		{"an Ed25519 pair prints without its key", edKey()},
	} {
		t.Run(kt.name, func(t *testing.T) {
			p := &Pair{Cert: makeCert(t, certSpec{key: kt.key}), Key: kt.key}
			keyLines := keyPEMBodyLines(t, pkcs8PEM(t, kt.key))
			pats := secretPatterns(kt.key)
			holder := struct{ P Pair }{*p}
			printAll := func(v any) []string {
				var out []string
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
					out = append(out, fmt.Sprintf(verb, v))
				}
				return out
			}
			// Setup: printed bare, the same key does match, or this test
			// would check nothing.
			if !matchesAny(strings.Join(printAll(kt.key), " "), pats) {
				t.Fatal("setup: the patterns do not recognise the printed key")
			}
			outputs := append(append(printAll(p), printAll(*p)...), printAll(holder)...)
			outputs = append(outputs, fmt.Errorf("upload %v: %w", p, errUpload).Error(), p.String())
			for _, out := range outputs {
				if matchesAny(out, pats) {
					t.Fatalf("printing the pair shows key material (%d bytes of output)", len(out))
				}
				for _, l := range keyLines {
					if strings.Contains(out, l) {
						t.Fatal("printing the pair shows the PEM-encoded key")
					}
				}
			}
			if !strings.Contains(outputs[0], p.fingerprint()) || !strings.Contains(outputs[0], "cam.example.com") {
				t.Fatalf("%%v of a pair = %q, want its subject and fingerprint", outputs[0])
			}
		})
	}
}

func matchesAny(s string, pats []*regexp.Regexp) bool {
	for _, p := range pats {
		if p.MatchString(s) {
			return true
		}
	}
	return false
}

var errUpload = errors.New("camera refused the file")
