package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// The rules Validate enforces. Every error Validate returns wraps one of
// them, so callers can test with errors.Is; the message itself says what is
// wrong and what to do.
var (
	// ErrKeyMismatch: the private key is missing or belongs to another certificate.
	ErrKeyMismatch = errors.New("private key does not match the certificate")
	// ErrNotYetValid: the certificate's NotBefore lies in the future.
	ErrNotYetValid = errors.New("certificate not yet valid")
	// ErrExpired: the certificate, or a certificate of its chain, has expired.
	ErrExpired = errors.New("certificate expired")
	// ErrHostNotCovered: a name or address the camera is reached by is not
	// among the certificate's subject alternative names.
	ErrHostNotCovered = errors.New("host not covered by the certificate")
	// ErrWeakKey: an RSA key shorter than 2048 bits.
	ErrWeakKey = errors.New("key too weak")
	// ErrUnsupportedKey: a key the camera's web server or browsers do not
	// take (Ed25519, curves other than P-256 and P-384).
	ErrUnsupportedKey = errors.New("key type not supported")
	// ErrNoServerAuth: the extended key usage does not list serverAuth.
	ErrNoServerAuth = errors.New("certificate not for TLS servers")
	// ErrCACertificate: the certificate is a CA certificate (CA:TRUE).
	ErrCACertificate = errors.New("CA certificate used as server certificate")
	// ErrWeakSignature: signed with MD5 or SHA-1.
	ErrWeakSignature = errors.New("weak signature algorithm")
	// ErrBrokenChain: a chain certificate did not issue the one before it.
	ErrBrokenChain = errors.New("certificate chain does not link")
)

// RenewalWarning is how close to its end a certificate draws a warning.
const RenewalWarning = 30 * 24 * time.Hour

// ruleError is one broken rule: the person reads msg, code tests rule.
type ruleError struct {
	rule error
	msg  string
}

func (e *ruleError) Error() string { return e.msg }
func (e *ruleError) Unwrap() error { return e.rule }

func problem(rule error, format string, args ...any) error {
	return &ruleError{rule: rule, msg: fmt.Sprintf(format, args...)}
}

// Validate checks that p can serve HTTPS for a camera reached by the hosts
// in reach (names or IP addresses, optionally with a port) at time now
// (zero: the current time). It reports every broken rule at once, joined
// with errors.Join, each wrapping one of the Err* rules:
//
//   - the private key belongs to the certificate (public keys compared);
//   - now lies between NotBefore and NotAfter, also for the chain;
//   - every reach entry is covered: an IP address by an IP SAN, a name by a
//     DNS SAN, wildcards as crypto/x509's VerifyHostname matches them (one
//     label, "*.cams.example.com" covers "a.cams.example.com" but neither
//     "cams.example.com" nor "a.b.cams.example.com"); the common name counts
//     for nothing, as in every current client;
//   - RSA of at least 2048 bits, or ECDSA on P-256 or P-384; Ed25519 and
//     other curves are rejected because camera firmware and browsers do not
//     take them for HTTPS;
//   - the extended key usage lists serverAuth explicitly. A certificate
//     without the extension, or with anyExtendedKeyUsage alone, is rejected:
//     RFC 5280 lets those serve anything, but Apple devices require
//     serverAuth for TLS server certificates;
//   - it is not a CA certificate (Firefox refuses those as server
//     certificates), and it is not signed with MD5 or SHA-1;
//   - each chain certificate issued the one before it.
//
// Warnings, which do not fail validation: at most RenewalWarning left,
// a lifetime over 825 days (Apple devices refuse those), a key usage without
// digitalSignature, and an empty reach list (coverage not checked).
func Validate(p *Pair, reach []string, now time.Time) (warnings []string, err error) {
	if p == nil || p.Cert == nil {
		return nil, errors.New("no certificate to validate: generate or import one first")
	}
	now = orNow(now)
	c := p.Cert
	var errs []error

	switch {
	case p.Key == nil:
		errs = append(errs, problem(ErrKeyMismatch, "the pair has no private key: import the key that belongs to the certificate"))
	case !publicKeysEqual(c.PublicKey, p.Key.Public()):
		errs = append(errs, problem(ErrKeyMismatch, "the private key does not belong to the certificate: import the key that was generated together with the certificate or its request"))
	}
	if err := keyProblem(c.PublicKey); err != nil {
		errs = append(errs, err)
	}

	switch left := c.NotAfter.Sub(now); {
	case now.Before(c.NotBefore):
		errs = append(errs, problem(ErrNotYetValid, "the certificate is not valid before %s (it is now %s): check the clocks of this computer and the camera, or wait until then", stamp(c.NotBefore), stamp(now)))
	case now.After(c.NotAfter):
		errs = append(errs, problem(ErrExpired, "the certificate expired on %s: renew it (generate a new one, or ask your CA)", stamp(c.NotAfter)))
	case left <= RenewalWarning:
		warnings = append(warnings, fmt.Sprintf("the certificate expires in %s (on %s): plan its renewal", days(left), stamp(c.NotAfter)))
	}
	if life := c.NotAfter.Sub(c.NotBefore); life > DefaultValidity {
		warnings = append(warnings, fmt.Sprintf("the certificate is valid for %s; Apple devices refuse server certificates valid for more than 825 days", days(life)))
	}

	if c.IsCA {
		errs = append(errs, problem(ErrCACertificate, "the certificate is a CA certificate (basicConstraints CA:TRUE), which Firefox refuses as a server certificate: reissue it with CA:FALSE"))
	}
	if err := serverAuthProblem(c); err != nil {
		errs = append(errs, err)
	}
	if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		warnings = append(warnings, "the key usage lacks digitalSignature, so TLS 1.3 and ECDHE clients may refuse the certificate: reissue it with digitalSignature")
	}
	if weakSignature(c.SignatureAlgorithm) {
		errs = append(errs, problem(ErrWeakSignature, "the certificate is signed with %v, which browsers reject: reissue it signed with SHA-256", c.SignatureAlgorithm))
	}

	if len(reach) == 0 {
		warnings = append(warnings, "no host names or addresses were given, so whether the certificate covers the camera was not checked")
	}
	for _, r := range reach {
		if err := coverageProblem(c, r); err != nil {
			errs = append(errs, err)
		}
	}

	prev := c
	for i, ca := range p.Chain {
		if err := prev.CheckSignatureFrom(ca); err != nil {
			errs = append(errs, problem(ErrBrokenChain, "chain certificate %d (%s) did not issue %q: put each CA certificate right after the one it issued, and leave out unrelated ones", i+1, ca.Subject, prev.Subject.String()))
			break
		}
		if now.After(ca.NotAfter) {
			errs = append(errs, problem(ErrExpired, "chain certificate %d (%s) expired on %s: get the current intermediate certificate from your CA", i+1, ca.Subject, stamp(ca.NotAfter)))
		}
		prev = ca
	}
	return warnings, errors.Join(errs...)
}

// keyProblem reports a public key the camera should not be given.
func keyProblem(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < 2048 {
			return problem(ErrWeakKey, "an RSA key of %d bits is too weak: use RSA 2048 or more, or ECDSA P-256", bits)
		}
		return nil
	case *ecdsa.PublicKey:
		if k.Curve == elliptic.P256() || k.Curve == elliptic.P384() {
			return nil
		}
		name := "unknown"
		if k.Curve != nil {
			name = k.Curve.Params().Name
		}
		return problem(ErrUnsupportedKey, "the key's ECDSA curve %s is not supported: use P-256 (or P-384), or RSA 2048", name)
	case ed25519.PublicKey:
		return problem(ErrUnsupportedKey, "the key is Ed25519, which camera firmware and browsers do not accept for HTTPS: use RSA 2048 or ECDSA P-256")
	}
	return problem(ErrUnsupportedKey, "keys of type %T are not supported: use RSA 2048 or ECDSA P-256", pub)
}

func serverAuthProblem(c *x509.Certificate) error {
	var uses []string
	anyUse := false
	for _, u := range c.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageServerAuth:
			return nil
		case x509.ExtKeyUsageAny:
			anyUse = true
		default:
			uses = append(uses, extKeyUsageName(u))
		}
	}
	for _, oid := range c.UnknownExtKeyUsage {
		uses = append(uses, oid.String())
	}
	const fix = "reissue it with extended key usage serverAuth (TLS Web Server Authentication)"
	switch {
	case anyUse:
		return problem(ErrNoServerAuth, "the certificate allows any extended key usage but does not list serverAuth, which Apple devices require: %s", fix)
	case len(uses) == 0:
		return problem(ErrNoServerAuth, "the certificate has no extended key usage, and Apple devices require serverAuth: %s", fix)
	}
	return problem(ErrNoServerAuth, "the certificate is for %s, not for TLS servers: %s", strings.Join(uses, ", "), fix)
}

func extKeyUsageName(u x509.ExtKeyUsage) string {
	switch u {
	case x509.ExtKeyUsageClientAuth:
		return "clientAuth"
	case x509.ExtKeyUsageCodeSigning:
		return "codeSigning"
	case x509.ExtKeyUsageEmailProtection:
		return "emailProtection"
	case x509.ExtKeyUsageTimeStamping:
		return "timeStamping"
	case x509.ExtKeyUsageOCSPSigning:
		return "OCSPSigning"
	}
	return fmt.Sprintf("extended key usage %d", int(u))
}

func weakSignature(a x509.SignatureAlgorithm) bool {
	switch a {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		return true
	}
	return false
}

// coverageProblem reports a reach entry c does not cover, with the most
// specific hint it can give.
func coverageProblem(c *x509.Certificate, entry string) error {
	host := normalizeHost(entry)
	if host == "" || c.VerifyHostname(host) == nil {
		return nil
	}
	if net.ParseIP(host) != nil {
		if slices.Contains(c.DNSNames, host) {
			return problem(ErrHostNotCovered, "certificate lists %s as a DNS name, which clients do not match against addresses: reissue it with %s as an IP SAN", host, host)
		}
		return problem(ErrHostNotCovered, "certificate does not cover %s: add it as an IP SAN or reach the camera by a listed name (listed: %s)", host, listedNames(c))
	}
	if strings.EqualFold(c.Subject.CommonName, host) {
		return problem(ErrHostNotCovered, "certificate names %s only in its common name, which clients ignore: reissue it with %s as a DNS SAN", host, host)
	}
	return problem(ErrHostNotCovered, "certificate does not cover %s: add it as a DNS SAN or reach the camera by a listed name (listed: %s)", host, listedNames(c))
}

func listedNames(c *x509.Certificate) string {
	var l []string
	for _, n := range c.DNSNames {
		l = append(l, "DNS:"+n)
	}
	for _, ip := range c.IPAddresses {
		l = append(l, "IP:"+ip.String())
	}
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 MST") }

func days(d time.Duration) string {
	switch n := int(d / (24 * time.Hour)); n {
	case 0:
		return "less than a day"
	case 1:
		return "1 day"
	default:
		return fmt.Sprintf("%d days", n)
	}
}
