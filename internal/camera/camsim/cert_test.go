package camsim_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

// testCertPEM makes a certificate and key PEM (what an installer uploads).
func testCertPEM(t testing.TB, cn string) (certPEM, keyPEM []byte, der []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kd, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kd}), der
}

// multipartBody writes an upload by hand, as the camera wants it.
func multipartBody(boundary, field, filename, ctype string, content []byte) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n", boundary, field, filename, ctype)
	b.Write(content)
	fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	return b.String()
}

func upload(t *testing.T, base, contentType, body string) result {
	t.Helper()
	return call{
		method: http.MethodPost, url: base + camera.PathMedia, user: "admin", pass: "meinsm", body: body,
		header: http.Header{"Content-Type": {contentType}},
	}.do(t)
}

// presented is the fingerprint of the certificate the HTTPS server shows.
func presented(t *testing.T, httpsURL string) string {
	t.Helper()
	u, _ := url.Parse(httpsURL)
	conn, err := tls.Dial("tcp", u.Host, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // we read the certificate, nothing else
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return camera.FingerprintSHA256(conn.ConnectionState().PeerCertificates[0].Raw)
}

func TestCertificateUploadIsStrictAndActiveAfterReboot(t *testing.T) {
	cam, plain, secure := camsimtest.New(t)
	factoryFP := presented(t, secure.URL)
	if factoryFP != camera.FingerprintSHA256(cam.Certificate().Raw) {
		t.Fatal("HTTPS does not present the camera's certificate")
	}
	certPEM, keyPEM, der := testCertPEM(t, "lobby-cam")
	bundle := append(append([]byte{}, certPEM...), keyPEM...)
	otherCert, _, _ := testCertPEM(t, "other")
	const boundary = "mxwizardBoundary0123"
	mp := "multipart/form-data; boundary=" + boundary
	keyPart := multipartBody(boundary, camera.CertFieldName, camera.KeyFileName, camera.CertContentType, keyPEM)
	certPart := multipartBody(boundary, camera.CertFieldName, camera.CertFileName, camera.CertContentType, certPEM)

	// Each refused upload starts from a fresh key upload where the case
	// needs one, so that no case depends on another.
	refused := []struct {
		name, ctype, body string
		keyFirst          bool
	}{
		{"quoted boundary", `multipart/form-data; boundary="` + boundary + `"`, keyPart, false},
		{"no boundary", "multipart/form-data", keyPart, false},
		{"not multipart", "application/x-x509-ca-cert", string(keyPEM), false},
		{"wrong field", mp, multipartBody(boundary, "file", camera.KeyFileName, camera.CertContentType, keyPEM), false},
		{"wrong file name", mp, multipartBody(boundary, camera.CertFieldName, "cert.pem", camera.CertContentType, certPEM), true},
		{"wrong part type", mp, multipartBody(boundary, camera.CertFieldName, camera.KeyFileName, "application/octet-stream", keyPEM), false},
		{"a certificate as the key", mp, multipartBody(boundary, camera.CertFieldName, camera.KeyFileName, camera.CertContentType, certPEM), false},
		{"a bundle as the certificate", mp, multipartBody(boundary, camera.CertFieldName, camera.CertFileName, camera.CertContentType, bundle), true},
		{"the certificate of another key", mp, multipartBody(boundary, camera.CertFieldName, camera.CertFileName, camera.CertContentType, otherCert), true},
		{"not PEM", mp, multipartBody(boundary, camera.CertFieldName, camera.CertFileName, camera.CertContentType, []byte("hello")), true},
		{"truncated multipart", mp, keyPart[:len(keyPart)/2], false},
	}
	for _, tc := range refused {
		if tc.keyFirst {
			if r := upload(t, plain.URL, mp, keyPart); r.status != http.StatusOK {
				t.Fatalf("%s: the key upload: %d %q", tc.name, r.status, r.body)
			}
		}
		r := upload(t, plain.URL, tc.ctype, tc.body)
		if r.status != http.StatusBadRequest || strings.Contains(r.body, "OK") {
			t.Errorf("%s: %d %q, want 400 and an error", tc.name, r.status, r.body)
		}
	}
	if cam.PendingCertificate() != nil {
		t.Fatal("a refused upload left a pending certificate")
	}
	// A certificate before any key (a fresh camera).
	cam2, plain2, _ := camsimtest.New(t)
	if r := upload(t, plain2.URL, mp, certPart); r.status != http.StatusBadRequest || !strings.Contains(r.body, camera.KeyFileName+" first") || cam2.PendingCertificate() != nil {
		t.Errorf("a certificate before its key: %d %q", r.status, r.body)
	}

	for _, part := range []string{keyPart, certPart} {
		if r := upload(t, plain.URL, mp, part); r.status != http.StatusOK || r.body != "OK - upload\n" {
			t.Fatalf("good upload: %d %q", r.status, r.body)
		}
	}
	if presented(t, secure.URL) != factoryFP {
		t.Error("the uploaded certificate is active before the reboot")
	}
	slot := call{url: plain.URL + camera.PathMedia + "?file=" + camera.CertFileName, user: "admin", pass: "meinsm"}.do(t)
	if slot.body != string(certPEM) || strings.Contains(slot.body, "PRIVATE KEY") {
		t.Errorf("the slot shows %q, want the uploaded certificate without key", slot.body)
	}
	reboot(t, cam, plain.URL)
	if got := presented(t, secure.URL); got != camera.FingerprintSHA256(der) {
		t.Errorf("after reboot HTTPS presents %s, want the uploaded %s", got, camera.FingerprintSHA256(der))
	}
	if cam.PendingCertificate() != nil {
		t.Error("still pending after the reboot")
	}
}
