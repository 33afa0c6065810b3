package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// openExample opens a run of the example profile with the factory password,
// as the sweeps' runs do.
func openExample(ctx context.Context, addr, out string, known *camera.KnownCameras, pass secret.Secret) (*Session, error) {
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		return nil, err
	}
	return Open(ctx, Options{
		Camera:  camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true, Timeout: 5 * time.Second, Retries: 2},
		Profile: prof, OutDir: out, Passphrase: pass, Generate: generate,
		PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	})
}

// runOnce is one `mxwizard apply` of the example profile: open, apply every
// step, finish.
func runOnce(ctx context.Context, addr, out string, known *camera.KnownCameras, pass secret.Secret) (*Session, error) {
	s, err := openExample(ctx, addr, out, known, pass)
	if err != nil {
		return nil, err
	}
	if err := s.ApplyAll(ctx); err != nil {
		return s, err
	}
	_, err = s.Finish(ctx)
	return s, err
}

// runWizardPath is the wizard's way through the same run: each step is
// planned for the installer to confirm (PlanTentative) with every secret it
// sets typed or generated anew in the wizard (as "Redo step N", generate,
// does), applied exactly as shown, then the finish.
func runWizardPath(ctx context.Context, addr, out string, known *camera.KnownCameras, pass secret.Secret) (*Session, error) {
	s, err := openExample(ctx, addr, out, known, pass)
	if err != nil {
		return nil, err
	}
	for _, st := range steps.All() {
		first, err := s.PlanTentative(st, nil)
		if err != nil {
			return s, err
		}
		pending := map[steps.SecretName]secret.Secret{}
		for name := range first.Secrets {
			if pending[name], err = generate(); err != nil {
				return s, err
			}
		}
		plan, err := s.PlanTentative(st, pending)
		if err != nil {
			return s, err
		}
		if err := s.ApplyStep(ctx, st, plan, ""); err != nil {
			return s, err
		}
	}
	_, err = s.Finish(ctx)
	return s, err
}

type runFunc func(ctx context.Context, addr, out string, known *camera.KnownCameras, pass secret.Secret) (*Session, error)

// TestCrashPointSweep drops each request of a full run in turn (the
// connection closes without an answer, as when a cable is pulled), then
// runs the same command again: every case must end hardened and verified,
// with every secret set on the camera in the secrets file and the admin
// password on file working.
func TestCrashPointSweep(t *testing.T) {
	sweep(t, runOnce, false)
}

// TestCrashPointSweepWithPowerCycle is the same for "drop, power-cycle,
// resume": the camera loses everything not stored before the second run.
func TestCrashPointSweepWithPowerCycle(t *testing.T) {
	sweep(t, runOnce, true)
}

// TestCrashPointSweepOfTheWizardPath is "drop, power-cycle, resume, redo"
// along the wizard's way: the second run generates every secret anew.
func TestCrashPointSweepOfTheWizardPath(t *testing.T) {
	sweep(t, runWizardPath, true)
}

func sweep(t *testing.T, run runFunc, powerCycle bool) {
	if testing.Short() {
		t.Skip("the sweep runs a full hardening twice per request")
	}
	pass := secret.New("sweep passphrase 1234")
	// A clean run tells how many requests the camera sees.
	clean := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 20 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := run(ctx, clean.URLs()[0].HTTPS, t.TempDir(), camera.NewKnownCamerasInMemory(), pass); err != nil {
		t.Fatalf("clean run: %v", err)
	}
	total := clean.Cameras()[0].Requests()
	if total < 10 {
		t.Fatalf("a full run made only %d requests", total)
	}
	interrupted := 0
	for n := 1; n <= total; n++ {
		srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 20 * time.Millisecond, Faults: camsim.Faults{DropRequest: n}})
		cam := srv.Cameras()[0]
		addr := srv.URLs()[0].HTTPS
		out := t.TempDir()
		knownPath := filepath.Join(out, "known_cameras")
		known, err := camera.LoadKnownCameras(knownPath)
		if err != nil {
			t.Fatal(err)
		}
		_, err = run(ctx, addr, out, known, pass)
		if err != nil {
			interrupted++
		}
		cam.SetFaults(camsim.Faults{})
		if powerCycle {
			cam.Reboot()
			camsimtest.WaitReady(t, cam, 10*time.Second)
		}
		known, err = camera.LoadKnownCameras(knownPath)
		if err != nil {
			t.Fatal(err)
		}
		s, err := run(ctx, addr, out, known, pass)
		if err != nil {
			t.Errorf("request %d dropped: the second run failed: %v", n, err)
			continue
		}
		for _, r := range s.results {
			if r.After.Status == string(steps.Fail) || r.After.Status == string(steps.Error) {
				t.Errorf("request %d dropped: step %d %s: %s", n, r.Step, r.After.Status, r.After.Detail)
			}
		}
		now := s.engine.Client.Address()
		t.Run(fmt.Sprintf("request %d", n), func(t *testing.T) {
			assertSecretsTruth(t, ctx, cam, now, out, known, pass)
		})
		old, _ := camera.New(camera.Options{Address: now, Password: secret.New(camera.FactoryPassword), Known: known})
		if _, err := old.Identity(ctx); !errors.Is(err, camera.ErrUnauthorized) {
			t.Errorf("request %d dropped: the factory password: %v", n, err)
		}
		old.Close()
	}
	t.Logf("%d requests swept, %d runs interrupted and finished by the second run", total, interrupted)
}
