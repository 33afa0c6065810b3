package steps

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/certs"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// certificate is step 16.
type certificate struct{}

func (certificate) Info() Info {
	return Info{
		16, "certificate", "Generate and load custom X.509 certificates",
		"Admin Menu > Network Setup > Web Server (for experts)",
		"The factory certificate is the same kind on every camera and names nobody; your own certificate lets clients pin or verify this camera.",
	}
}

// IsFactoryCertificate recognises the camera's factory self-signed
// certificate (see isFactoryCertificate).
func IsFactoryCertificate(c *x509.Certificate) bool { return c != nil && isFactoryCertificate(c) }

// isFactoryCertificate recognises the camera's factory self-signed
// certificate: self-issued with MOBOTIX as its organisation.
func isFactoryCertificate(c *x509.Certificate) bool {
	if c.Subject.String() != c.Issuer.String() {
		return false
	}
	for _, o := range c.Subject.Organization {
		if strings.Contains(strings.ToUpper(o), "MOBOTIX") {
			return true
		}
	}
	return false
}

func (certificate) Check(s *Snapshot) Finding {
	c := s.Certificate
	if s.PendingCertificate != nil {
		c = s.PendingCertificate
	}
	if c == nil {
		return manual("connected over plain HTTP: the HTTPS certificate was not seen")
	}
	now := s.now()
	fp := camera.FingerprintSHA256(c.Raw)
	switch {
	case now.After(c.NotAfter):
		return fail("the certificate expired on %s (SHA-256 %s)", c.NotAfter.Format("2006-01-02"), fp)
	case isFactoryCertificate(c):
		return fail("the camera uses its factory self-signed certificate (SHA-256 %s)", fp)
	case c.NotAfter.Sub(now) < 30*24*time.Hour:
		return pass("own certificate, but it expires on %s: renew it soon (SHA-256 %s)", c.NotAfter.Format("2006-01-02"), fp)
	}
	pending := ""
	if s.PendingCertificate != nil {
		pending = ", active after the reboot"
	}
	return pass("own certificate for %s, valid until %s%s (SHA-256 %s)", c.Subject.CommonName, c.NotAfter.Format("2006-01-02"), pending, fp)
}

func (ct certificate) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: ct.Info()}
	if n := p.CameraName; n != "" && s.Value(camera.SecEthernet, camera.KeyHostname) != n {
		pl.Params = append(pl.Params, param(camera.SecEthernet, camera.KeyHostname, n))
		pl.Notes = append(pl.Notes, fmt.Sprintf("the camera is named %s (from the hosts list; Admin Menu > Network Setup > Ethernet Interface): a certificate made here names it", n))
	}
	cp := p.Certificate
	if cp.Mode == "keep" || ct.Check(s).Status == Pass {
		return pl, nil
	}
	if s.Base == nil || s.Base.Scheme != "https" {
		// Over HTTP the private key would cross the network in clear, and
		// the certificate the camera presents afterwards cannot be seen:
		// the step is not possible, it is not tried and failed.
		pl.Notes = append(pl.Notes, "not possible without HTTPS: the private key would travel in clear and the installed certificate could not be verified; connect with https:// and run this step again")
		return pl, nil
	}
	reach := []string{s.Base.Hostname()}
	name := s.Value(camera.SecEthernet, camera.KeyHostname)
	if p.CameraName != "" {
		name = p.CameraName
	}
	if name != "" {
		reach = append(reach, name)
	}
	reach = append(reach, cp.Names...)
	var pair *certs.Pair
	reused := false
	if cp.Mode == "self-signed" {
		// The certificate of the commissioning, from the camera's secrets
		// file: after a factory reset the camera gets it back, so nothing
		// pinned to it breaks (unless it no longer fits or expired).
		if pair = keptPair(gen, s, reach); pair != nil {
			reused = true
			pl.Notes = append(pl.Notes, "the certificate of the commissioning is installed again (from the secrets file): whatever pinned it keeps working")
		}
	}
	generated := false
	switch {
	case reused:
	case cp.Mode != "import" && runPair(gen, reach) != nil:
		// Planned before in this run (the whole plan, shown first): the
		// certificate installed is the one that plan showed.
		pair = runPair(gen, reach)
	case cp.Mode == "import":
		certPEM, err := os.ReadFile(cp.CertFile)
		if err != nil {
			return nil, fmt.Errorf("the certificate file: %w", err)
		}
		keyPEM, err := os.ReadFile(cp.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("the key file: %w", err)
		}
		if pair, err = certs.ImportPair(certPEM, keyPEM); err != nil {
			return nil, fmt.Errorf("certificate: %w", err)
		}
		warnings, err := certs.Validate(pair, []string{s.Base.Hostname()}, s.now())
		if err != nil {
			return nil, fmt.Errorf("certificate %s: %w", cp.CertFile, err)
		}
		pl.Notes = append(pl.Notes, warnings...)
	default:
		kt, err := certs.ParseKeyType(cp.KeyType)
		if err != nil {
			return nil, fmt.Errorf("certificate.key_type: %w", err)
		}
		key, err := certs.GenerateKey(kt)
		if err != nil {
			return nil, err
		}
		subj := certs.Subject{CommonName: reach[len(reach)-1], Organization: cp.Org}
		if name != "" {
			subj.CommonName = name
		}
		if subj.Organization == "" {
			subj.Organization = "mxwizard"
		}
		for _, r := range reach {
			if ip := net.ParseIP(r); ip != nil {
				subj.IPAddresses = append(subj.IPAddresses, ip)
			} else {
				subj.DNSNames = append(subj.DNSNames, r)
			}
		}
		c, _, err := certs.SelfSigned(key, subj, 0, s.now())
		if err != nil {
			return nil, err
		}
		pair = &certs.Pair{Cert: c, Key: key}
		generated = true
	}
	keyPEM, err := pair.KeyPEM()
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: pair.Cert.Raw})
	if generated {
		// Generated once per run: a later plan of this step (after the
		// steps before it ran) installs this certificate, the one shown.
		gen.Set(CertificateKey, secret.New(string(keyPEM)))
		gen.Set(CertificatePEM, secret.New(string(certPEM)))
	}
	// Saved (encrypted) before the upload, like every secret of the run.
	pl.Secrets = map[SecretName]secret.Secret{CertificateKey: secret.New(string(keyPEM)), CertificatePEM: secret.New(string(certPEM))}
	pl.Certificate = &CertificateChange{
		Key:         secret.New(string(keyPEM)),
		CertPEM:     certPEM,
		Certificate: pair.Cert,
		Describe: fmt.Sprintf("%s, %s, valid until %s, SHA-256 %s", pair.Cert.Subject.CommonName,
			strings.Join(certNames(pair.Cert), " "), pair.Cert.NotAfter.Format("2006-01-02"), camera.FingerprintSHA256(pair.Cert.Raw)),
	}
	pl.NeedsReboot = true
	pl.Notes = append(pl.Notes, "the new certificate is pinned before the reboot that activates it")
	return pl, nil
}

// keptPair is the certificate and key an earlier run installed, when the
// secrets file has them and they still fit: a valid certificate for this
// camera's names, not about to expire.
func keptPair(gen *Secrets, s *Snapshot, names []string) *certs.Pair {
	key, ok1 := gen.KeptValue(CertificateKey)
	cert, ok2 := gen.KeptValue(CertificatePEM)
	if !ok1 || !ok2 {
		return nil
	}
	pair, err := certs.ImportPair([]byte(cert.Reveal()), []byte(key.Reveal()))
	if err != nil {
		return nil
	}
	if _, err := certs.Validate(pair, names[:1], s.now()); err != nil || pair.Cert.NotAfter.Sub(s.now()) < 30*24*time.Hour {
		return nil
	}
	return pair
}

// runPair is the certificate and key this run generated for the camera
// already (an earlier plan of step 16), when it names exactly reach.
func runPair(gen *Secrets, reach []string) *certs.Pair {
	key, ok1 := gen.Get(CertificateKey)
	cert, ok2 := gen.Get(CertificatePEM)
	if !ok1 || !ok2 {
		return nil
	}
	pair, err := certs.ImportPair([]byte(cert.Reveal()), []byte(key.Reveal()))
	if err != nil {
		return nil
	}
	have := certNames(pair.Cert)
	want := map[string]bool{}
	for _, r := range reach {
		want[r] = true
	}
	if len(have) != len(want) {
		return nil
	}
	for _, h := range have {
		if !want[h] {
			return nil
		}
	}
	return pair
}

func certNames(c *x509.Certificate) []string {
	out := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	return out
}
