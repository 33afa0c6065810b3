package session

import (
	"context"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

func TestMain(m *testing.M) {
	restore := backup.SetWorkFactorForTests(10)
	code := m.Run()
	restore()
	os.Exit(code)
}

func generate() (secret.Secret, error) { return password.Generate(0) }

// TestApplyExampleProfileHardensAFactoryCamera is the acceptance
// test: a factory-new camera fails at least ten steps; after apply with the
// example profile and a reboot, none fails, the factory password is refused
// and the new one works with Digest.
func TestApplyExampleProfileHardensAFactoryCamera(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	urls := srv.URLs()[0]
	known := camera.NewKnownCamerasInMemory()
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	pass := secret.New("correct horse battery staple")
	s, err := Open(ctx, Options{
		Camera:  camera.Options{Address: urls.HTTPS, Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true},
		Profile: prof, OutDir: out, Passphrase: pass, Generate: generate,
		PollInterval: 50 * time.Millisecond, BootTimeout: 20 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	failing := 0
	for _, f := range steps.CheckAll(s.snap) {
		if f.Status == steps.Fail {
			failing++
		}
	}
	if failing < 10 {
		t.Fatalf("a factory-new camera fails only %d steps", failing)
	}
	plans, err := s.PlanAll()
	if err != nil {
		t.Fatal(err)
	}
	var planned *x509.Certificate
	for _, p := range plans {
		if p.Certificate != nil {
			planned = p.Certificate.Certificate
		}
	}
	if planned == nil {
		t.Fatal("no certificate in the plan of a factory camera")
	}
	runsBefore, _ := backup.ScryptRuns()
	if err := s.ApplyAll(ctx); err != nil {
		t.Fatalf("apply: %v", err)
	}
	files, err := s.Finish(ctx)
	if err != nil {
		t.Fatalf("finish: %v", err)
	}
	// A site runs one scrypt at a time: a camera must cost as few as its
	// files need (the secrets file once, ahead of every write, and the
	// backup once), or side by side it waits for the others' scrypt.
	// (Other tests of the package run in parallel only with t.Parallel,
	// which this one does not use.)
	if runsAfter, _ := backup.ScryptRuns(); runsAfter-runsBefore != 2 {
		t.Errorf("the run encrypted or decrypted %d times, want 2 (secrets file and backup, each once)", runsAfter-runsBefore)
	}
	// Step 2 stays done: the run saw the camera in factory state, which the
	// fresh check after the password change can no longer tell.
	for _, r := range s.results {
		if r.ID == "factory-reset" && (r.After.Status != string(steps.Pass) || !strings.Contains(r.After.Detail, "factory state when this run began")) {
			t.Errorf("step 2 after the run: %s %s", r.After.Status, r.After.Detail)
		}
	}
	// The certificate the plan showed is the one the camera presents.
	if got, want := s.engine.Client.Fingerprint(), camera.FingerprintSHA256(planned.Raw); got != want {
		t.Errorf("the camera presents certificate %s, the plan showed %s", got, want)
	}
	for _, r := range s.results {
		if r.After.Status == string(steps.Fail) || r.After.Status == string(steps.Error) {
			t.Errorf("step %d %s after the run: %s %s", r.Step, r.ID, r.After.Status, r.After.Detail)
		}
	}
	after := s.engine.Client.Base()
	if after.Scheme != "https" || camera.PortOf(after) != srv.Port(8443) {
		t.Errorf("camera now at %s, want https on the port of 8443", after)
	}

	// The secrets file holds the new admin password.
	data, err := backup.ReadFile(files.Secrets, pass)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := backup.UnmarshalSecrets(data)
	if err != nil {
		t.Fatal(err)
	}
	if sec.AdminPassword.IsZero() || len(sec.Users) != len(prof.Users) || sec.RecordingKey.IsZero() {
		t.Fatalf("secrets file incomplete: admin %v users %d recording %v", !sec.AdminPassword.IsZero(), len(sec.Users), !sec.RecordingKey.IsZero())
	}

	// A fresh audit with the new password: nothing fails, Digest in use.
	fresh, err := camera.New(camera.Options{Address: after.String(), Password: sec.AdminPassword, Known: known})
	if err != nil {
		t.Fatal(err)
	}
	eng := &steps.Engine{Client: fresh, Password: sec.AdminPassword}
	snap, err := eng.Snapshot(ctx, true)
	if err != nil {
		t.Fatalf("the new admin password does not work: %v", err)
	}
	for i, f := range steps.CheckAll(snap) {
		if f.Status == steps.Fail || f.Status == steps.Error {
			t.Errorf("audit after apply: step %d: %s %s", i+1, f.Status, f.Detail)
		}
	}
	if got := snap.Value(camera.SecWebServer, camera.KeyAuthMethod); got != "digest" {
		t.Errorf("authentication is %q after the run", got)
	}
	old, _ := camera.New(camera.Options{Address: after.String(), Password: secret.New(camera.FactoryPassword), Known: known})
	if _, err := old.Identity(ctx); !errors.Is(err, camera.ErrUnauthorized) {
		t.Errorf("the factory password: %v, want refused", err)
	}
	// Report and backup exist and hold no secret.
	for _, f := range []string{files.Report, files.JSON, files.HTML, files.Backup, files.Secrets} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("missing output %s", f)
		}
	}
	entries, _ := os.ReadDir(out)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(out, e.Name()))
		for _, v := range append([]secret.Secret{sec.AdminPassword, sec.RecordingKey, pass}, userPasswords(sec)...) {
			if strings.Contains(string(b), v.Reveal()) {
				t.Errorf("%s holds a secret in plain text", e.Name())
			}
		}
	}
	if n := s.engine.Requests(); n > 60 {
		t.Errorf("the run took %d requests", n)
	}
	t.Logf("requests: %d", s.engine.Requests())
}

func userPasswords(s backup.Secrets) []secret.Secret {
	var out []secret.Secret
	for _, u := range s.Users {
		out = append(out, u.Password)
	}
	return out
}
