package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseKeyType(t *testing.T) {
	tests := []struct {
		in      string
		want    KeyType
		wantErr bool
	}{
		{in: "rsa2048", want: RSA2048},
		{in: " RSA-2048 ", want: RSA2048},
		{in: "rsa4096", want: RSA4096},
		{in: "ecdsa-p256", want: ECDSAP256},
		{in: "p256", want: ECDSAP256},
		{in: "P-256", want: ECDSAP256},
		{in: "", wantErr: true},
		{in: "rsa1024", wantErr: true},
		{in: "ed25519", wantErr: true},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%q reads as %s", tt.in, tt.want)
		if tt.wantErr {
			name = fmt.Sprintf("%q is refused", tt.in)
		}
		t.Run(name, func(t *testing.T) {
			got, err := ParseKeyType(tt.in)
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "use rsa2048 (default), rsa4096 or ecdsa-p256") {
					t.Fatalf("ParseKeyType(%q) = %q, %v; want an error listing the choices", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseKeyType(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	t.Run("every listed key type parses back to itself", func(t *testing.T) {
		for _, kt := range keyTypes() {
			if got, err := ParseKeyType(string(kt)); err != nil || got != kt {
				t.Errorf("ParseKeyType(%q) = %q, %v", kt, got, err)
			}
		}
		if keyTypes()[0] != DefaultKeyType {
			t.Errorf("the default %q is not offered first", DefaultKeyType)
		}
	})
}

func TestGenerateKey(t *testing.T) {
	tests := []struct {
		kt    KeyType
		check func(crypto.Signer) bool
		slow  bool
	}{
		{kt: "", check: isRSA(2048)},
		{kt: RSA2048, check: isRSA(2048)},
		{kt: RSA4096, check: isRSA(4096), slow: true},
		{kt: ECDSAP256, check: func(k crypto.Signer) bool {
			e, ok := k.(*ecdsa.PrivateKey)
			return ok && e.Curve == elliptic.P256()
		}},
	}
	for _, tt := range tests {
		name := string(tt.kt)
		if name == "" {
			name = "the empty key type"
		}
		t.Run(name+" generates the matching key", func(t *testing.T) {
			if tt.slow && testing.Short() {
				t.Skip("RSA 4096 takes about a second")
			}
			k, err := GenerateKey(tt.kt)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(k) {
				t.Fatalf("GenerateKey(%q) gave a %T", tt.kt, k)
			}
			if err := keyProblem(k.Public()); err != nil {
				t.Fatalf("generated key fails the package's own rules: %v", err)
			}
		})
	}
	t.Run("an unknown key type is an error", func(t *testing.T) {
		if k, err := GenerateKey("dsa"); err == nil || k != nil {
			t.Fatalf("GenerateKey(dsa) = %T, %v", k, err)
		}
	})
}

func isRSA(bits int) func(crypto.Signer) bool {
	return func(k crypto.Signer) bool {
		r, ok := k.(*rsa.PrivateKey)
		return ok && r.N.BitLen() == bits
	}
}

func TestNewSubject(t *testing.T) {
	s := NewSubject("", " Cam.Example.com. ", "https://192.0.2.10:443/control/camerainfo", "[2001:db8::1]", "", "door")
	if want := []string{"cam.example.com", "door"}; !slices.Equal(s.DNSNames, want) {
		t.Errorf("DNSNames = %q, want %q", s.DNSNames, want)
	}
	if len(s.IPAddresses) != 2 || !s.IPAddresses[0].Equal(net.ParseIP("192.0.2.10")) || !s.IPAddresses[1].Equal(net.ParseIP("2001:db8::1")) {
		t.Errorf("IPAddresses = %v, want 192.0.2.10 and 2001:db8::1", s.IPAddresses)
	}
	if got := s.commonName(); got != "cam.example.com" {
		t.Errorf("common name = %q, want the first DNS name", got)
	}
	if got := NewSubject("", "192.0.2.10").commonName(); got != "192.0.2.10" {
		t.Errorf("common name of an address-only subject = %q, want the address", got)
	}
	if got := NewSubject("Front door", "192.0.2.10").commonName(); got != "Front door" {
		t.Errorf("explicit common name = %q", got)
	}
}

func TestSelfSigned(t *testing.T) {
	subj := Subject{Organization: "Example Site", Country: "de", DNSNames: []string{"cam.example.com"}, IPAddresses: []net.IP{net.ParseIP("192.0.2.10")}}
	for _, tc := range []struct {
		name   string
		key    crypto.Signer
		wantKU x509.KeyUsage
	}{
		{"an RSA certificate has the fields a camera needs", rsaKey(), x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment},
		{"an ECDSA certificate has the fields a camera needs", ecKey(), x509.KeyUsageDigitalSignature},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, der, err := SelfSigned(tc.key, subj, 0, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.Raw, der) {
				t.Error("returned DER is not the returned certificate's")
			}
			if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
				t.Errorf("not self-signed: %v", err)
			}
			if !c.NotBefore.Equal(testNow.Add(-5 * time.Minute)) {
				t.Errorf("NotBefore = %v, want five minutes before now", c.NotBefore)
			}
			if got := c.NotAfter.Sub(c.NotBefore); got != 825*day {
				t.Errorf("lifetime = %v, want 825 days", got)
			}
			if c.KeyUsage != tc.wantKU {
				t.Errorf("KeyUsage = %b, want %b", c.KeyUsage, tc.wantKU)
			}
			if !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
				t.Errorf("ExtKeyUsage = %v, want serverAuth only", c.ExtKeyUsage)
			}
			if !c.BasicConstraintsValid || c.IsCA {
				t.Errorf("basic constraints valid=%v CA=%v, want present and CA:FALSE", c.BasicConstraintsValid, c.IsCA)
			}
			if !slices.Equal(c.DNSNames, []string{"cam.example.com"}) || len(c.IPAddresses) != 1 || !c.IPAddresses[0].Equal(net.ParseIP("192.0.2.10")) {
				t.Errorf("SANs = %q %v", c.DNSNames, c.IPAddresses)
			}
			if got := c.Subject.String(); got != "CN=cam.example.com,O=Example Site,C=DE" {
				t.Errorf("subject = %q", got)
			}
			if c.SerialNumber.Sign() <= 0 || c.SerialNumber.BitLen() > 128 || c.SerialNumber.BitLen() < 96 {
				t.Errorf("serial %x is not a positive random 128-bit number", c.SerialNumber)
			}
			if !publicKeysEqual(c.PublicKey, tc.key.Public()) {
				t.Error("certificate is not for the given key")
			}
		})
	}

	t.Run("two certificates get different serials", func(t *testing.T) {
		a, _, errA := SelfSigned(ecKey(), subj, 0, testNow)
		b, _, errB := SelfSigned(ecKey(), subj, 0, testNow)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if a.SerialNumber.Cmp(b.SerialNumber) == 0 {
			t.Fatalf("both serials are %x", a.SerialNumber)
		}
	})

	t.Run("a given validity is the exact lifetime", func(t *testing.T) {
		c, _, err := SelfSigned(ecKey(), subj, 90*day, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.NotAfter.Sub(c.NotBefore); got != 90*day {
			t.Fatalf("lifetime = %v, want 90 days", got)
		}
	})

	t.Run("a zero now means the current time", func(t *testing.T) {
		before := time.Now().Add(-backdate - time.Second)
		c, _, err := SelfSigned(ecKey(), subj, 0, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if c.NotBefore.Before(before) || c.NotBefore.After(time.Now()) {
			t.Fatalf("NotBefore = %v, want about five minutes ago", c.NotBefore)
		}
	})

	bad := []struct {
		name     string
		key      crypto.Signer
		subj     Subject
		validity time.Duration
		want     string
	}{
		{"a missing key is refused", nil, subj, 0, "no private key given"},
		{"an RSA 1024 key is refused", rsa1024Key(), subj, 0, "an RSA key of 1024 bits is too weak"},
		{"an Ed25519 key is refused", edKey(), subj, 0, "the key is Ed25519"},
		{"a subject without names or addresses is refused", ecKey(), Subject{CommonName: "cam"}, 0, "would name no host: add the camera's IP address or host name"},
		{"an address among the DNS names is refused", ecKey(), Subject{DNSNames: []string{"192.0.2.10"}}, 0, `"192.0.2.10" is an IP address, not a DNS name`},
		{"a DNS name with a space is refused", ecKey(), Subject{DNSNames: []string{"front door"}}, 0, `"front door" is not a valid DNS name`},
		{"a wildcard in the middle is refused", ecKey(), Subject{DNSNames: []string{"cam.*.example.com"}}, 0, "is not a valid DNS name"},
		{"a three-letter country is refused", ecKey(), Subject{Country: "DEU", DNSNames: []string{"cam"}}, 0, `country "DEU" is not a two-letter ISO 3166 code`},
		{"a common name over 64 characters is refused", ecKey(), Subject{CommonName: strings.Repeat("c", 65), DNSNames: []string{"cam"}}, 0, "longer than 64 characters"},
		{"a negative validity is refused", ecKey(), subj, -day, "is negative"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			c, der, err := SelfSigned(tt.key, tt.subj, tt.validity, testNow)
			if err == nil || c != nil || der != nil {
				t.Fatalf("SelfSigned succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), ": ") {
				t.Fatalf("error = %q, want it to contain %q and say what to do", err, tt.want)
			}
		})
	}
}

func TestCertificateRequest(t *testing.T) {
	for _, tc := range []struct {
		name   string
		key    crypto.Signer
		wantKU []byte // DER of the requested key usage bits
	}{
		{"an RSA request asks for the camera's names and serverAuth", rsaKey(), []byte{0x03, 0x02, 0x05, 0xA0}},
		{"an ECDSA request asks for the camera's names and serverAuth", ecKey(), []byte{0x03, 0x02, 0x07, 0x80}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := CertificateRequest(tc.key, NewSubject("", "cam.example.com", "192.0.2.10"))
			if err != nil {
				t.Fatal(err)
			}
			block, rest := pem.Decode(out)
			if block == nil || block.Type != "CERTIFICATE REQUEST" || len(bytes.TrimSpace(rest)) != 0 {
				t.Fatalf("output is not one CERTIFICATE REQUEST block:\n%s", out)
			}
			csr, err := x509.ParseCertificateRequest(block.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if err := csr.CheckSignature(); err != nil {
				t.Fatalf("request signature: %v", err)
			}
			if !publicKeysEqual(csr.PublicKey, tc.key.Public()) {
				t.Error("request is not for the given key")
			}
			if csr.Subject.CommonName != "cam.example.com" || !slices.Equal(csr.DNSNames, []string{"cam.example.com"}) ||
				len(csr.IPAddresses) != 1 || !csr.IPAddresses[0].Equal(net.ParseIP("192.0.2.10")) {
				t.Errorf("request names CN=%q DNS=%q IP=%v", csr.Subject.CommonName, csr.DNSNames, csr.IPAddresses)
			}
			var gotKU, gotEKU bool
			for _, ext := range csr.Extensions {
				switch {
				case ext.Id.Equal(oidExtensionKeyUsage):
					gotKU = ext.Critical && bytes.Equal(ext.Value, tc.wantKU)
				case ext.Id.Equal(oidExtensionExtendedKeyUsage):
					var oids []asn1.ObjectIdentifier
					_, err := asn1.Unmarshal(ext.Value, &oids)
					gotEKU = err == nil && len(oids) == 1 && oids[0].Equal(oidExtKeyUsageServerAuth)
				}
			}
			if !gotKU || !gotEKU {
				t.Errorf("requested extensions: key usage ok=%v, serverAuth ok=%v", gotKU, gotEKU)
			}
		})
	}
	t.Run("a request for a weak key or no host is refused", func(t *testing.T) {
		if _, err := CertificateRequest(rsa1024Key(), testSubject()); err == nil {
			t.Error("RSA 1024 request was made")
		}
		if _, err := CertificateRequest(ecKey(), Subject{CommonName: "cam"}); err == nil {
			t.Error("request without SANs was made")
		}
		if _, err := CertificateRequest(nil, testSubject()); err == nil {
			t.Error("request without a key was made")
		}
	})
}
