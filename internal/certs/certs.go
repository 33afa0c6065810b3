// Package certs makes, imports and checks the X.509 certificate and private
// key that a MOBOTIX camera's web server presents over HTTPS (step 16 of the
// hardening guide, "Generate and load custom X.509 certificates").
//
// It generates keys, self-signed certificates and certificate requests for a
// customer's CA, reads the PEM files people bring (PKCS#1, PKCS#8 and SEC1
// keys, certificate chains, the camera's own single-file bundle), writes the
// file the camera's one certificate slot takes, and validates a pair against
// the names and addresses the camera is reached by before anything is
// uploaded. It uses the standard library only.
package certs

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// KeyType names a kind of private key mxwizard can generate.
type KeyType string

// The key types mxwizard generates. The names are what ParseKeyType accepts
// and what flags and configuration files show.
const (
	// RSA2048 is the default: every camera firmware and client accepts it.
	RSA2048 KeyType = "rsa2048"
	// RSA4096 is stronger but slow to generate (up to a second or more)
	// and makes every TLS handshake on the camera slower.
	RSA4096 KeyType = "rsa4096"
	// ECDSAP256 is fast and small; older firmware may not accept it.
	ECDSAP256 KeyType = "ecdsa-p256"
)

// DefaultKeyType is used when no key type was chosen, for compatibility.
const DefaultKeyType = RSA2048

// keyTypes lists the key types in the order a menu should offer them.
func keyTypes() []KeyType { return []KeyType{RSA2048, RSA4096, ECDSAP256} }

// ParseKeyType reads a key type as typed on the command line or in a
// configuration file, ignoring case and surrounding space.
func ParseKeyType(s string) (KeyType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "rsa2048", "rsa-2048":
		return RSA2048, nil
	case "rsa4096", "rsa-4096":
		return RSA4096, nil
	case "ecdsa-p256", "ecdsa-p-256", "p256", "p-256":
		return ECDSAP256, nil
	}
	return "", fmt.Errorf("unknown key type %q: use rsa2048 (default), rsa4096 or ecdsa-p256", s)
}

// GenerateKey makes a new private key of type kt; the empty KeyType means
// DefaultKeyType. RSA keys take tens of milliseconds (2048) to over a second
// (4096): run it off the UI goroutine.
func GenerateKey(kt KeyType) (crypto.Signer, error) {
	var (
		key crypto.Signer
		err error
	)
	switch kt {
	case "", RSA2048:
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	case RSA4096:
		key, err = rsa.GenerateKey(rand.Reader, 4096)
	case ECDSAP256:
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		return nil, fmt.Errorf("unknown key type %q: use rsa2048 (default), rsa4096 or ecdsa-p256", string(kt))
	}
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", kt, err)
	}
	return key, nil
}

// Subject is what a new certificate or certificate request says about the
// camera: its names and the addresses clients reach it by.
type Subject struct {
	// CommonName is shown by browsers; clients match names and addresses
	// against DNSNames and IPAddresses only. Empty means the first DNS name,
	// or else the first IP address.
	CommonName string
	// Organization is optional (e.g. the site operator).
	Organization string
	// Country is optional; when set, a two-letter ISO 3166 code such as DE.
	Country string
	// DNSNames become DNS subject alternative names; "*.cams.example.com"
	// wildcards are allowed.
	DNSNames []string
	// IPAddresses become IP subject alternative names.
	IPAddresses []net.IP
}

// NewSubject builds a Subject from the hosts a camera is reached by (names,
// addresses, host:port or URLs): entries that parse as IP addresses become
// IP SANs, the others DNS SANs. An empty commonName takes the first host.
func NewSubject(commonName string, hosts ...string) Subject {
	s := Subject{CommonName: commonName}
	for _, h := range hosts {
		h = normalizeHost(h)
		if h == "" {
			continue
		}
		if ip := net.ParseIP(h); ip != nil {
			s.IPAddresses = append(s.IPAddresses, ip)
		} else {
			s.DNSNames = append(s.DNSNames, h)
		}
	}
	return s
}

// normalizeHost reduces a URL or host:port to the host: it strips scheme,
// path, port, IPv6 brackets and a trailing dot, and lower-cases names, so
// "https://Cam.Example.COM.:443/" and "[2001:db8::1]:443" compare as hosts.
func normalizeHost(h string) string {
	h = strings.TrimSpace(h)
	if u, err := url.Parse(h); err == nil && u.Scheme != "" && u.Host != "" {
		h = u.Host
	}
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if net.ParseIP(h) != nil {
		return h
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// commonName is the CN the certificate gets.
func (s Subject) commonName() string {
	switch {
	case s.CommonName != "":
		return s.CommonName
	case len(s.DNSNames) > 0:
		return s.DNSNames[0]
	case len(s.IPAddresses) > 0:
		return s.IPAddresses[0].String()
	}
	return ""
}

// check reports what makes s unusable for a camera certificate.
func (s Subject) check() error {
	if len(s.DNSNames) == 0 && len(s.IPAddresses) == 0 {
		return fmt.Errorf("the certificate would name no host: add the camera's IP address or host name (clients ignore the common name)")
	}
	for _, n := range s.DNSNames {
		if net.ParseIP(n) != nil {
			return fmt.Errorf("%q is an IP address, not a DNS name: list it under IP addresses so clients accept it", n)
		}
		if !validDNSName(n) {
			return fmt.Errorf("%q is not a valid DNS name: use letters, digits, hyphens and dots (a leading \"*.\" is allowed)", n)
		}
	}
	for _, ip := range s.IPAddresses {
		if ip.To16() == nil {
			return fmt.Errorf("an IP address of %d bytes is not valid: give IPv4 or IPv6 addresses", len(ip))
		}
	}
	if cn := s.commonName(); len(cn) > 64 {
		return fmt.Errorf("common name %q is longer than 64 characters: shorten it", cn)
	}
	if len(s.Organization) > 64 {
		return fmt.Errorf("organization %q is longer than 64 characters: shorten it", s.Organization)
	}
	if s.Country != "" && !validCountry(s.Country) {
		return fmt.Errorf("country %q is not a two-letter ISO 3166 code: use one such as DE or US, or leave it empty", s.Country)
	}
	return nil
}

func validCountry(c string) bool {
	if len(c) != 2 {
		return false
	}
	for _, r := range c {
		if (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') {
			return false
		}
	}
	return true
}

// validDNSName accepts host names of letters, digits and hyphens, with an
// optional "*." wildcard as the whole first label.
func validDNSName(n string) bool {
	n = strings.TrimPrefix(n, "*.")
	if n == "" || len(n) > 253 {
		return false
	}
	for _, label := range strings.Split(n, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && r != '-' && r != '_' {
				return false
			}
		}
	}
	return true
}

// orNow returns t, or the current time when t is zero.
func orNow(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}
