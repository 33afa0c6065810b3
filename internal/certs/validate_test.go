package certs

import (
	"crypto"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	reach := []string{"192.0.2.10", "cam.example.com"}
	pairOf := func(s certSpec) func(t *testing.T) *Pair {
		return func(t *testing.T) *Pair {
			c := makeCert(t, s)
			key := s.key
			if key == nil {
				key = ecKey()
			}
			return &Pair{Cert: c, Key: key}
		}
	}
	tests := []struct {
		name     string
		pair     func(t *testing.T) *Pair
		reach    []string
		now      time.Time // default testNow
		wantErrs []error   // every one must be wrapped, and nothing else
		wantMsgs []string  // substrings of the joined message
		wantWarn []string  // one substring per expected warning, in order
	}{
		{
			name:  "a good ECDSA pair covering its address and name passes",
			pair:  pairOf(certSpec{}),
			reach: reach,
		},
		{
			name:  "a good RSA 2048 pair passes",
			pair:  pairOf(certSpec{key: rsaKey()}),
			reach: reach,
		},
		{
			name:  "a P-384 key passes",
			pair:  pairOf(certSpec{key: p384Key()}),
			reach: reach,
		},
		{
			name: "a key from another certificate is rejected",
			pair: func(t *testing.T) *Pair {
				return &Pair{Cert: makeCert(t, certSpec{}), Key: otherECKey()}
			},
			reach:    reach,
			wantErrs: []error{ErrKeyMismatch},
			wantMsgs: []string{"the private key does not belong to the certificate"},
		},
		{
			name: "a pair without a key is rejected",
			pair: func(t *testing.T) *Pair {
				return &Pair{Cert: makeCert(t, certSpec{})}
			},
			reach:    reach,
			wantErrs: []error{ErrKeyMismatch},
			wantMsgs: []string{"no private key"},
		},
		{
			name:     "an expired certificate is rejected",
			pair:     pairOf(certSpec{now: testNow.Add(-100 * day), validity: 90 * day}),
			reach:    reach,
			wantErrs: []error{ErrExpired},
			wantMsgs: []string{"the certificate expired on 2026-05-22 11:55 UTC: renew it"},
		},
		{
			name:     "a certificate not valid yet is rejected",
			pair:     pairOf(certSpec{now: testNow.Add(2 * day)}),
			reach:    reach,
			wantErrs: []error{ErrNotYetValid},
			wantMsgs: []string{"not valid before 2026-06-03 11:55 UTC", "check the clocks"},
		},
		{
			name:     "an address missing from the IP SANs is rejected",
			pair:     pairOf(certSpec{}),
			reach:    []string{"192.0.2.11"},
			wantErrs: []error{ErrHostNotCovered},
			wantMsgs: []string{"certificate does not cover 192.0.2.11: add it as an IP SAN or reach the camera by a listed name (listed: DNS:cam.example.com, IP:192.0.2.10)"},
		},
		{
			name:     "a name missing from the DNS SANs is rejected",
			pair:     pairOf(certSpec{}),
			reach:    []string{"cam2.example.com"},
			wantErrs: []error{ErrHostNotCovered},
			wantMsgs: []string{"certificate does not cover cam2.example.com: add it as a DNS SAN"},
		},
		{
			name: "an address listed only as a DNS name is rejected with that hint",
			pair: pairOf(certSpec{edit: func(c *x509.Certificate) {
				c.DNSNames = []string{"192.0.2.10"}
				c.IPAddresses = nil
			}}),
			reach:    []string{"192.0.2.10"},
			wantErrs: []error{ErrHostNotCovered},
			wantMsgs: []string{"lists 192.0.2.10 as a DNS name", "as an IP SAN"},
		},
		{
			name:     "a name only in the common name is rejected with that hint",
			pair:     pairOf(certSpec{subj: &Subject{CommonName: "cam.example.com", IPAddresses: []net.IP{net.ParseIP("192.0.2.10")}}}),
			reach:    []string{"cam.example.com"},
			wantErrs: []error{ErrHostNotCovered},
			wantMsgs: []string{"names cam.example.com only in its common name"},
		},
		{
			name:  "a wildcard covers one label below it, whatever the case, port, trailing dot or URL form",
			pair:  pairOf(certSpec{subj: &Subject{DNSNames: []string{"*.cams.example.com"}}}),
			reach: []string{"door.cams.example.com", "Gate.CAMS.example.com.:443", "https://yard.cams.example.com/admin/"},
		},
		{
			name:     "a wildcard covers neither the bare domain nor two labels below it",
			pair:     pairOf(certSpec{subj: &Subject{DNSNames: []string{"*.cams.example.com"}}}),
			reach:    []string{"cams.example.com", "a.b.cams.example.com"},
			wantErrs: []error{ErrHostNotCovered, ErrHostNotCovered},
			wantMsgs: []string{"does not cover cams.example.com", "does not cover a.b.cams.example.com"},
		},
		{
			name:  "an IPv6 address, bare, in brackets with a port or in a URL, is covered by its IP SAN",
			pair:  pairOf(certSpec{subj: &Subject{IPAddresses: []net.IP{net.ParseIP("2001:db8::10")}}}),
			reach: []string{"[2001:db8::10]:443", "2001:DB8::10", "https://[2001:db8::10]/"},
		},
		{
			name:     "an RSA 1024 key is rejected as too weak",
			pair:     pairOf(certSpec{key: rsa1024Key()}),
			reach:    reach,
			wantErrs: []error{ErrWeakKey},
			wantMsgs: []string{"an RSA key of 1024 bits is too weak: use RSA 2048 or more"},
		},
		{
			name:     "an Ed25519 key is rejected because cameras and browsers do not take it",
			pair:     pairOf(certSpec{key: edKey()}),
			reach:    reach,
			wantErrs: []error{ErrUnsupportedKey},
			wantMsgs: []string{"the key is Ed25519, which camera firmware and browsers do not accept for HTTPS"},
		},
		{
			name:     "a P-521 key is rejected as unsupported",
			pair:     pairOf(certSpec{key: p521Key()}),
			reach:    reach,
			wantErrs: []error{ErrUnsupportedKey},
			wantMsgs: []string{"the key's ECDSA curve P-521 is not supported"},
		},
		{
			name:     "a client-only certificate is rejected for lacking serverAuth",
			pair:     pairOf(certSpec{edit: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth} }}),
			reach:    reach,
			wantErrs: []error{ErrNoServerAuth},
			wantMsgs: []string{"the certificate is for clientAuth, not for TLS servers: reissue it with extended key usage serverAuth"},
		},
		{
			name:     "a certificate without extended key usage is rejected",
			pair:     pairOf(certSpec{edit: func(c *x509.Certificate) { c.ExtKeyUsage = nil }}),
			reach:    reach,
			wantErrs: []error{ErrNoServerAuth},
			wantMsgs: []string{"has no extended key usage"},
		},
		{
			name:     "anyExtendedKeyUsage alone is rejected",
			pair:     pairOf(certSpec{edit: func(c *x509.Certificate) { c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageAny} }}),
			reach:    reach,
			wantErrs: []error{ErrNoServerAuth},
			wantMsgs: []string{"allows any extended key usage but does not list serverAuth"},
		},
		{
			name: "serverAuth next to clientAuth passes",
			pair: pairOf(certSpec{edit: func(c *x509.Certificate) {
				c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth}
			}}),
			reach: reach,
		},
		{
			name:     "a CA certificate is rejected as a server certificate",
			pair:     pairOf(certSpec{edit: func(c *x509.Certificate) { c.IsCA = true }}),
			reach:    reach,
			wantErrs: []error{ErrCACertificate},
			wantMsgs: []string{"CA:TRUE"},
		},
		{
			name:     "a SHA-1 signature is rejected",
			pair:     pairOf(certSpec{key: rsaKey(), edit: func(c *x509.Certificate) { c.SignatureAlgorithm = x509.SHA1WithRSA }}),
			reach:    reach,
			wantErrs: []error{ErrWeakSignature},
			wantMsgs: []string{"signed with SHA1-RSA"},
		},
		{
			name:     "29 days left passes with a renewal warning",
			pair:     pairOf(certSpec{now: testNow.Add(-61 * day).Add(backdate), validity: 90 * day}),
			reach:    reach,
			wantWarn: []string{"expires in 29 days (on 2026-06-30 12:00 UTC): plan its renewal"},
		},
		{
			name:     "exactly 30 days left passes with a renewal warning",
			pair:     pairOf(certSpec{now: testNow.Add(-60 * day).Add(backdate), validity: 90 * day}),
			reach:    reach,
			wantWarn: []string{"expires in 30 days"},
		},
		{
			name:  "31 days left passes without warning",
			pair:  pairOf(certSpec{now: testNow.Add(-59 * day).Add(backdate), validity: 90 * day}),
			reach: reach,
		},
		{
			name:     "a lifetime over 825 days passes with a warning about Apple devices",
			pair:     pairOf(certSpec{validity: 826 * day}),
			reach:    reach,
			wantWarn: []string{"valid for 826 days; Apple devices refuse"},
		},
		{
			name:     "a key usage without digitalSignature passes with a warning",
			pair:     pairOf(certSpec{key: rsaKey(), edit: func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageKeyEncipherment }}),
			reach:    reach,
			wantWarn: []string{"lacks digitalSignature"},
		},
		{
			name:     "an empty reach list passes with a warning that coverage was not checked",
			pair:     pairOf(certSpec{}),
			wantWarn: []string{"was not checked"},
		},
		{
			name: "every problem is reported at once",
			pair: func(t *testing.T) *Pair {
				c := makeCert(t, certSpec{key: rsa1024Key(), now: testNow.Add(-900 * day), edit: func(c *x509.Certificate) {
					c.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
				}})
				return &Pair{Cert: c, Key: ecKey()}
			},
			reach:    []string{"192.0.2.99", "other.example.com"},
			wantErrs: []error{ErrKeyMismatch, ErrWeakKey, ErrExpired, ErrNoServerAuth, ErrHostNotCovered, ErrHostNotCovered},
			wantMsgs: []string{"192.0.2.99", "other.example.com", "1024 bits", "expired"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := tt.now
			if now.IsZero() {
				now = testNow
			}
			p := tt.pair(t)
			warnings, err := Validate(p, tt.reach, now)
			checkRuleErrors(t, err, tt.wantErrs, tt.wantMsgs)
			if len(warnings) != len(tt.wantWarn) {
				t.Fatalf("warnings = %q, want %d matching %q", warnings, len(tt.wantWarn), tt.wantWarn)
			}
			for i, w := range tt.wantWarn {
				if !strings.Contains(warnings[i], w) {
					t.Errorf("warning %d = %q, want it to contain %q", i, warnings[i], w)
				}
			}
		})
	}
}

// checkRuleErrors asserts err wraps exactly the rules in want (with
// repeats) and that its message contains every string in msgs.
func checkRuleErrors(t *testing.T, err error, want []error, msgs []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("Validate failed, want it to pass:\n%v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("Validate passed, want it to fail with %v", want)
	}
	var got []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		got = j.Unwrap()
	} else {
		got = []error{err}
	}
	if len(got) != len(want) {
		t.Fatalf("Validate reported %d problems, want %d (%v):\n%v", len(got), len(want), want, err)
	}
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Errorf("error does not wrap %q:\n%v", w, err)
		}
	}
	for i, e := range got {
		if msg := e.Error(); msg != strings.ToLower(msg[:1])+msg[1:] || strings.Contains(msg, "\n") {
			t.Errorf("problem %d is not one lower-case line: %q", i, msg)
		}
		if !strings.Contains(e.Error(), ": ") {
			t.Errorf("problem %d does not say what to do after a colon: %q", i, e.Error())
		}
	}
	for _, m := range msgs {
		if !strings.Contains(err.Error(), m) {
			t.Errorf("error does not contain %q:\n%v", m, err)
		}
	}
}

func TestValidateChecksTheChain(t *testing.T) {
	root := makeCA(t, caKey(), "Test Root", nil, nil)
	inter := makeCA(t, otherECKey(), "Test Intermediate", root, caKey())
	leaf := makeCert(t, certSpec{key: rsaKey(), issuer: inter, issuerKey: otherECKey()})
	unrelated := makeCA(t, p384Key(), "Unrelated CA", nil, nil)

	tests := []struct {
		name     string
		chain    []*x509.Certificate
		wantErrs []error
		wantMsgs []string
	}{
		{name: "a leaf followed by its intermediate and root passes", chain: []*x509.Certificate{inter, root}},
		{name: "a leaf followed by its intermediate alone passes", chain: []*x509.Certificate{inter}},
		{
			name:     "an unrelated CA first in the chain is rejected",
			chain:    []*x509.Certificate{unrelated},
			wantErrs: []error{ErrBrokenChain},
			wantMsgs: []string{`chain certificate 1 (CN=Unrelated CA,O=mxwizard test CA) did not issue`},
		},
		{
			name:     "a chain in the wrong order is rejected",
			chain:    []*x509.Certificate{root, inter},
			wantErrs: []error{ErrBrokenChain},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Validate(&Pair{Cert: leaf, Chain: tt.chain, Key: rsaKey()}, []string{"192.0.2.10"}, testNow)
			checkRuleErrors(t, err, tt.wantErrs, tt.wantMsgs)
		})
	}

	t.Run("an expired intermediate is rejected while the leaf is still valid", func(t *testing.T) {
		late := makeCert(t, certSpec{key: rsaKey(), issuer: inter, issuerKey: otherECKey(), now: inter.NotAfter.Add(-10 * day), validity: 90 * day})
		p := &Pair{Cert: late, Chain: []*x509.Certificate{inter}, Key: rsaKey()}
		if _, err := Validate(p, nil, inter.NotAfter.Add(-day)); err != nil {
			t.Fatalf("a day before the intermediate expires: %v", err)
		}
		_, err := Validate(p, nil, inter.NotAfter.Add(day))
		checkRuleErrors(t, err, []error{ErrExpired}, []string{"chain certificate 1 (CN=Test Intermediate,O=mxwizard test CA) expired"})
	})
}

func TestValidateWithoutACertificate(t *testing.T) {
	for _, p := range []*Pair{nil, {Key: ecKey()}} {
		if _, err := Validate(p, nil, testNow); err == nil || !strings.Contains(err.Error(), "no certificate to validate") {
			t.Errorf("Validate(%v) = %v, want the no-certificate error", p, err)
		}
	}
}

func TestSelfSignedPairsPassValidate(t *testing.T) {
	for _, kt := range []KeyType{RSA2048, ECDSAP256} {
		t.Run(string(kt)+" passes for the hosts it was made for", func(t *testing.T) {
			var key crypto.Signer = ecKey()
			if kt == RSA2048 {
				key = rsaKey()
			}
			c, _, err := SelfSigned(key, NewSubject("Front door", "192.0.2.10", "cam.example.com", "2001:db8::10"), 0, testNow)
			if err != nil {
				t.Fatal(err)
			}
			w, err := Validate(&Pair{Cert: c, Key: key}, []string{"192.0.2.10", "cam.example.com", "[2001:db8::10]:443"}, testNow)
			if err != nil || len(w) != 0 {
				t.Fatalf("Validate = %q, %v; want no warnings and no error", w, err)
			}
			w, err = Validate(&Pair{Cert: c, Key: key}, nil, testNow.Add(DefaultValidity-10*day))
			if err != nil || len(w) != 2 || !strings.Contains(w[0], "expires in 9 days") {
				t.Fatalf("ten days before the end: Validate = %q, %v; want the renewal warning", w, err)
			}
		})
	}
}
