package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdh"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Pair is a server certificate, the intermediate CA certificates that lead
// from it towards a root, and its private key: everything the camera's
// HTTPS slot holds.
//
// Printing a Pair with fmt shows the subject and fingerprint only, never the
// key; Key itself prints its secrets, so never log it.
type Pair struct {
	// Cert is the camera's own (leaf) certificate.
	Cert *x509.Certificate
	// Chain holds intermediate certificates, each issued by the next,
	// the first one having issued Cert. Empty for a self-signed certificate.
	Chain []*x509.Certificate
	// Key is Cert's private key.
	Key crypto.Signer
}

// BundlePEM is the single PEM file for the camera's one certificate slot
// (httpd_cert.pem): the certificate first, then the chain from the issuing
// intermediate upwards, then the private key as PKCS#8 ("PRIVATE KEY").
//
// The order is our choice, kept here so it can be corrected from a real
// camera: no public source states the order the camera expects. Certificate
// first is the order TLS servers that read one combined file commonly
// accept, and the order the chain is sent on the wire; parsePEMBundle
// accepts any order. PKCS#8 is what the public MOBOTIX tool (Keyfactor's
// orchestrator, tested on MX-V7.3.5.35) uploads for RSA and ECDSA keys;
// note that it uploads the key as a separate file, httpd_privkey.pem, with
// CertificatePEM and KeyPEM as the two halves.
func (p *Pair) BundlePEM() ([]byte, error) {
	key, err := p.KeyPEM()
	if err != nil {
		return nil, err
	}
	return append(p.CertificatePEM(), key...), nil
}

// CertificatePEM is the certificate followed by its chain, without the key:
// for a camera that takes certificate and key as separate files, and for
// showing or pinning.
func (p *Pair) CertificatePEM() []byte {
	var b bytes.Buffer
	for _, c := range p.certificates() {
		// Encoding to a bytes.Buffer fails only for invalid headers; we set none.
		_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return b.Bytes()
}

// KeyPEM is the private key alone as a PKCS#8 "PRIVATE KEY" block. Treat the
// result as a secret: write it only to the camera or to a file only its
// owner can read.
func (p *Pair) KeyPEM() ([]byte, error) {
	if p.Key == nil {
		return nil, errors.New("the pair has no private key: import the key that belongs to the certificate")
	}
	der, err := x509.MarshalPKCS8PrivateKey(p.Key)
	if err != nil {
		// The underlying error names the key's type only, never its value.
		return nil, fmt.Errorf("encode the private key as PKCS#8: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// fingerprint is the SHA-256 fingerprint of the certificate (not of the
// chain), formatted as FingerprintSHA256 does; "" without a certificate.
func (p *Pair) fingerprint() string {
	if p == nil || p.Cert == nil {
		return ""
	}
	return FingerprintSHA256(p.Cert.Raw)
}

// FingerprintSHA256 formats the SHA-256 of DER bytes the way
// `openssl x509 -noout -fingerprint -sha256` prints it: upper-case hex
// pairs joined by colons.
func FingerprintSHA256(der []byte) string {
	const hexDigits = "0123456789ABCDEF"
	sum := sha256.Sum256(der)
	var b strings.Builder
	b.Grow(len(sum)*3 - 1)
	for i, x := range sum {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteByte(hexDigits[x>>4])
		b.WriteByte(hexDigits[x&0x0f])
	}
	return b.String()
}

// tlsCertificate is the pair as crypto/tls serves it: certificate, then
// chain, with the private key.
func (p *Pair) tlsCertificate() tls.Certificate {
	var ders [][]byte
	for _, c := range p.certificates() {
		ders = append(ders, c.Raw)
	}
	return tls.Certificate{Certificate: ders, PrivateKey: p.Key, Leaf: p.Cert}
}

func (p *Pair) certificates() []*x509.Certificate {
	if p.Cert == nil {
		return p.Chain
	}
	return append([]*x509.Certificate{p.Cert}, p.Chain...)
}

// String names the certificate by subject and fingerprint; it never shows
// the key.
func (p Pair) String() string {
	if p.Cert == nil {
		return "certificate pair (no certificate)"
	}
	return fmt.Sprintf("certificate %q SHA256 %s", p.Cert.Subject.String(), FingerprintSHA256(p.Cert.Raw))
}

// Format prints String for every verb, so %v, %+v and %#v cannot dump the
// private key's fields into a log or an error message.
func (p Pair) Format(f fmt.State, _ rune) {
	_, _ = f.Write([]byte(p.String()))
}

// parsePEMBundle reads a single PEM file holding a private key and its
// certificate chain, in any order, as the camera stores it and as many
// tools export it. Text between blocks (openssl's "Bag Attributes", or
// `-text` dumps) is ignored; "EC PARAMETERS" blocks are skipped. The leaf is
// the certificate whose public key matches the key (the first certificate
// if none does, for Validate to report); the others become Chain, ordered
// from the leaf's issuer upwards.
func parsePEMBundle(data []byte) (*Pair, error) {
	certs, keys, err := parsePEM(data)
	if err != nil {
		return nil, err
	}
	keys = uniqueKeys(keys)
	switch {
	case len(certs) == 0 && len(keys) == 0:
		return nil, errNoPEM(data)
	case len(certs) == 0:
		return nil, errors.New("the file holds a private key but no certificate: add the certificate (a CERTIFICATE block) to the same file")
	case len(keys) == 0:
		return nil, errors.New("the file holds no private key: add the certificate's key (a PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block) to the same file")
	case len(keys) > 1:
		return nil, fmt.Errorf("the file holds %d private keys: keep only the one that belongs to the certificate", len(keys))
	}
	return assemble(certs, keys[0]), nil
}

// ImportPair reads a certificate file (the certificate, optionally followed
// by intermediates) and a separate key file, as a CA or openssl hands them
// out. It accepts the same block types as parsePEMBundle.
func ImportPair(certPEM, keyPEM []byte) (*Pair, error) {
	certs, keysInCertFile, err := parsePEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("certificate file: %w", err)
	}
	if len(certs) == 0 {
		if len(keysInCertFile) > 0 {
			return nil, errors.New("certificate file: it holds a private key, not a certificate: check that the two files were not swapped")
		}
		return nil, fmt.Errorf("certificate file: %w", errNoPEM(certPEM))
	}
	extra, keys, err := parsePEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	keys = uniqueKeys(append(keysInCertFile, keys...))
	switch {
	case len(keys) == 0 && len(extra) > 0:
		return nil, errors.New("key file: it holds certificates but no private key: choose the file with the PRIVATE KEY block")
	case len(keys) == 0:
		return nil, fmt.Errorf("key file: %w", errNoPEM(keyPEM))
	case len(keys) > 1:
		return nil, fmt.Errorf("the files hold %d private keys: keep only the one that belongs to the certificate", len(keys))
	}
	return assemble(append(certs, extra...), keys[0]), nil
}

func errNoPEM(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("the file is empty: choose the PEM file with the certificate and key")
	}
	return errors.New("no PEM blocks found (is it a binary DER or PKCS#12 file?): convert it with " +
		"`openssl x509 -inform der -in cert.der -out cert.pem` or " +
		"`openssl pkcs12 -in file.p12 -nodes -out camera.pem`")
}

// parsePEM collects the certificates and private keys of data. Its errors
// never quote key bytes.
func parsePEM(data []byte) ([]*x509.Certificate, []crypto.Signer, error) {
	var (
		certs []*x509.Certificate
		keys  []crypto.Signer
	)
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if isEncrypted(block) {
			return nil, nil, errors.New("the key is encrypted: export it without a passphrase for upload " +
				"(`openssl pkey -in key.pem -out key-plain.pem`), and keep that file private")
		}
		switch block.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, nil, fmt.Errorf("certificate %d does not parse (%v): export it again as PEM", len(certs)+1, err)
			}
			certs = append(certs, c)
		case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
			k, err := parseKey(block)
			if err != nil {
				return nil, nil, err
			}
			keys = append(keys, k)
		case "EC PARAMETERS":
			// `openssl ecparam -genkey` writes the curve before the key.
		case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
			return nil, nil, errors.New("the file holds a certificate request, not a certificate: send it to your CA and import the certificate it returns")
		default:
			return nil, nil, fmt.Errorf("unexpected PEM block %q: the file should hold only certificates and one private key", block.Type)
		}
	}
	return certs, keys, nil
}

// isEncrypted recognises PKCS#8 encrypted keys and legacy OpenSSL
// "Proc-Type: 4,ENCRYPTED" PEM blocks.
func isEncrypted(b *pem.Block) bool {
	if b.Type == "ENCRYPTED PRIVATE KEY" {
		return true
	}
	_, dek := b.Headers["DEK-Info"]
	return dek || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED")
}

// parseKey reads a PKCS#8, PKCS#1 or SEC1 key whatever the block's label
// says (some tools mislabel them). The x509 parse errors are not passed on:
// the message a person sees must never carry key material.
func parseKey(b *pem.Block) (crypto.Signer, error) {
	var (
		key any
		err error
	)
	for _, parse := range []func([]byte) (any, error){
		x509.ParsePKCS8PrivateKey,
		func(d []byte) (any, error) { return x509.ParsePKCS1PrivateKey(d) },
		func(d []byte) (any, error) { return x509.ParseECPrivateKey(d) },
	} {
		if key, err = parse(b.Bytes); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("the %s block is not a readable PKCS#8, PKCS#1 or SEC1 key: export it again (`openssl pkey -in key.pem -out key-plain.pem`)", b.Type)
	}
	switch k := key.(type) {
	case *ecdh.PrivateKey:
		return nil, errors.New("the private key is an X25519 key, which cannot sign: use an RSA or ECDSA key")
	case crypto.Signer:
		return k, nil
	default:
		return nil, fmt.Errorf("private keys of type %T are not supported: use an RSA or ECDSA key", key)
	}
}

// assemble picks the leaf matching key and orders the rest as a chain.
func assemble(certs []*x509.Certificate, key crypto.Signer) *Pair {
	leaf := 0
	for i, c := range certs {
		if publicKeysEqual(c.PublicKey, key.Public()) {
			leaf = i
			break
		}
	}
	p := &Pair{Cert: certs[leaf], Key: key}
	var rest []*x509.Certificate
	for i, c := range certs {
		if i != leaf && !c.Equal(p.Cert) && !containsCert(rest, c) {
			rest = append(rest, c)
		}
	}
	// Follow issuer links from the leaf; whatever does not link keeps its
	// original order at the end, for Validate to report.
	for cur := p.Cert; len(rest) > 0; {
		next := -1
		for i, c := range rest {
			if bytes.Equal(cur.RawIssuer, c.RawSubject) && !bytes.Equal(cur.RawSubject, cur.RawIssuer) {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		cur = rest[next]
		p.Chain = append(p.Chain, cur)
		rest = append(rest[:next:next], rest[next+1:]...)
	}
	p.Chain = append(p.Chain, rest...)
	return p
}

func containsCert(list []*x509.Certificate, c *x509.Certificate) bool {
	for _, x := range list {
		if x.Equal(c) {
			return true
		}
	}
	return false
}

func publicKeysEqual(a, b crypto.PublicKey) bool {
	ka, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && b != nil && ka.Equal(b)
}

// uniqueKeys drops repeats of the same key (a combined file and a key file
// may both hold it).
func uniqueKeys(keys []crypto.Signer) []crypto.Signer {
	var out []crypto.Signer
	for _, k := range keys {
		dup := false
		for _, o := range out {
			dup = dup || publicKeysEqual(o.Public(), k.Public())
		}
		if !dup {
			out = append(out, k)
		}
	}
	return out
}
