package camera

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestParseAddressAcceptsWhatPeopleType(t *testing.T) {
	for in, want := range map[string]string{
		"192.168.1.10":             "https://192.168.1.10",
		" 192.168.1.10 ":           "https://192.168.1.10",
		"cam1.example.com:8443":    "https://cam1.example.com:8443",
		"http://10.0.0.5":          "http://10.0.0.5",
		"https://[fe80::1]:443":    "https://[fe80::1]:443",
		"https://127.0.0.1:10443/": "https://127.0.0.1:10443",
	} {
		u, err := ParseAddress(in)
		if err != nil || u.String() != want {
			t.Errorf("ParseAddress(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
}

func TestParseAddressRefusesWithAReason(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "empty camera address",
		"ftp://10.0.0.5":                "not http or https",
		"https://admin:meinsm@10.0.0.5": "holds a user name or password",
		"10.0.0.5:0":                    "not between 1 and 65535",
		"10.0.0.5:70000":                "not between 1 and 65535",
		"https://10.0.0.5/admin":        "has a path or query",
		"bad_host!name":                 "neither an IP address nor a valid host name",
	} {
		_, err := ParseAddress(in)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseAddress(%q) = %v; want an error saying %q", in, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "meinsm") {
			t.Errorf("the error repeats the password: %v", err)
		}
	}
}

func TestCorruptKnownCamerasFileIsRefusedNotDropped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known")
	good := "127.0.0.1 SHA256:" + strings.Repeat("AB:", 31) + "AB 2026-01-01T00:00:00Z\n"
	for name, content := range map[string]string{
		"a line without fingerprint": good + "10.0.0.1\n",
		"a short fingerprint":        "10.0.0.1 SHA256:AB:CD 2026\n",
		"garbage":                    "\x00\x01binary",
		"a broken next pin":          strings.TrimSuffix(good, "\n") + " next=SHA256:XY\n",
		"an unknown field":           strings.TrimSuffix(good, "\n") + " other=SHA256:" + strings.Repeat("AB:", 31) + "AB\n",
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadKnownCameras(path)
			if err == nil || !strings.Contains(err.Error(), "line") {
				t.Fatalf("LoadKnownCameras = %v; want an error naming the line", err)
			}
		})
	}
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := k.Lookup("127.0.0.1"); !ok {
		t.Fatal("a good line was not read")
	}
}

func TestNextPinReplacesTheOldOneWhenSeen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known")
	k, _ := LoadKnownCameras(path)
	oldFP, newFP := strings.Repeat("AA:", 31)+"AA", strings.Repeat("BB:", 31)+"BB"
	if err := k.Pin("cam", oldFP); err != nil {
		t.Fatal(err)
	}
	if err := k.PinNext("cam", newFP); err != nil {
		t.Fatal(err)
	}
	reread, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatalf("the file with a next pin does not load: %v", err)
	}
	if fp, _ := reread.Lookup("cam"); fp != oldFP {
		t.Fatalf("before the reboot the old pin must stay, got %s", fp)
	}
	if !reread.promoteNext("cam", newFP) {
		t.Fatal("the next pin was not accepted")
	}
	if fp, _ := reread.Lookup("cam"); fp != newFP || reread.promoteNext("cam", oldFP) {
		t.Fatal("after the new certificate was seen, only it may be pinned")
	}
	again, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatalf("the file with a remembered earlier pin does not load: %v", err)
	}
	if fp, _ := again.Lookup("cam"); fp != newFP || again.Before("cam") != oldFP {
		t.Fatalf("read again: pin %s, before %q; want %s and %s", fp, again.Before("cam"), newFP, oldFP)
	}
}

// TestKnownCamerasSharedByTwoProcessesKeepEveryPin: stores loaded from the
// same file before either wrote (two mxwizard processes) each pin their own
// cameras, at the same time: the file ends with every pin, and a stale
// store never undoes a promotion the other made.
func TestKnownCamerasSharedByTwoProcessesKeepEveryPin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_cameras")
	fp := func(b byte) string {
		return strings.TrimSuffix(strings.Repeat(fmt.Sprintf("%02X:", b), 32), ":")
	}
	a, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); _ = a.Pin(fmt.Sprintf("a%d", i), fp(byte(i))) }()
		go func() { defer wg.Done(); _ = b.Pin(fmt.Sprintf("b%d", i), fp(byte(100+i))) }()
	}
	wg.Wait()
	c, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if got, _ := c.Lookup(fmt.Sprintf("a%d", i)); got != fp(byte(i)) {
			t.Errorf("pin a%d lost", i)
		}
		if got, _ := c.Lookup(fmt.Sprintf("b%d", i)); got != fp(byte(100+i)) {
			t.Errorf("pin b%d lost", i)
		}
	}

	// apply pins next and promotes; a stale audit store pins another camera
	// afterwards: the promotion stays, and the stale store accepts the new
	// certificate instead of calling it changed.
	if err := a.PinNext("cam", fp(1)); err != nil {
		t.Fatal(err)
	}
	if err := a.PinNext("cam", fp(2)); err != nil {
		t.Fatal(err)
	}
	stale, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatal(err)
	}
	if !a.promoteNext("cam", fp(2)) {
		t.Fatal("promotion failed")
	}
	if err := stale.Pin("other", fp(3)); err != nil {
		t.Fatal(err)
	}
	again, _ := LoadKnownCameras(path)
	if got, _ := again.Lookup("cam"); got != fp(2) {
		t.Fatalf("the promoted pin was undone: %s", got)
	}
	stale2, _ := LoadKnownCameras(path)
	_ = a.PinNext("cam2", fp(4))
	_ = a.PinNext("cam2", fp(5))
	_ = a.promoteNext("cam2", fp(5))
	if !stale2.refreshed("cam2", fp(5)) && !stale2.promoteNext("cam2", fp(5)) {
		t.Fatal("a stale store does not accept the certificate another process promoted")
	}
	// A first-contact pin never overwrites a pin another process made.
	var fe *FingerprintError
	if err := stale2.Pin("b1", fp(9)); !errors.As(err, &fe) {
		t.Fatalf("pinning over another process's pin: %v", err)
	}
}

// TestKnownCamerasFileWithAByteOrderMark: the first pin of a file saved by
// an editor that writes a UTF-8 BOM still counts.
func TestKnownCamerasFileWithAByteOrderMark(t *testing.T) {
	path := filepath.Join(t.TempDir(), "known_cameras")
	fp := strings.TrimSuffix(strings.Repeat("AB:", 32), ":")
	if err := os.WriteFile(path, []byte("\ufeffcam1 SHA256:"+fp+" 2026-01-01T00:00:00Z\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := LoadKnownCameras(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := k.Lookup("cam1"); !ok || got != fp {
		t.Fatalf("the first pin after a BOM: %q %v", got, ok)
	}
}

// TestAnAddressThatDoesNotParseNeverRepeatsItsPassword: whatever makes an
// address unusable, a user name and password typed into it stay out of
// the message.
func TestAnAddressThatDoesNotParseNeverRepeatsItsPassword(t *testing.T) {
	for _, in := range []string{
		"https://admin:Sup3rS3cret@cam%zz",
		"https://admin:Sup3rS3cret@cam:99999",
		"ftp://admin:Sup3rS3cret@cam",
		"https://admin:Sup3rS3cret@cam/path",
		"admin:Sup3rS3cret@cam",
		"https://admin:Sup3r%zzS3cret@cam",
	} {
		_, err := ParseAddress(in)
		if err == nil {
			t.Errorf("%d bytes accepted", len(in))
			continue
		}
		if strings.Contains(err.Error(), "Sup3r") || strings.Contains(err.Error(), "admin:") {
			t.Errorf("the error repeats the credentials: %v", err)
		}
	}
}

// TestCameraTextLosesItsControlCharacters: a model name or an error line
// with terminal escape sequences (title, colour, cursor) or direction
// overrides reaches nobody's terminal as such.
func TestCameraTextLosesItsControlCharacters(t *testing.T) {
	cfg, err := ParseConfig([]byte("SECTION system\nMODEL=M73\x1b]0;owned\x07\x1b[2J\u202e\nSERIAL=10.8.0.1\x9b31m\nENDSECTION system\n"))
	if err != nil {
		t.Fatal(err)
	}
	id := IdentityOf(cfg)
	for _, v := range []string{id.Model, id.Serial} {
		if strings.ContainsAny(v, "\x1b\x07\u009b\u202e") {
			t.Errorf("identity keeps control characters: %q", v)
		}
	}
	if id.Model != "M73?]0;owned??[2J?" {
		t.Errorf("model shown as %q", id.Model)
	}
	e := &Error{Camera: "cam", Op: "remote configuration", Kind: ErrCamera, Detail: "#ERR \x1b[31mred"}
	if strings.Contains(e.Error(), "\x1b") {
		t.Errorf("camera error line keeps ESC: %q", e.Error())
	}
	log := ParseWebLog([]byte("2026-12-01T10:00:00Z 10.0.0.9 ev\x1b[1mil GET /x 200\n"))
	if len(log) != 1 || strings.Contains(log[0].User, "\x1b") {
		t.Errorf("web log entry: %+v", log)
	}
}
