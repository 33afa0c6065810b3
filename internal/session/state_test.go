package session

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

func TestCorruptStateIsRefusedWithAWayOut(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, StateFile), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadState(dir)
	if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("LoadState = %v; want 'damaged ... delete it'", err)
	}
	if _, ok, err := LoadState(t.TempDir()); ok || err != nil {
		t.Fatalf("an empty directory must simply have no state: %v %v", ok, err)
	}
}

func TestOutputDirectoryProblemsStopBeforeTheCameraIsTouched(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Open(ctx, Options{
		Camera: camera.Options{Address: tlsSrv.URL, Password: secret.New(camera.FactoryPassword), AcceptNew: true},
		OutDir: filepath.Join(file, "out"), Passphrase: secret.New("passphrase long enough"), Generate: generate,
	})
	if err == nil || !strings.Contains(err.Error(), "output directory") {
		t.Fatalf("Open with an impossible --out: %v", err)
	}
	if cam.Requests() != 0 {
		t.Fatalf("the camera was contacted %d times before the output directory was checked", cam.Requests())
	}
}

func TestWrongPassphraseOnResumeIsRefused(t *testing.T) {
	dir := t.TempDir()
	_, _, tlsSrv := camsimtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	known := camera.NewKnownCamerasInMemory()
	opts := Options{
		Camera: camera.Options{Address: tlsSrv.URL, Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true},
		OutDir: dir, Passphrase: secret.New("the right passphrase"), Generate: generate,
	}
	s, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.recordSecrets(t.Context(), map[steps.SecretName]secret.Secret{steps.AdminPassword: secret.New(camera.FactoryPassword + "-new")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveState(); err != nil {
		t.Fatal(err)
	}
	opts.Passphrase = secret.New("the wrong passphrase")
	_, err = Open(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("resume with the wrong passphrase: %v", err)
	}
	if strings.Contains(err.Error(), "the wrong passphrase") {
		t.Fatal("the error shows the passphrase")
	}
}
