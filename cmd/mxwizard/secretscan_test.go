package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

// TestNoSecretInAnythingMxwizardWrites runs a full hardening with known
// secrets and scans every byte mxwizard wrote (stdout, stderr, every file of
// --out, the state, the known-cameras file) and everything the simulated
// camera logged, for each secret.
func TestNoSecretInAnythingMxwizardWrites(t *testing.T) {
	reqLog := &camsimtest.LogBuffer{}
	srv := camsimtest.NewServer(t, camsim.ServerOptions{RequestLog: reqLog})
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	known := filepath.Join(dir, "known_cameras")
	secrets := map[string]string{
		"MXW_ADMIN_PW":      "Adm1n-Known!Secret-7",
		"MXW_USER_PW":       "Us3r-Known!Secret-8",
		"MXW_RECORDING_KEY": "Rec-Known-Key-9&=%",
		envPassphrase:       "backup passphrase known 10",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	t.Setenv(envPassword, "meinsm")
	profileYAML := strings.NewReplacer(
		"password: generate\n\n# Step 4", "password: env:MXW_ADMIN_PW\n\n# Step 4",
		"    password: generate", "    password: env:MXW_USER_PW",
		"recording_key: generate", "recording_key: env:MXW_RECORDING_KEY",
	).Replace(string(exampleProfile(t)))
	if !strings.Contains(profileYAML, "env:MXW_ADMIN_PW") || !strings.Contains(profileYAML, "env:MXW_USER_PW") {
		t.Fatal("the example profile changed shape; adjust the test")
	}
	profPath := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(profPath, []byte(profileYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	root := newRootCmd()
	root.SetArgs([]string{"apply", "--profile", profPath, "--out", out, "--known-cameras", known, "--accept-new", "--boot-timeout", "20s", srv.URLs()[0].HTTPS})
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := root.ExecuteContext(ctx); err != nil {
		t.Fatalf("apply failed: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "PASS      3 admin-password") {
		t.Fatalf("apply did not harden the camera:\n%s", stdout.String())
	}
	written := map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "camera request log": reqLog.String()}
	for _, cam := range srv.Cameras() {
		written["camera web log"] += cam.WebLog()
		written["camera system log"] += strings.Join(cam.SystemLog(), "\n")
		written["camera flash"] += string(cam.FlashConfig().Bytes())
	}
	files := 0
	_ = filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || path == profPath {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		written[path] = string(data)
		files++
		return nil
	})
	if files < 6 {
		t.Fatalf("only %d files written", files)
	}
	for where, text := range written {
		for name, v := range secrets {
			if strings.Contains(text, v) {
				t.Errorf("%s holds %s in plain text", where, name)
			}
		}
	}
}

func exampleProfile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	cmd := newProfileCmd()
	cmd.SetArgs([]string{"example"})
	cmd.SetOut(&b)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
