package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

// TestRestorePlanSaysWhatWouldChange: restore --plan against the camera
// the backup was taken of says plainly that no section changes (not a
// dangling "sections that change: "), and names the section changed
// since; nothing is written either time.
func TestRestorePlanSaysWhatWouldChange(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 100 * time.Millisecond})
	cam := srv.Cameras()[0]
	dir := t.TempDir()
	known := filepath.Join(dir, "known")
	t.Setenv(envPassword, camera.FactoryPassword)
	t.Setenv(envPassphrase, "restore cli passphrase")
	profilePath := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(profilePath, exampleProfile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	stdout, stderr, code := runCLI(t, "apply", "--profile", profilePath, "--out", out, "--accept-new", "--known-cameras", known, "--boot-timeout", "20s", srv.URLs()[0].HTTPS)
	if code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, stdout, stderr)
	}
	serial := cam.ActiveConfig().Value(camera.SecSystem, camera.KeySerial)
	backupFile := filepath.Join(out, serial, serial+"-config.cfg.age")
	addr := hardenedAddress(t, stdout)
	plan := []string{"restore", "--plan", "--known-cameras", known, "--backup", backupFile, addr}
	stdout, stderr, code = runCLI(t, plan...)
	if code != exitOK || !strings.Contains(stdout, "no section changes: the camera's configuration is the backup's") || !strings.Contains(stdout, "nothing was written (--plan)") {
		t.Fatalf("restore --plan on the camera as backed up: exit %d\n%s\n%s", code, stdout, stderr)
	}
	cam.RunScript("\nhelo\nwrite params\npageoptions/ROBOTS=allow\nupdate\nstore\nquit\n\n")
	flash := cam.FlashConfig().Value("pageoptions", "ROBOTS")
	stdout, stderr, code = runCLI(t, plan...)
	if code != exitOK || !strings.Contains(stdout, "sections that change: pageoptions") {
		t.Fatalf("restore --plan after a change: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if got := cam.FlashConfig().Value("pageoptions", "ROBOTS"); got != flash {
		t.Fatalf("restore --plan wrote to the camera: ROBOTS %q, was %q", got, flash)
	}
}

// hardenedAddress is the address apply's text says the camera answers at
// now ("ADDRESS -> now at NEW").
func hardenedAddress(t *testing.T, applyOut string) string {
	t.Helper()
	for _, line := range strings.Split(applyOut, "\n") {
		if _, after, ok := strings.Cut(line, " -> now at "); ok {
			return strings.Fields(after)[0]
		}
	}
	t.Fatalf("apply's output names no new address:\n%s", applyOut)
	return ""
}
