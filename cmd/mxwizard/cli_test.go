package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

// runCLI runs mxwizard with args and returns stdout, stderr and the exit code
// main would use.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	return runCLIContext(t, ctx, args...)
}

// runCLIContext is runCLI with the context main would cancel on ctrl+c.
func runCLIContext(t *testing.T, ctx context.Context, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// TestAuditThenApplyThenAuditThroughTheCLI checks the machine-readable
// contracts and exit codes of audit and apply on a factory-new camera.
func TestAuditThenApplyThenAuditThroughTheCLI(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{})
	addr := srv.URLs()[0].HTTPS
	dir := t.TempDir()
	known := filepath.Join(dir, "known")
	t.Setenv(envPassword, "meinsm")
	t.Setenv(envPassphrase, "cli test passphrase 1")

	out, errOut, code := runCLI(t, "audit", "--format", "json", "--accept-new", "--known-cameras", known, addr)
	if code != exitFailed {
		t.Fatalf("audit of a factory camera: exit %d, want 1\n%s", code, errOut)
	}
	var audit struct {
		Cameras []struct {
			Address, Model, Serial, Firmware string
			Checks                           []struct {
				Step                      int
				ID, Title, Status, Detail string
			}
			Error string
		}
	}
	if err := json.Unmarshal([]byte(out), &audit); err != nil || len(audit.Cameras) != 1 || len(audit.Cameras[0].Checks) != 22 {
		t.Fatalf("audit JSON: %v\n%s", err, out)
	}
	if c := audit.Cameras[0]; c.Model == "" || c.Serial == "" || c.Firmware == "" || c.Checks[0].Step != 1 || c.Checks[21].Step != 22 {
		t.Fatalf("audit JSON fields missing: %+v", c)
	}

	profilePath := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(profilePath, exampleProfile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLI(t, "apply", "--profile", profilePath, "--out", filepath.Join(dir, "out"), "--format", "json", "--known-cameras", known, addr)
	if code != exitOK {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	var applied struct {
		Cameras []struct {
			Address      string
			AddressAfter string `json:"address_after"`
			Steps        []struct {
				Step               int
				ID, Result, Detail string
			}
			Backup, Secrets, Report string
			Requests                int
		}
	}
	if err := json.Unmarshal([]byte(out), &applied); err != nil || len(applied.Cameras) != 1 {
		t.Fatalf("apply JSON: %v\n%s", err, out)
	}
	cam := applied.Cameras[0]
	if cam.AddressAfter == "" || cam.AddressAfter == addr || len(cam.Steps) != 22 || cam.Backup == "" || cam.Secrets == "" || cam.Report == "" {
		t.Fatalf("apply JSON incomplete: %+v", cam)
	}
	if cam.Requests < 5 || cam.Requests > 36 {
		t.Fatalf("apply made %d requests, target at most 36 (with the effect checks)", cam.Requests)
	}
	if !strings.Contains(cam.Secrets, "secrets") {
		t.Fatalf("the secrets file name %q does not say what it is", cam.Secrets)
	}

	// The old password is refused now: audit cannot check the camera.
	_, _, code = runCLI(t, "audit", "--format", "json", "--known-cameras", known, cam.AddressAfter)
	if code != 2 {
		t.Fatalf("audit with the factory password after hardening: exit %d, want 2", code)
	}
}

func TestUsageErrorsExitTwoAndSayWhatToDo(t *testing.T) {
	for name, args := range map[string][]string{
		"audit without an address":   {"audit"},
		"audit with a bad format":    {"audit", "--format", "xml", "10.0.0.1"},
		"apply without a profile":    {"apply", "10.0.0.1"},
		"apply with a missing file":  {"apply", "--profile", "/nonexistent/site.yaml", "10.0.0.1"},
		"an address with a password": {"audit", "https://admin:meinsm@10.0.0.1"},
	} {
		t.Run(name, func(t *testing.T) {
			_, errOut, code := runCLI(t, args...)
			if code != exitRefused || errOut == "" {
				t.Fatalf("exit %d, message %q", code, errOut)
			}
			if strings.Contains(errOut, "meinsm") {
				t.Fatal("the message repeats the password")
			}
		})
	}
}
