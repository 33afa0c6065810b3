package session

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// echoingCamera is a simulated camera whose firmware echoes every value it
// is sent for a password in an error line, percent-encoded as it came.
func echoingCamera(t *testing.T) (*camsim.Camera, string) {
	t.Helper()
	cam := camsim.New(camsim.Options{})
	pw := regexp.MustCompile(`(?m)^(users/[^/]+/password=\S+)`)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		cam.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		out := rec.Body.Bytes()
		if rec.Code == http.StatusOK && r.URL.Path == camera.PathRemoteConfig {
			for _, m := range pw.FindAllSubmatch(body, -1) {
				out = append(out, []byte("#ERR "+string(m[1])+": refused by this firmware\n")...)
			}
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(out)
	})
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = cam.TLSConfig()
	srv.StartTLS()
	t.Cleanup(func() { srv.Close(); cam.Close() })
	return cam, srv.URL
}

// TestASecretTheCameraEchoesIsRedacted: the new admin password comes back
// percent-encoded in the camera's error line; neither the error nor any
// file of the run holds it, in either form.
func TestASecretTheCameraEchoesIsRedacted(t *testing.T) {
	_, addr := echoingCamera(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	newPW := "Echo+Me=Now:100%&x"
	t.Setenv("MXWIZARD_TEST_ADMIN_PW", newPW)
	prof := exampleProfile(t)
	prof.Admin.Password = "env:MXWIZARD_TEST_ADMIN_PW"
	out := t.TempDir()
	s, err := Open(ctx, Options{
		Camera:  camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: camera.NewKnownCamerasInMemory(), AcceptNew: true},
		Profile: prof, OutDir: out, Passphrase: secret.New("echo passphrase 1234"), Generate: generate,
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.ApplyAll(ctx)
	if !errors.Is(err, camera.ErrCamera) {
		t.Fatalf("the echoed error line: %v", err)
	}
	forms := []string{newPW, camera.EncodeValue(newPW), strings.ToLower(camera.EncodeValue(newPW))}
	for _, f := range forms {
		if strings.Contains(err.Error(), f) {
			t.Fatalf("the error shows the new password (%d bytes form): %v", len(f), err)
		}
	}
	if !strings.Contains(err.Error(), secret.Mask) {
		t.Errorf("the error does not show the mask where the secret was: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*"))
	for _, f := range files {
		if strings.HasSuffix(f, ".age") {
			continue
		}
		data, _ := os.ReadFile(f)
		for _, form := range forms {
			if bytes.Contains(data, []byte(form)) {
				t.Errorf("%s holds the new password", filepath.Base(f))
			}
		}
	}
}

// TestAShortPassphraseIsRefusedBeforeTheCamera: the passphrase check comes
// before the first request (not after groups were written), and its
// message is the fixed sentence, with no mask whose place would tell the
// passphrase.
func TestAShortPassphraseIsRefusedBeforeTheCamera(t *testing.T) {
	cam, addr := echoingCamera(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := Open(ctx, Options{
		Camera:  camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: camera.NewKnownCamerasInMemory(), AcceptNew: true},
		Profile: exampleProfile(t), OutDir: t.TempDir(), Passphrase: secret.New("use at"), Generate: generate,
	})
	if !errors.Is(err, backup.ErrPassphraseTooShort) || err.Error() != backup.ErrPassphraseTooShort.Error() {
		t.Fatalf("a short passphrase: %v", err)
	}
	if cam.Requests() != 0 {
		t.Fatalf("the camera got %d requests before the passphrase was checked", cam.Requests())
	}
}
