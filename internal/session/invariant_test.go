package session

import (
	"context"
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
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// readSecretsOf opens the secrets file of the camera with serial in out.
func readSecretsOf(t *testing.T, out, serial string, pass secret.Secret) backup.Secrets {
	t.Helper()
	data, err := backup.ReadFile(filepath.Join(out, serial+"-secrets.json.age"), pass)
	if err != nil {
		t.Fatalf("secrets file of %s: %v", serial, err)
	}
	sec, err := backup.UnmarshalSecrets(data)
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

// assertSecretsTruth is the invariant of the secrets file: every password
// and key set on the camera (its active configuration) is the value the
// camera's secrets file holds, and the admin password on file logs in at
// addr. It returns the file.
func assertSecretsTruth(t *testing.T, ctx context.Context, cam *camsim.Camera, addr, out string, known *camera.KnownCameras, pass secret.Secret) backup.Secrets {
	t.Helper()
	cfg := cam.ActiveConfig()
	serial := camera.IdentityOf(cfg).Serial
	sec := readSecretsOf(t, out, serial, pass)
	if sec.Serial != serial {
		t.Errorf("the secrets file says serial %q, the camera is %q", sec.Serial, serial)
	}
	c, err := camera.New(camera.Options{Address: addr, User: sec.AdminUser, Password: sec.AdminPassword, Known: known})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Identity(ctx); err != nil {
		t.Errorf("the admin password on file does not log in: %v", err)
	}
	onFile := map[string]secret.Secret{}
	for _, u := range sec.Users {
		onFile[u.Name] = u.Password
	}
	for _, u := range cfg.Keys(camera.SecUsers) {
		if u == sec.AdminUser {
			continue
		}
		hash := camera.ParseProfile(cfg.Value(camera.SecUsers, u)).Get(camera.ProfPasswordHash)
		pw, ok := onFile[u]
		if hash == "" {
			continue
		}
		if !ok || camsim.PasswordHash(u, pw.Reveal()) != hash {
			t.Errorf("user %s: the password set on the camera is not the one on file (on file: %v)", u, ok)
		}
	}
	for _, k := range []struct {
		section, key string
		v            secret.Secret
	}{{camera.SecStorage, camera.KeyEncryptKey, sec.RecordingKey}, {camera.SecMxMessage, camera.KeyMxKey, sec.MxMessageKey}} {
		stored := cfg.Value(k.section, k.key)
		if stored != "" && !camsim.SecretMatches(stored, k.v.Reveal()) {
			t.Errorf("%s/%s: the key set on the camera is not the one on file", k.section, k.key)
		}
	}
	return sec
}

func exampleProfile(t *testing.T) *profile.Profile {
	t.Helper()
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		t.Fatal(err)
	}
	return prof
}

// TestRedoAfterPowerCutReachesTheSecretsFile is the wizard's path of the
// first defect: step 3 applied with one generated password, the camera
// loses power before the store, the run is resumed and step 3 redone with
// another password. The secrets file must hold the second one (it was
// tracked by name, so it kept the first) and it must log in.
func TestRedoAfterPowerCutReachesTheSecretsFile(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	cam := srv.Cameras()[0]
	addr := srv.URLs()[0].HTTPS
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := t.TempDir()
	known := camera.NewKnownCamerasInMemory()
	pass := secret.New("redo passphrase 12345")
	opts := Options{
		Camera:  camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true},
		Profile: exampleProfile(t), OutDir: out, Passphrase: pass, Generate: generate,
		PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	}
	step3, _ := steps.ByID("admin-password")
	step12, _ := steps.ByID("recording-key")
	apply := func(s *Session, st steps.Step, name steps.SecretName, value string) {
		t.Helper()
		p, err := s.PlanTentative(st, map[steps.SecretName]secret.Secret{name: secret.New(value)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ApplyStep(ctx, st, p, ""); err != nil {
			t.Fatal(err)
		}
	}
	s, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	apply(s, step3, steps.AdminPassword, "First-Generated-Pw-1")
	apply(s, step12, steps.RecordingKey, "first-recording-key-1")
	// Power cut: nothing was stored, the camera boots the factory state.
	cam.Reboot()
	camsimtest.WaitReady(t, cam, 5*time.Second)

	s, err = Open(ctx, opts)
	if err != nil {
		t.Fatalf("resume after the power cut: %v", err)
	}
	if !s.Resumed() {
		t.Fatal("the run was not resumed")
	}
	apply(s, step3, steps.AdminPassword, "Second-Generated-Pw-2")
	apply(s, step12, steps.RecordingKey, "second-recording-key-2")
	if _, err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	sec := assertSecretsTruth(t, ctx, cam, s.engine.Client.Address(), out, known, pass)
	if sec.AdminPassword.Reveal() != "Second-Generated-Pw-2" || sec.RecordingKey.Reveal() != "second-recording-key-2" {
		t.Error("the secrets file does not hold the values of the redo")
	}
	prev := map[string]string{}
	for _, p := range sec.Previous {
		prev[p.Name] = p.Value.Reveal()
	}
	if prev[string(steps.AdminPassword)] != "First-Generated-Pw-1" || prev[string(steps.RecordingKey)] != "first-recording-key-1" {
		t.Errorf("the replaced values are not kept as previous ones: %d entries", len(sec.Previous))
	}
}

// TestSecondRunIntoTheSameOutMergesTheSecretsFile: a camera hardened once,
// then apply again with the same profile and --out at its new address (no
// state file: as after deleting a damaged one). The second run must keep
// the passwords and keys of the first in the file, and reuse them.
func TestSecondRunIntoTheSameOutMergesTheSecretsFile(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	cam := srv.Cameras()[0]
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := t.TempDir()
	known := camera.NewKnownCamerasInMemory()
	pass := secret.New("merge passphrase 12345")
	first, err := runOnce(ctx, srv.URLs()[0].HTTPS, out, known, pass)
	if err != nil {
		t.Fatal(err)
	}
	serial := first.Identity().Serial
	before := readSecretsOf(t, out, serial, pass)
	if before.RecordingKey.IsZero() || len(before.Users) == 0 {
		t.Fatal("the first run saved no recording key or user")
	}
	if err := os.Remove(filepath.Join(out, StateFile)); err != nil {
		t.Fatal(err)
	}
	newAddr := first.engine.Client.Address()
	s, err := Open(ctx, Options{
		Camera:  camera.Options{Address: newAddr, Password: before.AdminPassword, Known: known},
		Profile: exampleProfile(t), OutDir: out, Passphrase: pass, Generate: generate,
		PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyAll(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	after := assertSecretsTruth(t, ctx, cam, s.engine.Client.Address(), out, known, pass)
	if !after.RecordingKey.Equal(before.RecordingKey) || !after.AdminPassword.Equal(before.AdminPassword) {
		t.Error("the second run lost or replaced the recording key or the admin password")
	}
	if len(after.Users) != len(before.Users) {
		t.Fatalf("users on file: %d before, %d after", len(before.Users), len(after.Users))
	}
	for i, u := range before.Users {
		if after.Users[i].Name != u.Name || !after.Users[i].Password.Equal(u.Password) || after.Users[i].Group != u.Group {
			t.Errorf("user %s changed in the file", u.Name)
		}
	}
}

// TestASecretsFileThatDoesNotOpenIsNeverReplaced: a run with another
// passphrase into an --out that holds the camera's secrets file refuses to
// start instead of writing a new file over the old passwords.
func TestASecretsFileThatDoesNotOpenIsNeverReplaced(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := t.TempDir()
	known := camera.NewKnownCamerasInMemory()
	pass := secret.New("the first passphrase!")
	first, err := runOnce(ctx, srv.URLs()[0].HTTPS, out, known, pass)
	if err != nil {
		t.Fatal(err)
	}
	path := first.Files().Secrets
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(out, StateFile)); err != nil {
		t.Fatal(err)
	}
	sec := readSecretsOf(t, out, first.Identity().Serial, pass)
	_, err = Open(ctx, Options{
		Camera:  camera.Options{Address: first.engine.Client.Address(), Password: sec.AdminPassword, Known: known},
		Profile: exampleProfile(t), OutDir: out, Passphrase: secret.New("another passphrase!!"), Generate: generate,
	})
	if err == nil || !strings.Contains(err.Error(), "does not open") {
		t.Fatalf("a run with another passphrase: %v", err)
	}
	if !errors.Is(err, backup.ErrWrongPassphrase) {
		t.Errorf("the error does not say the passphrase is wrong: %v", err)
	}
	now, _ := os.ReadFile(path)
	if string(now) != string(old) {
		t.Fatal("the secrets file was replaced")
	}
}

// TestReHardeningGivesTheCameraBackItsCertificate: a camera hardened once,
// then (as after a factory reset that also brought the factory
// certificate back) a factory-new camera of the same serial hardened into
// the same --out: it gets the certificate and key of the commissioning from
// the secrets file, so the fingerprint everybody pinned is the same.
func TestReHardeningGivesTheCameraBackItsCertificate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out := t.TempDir()
	pass := secret.New("rehardening passphrase")
	first := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	s1, err := runOnce(ctx, first.URLs()[0].HTTPS, out, camera.NewKnownCamerasInMemory(), pass)
	if err != nil {
		t.Fatal(err)
	}
	fp1 := camera.FingerprintSHA256(first.Cameras()[0].Certificate().Raw)
	if s1.engine.Client.Fingerprint() != fp1 {
		t.Fatal("the first run does not end on the installed certificate")
	}
	sec := readSecretsOf(t, out, s1.Identity().Serial, pass)
	if sec.CertificateKey.IsZero() || !strings.Contains(sec.CertificatePEM.Reveal(), "BEGIN CERTIFICATE") {
		t.Fatal("the secrets file lacks the certificate and key of step 16")
	}
	if err := os.Remove(filepath.Join(out, StateFile)); err != nil {
		t.Fatal(err)
	}
	// The same address (the certificate names it), another camera.
	second := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond, IP: first.URLs()[0].IP})
	s2, err := runOnce(ctx, second.URLs()[0].HTTPS, out, camera.NewKnownCamerasInMemory(), pass)
	if err != nil {
		t.Fatal(err)
	}
	if got := camera.FingerprintSHA256(second.Cameras()[0].Certificate().Raw); got != fp1 {
		t.Fatalf("the re-hardened camera presents %s, the commissioned one %s", got, fp1)
	}
	if s2.engine.Client.Fingerprint() != fp1 {
		t.Fatal("the second run does not end on the commissioned certificate")
	}
}
