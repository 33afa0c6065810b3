package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestCertificateRequestWritesAKeyAndACSRThatOpenSSLVerifies(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	cmd := newCertificateCmd()
	cmd.SetArgs([]string{"request", "--host", "192.0.2.10", "--host", "cam-gate.example.com", "--key-type", "ecdsa-p256", "--out", dir})
	cmd.SetOut(&out)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	csr := filepath.Join(dir, "192.0.2.10.csr")
	key := filepath.Join(dir, "192.0.2.10.key")
	st, err := os.Stat(key)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("key mode %v, want 0600", st.Mode().Perm())
	}
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl not installed")
	}
	text, err := exec.Command("openssl", "req", "-in", csr, "-noout", "-verify", "-text").CombinedOutput()
	if err != nil {
		t.Fatalf("openssl: %v\n%s", err, text)
	}
	for _, want := range []string{"verify OK", "IP Address:192.0.2.10", "DNS:cam-gate.example.com"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("openssl output lacks %q:\n%s", want, text)
		}
	}
	// A second request never overwrites the key.
	cmd = newCertificateCmd()
	cmd.SetArgs([]string{"request", "--host", "192.0.2.10", "--out", dir})
	cmd.SetOut(&out)
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "never overwritten") {
		t.Fatalf("second request: %v", err)
	}
}
