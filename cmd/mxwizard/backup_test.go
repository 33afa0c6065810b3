package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/secret"
)

const (
	backupTestPass  = "correct horse battery staple"
	backupWrongPass = "incorrect donkey battery stapler"
)

var backupTestPlain = []byte("ENTRY_START:security\nadmin_password=CamPw-0a1b2c3d4e\n")

// writeTestBackup encrypts plain to pass into dir at a low scrypt work factor.
// Tests calling it must not run in parallel (the work factor is global).
func writeTestBackup(t *testing.T, dir string, plain []byte, pass string) string {
	t.Helper()
	restore := backup.SetWorkFactorForTests(10)
	defer restore()
	path := filepath.Join(dir, "camera.cfg.age")
	if err := backup.WriteFile(t.Context(), path, plain, secret.New(pass)); err != nil {
		t.Fatal(err)
	}
	return path
}

type backupRun struct {
	stdout, stderr string
	err            error
}

// runBackupCmd runs "backup args..." with MXWIZARD_BACKUP_PASSPHRASE set to
// env (unset when env is empty) and checks that no passphrase leaked.
func runBackupCmd(t *testing.T, env string, args ...string) backupRun {
	t.Helper()
	t.Setenv(envPassphrase, env)
	if env == "" {
		if err := os.Unsetenv(envPassphrase); err != nil {
			t.Fatal(err)
		}
	}
	cmd := newBackupCmd()
	var stdout, stderr bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SetIn(strings.NewReader(""))
	err := cmd.ExecuteContext(context.Background())
	r := backupRun{stdout: stdout.String(), stderr: stderr.String(), err: err}
	for _, p := range []string{backupTestPass, backupWrongPass} {
		texts := []string{r.stdout, r.stderr}
		if err != nil {
			texts = append(texts, err.Error())
		}
		for _, text := range texts {
			if strings.Contains(text, p) {
				t.Fatal("a passphrase appeared in the command's output or error")
			}
		}
	}
	return r
}

// wantRefused checks err carries exit code exitRefused and contains msg.
func wantRefused(t *testing.T, err error, msg string) {
	t.Helper()
	if err == nil || exitCode(err) != exitRefused {
		t.Fatalf("err = %v, want one with exit code %d", err, exitRefused)
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q does not contain %q", err, msg)
	}
}

func writePassFile(t *testing.T, dir, content string) string {
	t.Helper()
	path := filepath.Join(dir, "pass.txt")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestBackupDecryptWithThePassphraseFromTheEnvironmentToStdout(t *testing.T) {
	in := writeTestBackup(t, t.TempDir(), backupTestPlain, backupTestPass)
	r := runBackupCmd(t, backupTestPass, "decrypt", in)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.stdout != string(backupTestPlain) {
		t.Errorf("stdout = %q, want the plaintext", r.stdout)
	}
}

func TestBackupDecryptWithAPassphraseFileToAnOutputFile(t *testing.T) {
	for name, content := range map[string]string{
		"a bare line":                       backupTestPass,
		"a line and a newline":              backupTestPass + "\n",
		"Windows line endings and more":     backupTestPass + "\r\nsecond line\r\n",
		"a byte order mark from an editor":  "\ufeff" + backupTestPass + "\r\n",
		"a passphrase with inner spaces ok": backupTestPass + "\n\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			in := writeTestBackup(t, dir, backupTestPlain, backupTestPass)
			out := filepath.Join(dir, "camera.cfg")
			r := runBackupCmd(t, "", "decrypt", "--passphrase-file", writePassFile(t, dir, content), "-o", out, in)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing when -o is given", r.stdout)
			}
			if !strings.Contains(r.stderr, out) {
				t.Errorf("stderr = %q, want it to name the output file", r.stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, backupTestPlain) {
				t.Errorf("output file holds %q, want the plaintext", got)
			}
			if runtime.GOOS != "windows" {
				fi, err := os.Stat(out)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != 0o600 {
					t.Errorf("output mode = %o, want 600", fi.Mode().Perm())
				}
			}
		})
	}
}

func TestBackupDecryptPrefersTheEnvironmentOverThePassphraseFile(t *testing.T) {
	dir := t.TempDir()
	in := writeTestBackup(t, dir, backupTestPlain, backupTestPass)
	r := runBackupCmd(t, backupTestPass, "decrypt", "--passphrase-file", writePassFile(t, dir, backupWrongPass), in)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if r.stdout != string(backupTestPlain) {
		t.Errorf("stdout = %q, want the plaintext", r.stdout)
	}
}

func TestBackupDecryptWithTheWrongPassphrase(t *testing.T) {
	dir := t.TempDir()
	in := writeTestBackup(t, dir, backupTestPlain, backupTestPass)
	out := filepath.Join(dir, "camera.cfg")
	r := runBackupCmd(t, backupWrongPass, "decrypt", "-o", out, in)
	wantRefused(t, r.err, "the passphrase does not open this file: check it and try again")
	if !errors.Is(r.err, backup.ErrWrongPassphrase) {
		t.Errorf("err = %v, want backup.ErrWrongPassphrase", r.err)
	}
	if !strings.Contains(r.err.Error(), in) {
		t.Errorf("error %q does not name the file", r.err)
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the output file exists after a failure: %v", err)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
}

func TestBackupDecryptWithoutAPassphrase(t *testing.T) {
	in := writeTestBackup(t, t.TempDir(), backupTestPlain, backupTestPass)
	r := runBackupCmd(t, "", "decrypt", in)
	wantRefused(t, r.err, "no backup passphrase: set MXWIZARD_BACKUP_PASSPHRASE, or use --passphrase-file FILE")
}

func TestBackupDecryptHasNoFlagForThePassphraseItself(t *testing.T) {
	cmd, _, err := newBackupCmd().Find([]string{"decrypt"})
	if err != nil || cmd.Name() != "decrypt" {
		t.Fatalf("Find(decrypt) = %v, %v", cmd, err)
	}
	for _, name := range []string{"passphrase", "password", "pass", "backup-passphrase"} {
		if cmd.Flags().Lookup(name) != nil {
			t.Errorf("flag --%s exists: passphrases must not go on the command line", name)
		}
	}
	if cmd.Flags().ShorthandLookup("p") != nil {
		t.Error("flag -p exists: passphrases must not go on the command line")
	}
	r := runBackupCmd(t, "", "decrypt", "--passphrase", backupTestPass, "x.age")
	if r.err == nil || !strings.Contains(r.err.Error(), "unknown flag") {
		t.Errorf("err = %v, want an unknown flag error", r.err)
	}
}

func TestBackupDecryptOfProblemFiles(t *testing.T) {
	dir := t.TempDir()
	good := writeTestBackup(t, dir, backupTestPlain, backupTestPass)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.age")
	if err := os.WriteFile(truncated, data[:len(data)-1], 0o600); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "camera.cfg")
	if err := os.WriteFile(plain, backupTestPlain, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.age")

	tests := []struct {
		name, file, want string
	}{
		{"a truncated file", truncated, "the file is damaged or truncated: use another copy"},
		{"a file that is not encrypted", plain, "not an age file"},
		{"a missing file", missing, missing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBackupCmd(t, backupTestPass, "decrypt", tt.file)
			wantRefused(t, r.err, tt.want)
			if r.stdout != "" {
				t.Errorf("stdout = %q, want nothing", r.stdout)
			}
		})
	}
}

func TestBackupDecryptRefusesToOverwriteItsInput(t *testing.T) {
	in := writeTestBackup(t, t.TempDir(), backupTestPlain, backupTestPass)
	before, _ := os.ReadFile(in)
	r := runBackupCmd(t, backupTestPass, "decrypt", "-o", in, in)
	wantRefused(t, r.err, "refusing to write the plaintext over the encrypted file")
	after, _ := os.ReadFile(in)
	if !bytes.Equal(before, after) {
		t.Error("the encrypted file changed")
	}
}

func TestBackupDecryptPassphraseFileProblems(t *testing.T) {
	dir := t.TempDir()
	in := writeTestBackup(t, dir, backupTestPlain, backupTestPass)
	empty := writePassFile(t, dir, "\n"+backupTestPass)
	missing := filepath.Join(dir, "no-such-pass.txt")
	for name, tt := range map[string]struct{ file, want string }{
		"an empty first line":          {empty, "the backup passphrase file " + empty + " is empty"},
		"a passphrase file is missing": {missing, missing},
	} {
		t.Run(name, func(t *testing.T) {
			r := runBackupCmd(t, "", "decrypt", "--passphrase-file", tt.file, in)
			wantRefused(t, r.err, tt.want)
		})
	}
}

func TestBackupDecryptNeedsExactlyOneFile(t *testing.T) {
	for _, args := range [][]string{{"decrypt"}, {"decrypt", "a.age", "b.age"}} {
		if r := runBackupCmd(t, backupTestPass, args...); r.err == nil {
			t.Errorf("backup %v succeeded, want an argument error", args)
		}
	}
}
