package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// TestRestoreBringsAFactoryResetCameraBackAsCommissioned: harden, reset the
// camera to factory defaults (reset configfile, store, reboot), restore the
// encrypted backup: the camera answers where it did, the admin password of
// the secrets file logs in and the factory one is refused, it presents the
// commissioned certificate, and no step fails.
func TestRestoreBringsAFactoryResetCameraBackAsCommissioned(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	cam := srv.Cameras()[0]
	out := t.TempDir()
	pass := secret.New("restore passphrase 2026")
	known := camera.NewKnownCamerasInMemory()
	s, err := runOnce(ctx, srv.URLs()[0].HTTPS, out, known, pass)
	if err != nil {
		t.Fatal(err)
	}
	hardenedAt, fp := s.Address(), s.engine.Client.Fingerprint()
	sec := readSecretsOf(t, out, s.Identity().Serial, pass)

	cam.RunScript("\nhelo\nreset configfile\nstore\nreboot\nquit\n\n")
	camsimtest.WaitReady(t, cam, 5*time.Second)
	factoryAt := srv.URLs()[0].HTTPS
	if factoryAt == hardenedAt {
		t.Fatal("the reset did not bring the factory ports back: the test proves nothing")
	}

	opts := RestoreOptions{
		Camera:     camera.Options{Address: factoryAt, Password: secret.New(camera.FactoryPassword), Known: known},
		Backup:     s.Files().Backup,
		Passphrase: pass, PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	}
	plan := opts
	plan.PlanOnly = true
	pr, err := Restore(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if len(pr.Differ) == 0 || !strings.Contains(strings.Join(pr.Differ, " "), camera.SecWebServer) {
		t.Fatalf("the plan names no changed section: %v", pr.Differ)
	}
	if cam.ActiveConfig().Value(camera.SecWebServer, camera.KeyAuthMethod) == "digest" {
		t.Fatal("the plan wrote to the camera")
	}

	res, err := Restore(ctx, opts)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if res.AddressAfter != hardenedAt {
		t.Errorf("after the restore the camera answers at %s, it was commissioned at %s", res.AddressAfter, hardenedAt)
	}
	c, _ := camera.New(camera.Options{Address: res.AddressAfter, Password: sec.AdminPassword, Known: known})
	defer c.Close()
	if _, err := c.Identity(ctx); err != nil {
		t.Errorf("the admin password on file after the restore: %v", err)
	}
	if c.Fingerprint() != fp {
		t.Errorf("the camera presents %s, commissioned with %s", c.Fingerprint(), fp)
	}
	f, _ := camera.New(camera.Options{Address: res.AddressAfter, Password: secret.New(camera.FactoryPassword), Known: known})
	defer f.Close()
	if _, err := f.Identity(ctx); !errors.Is(err, camera.ErrUnauthorized) {
		t.Errorf("the factory password after the restore: %v", err)
	}
	for _, r := range res.Steps {
		if r.After.Status == string(steps.Fail) || r.After.Status == string(steps.Error) || r.After.Status == string(steps.Unsupported) {
			t.Errorf("step %d after the restore: %s %s", r.Step, r.After.Status, r.After.Detail)
		}
	}
	if res.Files.Report == "" {
		t.Error("no report of the restore")
	}
}

// TestRestoreRefusesAnotherFirmwareUnlessForced: the backup's firmware line
// must be the camera's; the refusal names both versions and the flag.
func TestRestoreRefusesAnotherFirmwareUnlessForced(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	out := t.TempDir()
	pass := secret.New("restore passphrase 2026")
	s, err := runOnce(ctx, srv.URLs()[0].HTTPS, out, camera.NewKnownCamerasInMemory(), pass)
	if err != nil {
		t.Fatal(err)
	}
	_, _, other := camsimtest.New(t, camsim.Options{Firmware: "MX-V7.3.6.1"})
	_, err = Restore(ctx, RestoreOptions{
		Camera: camera.Options{Address: other.URL, Password: secret.New(camera.FactoryPassword), Known: camera.NewKnownCamerasInMemory(), AcceptNew: true},
		Backup: s.Files().Backup, Passphrase: pass,
	})
	if err == nil || !strings.Contains(err.Error(), "MX-V7.3.5.35") || !strings.Contains(err.Error(), "MX-V7.3.6.1") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a backup of another firmware: %v", err)
	}
}
