package session

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// resetSite is a camera that was hardened into out and then reset to
// factory defaults, as an installer finds it after the reset button.
type resetSite struct {
	srv   *camsim.Server
	cam   *camsim.Camera
	out   string
	known *camera.KnownCameras
	first *Session // the run that hardened it
}

// hardenThenReset hardens the one camera of a fresh simulated server into a
// new output directory, then resets it (reset configfile, store, reboot) and
// waits until it answers again.
func hardenThenReset(ctx context.Context, t *testing.T, pass secret.Secret) resetSite {
	t.Helper()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	site := resetSite{srv: srv, cam: srv.Cameras()[0], out: t.TempDir(), known: camera.NewKnownCamerasInMemory()}
	var err error
	if site.first, err = runOnce(ctx, srv.URLs()[0].HTTPS, site.out, site.known, pass); err != nil {
		t.Fatal(err)
	}
	site.cam.RunScript("\nhelo\nreset configfile\nstore\nreboot\nquit\n\n")
	camsimtest.WaitReady(t, site.cam, 5*time.Second)
	return site
}

// TestRestoreBringsAFactoryResetCameraBackAsCommissioned: harden, reset the
// camera to factory defaults (reset configfile, store, reboot), restore the
// encrypted backup: the camera answers where it did, the admin password of
// the secrets file logs in and the factory one is refused, it presents the
// commissioned certificate, and no step fails.
func TestRestoreBringsAFactoryResetCameraBackAsCommissioned(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pass := secret.New("restore passphrase 2026")
	site := hardenThenReset(ctx, t, pass)
	srv, cam, known, s := site.srv, site.cam, site.known, site.first
	hardenedAt, fp := s.Address(), s.engine.Client.Fingerprint()
	sec := readSecretsOf(t, site.out, s.Identity().Serial, pass)
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

// TestHardenResetApplyAgainKeepsThePasswordAndTheKey: harden, reset to
// factory defaults, apply again into the same --out: the camera gets the
// same admin password and recording key back (from the secrets file), so
// the VMS account and old recordings keep working.
func TestHardenResetApplyAgainKeepsThePasswordAndTheKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pass := secret.New("again passphrase 2026")
	site := hardenThenReset(ctx, t, pass)
	cam, out, known := site.cam, site.out, site.known
	before := readSecretsOf(t, out, site.first.Identity().Serial, pass)
	first := site.first.Files()
	earlier := map[string][]byte{}
	for _, p := range []string{first.Report, first.JSON, first.HTML, first.Backup} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		earlier[p] = b
	}
	s2, err := runOnce(ctx, site.srv.URLs()[0].HTTPS, out, known, pass)
	if err != nil {
		t.Fatalf("apply again after the reset: %v", err)
	}
	after := assertSecretsTruth(t, ctx, cam, s2.Address(), out, known, pass)
	if !after.AdminPassword.Equal(before.AdminPassword) || !after.RecordingKey.Equal(before.RecordingKey) {
		t.Error("the re-hardened camera got new secrets instead of the commissioned ones")
	}
	// The commissioning's report and backup are kept beside the new ones.
	for p, content := range earlier {
		ext := filepath.Ext(p)
		if strings.HasSuffix(p, ".cfg.age") {
			ext = ".cfg.age"
		}
		kept, _ := filepath.Glob(strings.TrimSuffix(p, ext) + "-*" + ext)
		if len(kept) != 1 {
			t.Errorf("the earlier %s: kept as %v, want one dated copy", filepath.Base(p), kept)
			continue
		}
		if b, err := os.ReadFile(kept[0]); err != nil || !bytes.Equal(b, content) {
			t.Errorf("%s is not the earlier run's %s (%v)", kept[0], filepath.Base(p), err)
		}
		if b, err := os.ReadFile(p); err != nil || bytes.Equal(b, content) {
			t.Errorf("%s is not this run's (%v)", p, err)
		}
	}
}

// TestRestoreWithAWrongPassphraseWritesNothing: the backup does not open,
// so the camera is not even asked.
func TestRestoreWithAWrongPassphraseWritesNothing(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	out := t.TempDir()
	s, err := runOnce(ctx, srv.URLs()[0].HTTPS, out, camera.NewKnownCamerasInMemory(), secret.New("the right passphrase!"))
	if err != nil {
		t.Fatal(err)
	}
	cam2, _, other := camsimtest.New(t)
	_, err = Restore(ctx, RestoreOptions{
		Camera: camera.Options{Address: other.URL, Password: secret.New(camera.FactoryPassword), Known: camera.NewKnownCamerasInMemory(), AcceptNew: true},
		Backup: s.Files().Backup, Passphrase: secret.New("the wrong passphrase!"),
	})
	if !errors.Is(err, backup.ErrWrongPassphrase) {
		t.Fatalf("a wrong passphrase: %v", err)
	}
	if cam2.Requests() != 0 {
		t.Fatalf("the camera got %d requests", cam2.Requests())
	}
}

// TestRestoreCrashPointSweep drops each request of a restore in turn (as a
// pulled cable would) and runs the restore again: every case ends with the
// camera as commissioned (the admin password on file logs in, the
// commissioned certificate, nothing failing).
func TestRestoreCrashPointSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("hardens a camera for every request of a restore")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	pass := secret.New("restore sweep passphrase")
	setup := func(t *testing.T) (*camsim.Server, *Session, string, *camera.KnownCameras) {
		t.Helper()
		site := hardenThenReset(ctx, t, pass)
		return site.srv, site.first, site.out, site.known
	}
	restore := func(srv *camsim.Server, s *Session, known *camera.KnownCameras, addr string) (*RestoreResult, error) {
		return Restore(ctx, RestoreOptions{
			Camera: camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: known, Timeout: 5 * time.Second},
			Backup: s.Files().Backup, Passphrase: pass, PollInterval: 20 * time.Millisecond, BootTimeout: 5 * time.Second,
		})
	}
	// A clean restore tells how many requests the camera sees.
	srv, s, _, known := setup(t)
	cam := srv.Cameras()[0]
	start := cam.Requests()
	if _, err := restore(srv, s, known, srv.URLs()[0].HTTPS); err != nil {
		t.Fatal(err)
	}
	total := cam.Requests() - start
	for n := 1; n <= total; n++ {
		srv, s, out, known := setup(t)
		cam := srv.Cameras()[0]
		factoryAt := srv.URLs()[0].HTTPS
		cam.SetFaults(camsim.Faults{DropRequest: cam.Requests() + n})
		_, _ = restore(srv, s, known, factoryAt)
		cam.SetFaults(camsim.Faults{})
		camsimtest.WaitReady(t, cam, 5*time.Second)
		res, err := restore(srv, s, known, factoryAt)
		if err != nil {
			t.Errorf("request %d of the restore dropped: running it again: %v", n, err)
			continue
		}
		sec := assertSecretsTruth(t, ctx, cam, res.AddressAfter, out, known, pass)
		if got := camera.FingerprintSHA256(cam.Certificate().Raw); !strings.Contains(sec.CertificatePEM.Reveal(), "CERTIFICATE") || got != s.engine.Client.Fingerprint() {
			t.Errorf("request %d dropped: the camera presents %s", n, got)
		}
		if res.Failed {
			t.Errorf("request %d dropped: a step fails after the rerun", n)
		}
	}
	t.Logf("%d requests of a restore swept", total)
}

// TestStep2ResetsAHardenedCameraAndTheRunHardensItAgain: a camera
// hardened before (by somebody else) is reset by step 2 and hardened again
// in the same run, every step passing: the reset keeps the network
// settings (the name set before is still there, the camera answers where
// it did), and the IP rules of step 7 are planned with the address the
// camera saw this computer as before the reset.
func TestStep2ResetsAHardenedCameraAndTheRunHardensItAgain(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pass := secret.New("reset again passphrase")
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	cam := srv.Cameras()[0]
	known := camera.NewKnownCamerasInMemory()
	first, err := runOnce(ctx, srv.URLs()[0].HTTPS, t.TempDir(), known, pass)
	if err != nil {
		t.Fatal(err)
	}
	cam.RunScript("\nhelo\nwrite params\nethernet/HOSTNAME=lobby-cam\nupdate\nstore\nquit\n\n")
	adminPW, _ := first.KnownSecret(steps.AdminPassword)
	hardenedAt := first.Address()
	first.Close()

	prof, err := profile.Parse(profile.Example())
	if err != nil {
		t.Fatal(err)
	}
	prof.FactoryReset = true
	s, err := Open(ctx, Options{
		Camera:  camera.Options{Address: hardenedAt, Password: adminPW, Known: known, Timeout: 5 * time.Second},
		Profile: prof, OutDir: t.TempDir(), Passphrase: pass, Generate: generate,
		PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.ApplyAll(ctx); err != nil {
		t.Fatalf("harden after the reset of step 2: %v", err)
	}
	if _, err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if s.Failed() {
		t.Fatalf("a step fails after the reset and hardening: %+v", s.Results())
	}
	reset := false
	for _, r := range s.Results() {
		if r.ID == "factory-reset" && len(r.Changes) > 0 {
			reset = true
		}
	}
	if !reset {
		t.Fatal("step 2 did not reset the camera: the test proves nothing")
	}
	if got := cam.FlashConfig().Value(camera.SecEthernet, camera.KeyHostname); got != "lobby-cam" {
		t.Fatalf("the reset lost the network settings: the name is %q", got)
	}
}

// TestARestoreSaysWhenTheBackupMovesTheCamera: the reset camera has
// another IP address in its network settings than the backup (a whole
// factory reset brings back the factory address): the plan says where the
// backup's network settings move it, the restore looks for it there first,
// and (the simulated camera does not move its listening address, as a
// firmware that kept its address would not) finds it where it was and says
// that the settings did not take effect.
func TestARestoreSaysWhenTheBackupMovesTheCamera(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	pass := secret.New("restore moves passphrase")
	site := hardenThenReset(ctx, t, pass)
	site.cam.RunScript("\nhelo\nwrite params\nethernet/IPADDR=10.0.0.99\nupdate\nstore\nquit\n\n")
	backupIP := site.cam.FactoryConfig().Value(camera.SecEthernet, camera.KeyIPAddr)
	var said []string
	opts := RestoreOptions{
		Camera:     camera.Options{Address: site.srv.URLs()[0].HTTPS, Password: secret.New(camera.FactoryPassword), Known: site.known},
		Backup:     site.first.Files().Backup,
		Passphrase: pass, PollInterval: 20 * time.Millisecond, BootTimeout: 500 * time.Millisecond,
		Progress: func(m string) { said = append(said, m) },
	}
	plan := opts
	plan.PlanOnly = true
	pr, err := Restore(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	if pr.MovesTo != backupIP || !slices.Contains(pr.Differ, camera.SecEthernet) {
		t.Fatalf("the plan: moves to %q (want %q), sections %v", pr.MovesTo, backupIP, pr.Differ)
	}
	res, err := Restore(ctx, opts)
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, strings.Join(said, "\n"))
	}
	all := strings.Join(said, "\n")
	if !strings.Contains(all, "move the camera from 10.0.0.99 to "+backupIP) || !strings.Contains(all, "its network settings did not take effect") || res.Failed {
		t.Fatalf("what the restore said (failed %v):\n%s", res.Failed, all)
	}
}
