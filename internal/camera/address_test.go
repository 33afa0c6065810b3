package camera

import (
	"os"
	"path/filepath"
	"strings"
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
}
