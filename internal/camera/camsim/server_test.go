package camsim_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

func TestServerMovesListenersAtReboot(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 200 * time.Millisecond})
	cam := srv.Cameras()[0]
	urls := srv.URLs()[0]
	ip := urls.IP.String()
	wantHTTP := fmt.Sprintf("http://%s:%d", ip, srv.Port(80))
	wantHTTPS := fmt.Sprintf("https://%s:%d", ip, srv.Port(443))
	if len(urls.HTTP) != 1 || urls.HTTP[0] != wantHTTP || urls.HTTPS != wantHTTPS {
		t.Fatalf("URLs %+v, want %s and %s", urls, wantHTTP, wantHTTPS)
	}
	mustScript(t, urls.HTTPS, "\nhelo\nwrite params\nwebserver/HTTPS_PORT=8443\nwebserver/HTTP_PORTS=8080,8081\nupdate\nstore\nquit\n")
	// A port change needs a reboot: the old ports still answer.
	if r := script(t, urls.HTTPS, viewConfigScript); r.status != http.StatusOK {
		t.Fatalf("old HTTPS port before the reboot: %d %v", r.status, r.err)
	}
	r := call{method: http.MethodPost, url: urls.HTTPS + camera.PathRControl + "?action=reboot", user: "admin", pass: "meinsm"}.do(t)
	if r.status != http.StatusOK {
		t.Fatalf("reboot: %d", r.status)
	}
	if res := script(t, urls.HTTPS, viewConfigScript); !closedWithoutAnswer(res) {
		t.Errorf("during boot: %d", res.status)
	}
	camsimtest.WaitReady(t, cam, 5*time.Second)
	moved := srv.URLs()[0]
	want := camsim.Endpoints{
		IP:    urls.IP,
		HTTP:  []string{fmt.Sprintf("http://%s:%d", ip, srv.Port(8080)), fmt.Sprintf("http://%s:%d", ip, srv.Port(8081))},
		HTTPS: fmt.Sprintf("https://%s:%d", ip, srv.Port(8443)),
	}
	if fmt.Sprint(moved) != fmt.Sprint(want) {
		t.Fatalf("after reboot URLs %+v, want %+v", moved, want)
	}
	for _, old := range []string{urls.HTTP[0], urls.HTTPS} {
		if res := script(t, old, viewConfigScript); res.err == nil {
			t.Errorf("old port %s still answers: %d", old, res.status)
		}
	}
	for _, u := range append(moved.HTTP, moved.HTTPS) {
		if res := script(t, u, viewConfigScript); res.status != http.StatusOK {
			t.Errorf("new port %s: %d %v", u, res.status, res.err)
		}
	}
	// Switch HTTP off: after the next reboot only HTTPS listens.
	mustScript(t, moved.HTTPS, "\nhelo\nwrite params\nwebserver/HTTP_ENABLE=0\nstore\nreboot\nquit\n")
	camsimtest.WaitReady(t, cam, 5*time.Second)
	if got := srv.URLs()[0]; len(got.HTTP) != 0 || got.HTTPS != moved.HTTPS {
		t.Errorf("HTTP off: URLs %+v", got)
	}
}

func TestServerStateDirIsAPowerCycle(t *testing.T) {
	dir := t.TempDir()
	first := camsimtest.NewServer(t, camsim.ServerOptions{StateDir: dir})
	u := first.URLs()[0]
	mustScript(t, u.HTTPS, "\nhelo\nwrite params\nusers/admin/password=Stored-Pass-9\nethernet/HOSTNAME=kept\nupdate\nstore\n"+
		"write params\npageoptions/ROBOTS=forbid\nupdate\nquit\n")
	fp := presented(t, u.HTTPS)
	certPEM, keyPEM, der := testCertPEM(t, "next")
	const boundary = "b0undary"
	for _, f := range []struct {
		name string
		data []byte
	}{{camera.KeyFileName, keyPEM}, {camera.CertFileName, certPEM}} {
		r := call{
			method: http.MethodPost, url: u.HTTPS + camera.PathMedia, user: "admin", pass: "Stored-Pass-9",
			header: http.Header{"Content-Type": {"multipart/form-data; boundary=" + boundary}},
			body:   multipartBody(boundary, camera.CertFieldName, f.name, camera.CertContentType, f.data),
		}.do(t)
		if r.status != http.StatusOK {
			t.Fatalf("upload %s: %d %q", f.name, r.status, r.body)
		}
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	// Same address and offset, same state directory: a power cycle.
	offset := first.Port(0)
	second := camsimtest.NewServer(t, camsim.ServerOptions{StateDir: dir, IP: u.IP, PortOffset: offset})
	u2 := second.URLs()[0]
	if u2.HTTPS != u.HTTPS {
		t.Fatalf("second server at %s, first at %s", u2.HTTPS, u.HTTPS)
	}
	if s := loginStatus(t, u2.HTTPS, "admin", "Stored-Pass-9"); s != http.StatusOK {
		t.Errorf("the stored password after a restart: %d", s)
	}
	if s := loginStatus(t, u2.HTTPS, "admin", "meinsm"); s != http.StatusUnauthorized {
		t.Errorf("the factory password after a restart: %d", s)
	}
	cfg := second.Cameras()[0].ActiveConfig()
	if cfg.Value(camera.SecEthernet, camera.KeyHostname) != "kept" || cfg.Value(camera.SecPageOptions, camera.KeyRobots) != "allow" {
		t.Error("after the restart the configuration is not the stored one")
	}
	if got := presented(t, u2.HTTPS); got == fp || got != camera.FingerprintSHA256(der) {
		t.Errorf("the pending certificate was not activated by the power cycle (%s)", got)
	}
	// A third start keeps that certificate.
	_ = second.Close()
	third := camsimtest.NewServer(t, camsim.ServerOptions{StateDir: dir, IP: u.IP, PortOffset: offset})
	if got := presented(t, third.URLs()[0].HTTPS); got != camera.FingerprintSHA256(der) {
		t.Error("the certificate fingerprint did not survive a restart")
	}
}

func TestServerRunsCamerasOnConsecutiveAddresses(t *testing.T) {
	reqLog := &camsimtest.LogBuffer{}
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 3, RequestLog: reqLog})
	urls := srv.URLs()
	if len(urls) != 3 {
		t.Fatalf("%d cameras", len(urls))
	}
	serials := map[string]bool{}
	for i, u := range urls {
		if i > 0 && !u.IP.Equal(nextIP(urls[i-1].IP)) {
			t.Errorf("camera %d at %s, not after %s", i+1, u.IP, urls[i-1].IP)
		}
		res := call{url: u.HTTP[0] + camera.PathCameraInfo + "?text"}.do(t)
		if res.status != http.StatusOK {
			t.Fatalf("%s: %d %v", u.HTTP[0], res.status, res.err)
		}
		serials[res.body] = true
		// The factory certificate names the camera's address.
		leaf := srv.Cameras()[i].Certificate()
		if len(leaf.IPAddresses) == 0 || !leaf.IPAddresses[0].Equal(u.IP) {
			t.Errorf("camera %d certificate SANs %v", i+1, leaf.IPAddresses)
		}
	}
	if len(serials) != 3 {
		t.Error("cameras share an identity")
	}
	lines := strings.Split(strings.TrimSpace(reqLog.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("request log has %d lines:\n%s", len(lines), reqLog.String())
	}
	for i, l := range lines {
		var e struct {
			Time, Camera, Method, Path, Remote, User string
			Status                                   int
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("request log line %q: %v", l, err)
		}
		if e.Camera != urls[i].IP.String() || e.Method != "GET" || e.Path != camera.PathCameraInfo+"?text" || e.Status != 200 || e.Remote == "" || e.Time == "" {
			t.Errorf("request log line %+v", e)
		}
	}
}

func TestServerRefusesAddressesOutsideLoopback(t *testing.T) {
	for _, ip := range []net.IP{net.IPv4(10, 0, 0, 1), net.IPv4(127, 255, 255, 254)} {
		srv := camsim.NewServer(camsim.ServerOptions{IP: ip, Count: 3, PortOffset: 20000})
		if err := srv.Start(context.Background()); err == nil {
			_ = srv.Close()
			t.Errorf("Start with %s and 3 cameras succeeded", ip)
		}
	}
}

func TestServerStopsWithItsContext(t *testing.T) {
	srv := camsim.NewServer(camsim.ServerOptions{IP: net.IPv4(127, 0, 33, 7), PortOffset: 20000 + int(time.Now().UnixNano()%9000)})
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		t.Skipf("ports busy: %v", err)
	}
	u := srv.URLs()[0].HTTP[0]
	cancel()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if r := (call{url: u + camera.PathRobots}).do(t); r.err != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("the server still answers after its context ended")
}

func nextIP(ip net.IP) net.IP {
	v := append(net.IP{}, ip.To4()...)
	for i := 3; i >= 0; i-- {
		v[i]++
		if v[i] != 0 {
			break
		}
	}
	return v
}
