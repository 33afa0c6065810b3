package camera_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/certs"
	"github.com/mxwizard/mxwizard/internal/secret"
)

var factory = secret.New(camera.FactoryPassword)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestClientReadsAFactoryCameraOverHTTPS(t *testing.T) {
	_, _, tlsSrv := camsimtest.New(t)
	c, err := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, AcceptNew: true})
	if err != nil {
		t.Fatal(err)
	}
	id, err := c.Identity(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if id.Model != camsim.DefaultModel || id.Firmware != camsim.DefaultFirmware || id.Serial == "" {
		t.Fatalf("identity = %+v", id)
	}
	cfg, err := c.ReadConfig(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	file, _, err := c.DownloadConfig(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if string(file) != string(cfg.Bytes()) {
		t.Fatal("the downloaded file differs from view configfile")
	}
	if cfg.Firmware() != id.Firmware {
		t.Fatalf("#:MX- header %q differs from VERSION %q", cfg.Firmware(), id.Firmware)
	}
	if c.Requests() < 2 || c.Fingerprint() == "" {
		t.Fatalf("requests %d, fingerprint %q", c.Requests(), c.Fingerprint())
	}
}

func TestTrustOnFirstUse(t *testing.T) {
	_, _, first := camsimtest.New(t)
	_, _, impostor := camsimtest.New(t) // another certificate on the same host
	known := camera.NewKnownCamerasInMemory()

	c, _ := camera.New(camera.Options{Address: first.URL, Password: factory, Known: known})
	_, err := c.Identity(ctx(t))
	var fe *camera.FingerprintError
	if !errors.As(err, &fe) || !errors.Is(err, camera.ErrUnknownCamera) || fe.Received == "" {
		t.Fatalf("first contact without acceptance: %v", err)
	}
	if _, ok := known.Lookup("127.0.0.1"); ok {
		t.Fatal("a refused camera was pinned")
	}

	asked := ""
	c, _ = camera.New(camera.Options{
		Address: first.URL, Password: factory, Known: known,
		ConfirmNew: func(host, fp string) bool { asked = fp; return true },
	})
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if pinned, _ := known.Lookup("127.0.0.1"); pinned == "" || pinned != asked {
		t.Fatalf("pinned %q, the person was shown %q", pinned, asked)
	}

	c, _ = camera.New(camera.Options{Address: impostor.URL, Password: factory, Known: known, AcceptNew: true})
	_, err = c.Identity(ctx(t))
	if !errors.As(err, &fe) || !errors.Is(err, camera.ErrFingerprintChanged) {
		t.Fatalf("changed certificate: %v", err)
	}
	if !strings.Contains(err.Error(), fe.Pinned) || !strings.Contains(err.Error(), fe.Received) || fe.Pinned == fe.Received {
		t.Fatalf("the message must show both fingerprints: %v", err)
	}
}

func TestBasicOverPlainHTTPNeedsConsent(t *testing.T) {
	_, plain, _ := camsimtest.New(t)
	c, _ := camera.New(camera.Options{Address: plain.URL, Password: factory})
	if _, err := c.Identity(ctx(t)); !errors.Is(err, camera.ErrInsecureCredentials) {
		t.Fatalf("Basic over HTTP without consent: %v", err)
	}
	c, _ = camera.New(camera.Options{Address: plain.URL, Password: factory, AllowPlainHTTP: true})
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatalf("with consent: %v", err)
	}
}

func TestWrongPasswordIsTriedOnce(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t)
	c, _ := camera.New(camera.Options{Address: tlsSrv.URL, Password: secret.New("Wrong-Pass-123"), AcceptNew: true})
	_, err := c.ReadConfig(ctx(t))
	if !errors.Is(err, camera.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	if strings.Contains(err.Error(), "Wrong-Pass-123") {
		t.Fatal("the error shows the password")
	}
	failed := 0
	for _, e := range camera.ParseWebLog([]byte(cam.WebLog())) {
		if e.User == "admin" && e.Status == 401 {
			failed += e.Count
		}
	}
	if failed != 1 {
		t.Fatalf("the camera saw %d failed logins, want exactly 1:\n%s", failed, cam.WebLog())
	}
}

func TestDigestIsLearnedFromTheChallenge(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t)
	c, _ := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, AcceptNew: true})
	if _, err := c.Set(ctx(t), []camera.Param{{Section: camera.SecWebServer, Key: camera.KeyAuthMethod, Value: "digest"}}, camera.SecWebServer); err != nil {
		t.Fatal(err)
	}
	c.ForgetAuthentication()
	var seen []string
	cam.SetFaults(camsim.Faults{Hook: func(_ int, r *http.Request) camsim.Fault {
		if a := r.Header.Get("Authorization"); a != "" {
			seen = append(seen, strings.Fields(a)[0])
		}
		return camsim.FaultNone
	}})
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 || seen[len(seen)-1] != "Digest" {
		t.Fatalf("the client authenticated with %v, want Digest", seen)
	}
}

func TestErrorsSayWhatHappened(t *testing.T) {
	t.Run("a web server that is not a MOBOTIX", func(t *testing.T) {
		srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte("<html>router login</html>"))
		}))
		defer srv.Close()
		c, _ := camera.New(camera.Options{Address: srv.URL, Password: factory, AcceptNew: true})
		if _, err := c.Identity(ctx(t)); !errors.Is(err, camera.ErrNotMobotix) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		c, _ := camera.New(camera.Options{Address: "https://" + addr, Password: factory, AcceptNew: true, Retries: 1})
		if _, err := c.Identity(ctx(t)); !errors.Is(err, camera.ErrUnreachable) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("a camera that stalls", func(t *testing.T) {
		cam, _, tlsSrv := camsimtest.New(t)
		cam.SetFaults(camsim.Faults{Hook: func(int, *http.Request) camsim.Fault { return camsim.FaultStall }})
		c, _ := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, AcceptNew: true, Timeout: 300 * time.Millisecond, Retries: 1})
		if _, err := c.Identity(ctx(t)); !errors.Is(err, camera.ErrTimeout) {
			t.Fatalf("got %v, want ErrTimeout", err)
		}
	})
	t.Run("a camera answering 5xx", func(t *testing.T) {
		cam, _, tlsSrv := camsimtest.New(t)
		cam.SetFaults(camsim.Faults{FailRequest: 1})
		c, _ := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, AcceptNew: true})
		// A read is retried after the 5xx and succeeds.
		if _, err := c.Identity(ctx(t)); err != nil {
			t.Fatalf("a read was not retried after a 5xx: %v", err)
		}
	})
	t.Run("a camera sending garbage", func(t *testing.T) {
		cam, _, tlsSrv := camsimtest.New(t)
		cam.SetFaults(camsim.Faults{GarbageRequest: 2})
		c, _ := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, AcceptNew: true})
		if _, err := c.Identity(ctx(t)); !errors.Is(err, camera.ErrNotMobotix) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestRebootMovesToTheNewPortAndScheme(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{})
	u := srv.URLs()[0]
	c, _ := camera.New(camera.Options{Address: u.HTTPS, Password: factory, AcceptNew: true})
	_, err := c.Set(ctx(t), []camera.Param{
		{Section: camera.SecWebServer, Key: camera.KeyHTTPSPort, Value: "8443"},
		{Section: camera.SecWebServer, Key: camera.KeyHTTPEnable, Value: "0"},
		{Section: camera.SecWebServer, Key: camera.KeyAuthMethod, Value: "digest"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Store(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if err := c.Reboot(ctx(t)); err != nil {
		t.Fatal(err)
	}
	base, _ := camera.ParseAddress(u.HTTPS)
	c.SetBase(camera.WithPort(base, "https", srv.Port(8443)))
	wctx, cancel := context.WithTimeout(ctx(t), 10*time.Second)
	defer cancel()
	if _, err := c.WaitUntilBack(wctx, 20*time.Millisecond); err != nil {
		t.Fatalf("camera did not come back on the new port: %v", err)
	}
	// Now back to Basic without storing: after the reboot the camera asks
	// for Digest again, and the client must follow the change of scheme.
	if _, err := c.Set(ctx(t), []camera.Param{{Section: camera.SecWebServer, Key: camera.KeyAuthMethod, Value: "basic"}}); err != nil {
		t.Fatal(err)
	}
	c.ForgetAuthentication() // as the engine does after writing the scheme itself
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatalf("after switching to Basic: %v", err)
	}
	if err := c.Reboot(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitUntilBack(wctx, 20*time.Millisecond); err != nil {
		t.Fatalf("after a reboot that changed the scheme back: %v", err)
	}
}

func TestCertificateUploadIsActiveAfterReboot(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t)
	known := camera.NewKnownCamerasInMemory()
	c, _ := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, Known: known, AcceptNew: true})
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatal(err)
	}
	factoryFP := c.Fingerprint()
	pair, keyPEM := newLoopbackPair(t)
	cert := pair.Cert
	newFP := certs.FingerprintSHA256(cert.Raw)
	if err := c.PinNext(cert); err != nil {
		t.Fatal(err)
	}
	if err := c.UploadCertificate(ctx(t), secret.New(keyPEM), pair.CertificatePEM()); err != nil {
		t.Fatalf("upload: %v", err)
	}
	slot, err := c.ReadCertificate(ctx(t))
	if err != nil || !strings.Contains(string(slot), "BEGIN CERTIFICATE") || strings.Contains(string(slot), "PRIVATE KEY") {
		t.Fatalf("read certificate: %v", err)
	}
	// Before the reboot the factory certificate is still served and trusted.
	c.ForgetAuthentication()
	if _, err := c.Identity(ctx(t)); err != nil || c.Fingerprint() != factoryFP {
		t.Fatalf("before the reboot: %v, fingerprint %s", err, c.Fingerprint())
	}
	if err := c.Reboot(ctx(t)); err != nil {
		t.Fatal(err)
	}
	camsimtest.WaitReady(t, cam, 10*time.Second)
	c.ForgetAuthentication()
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatalf("after the reboot the uploaded certificate is not trusted: %v", err)
	}
	if c.Fingerprint() != newFP {
		t.Fatalf("after the reboot the camera presents %s, want the uploaded %s", c.Fingerprint(), newFP)
	}
	if pinned, _ := known.Lookup("127.0.0.1"); pinned != newFP {
		t.Fatalf("the pin was not moved to the new certificate: %s", pinned)
	}
	if before := known.Before("127.0.0.1"); before != factoryFP {
		t.Fatalf("the certificate replaced is not remembered: %q, want the factory one %s", before, factoryFP)
	}

	// A reset that brings the factory certificate back: refused, but
	// recognised as the camera's earlier certificate, and pinned again
	// only deliberately.
	cam.RestoreFactoryCertificate()
	c.ForgetAuthentication()
	c.Close()
	c, _ = camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, Known: known, AcceptNew: true})
	_, err = c.Identity(ctx(t))
	var fe *camera.FingerprintError
	if !errors.As(err, &fe) || !errors.Is(err, camera.ErrFingerprintChanged) || !fe.Earlier || fe.Received != factoryFP || fe.Certificate == nil {
		t.Fatalf("the factory certificate back after a reset: %v (%+v)", err, fe)
	}
	if !strings.Contains(err.Error(), "had before mxwizard installed its own") {
		t.Fatalf("the message does not say it is the earlier certificate: %v", err)
	}
	if err := known.Repin("127.0.0.1", factoryFP, factoryFP); err == nil {
		t.Fatal("a re-pin against a pin the installer was not shown was accepted")
	}
	if err := known.Repin("127.0.0.1", newFP, factoryFP); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatalf("after the deliberate re-pin: %v", err)
	}
}

// TestCloseClosesTheConnection proves Close reaches the connection under the
// authenticating transport: the camera sees its connection closed, rather
// than left open until the idle timeout (one per camera of a fleet audit).
func TestCloseClosesTheConnection(t *testing.T) {
	cam := camsim.New(camsim.Options{})
	t.Cleanup(cam.Close)
	closed := make(chan struct{}, 4)
	srv := httptest.NewUnstartedServer(cam)
	srv.Config.ConnContext = cam.ConnContext
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			closed <- struct{}{}
		}
	}
	srv.TLS = cam.TLSConfig()
	srv.StartTLS()
	t.Cleanup(srv.Close)

	c, err := camera.New(camera.Options{Address: srv.URL, Password: factory, AcceptNew: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
		t.Fatal("the connection closed before Close was called")
	default:
	}
	c.Close()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close left the connection open")
	}
}

// TestDigestToBasicInOneSessionIsRefused: a camera the session talked
// Digest with asks for Basic (an unstored Digest switch lost at a power
// cut, or another device at the address): the password is not sent with
// Basic, even over pinned HTTPS, and the error says what happened.
func TestDigestToBasicInOneSessionIsRefused(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t)
	cam.RunScript("\nhelo\nwrite params\nwebserver/AUTH=digest\nupdate\nquit\n\n")
	c, err := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, AcceptNew: true, Known: camera.NewKnownCamerasInMemory()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Identity(ctx(t)); err != nil {
		t.Fatal(err)
	}
	logins := func() int { // accepted logins: a Basic answer would be one
		n := 0
		for _, e := range camera.ParseWebLog([]byte(cam.WebLog())) {
			if e.User != "" && e.Status == http.StatusOK {
				n += e.Count
			}
		}
		return n
	}
	cam.Reboot() // the Digest switch was never stored: Basic again
	camsimtest.WaitReady(t, cam, 5*time.Second)
	before := logins()
	_, err = c.Identity(ctx(t))
	if !errors.Is(err, camera.ErrAuthDowngrade) {
		t.Fatalf("after the switch back to Basic: %v", err)
	}
	if logins() != before {
		t.Fatal("the Basic challenge was answered")
	}
}

// TestAReplyCutAtTheLimitIsNotTakenForTheConfiguration: a reply over 32
// MiB is an error, not a configuration judged on its first 32 MiB.
func TestAReplyCutAtTheLimitIsNotTakenForTheConfiguration(t *testing.T) {
	big := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("#read::\nSECTION a\n"))
		line := []byte("K=" + strings.Repeat("x", 1<<16) + "\n")
		for i := 0; i < (33<<20)/len(line); i++ {
			_, _ = w.Write(line)
		}
	}))
	t.Cleanup(big.Close)
	c, err := camera.New(camera.Options{Address: big.URL, Password: factory, AllowPlainHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ReadConfig(ctx(t))
	if err == nil || !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Fatalf("a 33 MiB reply: %v", err)
	}
}

// TestTheCertificateSlotTakesTheKeyFirstThenTheCertificateAlone: the
// simulated camera takes exactly the sequence the public MOBOTIX tool uses
// (key alone as httpd_privkey.pem, then the leaf alone as httpd_cert.pem),
// and refuses a bundle, a certificate without a key before it, and a key
// that does not match.
func TestTheCertificateSlotTakesTheKeyFirstThenTheCertificateAlone(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t)
	c, err := camera.New(camera.Options{Address: tlsSrv.URL, Password: factory, AcceptNew: true, Known: camera.NewKnownCamerasInMemory()})
	if err != nil {
		t.Fatal(err)
	}
	a, aKey := newLoopbackPair(t)
	b, _ := newLoopbackPair(t)
	bundle, _ := a.BundlePEM()
	for name, upload := range map[string]func() error{
		"a bundle as the certificate": func() error { return c.UploadCertificate(ctx(t), secret.New(aKey), bundle) },
		"a key that does not match":   func() error { return c.UploadCertificate(ctx(t), secret.New(aKey), b.CertificatePEM()) },
		"a certificate as the key": func() error {
			return c.UploadCertificate(ctx(t), secret.New(string(a.CertificatePEM())), a.CertificatePEM())
		},
	} {
		if err := upload(); err == nil {
			t.Errorf("%s was accepted", name)
		}
		if cam.PendingCertificate() != nil {
			t.Fatalf("%s left a pending certificate", name)
		}
	}
	if err := c.UploadCertificate(ctx(t), secret.New(aKey), a.CertificatePEM()); err != nil {
		t.Fatalf("the right sequence: %v", err)
	}
	if p := cam.PendingCertificate(); p == nil || !p.Equal(a.Cert) {
		t.Fatal("the uploaded pair is not pending for the reboot")
	}
}

// TestTheWebServerLogIsReadAsTheCamerasTable: the help describes one row
// per host and object with a count; both the tab-separated table and the
// line-per-request form are read, the count kept.
func TestTheWebServerLogIsReadAsTheCamerasTable(t *testing.T) {
	table := "Host Name\tURL\tStatus\tUser Name\tCount\tDate & Time\n" +
		"192.0.2.7\t/admin/remoteconfig\t401\tadmin\t12\t2026-12-01 10:00:00\n" +
		"192.0.2.8\t/record/current.jpg\t200\t-\t3\t2026-12-01T10:01:00Z\n" +
		"garbage line\n"
	got := camera.ParseWebLog([]byte(table))
	if len(got) != 2 || got[0].Count != 12 || got[0].User != "admin" || got[0].Status != 401 || got[1].User != "" || got[1].Count != 3 {
		t.Fatalf("table: %+v", got)
	}
	lines := camera.ParseWebLog([]byte("2026-12-01T10:00:00Z 192.0.2.7 admin POST /admin/remoteconfig 401\n"))
	if len(lines) != 1 || lines[0].Count != 1 || lines[0].Method != "POST" {
		t.Fatalf("line form: %+v", lines)
	}
}

// newLoopbackPair makes a self-signed ECDSA certificate for 127.0.0.1 and
// returns it with its private key in PEM.
func newLoopbackPair(t *testing.T) (*certs.Pair, string) {
	t.Helper()
	key, err := certs.GenerateKey(certs.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	cert, _, err := certs.SelfSigned(key, certs.NewSubject("", "127.0.0.1"), 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p := &certs.Pair{Cert: cert, Key: key}
	k, err := p.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	return p, string(k)
}
