package backup

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// The age command line tool reads passphrases only from a terminal (it opens
// /dev/tty), so these tests run it inside a pseudo-terminal made by
// util-linux script(1): whatever the test writes to script's standard input
// is typed into that terminal. The input is buffered by the terminal until
// age reads it, so the passphrase lines can be written up front.

// ageCLI returns the paths of age and script, or skips the test.
func ageCLI(t *testing.T) (agePath, scriptPath string) {
	t.Helper()
	agePath, err := exec.LookPath("age")
	if err != nil {
		t.Skip("the age command line tool is not on PATH (Debian: apt-get install age)")
	}
	if runtime.GOOS != "linux" {
		t.Skip("needs util-linux script(1) to give age a terminal; only set up on Linux")
	}
	scriptPath, err = exec.LookPath("script")
	if err != nil {
		t.Skip("script(1) from util-linux is not on PATH; it gives age the terminal it reads passphrases from")
	}
	out, err := exec.Command(scriptPath, "--version").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("util-linux")) {
		t.Skipf("script(1) at %s is not the util-linux one (%q)", scriptPath, bytes.TrimSpace(out))
	}
	return agePath, scriptPath
}

// runAge runs age with args inside a pseudo-terminal and types pass, followed
// by Enter, `prompts` times. On failure the error holds age's terminal output
// with the passphrase masked (the terminal echoes what was typed ahead).
func runAge(t *testing.T, agePath, scriptPath string, pass secret.Secret, prompts int, args ...string) error {
	t.Helper()
	quoted := []string{shellQuote(agePath)}
	for _, a := range args {
		quoted = append(quoted, shellQuote(a))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// -q: no start/done messages, -e: exit with age's status, /dev/null: no typescript file.
	cmd := exec.CommandContext(ctx, scriptPath, "-q", "-e", "-c", strings.Join(quoted, " "), "/dev/null")
	cmd.Env = append(os.Environ(), "SHELL=/bin/sh")
	cmd.Stdin = strings.NewReader(strings.Repeat(pass.Reveal()+"\n", prompts))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("age %s: %v; terminal output: %q", strings.Join(args, " "), err, secret.Redact(out.String(), pass))
	}
	return nil
}

// raceEnabled reports whether the test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func TestAgeCLIDecryptsWhatEncryptWrote(t *testing.T) {
	agePath, scriptPath := ageCLI(t)
	plain := []byte("ENTRY_START:network\nethernet=static\nip=10.1.2.3\n")
	for _, armor := range []bool{false, true} {
		t.Run(fmt.Sprintf("armor=%v", armor), func(t *testing.T) {
			dir := t.TempDir()
			in, out := filepath.Join(dir, "camera.cfg.age"), filepath.Join(dir, "camera.cfg")
			if err := os.WriteFile(in, encrypt(t, plain, goodPass, armor), 0o600); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := runAge(t, agePath, scriptPath, goodPass, 1, "-d", "-o", out, in); err != nil {
				t.Fatal(err)
			}
			t.Logf("age -d took %v", time.Since(start).Round(time.Millisecond))
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, plain) {
				t.Fatalf("age decrypted %q, want %q", got, plain)
			}
		})
	}
}

func TestAgeCLIDecryptsWhatWriteFileWrote(t *testing.T) {
	agePath, scriptPath := ageCLI(t)
	plain := []byte("ENTRY_START:network\nethernet=static\n")
	dir := t.TempDir()
	in, out := filepath.Join(dir, "camera.cfg.age"), filepath.Join(dir, "camera.cfg")
	if err := WriteFile(t.Context(), in, plain, goodPass); err != nil {
		t.Fatal(err)
	}
	if err := runAge(t, agePath, scriptPath, goodPass, 1, "-d", "-o", out, in); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("age decrypted %q (%v), want %q", got, err, plain)
	}
}

func TestAgeCLIRefusesTheWrongPassphrase(t *testing.T) {
	agePath, scriptPath := ageCLI(t)
	dir := t.TempDir()
	in, out := filepath.Join(dir, "camera.cfg.age"), filepath.Join(dir, "camera.cfg")
	if err := os.WriteFile(in, encrypt(t, []byte("config"), goodPass, false), 0o600); err != nil {
		t.Fatal(err)
	}
	// Proves that the passphrase really reaches age through the terminal.
	if err := runAge(t, agePath, scriptPath, otherPass, 1, "-d", "-o", out, in); err == nil {
		t.Fatal("age decrypted the file with the wrong passphrase")
	} else if strings.Contains(err.Error(), otherPass.Reveal()) {
		t.Fatal("the passphrase leaked into the error")
	}
	if data, err := os.ReadFile(out); err == nil && len(data) > 0 {
		t.Errorf("age wrote %d bytes with the wrong passphrase", len(data))
	}
}

func TestDecryptOpensWhatTheAgeCLIWrote(t *testing.T) {
	if testing.Short() {
		t.Skip("age encrypts at its fixed default scrypt work factor: decrypting takes ~0.6 s")
	}
	if raceEnabled() {
		t.Skip("age encrypts at its fixed default scrypt work factor, which takes ~15 s to decrypt under -race: run this test without -race")
	}
	agePath, scriptPath := ageCLI(t)
	dir := t.TempDir()
	plain := []byte("written by the age tool\n")
	in, out := filepath.Join(dir, "plain.txt"), filepath.Join(dir, "plain.txt.age")
	if err := os.WriteFile(in, plain, 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// age -p asks for the passphrase twice (enter and confirm).
	if err := runAge(t, agePath, scriptPath, goodPass, 2, "-p", "-o", out, in); err != nil {
		t.Fatal(err)
	}
	t.Logf("age -p took %v", time.Since(start).Round(time.Millisecond))
	start = time.Now()
	got, err := ReadFile(out, goodPass)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ReadFile at age's default work factor took %v", time.Since(start).Round(time.Millisecond))
	if !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt returned %q, want %q", got, plain)
	}
}
