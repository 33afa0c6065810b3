package session

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// runOnce is one `mxwizard apply` of the example profile: open, apply every
// step, finish.
func runOnce(ctx context.Context, addr, out string, known *camera.KnownCameras, pass secret.Secret) (*Session, error) {
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		return nil, err
	}
	s, err := Open(ctx, Options{
		Camera:  camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true, Timeout: 5 * time.Second, Retries: 2},
		Profile: prof, OutDir: out, Passphrase: pass, Generate: generate,
		PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	if err := s.ApplyAll(ctx); err != nil {
		return s, err
	}
	_, err = s.Finish(ctx)
	return s, err
}

// TestCrashPointSweep drops each request of a full run in turn (the
// connection closes without an answer, as when a cable is pulled), then
// runs the same command again: every case must end hardened and verified,
// with the admin password of the secrets file working.
func TestCrashPointSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("the sweep runs a full hardening twice per request")
	}
	pass := secret.New("sweep passphrase 1234")
	// A clean run tells how many requests the camera sees.
	clean := camsimtest.NewServer(t, camsim.ServerOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := runOnce(ctx, clean.URLs()[0].HTTPS, t.TempDir(), camera.NewKnownCamerasInMemory(), pass); err != nil {
		t.Fatalf("clean run: %v", err)
	}
	total := clean.Cameras()[0].Requests()
	if total < 10 {
		t.Fatalf("a full run made only %d requests", total)
	}
	interrupted := 0
	for n := 1; n <= total; n++ {
		srv := camsimtest.NewServer(t, camsim.ServerOptions{Faults: camsim.Faults{DropRequest: n}})
		addr := srv.URLs()[0].HTTPS
		out := t.TempDir()
		known, err := camera.LoadKnownCameras(filepath.Join(out, "known_cameras"))
		if err != nil {
			t.Fatal(err)
		}
		_, err = runOnce(ctx, addr, out, known, pass)
		if err != nil {
			interrupted++
		}
		srv.Cameras()[0].SetFaults(camsim.Faults{})
		known, err = camera.LoadKnownCameras(filepath.Join(out, "known_cameras"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := runOnce(ctx, addr, out, known, pass)
		if err != nil {
			t.Errorf("request %d dropped: the second run failed: %v", n, err)
			continue
		}
		for _, r := range s.Results {
			if r.After.Status == string(steps.Fail) || r.After.Status == string(steps.Error) {
				t.Errorf("request %d dropped: step %d %s: %s", n, r.Step, r.After.Status, r.After.Detail)
			}
		}
		data, err := backup.ReadFile(s.Files().Secrets, pass)
		if err != nil {
			t.Errorf("request %d dropped: secrets file: %v", n, err)
			continue
		}
		sec, err := backup.UnmarshalSecrets(data)
		if err != nil || sec.AdminPassword.IsZero() {
			t.Errorf("request %d dropped: no admin password saved (%v)", n, err)
			continue
		}
		c, _ := camera.New(camera.Options{Address: s.Engine.Client.Address(), Password: sec.AdminPassword, Known: known})
		if _, err := c.Identity(ctx); err != nil {
			t.Errorf("request %d dropped: the saved admin password does not work: %v", n, err)
		}
		old, _ := camera.New(camera.Options{Address: s.Engine.Client.Address(), Password: secret.New(camera.FactoryPassword), Known: known})
		if _, err := old.Identity(ctx); !errors.Is(err, camera.ErrUnauthorized) {
			t.Errorf("request %d dropped: the factory password: %v", n, err)
		}
	}
	t.Logf("%d requests swept, %d runs interrupted and finished by the second run", total, interrupted)
}
