package discover

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

func TestParseRange(t *testing.T) {
	for in, want := range map[string]string{
		"192.168.1.0/24":            "192.168.1.1-192.168.1.254",
		"192.168.1.77/24":           "192.168.1.1-192.168.1.254",
		"10.0.0.5/32":               "10.0.0.5-10.0.0.5",
		"192.168.1.10-192.168.1.50": "192.168.1.10-192.168.1.50",
		"192.168.1.10-50":           "192.168.1.10-192.168.1.50",
		"10.1.2.3":                  "10.1.2.3-10.1.2.3",
	} {
		r, err := ParseRange(in)
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if got := r.From.String() + "-" + r.To.String(); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	for _, bad := range []string{"", "192.168.1.0/33", "192.168.1.50-10", "::1", "fe80::/64", "cam1", "1.2.3.4-300"} {
		if _, err := ParseRange(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

func TestARangeTooLargeIsRefusedWithTheReason(t *testing.T) {
	r, err := ParseRange("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	err = CheckSize(r, false)
	if err == nil || !strings.Contains(err.Error(), "more than a /16") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a /8: %v", err)
	}
	if CheckSize(r, true) != nil {
		t.Error("--force did not allow the /8")
	}
	if _, err := Search(t.Context(), []Range{r}, Options{}, nil); err == nil {
		t.Error("Search started on a /8 without Force")
	}
	r16, _ := ParseRange("10.1.0.0/16")
	if err := CheckSize(r16, false); err != nil {
		t.Errorf("a /16 is refused: %v", err)
	}
}

// TestSearchFindsTheCamerasWithoutLoggingIn: three simulated cameras on
// 127.x addresses, one of them with public access off (it asks for a
// login), found in a /24 with nothing else answering; no request of the
// search carries credentials, and nothing is counted as a failed login.
func TestSearchFindsTheCamerasWithoutLoggingIn(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 3})
	urls := srv.URLs()
	cams := srv.Cameras()
	// The second camera is hardened: nothing is public.
	cams[1].RunScript("\nhelo\nwrite params\naccess/" + camera.KeyPublic + "=\nupdate\nquit\n\n")
	first := urls[0].IP.To4()
	r, err := ParseRange(fmt.Sprintf("%d.%d.%d.0/24", first[0], first[1], first[2]))
	if err != nil {
		t.Fatal(err)
	}
	found, err := Search(t.Context(), []Range{r}, Options{Ports: []int{srv.Port(443), srv.Port(80)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 3 {
		t.Fatalf("found %d cameras, want 3: %+v", len(found), found)
	}
	for i, f := range found {
		wantAddr := fmt.Sprintf("https://%s:%d", urls[i].IP, srv.Port(443))
		if f.Address != wantAddr || f.Scheme != "https" || f.Port != srv.Port(443) {
			t.Errorf("camera %d at %s, want %s", i, f.Address, wantAddr)
		}
		if len(f.AlsoAt) != 1 || !strings.HasPrefix(f.AlsoAt[0], "http://") {
			t.Errorf("camera %d: also at %v, want its HTTP address", i, f.AlsoAt)
		}
		if f.Certificate != camera.FingerprintSHA256(cams[i].Certificate().Raw) || !f.FactoryCertificate {
			t.Errorf("camera %d: certificate %s factory=%v", i, f.Certificate, f.FactoryCertificate)
		}
		if i == 1 {
			if !f.LoginRequired || f.Serial != "" {
				t.Errorf("the hardened camera: login required %v, serial %q", f.LoginRequired, f.Serial)
			}
			continue
		}
		serial := cams[i].ActiveConfig().Value(camera.SecSystem, camera.KeySerial)
		if f.LoginRequired || f.Serial != serial || f.Model != "M73" || f.Firmware == "" {
			t.Errorf("camera %d: %+v, want serial %s", i, f, serial)
		}
	}
	for i, c := range cams {
		for _, e := range camera.ParseWebLog([]byte(c.WebLog())) {
			if e.User != "" && e.User != "-" {
				t.Errorf("camera %d saw a request with user %q: the search must not log in", i, e.User)
			}
		}
	}
}

func TestAClosedPortAndSomethingElseAreNotCameras(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"))
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	ip := netip.MustParseAddr("127.0.0.1")
	if c, ok := Probe(t.Context(), ip, port, 0); ok {
		t.Errorf("a web server that is no camera was taken for one: %+v", c)
	}
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln2.Addr().(*net.TCPAddr).Port
	ln2.Close()
	if _, ok := Probe(t.Context(), ip, closed, 0); ok {
		t.Error("a closed port was taken for a camera")
	}
}

// TestComparePinsSaysWhatThisComputerTrusts: a camera found is compared
// with the known-cameras file by its address: the pinned certificate, the
// one it had before mxwizard installed its own, another one, or nothing
// known (and plain HTTP has no certificate to compare).
func TestComparePinsSaysWhatThisComputerTrusts(t *testing.T) {
	fp := func(b string) string { return strings.Repeat(b+":", 31) + b }
	path := filepath.Join(t.TempDir(), "known")
	file := fmt.Sprintf("10.0.0.5 SHA256:%s 2026-11-03T14:05:00Z\n10.0.0.6 SHA256:%s 2026-11-03T14:05:00Z before=SHA256:%s\n10.0.0.7 SHA256:%s 2026-11-03T14:05:00Z\n",
		fp("AA"), fp("BB"), fp("CC"), fp("DD"))
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	known, err := camera.LoadKnownCameras(path)
	if err != nil {
		t.Fatal(err)
	}
	found := []Camera{
		{Address: "https://10.0.0.5:443", Certificate: fp("AA")},
		{Address: "https://10.0.0.6:8443", Certificate: fp("CC")},
		{Address: "https://10.0.0.7", Certificate: fp("EE")},
		{Address: "https://10.0.0.8", Certificate: fp("AA")},
		{Address: "http://10.0.0.5:80"},
	}
	ComparePins(found, known)
	for i, want := range []string{PinSame, PinEarlier, PinChanged, "", ""} {
		if found[i].Pin != want {
			t.Errorf("%s: pin %q, want %q", found[i].Address, found[i].Pin, want)
		}
	}
	data, _ := os.ReadFile(path)
	if string(data) != file {
		t.Fatal("comparing changed the known-cameras file")
	}
}
