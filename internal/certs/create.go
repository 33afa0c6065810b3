package certs

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// DefaultValidity is the lifetime of a self-signed certificate when none is
// given: 825 days, the longest Apple devices accept for a server certificate.
const DefaultValidity = 825 * 24 * time.Hour

// backdate is how far NotBefore lies before "now", so that a camera or
// client whose clock runs a little behind still accepts a fresh certificate.
const backdate = 5 * time.Minute

var (
	oidExtensionKeyUsage         = asn1.ObjectIdentifier{2, 5, 29, 15}
	oidExtensionExtendedKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}
	oidExtKeyUsageServerAuth     = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 1}
)

// SelfSigned makes a certificate for key, signed by key itself, for the
// camera described by subj. It is valid from five minutes before now (zero:
// the current time) for validity (zero: DefaultValidity), so NotAfter minus
// NotBefore equals validity exactly. It carries a random 128-bit serial,
// basicConstraints CA:FALSE, key usage digitalSignature (plus
// keyEncipherment for RSA), extended key usage serverAuth, and subj's DNS
// names and IP addresses as subject alternative names. It returns the parsed
// certificate and its DER bytes.
func SelfSigned(key crypto.Signer, subj Subject, validity time.Duration, now time.Time) (*x509.Certificate, []byte, error) {
	if key == nil {
		return nil, nil, errors.New("no private key given: generate one with GenerateKey first")
	}
	tmpl, err := leafTemplate(subj, key.Public(), validity, now)
	if err != nil {
		return nil, nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, fmt.Errorf("sign the self-signed certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("read back the self-signed certificate: %w", err)
	}
	return cert, der, nil
}

// leafTemplate is the certificate SelfSigned signs; a CA given the matching
// request should issue the same fields.
func leafTemplate(subj Subject, pub crypto.PublicKey, validity time.Duration, now time.Time) (*x509.Certificate, error) {
	if err := keyProblem(pub); err != nil {
		return nil, err
	}
	if err := subj.check(); err != nil {
		return nil, err
	}
	switch {
	case validity == 0:
		validity = DefaultValidity
	case validity < 0:
		return nil, fmt.Errorf("validity %v is negative: give a positive duration, or zero for %d days", validity, int(DefaultValidity/(24*time.Hour)))
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	notBefore := orNow(now).Add(-backdate).UTC().Truncate(time.Second)
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subj.name(),
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(validity),
		KeyUsage:              keyUsageFor(pub),
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
		DNSNames:              subj.DNSNames,
		IPAddresses:           subj.IPAddresses,
	}, nil
}

// keyUsageFor is digitalSignature for every key (TLS 1.3, ECDHE), plus
// keyEncipherment for RSA (RSA key exchange of older TLS 1.2 clients).
func keyUsageFor(pub crypto.PublicKey) x509.KeyUsage {
	if _, ok := pub.(*rsa.PublicKey); ok {
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment
	}
	return x509.KeyUsageDigitalSignature
}

func (s Subject) name() pkix.Name {
	n := pkix.Name{CommonName: s.commonName()}
	if s.Organization != "" {
		n.Organization = []string{s.Organization}
	}
	if s.Country != "" {
		n.Country = []string{strings.ToUpper(s.Country)}
	}
	return n
}

// randomSerial is a positive random integer of 128 bits.
func randomSerial() (*big.Int, error) {
	b := make([]byte, 16)
	for {
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("draw a random serial number: %w", err)
		}
		if n := new(big.Int).SetBytes(b); n.Sign() > 0 {
			return n, nil
		}
	}
}

// CertificateRequest makes a PKCS#10 certificate signing request ("CERTIFICATE
// REQUEST" PEM block) for key and subj, to hand to the customer's CA. Besides
// the subject and its alternative names it asks for the same key usage and
// serverAuth extended key usage SelfSigned uses; a CA may or may not copy
// them, so Validate the certificate that comes back.
func CertificateRequest(key crypto.Signer, subj Subject) ([]byte, error) {
	if key == nil {
		return nil, errors.New("no private key given: generate one with GenerateKey first")
	}
	if err := keyProblem(key.Public()); err != nil {
		return nil, err
	}
	if err := subj.check(); err != nil {
		return nil, err
	}
	ku, err := keyUsageExtension(keyUsageFor(key.Public()))
	if err != nil {
		return nil, err
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidExtKeyUsageServerAuth})
	if err != nil {
		return nil, fmt.Errorf("encode the extended key usage: %w", err)
	}
	tmpl := &x509.CertificateRequest{
		Subject:     subj.name(),
		DNSNames:    subj.DNSNames,
		IPAddresses: subj.IPAddresses,
		ExtraExtensions: []pkix.Extension{
			ku,
			{Id: oidExtensionExtendedKeyUsage, Value: eku},
		},
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		return nil, fmt.Errorf("sign the certificate request: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), nil
}

// keyUsageExtension encodes the digitalSignature and keyEncipherment bits
// (the only two mxwizard asks for) as a critical key usage extension.
func keyUsageExtension(ku x509.KeyUsage) (pkix.Extension, error) {
	// In the DER BIT STRING, KeyUsage bit n is the n-th bit from the left;
	// trailing zero bits are not encoded.
	var bits asn1.BitString
	switch ku {
	case x509.KeyUsageDigitalSignature:
		bits = asn1.BitString{Bytes: []byte{0x80}, BitLength: 1}
	case x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment:
		bits = asn1.BitString{Bytes: []byte{0xA0}, BitLength: 3}
	default:
		return pkix.Extension{}, fmt.Errorf("key usage %#x is not one mxwizard requests", int(ku))
	}
	v, err := asn1.Marshal(bits)
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("encode the key usage: %w", err)
	}
	return pkix.Extension{Id: oidExtensionKeyUsage, Critical: true, Value: v}, nil
}
