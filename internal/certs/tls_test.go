package certs

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// pinnedClient trusts exactly the certificate with fingerprint fp, the way
// mxwizard talks to a camera with a self-signed certificate.
func pinnedClient(fp string) *http.Client {
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: true, // replaced by the pin below
			VerifyConnection: func(cs tls.ConnectionState) error {
				if got := FingerprintSHA256(cs.PeerCertificates[0].Raw); got != fp {
					return fmt.Errorf("certificate %s is not the pinned %s", got, fp)
				}
				return nil
			},
		}},
	}
}

func TestGeneratedPairServesHTTPS(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{
		{"an RSA pair serves HTTPS on 127.0.0.1 to a pinning client", rsaKey()},
		{"an ECDSA pair serves HTTPS on 127.0.0.1 to a pinning client", ecKey()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _, err := SelfSigned(tc.key, NewSubject("", "127.0.0.1"), 0, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			p := &Pair{Cert: c, Key: tc.key}
			// Go through the camera's file format, as the upload would.
			bundle, err := p.BundlePEM()
			if err != nil {
				t.Fatal(err)
			}
			p, err = parsePEMBundle(bundle)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Validate(p, []string{"127.0.0.1"}, time.Time{}); err != nil {
				t.Fatalf("Validate: %v", err)
			}

			srv := serveHTTPS(t, p)
			get := func(client *http.Client) (string, error) {
				return getBody(client, srv.URL)
			}

			if body, err := get(pinnedClient(p.fingerprint())); err != nil || body != "#read::camera" {
				t.Fatalf("pinned client: %q, %v", body, err)
			}

			other := makeCert(t, certSpec{key: otherECKey()})
			if _, err := get(pinnedClient(FingerprintSHA256(other.Raw))); err == nil || !strings.Contains(err.Error(), "is not the pinned") {
				t.Fatalf("a client pinning another certificate connected (err %v)", err)
			}

			// Full verification with the certificate as the only root: the IP
			// SAN, the serverAuth usage and the dates satisfy crypto/x509.
			roots := x509.NewCertPool()
			roots.AddCert(p.Cert)
			verifying := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}}
			if body, err := get(verifying); err != nil || body != "#read::camera" {
				t.Fatalf("verifying client: %q, %v", body, err)
			}

			// The check is real: a certificate for another address fails it.
			wrong, _, err := SelfSigned(tc.key, NewSubject("", "192.0.2.10"), 0, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			wrongSrv := serveHTTPS(t, &Pair{Cert: wrong, Key: tc.key})
			roots2 := x509.NewCertPool()
			roots2.AddCert(wrong)
			strict := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots2, MinVersion: tls.VersionTLS12}}}
			if _, err := getBody(strict, wrongSrv.URL); err == nil || !strings.Contains(err.Error(), "127.0.0.1") {
				t.Fatalf("a certificate for 192.0.2.10 was accepted for 127.0.0.1 (err %v)", err)
			}
		})
	}
}

// serveHTTPS starts a loopback HTTPS server presenting p, answering like a
// camera. Handshake failures the tests provoke on purpose are not logged.
func serveHTTPS(t *testing.T, p *Pair) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "#read::camera")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{p.tlsCertificate()}, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	if !strings.HasPrefix(srv.URL, "https://127.0.0.1:") {
		t.Fatalf("server listens on %s, want 127.0.0.1", srv.URL)
	}
	return srv
}

func getBody(client *http.Client, url string) (string, error) {
	defer client.CloseIdleConnections()
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(resp.Body)
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	return string(b), err
}
