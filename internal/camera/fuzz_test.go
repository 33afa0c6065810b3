package camera

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzParseWebLog(f *testing.F) {
	f.Add([]byte("2026-11-27T19:00:00Z 127.0.0.1 admin GET /admin/remoteconfig 200\n"))
	f.Add([]byte("2026-11-27T19:00:00Z 10.0.0.1 - POST / 401\ngarbage line\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, e := range ParseWebLog(data) {
			if e.Address == "" || e.Method == "" || e.Path == "" || e.User == "-" {
				t.Fatalf("incomplete entry %+v", e)
			}
		}
	})
}

func FuzzLoadKnownCameras(f *testing.F) {
	f.Add([]byte("127.0.0.1 SHA256:" + strings.Repeat("AB:", 31) + "AB 2026-01-01T00:00:00Z\n"))
	f.Add([]byte("# comment\n\ncam SHA256:XX\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "known")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		k, err := LoadKnownCameras(path)
		if err != nil {
			return
		}
		fp := strings.Repeat("CD:", 31) + "CD"
		if err := k.Pin("fuzz-host", fp); err != nil {
			t.Fatal(err)
		}
		again, err := LoadKnownCameras(path)
		if err != nil {
			t.Fatalf("a file mxwizard wrote does not load: %v", err)
		}
		if got, _ := again.Lookup("fuzz-host"); got != fp {
			t.Fatalf("pin lost: %q", got)
		}
	})
}
