package backup

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"
	ageArmor "filippo.io/age/armor"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// testWorkFactor keeps scrypt at ~2 ms per operation instead of ~0.6 s.
const testWorkFactor = 10

// initialWorkFactor is the setting production code runs with.
var initialWorkFactor = workFactor.Load()

func TestMain(m *testing.M) {
	restore := SetWorkFactorForTests(testWorkFactor)
	code := m.Run()
	restore()
	os.Exit(code)
}

var (
	goodPass  = secret.New("correct horse battery staple")
	otherPass = secret.New("incorrect donkey battery stapler")
)

// noPassphraseIn fails the test if err's message contains a passphrase.
func noPassphraseIn(t *testing.T, err error, passes ...secret.Secret) {
	t.Helper()
	if err == nil {
		return
	}
	for _, p := range passes {
		if strings.Contains(err.Error(), p.Reveal()) {
			t.Fatalf("an error message contains a passphrase (%d bytes): message redacted: %s",
				p.Len(), secret.Redact(err.Error(), p))
		}
	}
}

func encrypt(t *testing.T, plaintext []byte, pass secret.Secret, armor bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encrypt(&buf, bytes.NewReader(plaintext), pass, armor); err != nil {
		noPassphraseIn(t, err, pass)
		t.Fatalf("Encrypt: %v", err)
	}
	return buf.Bytes()
}

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncryptThenDecryptGivesThePlaintextBack(t *testing.T) {
	sizes := map[string]int{"empty": 0, "small": 100, "several chunks": 200 * 1024}
	for name, size := range sizes {
		for _, armor := range []bool{false, true} {
			format := "binary"
			if armor {
				format = "armored"
			}
			t.Run(name+" "+format, func(t *testing.T) {
				plain := randomBytes(t, size)
				ct := encrypt(t, plain, goodPass, armor)
				if armor && !bytes.HasPrefix(ct, []byte(ageArmor.Header+"\n")) {
					t.Errorf("armored output starts %q", ct[:min(len(ct), 40)])
				}
				if !armor && !bytes.HasPrefix(ct, []byte(ageIntro)) {
					t.Errorf("binary output starts %q", ct[:min(len(ct), 40)])
				}
				got, err := Decrypt(bytes.NewReader(ct), goodPass)
				if err != nil {
					t.Fatalf("Decrypt: %v", err)
				}
				if !bytes.Equal(got, plain) {
					t.Fatalf("Decrypt returned %d bytes that differ from the %d plaintext bytes", len(got), len(plain))
				}
			})
		}
	}
}

func TestDecryptAcceptsArmorAfterLeadingWhitespace(t *testing.T) {
	ct := encrypt(t, []byte("config"), goodPass, true)
	got, err := Decrypt(bytes.NewReader(append([]byte("\n\n  \r\n"), ct...)), goodPass)
	if err != nil || string(got) != "config" {
		t.Fatalf("Decrypt = %q, %v; want \"config\"", got, err)
	}
}

func TestEncryptUsesTheTestWorkFactorAndProductionTheDefault(t *testing.T) {
	ct := encrypt(t, []byte("x"), goodPass, false)
	if !bytes.Contains(ct, []byte(" 10\n")) {
		t.Errorf("header does not record work factor 10:\n%s", header(ct))
	}
	// Encrypting at the default costs ~0.6 s, several seconds under -race:
	// check instead that nothing but TestMain changed the setting.
	if initialWorkFactor != 0 {
		t.Errorf("work factor before the tests changed it = %d, want 0 (age's default)", initialWorkFactor)
	}
	restore := SetWorkFactorForTests(12)
	if got := workFactor.Load(); got != 12 {
		t.Errorf("work factor = %d after setting 12", got)
	}
	restore()
	if got := workFactor.Load(); got != testWorkFactor {
		t.Errorf("work factor = %d after restore, want %d", got, testWorkFactor)
	}
}

// header returns the text header of a binary age file (up to the MAC line).
func header(ct []byte) string {
	i := bytes.Index(ct, []byte("\n---"))
	if i < 0 {
		return "(no header)"
	}
	return string(ct[:i])
}

func TestEncryptRejectsWeakPassphrasesAndWritesNothing(t *testing.T) {
	tests := []struct {
		name string
		pass string
		want error
	}{
		{"an empty passphrase", "", ErrPassphraseEmpty},
		{"eleven characters", "abcdefghijk", ErrPassphraseTooShort},
		{"eleven characters of two bytes each", strings.Repeat("ä", 11), ErrPassphraseTooShort},
		{"a line break", "correct horse\nbattery staple", ErrPassphraseControl},
		{"a trailing carriage return", "correct horse battery staple\r", ErrPassphraseControl},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pass := secret.New(tt.pass)
			if err := CheckPassphrase(pass); !errors.Is(err, tt.want) {
				t.Errorf("CheckPassphrase = %v, want %v", err, tt.want)
			}
			var buf bytes.Buffer
			err := Encrypt(&buf, strings.NewReader("config"), pass, false)
			if !errors.Is(err, tt.want) {
				t.Errorf("Encrypt = %v, want %v", err, tt.want)
			}
			if tt.pass != "" {
				noPassphraseIn(t, err, pass)
			}
			if buf.Len() != 0 {
				t.Errorf("Encrypt wrote %d bytes despite rejecting the passphrase", buf.Len())
			}
		})
	}
}

func TestCheckPassphraseAcceptsTwelveCharacters(t *testing.T) {
	for _, p := range []string{"abcdefghijkl", strings.Repeat("ä", 12), "pass phrase with spaces"} {
		if err := CheckPassphrase(secret.New(p)); err != nil {
			t.Errorf("CheckPassphrase(%d runes) = %v, want nil", len([]rune(p)), err)
		}
	}
}

func TestDecryptAcceptsAShortPassphraseOfAnOldFile(t *testing.T) {
	// Files written elsewhere (e.g. by the age tool) may use any passphrase.
	r, err := age.NewScryptRecipient("short")
	if err != nil {
		t.Fatal(err)
	}
	r.SetWorkFactor(testWorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(w, "old")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, err := Decrypt(&buf, secret.New("short"))
	if err != nil || string(got) != "old" {
		t.Fatalf("Decrypt = %q, %v; want \"old\"", got, err)
	}
}

func TestDecryptWithTheWrongPassphrase(t *testing.T) {
	for _, armor := range []bool{false, true} {
		ct := encrypt(t, []byte("config"), goodPass, armor)
		got, err := Decrypt(bytes.NewReader(ct), otherPass)
		if !errors.Is(err, ErrWrongPassphrase) {
			t.Fatalf("armor=%v: err = %v, want ErrWrongPassphrase", armor, err)
		}
		if err.Error() != "the passphrase does not open this file: check it and try again" {
			t.Errorf("message = %q", err)
		}
		if got != nil {
			t.Errorf("Decrypt returned %d bytes with the error", len(got))
		}
		var de *DecryptError
		if !errors.As(err, &de) || de.Cause == nil {
			t.Errorf("err = %#v, want a *DecryptError carrying age's error", err)
		}
		noPassphraseIn(t, err, goodPass, otherPass)
	}
}

func TestDecryptWithAnEmptyPassphrase(t *testing.T) {
	ct := encrypt(t, []byte("config"), goodPass, false)
	if _, err := Decrypt(bytes.NewReader(ct), secret.Secret{}); !errors.Is(err, ErrNoPassphrase) {
		t.Fatalf("err = %v, want ErrNoPassphrase", err)
	}
}

func TestDecryptOfADamagedFile(t *testing.T) {
	small := encrypt(t, []byte("camera configuration"), goodPass, false)
	big := encrypt(t, randomBytes(t, 200*1024), goodPass, false)
	armored := encrypt(t, []byte("camera configuration"), goodPass, true)

	flipped := bytes.Clone(big)
	flipped[len(flipped)/2] ^= 0x01
	flippedMAC := bytes.Clone(small)
	macAt := bytes.Index(flippedMAC, []byte("\n--- ")) + len("\n--- ")
	flippedMAC[macAt] ^= 0x01

	tests := []struct {
		name string
		data []byte
	}{
		{"small file cut in half", small[:len(small)/2]},
		{"small file cut by one byte", small[:len(small)-1]},
		{"large file cut in half", big[:len(big)/2]},
		{"large file cut by one byte", big[:len(big)-1]},
		{"file cut after the header", small[:bytes.Index(small, []byte("\n--- "))+60]},
		{"armored file cut in half", armored[:len(armored)/2]},
		{"armored file cut inside the footer", armored[:len(armored)-10]},
		{"a flipped bit in the payload", flipped},
		{"a flipped bit in the header MAC", flippedMAC},
		{"an empty file", nil},
		{"a file cut inside the first line", small[:10]},
		{"trailing garbage", append(bytes.Clone(small), "junk"...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decrypt(bytes.NewReader(tt.data), goodPass)
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("err = %v, want ErrDamaged", err)
			}
			if err.Error() != "the file is damaged or truncated: use another copy" {
				t.Errorf("message = %q", err)
			}
			if got != nil {
				t.Errorf("Decrypt returned %d bytes of a damaged file", len(got))
			}
		})
	}
}

func TestDecryptOfSomethingElse(t *testing.T) {
	tests := map[string]string{
		"a plaintext camera configuration": "ENTRY_START:network\nethernet=dhcp\n",
		"a JSON file":                      `{"camera":"10.0.0.1"}`,
		"a certificate":                    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		"binary noise":                     "\x00\x01\x02\xff\xfe",
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Decrypt(strings.NewReader(data), goodPass)
			if !errors.Is(err, ErrNotAgeFile) {
				t.Fatalf("err = %v, want ErrNotAgeFile", err)
			}
			if strings.Contains(err.Error(), data[:4]) {
				t.Errorf("message %q quotes the input", err)
			}
		})
	}
}

func TestDecryptOfAFileEncryptedToAPublicKey(t *testing.T) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.WriteString(w, "config")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Decrypt(&buf, goodPass)
	if !errors.Is(err, ErrNotPassphraseFile) {
		t.Fatalf("err = %v, want ErrNotPassphraseFile", err)
	}
	if !strings.Contains(err.Error(), "public key") {
		t.Errorf("message %q does not explain", err)
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

func TestDecryptReportsReadErrorsAsThemselves(t *testing.T) {
	ioErr := errors.New("input/output error")
	ct := encrypt(t, randomBytes(t, 200*1024), goodPass, false)
	for name, r := range map[string]io.Reader{
		"at the start":  failingReader{ioErr},
		"in the middle": io.MultiReader(bytes.NewReader(ct[:100*1024]), failingReader{ioErr}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Decrypt(r, goodPass)
			if !errors.Is(err, ioErr) {
				t.Fatalf("err = %v, want the read error", err)
			}
			if errors.Is(err, ErrDamaged) || errors.Is(err, ErrNotAgeFile) {
				t.Errorf("err = %v blames the file for a read error", err)
			}
		})
	}
}

func TestWriteFileThenReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "camera.cfg.age")
	plain := []byte("ENTRY_START:security\nadmin_password=Sup3rS3cretCameraPassw0rd\nrecording_key=0123456789abcdef0123456789abcdef\n")
	if err := WriteFile(t.Context(), path, plain, goodPass); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(raw, []byte(ageIntro)) {
		t.Errorf("file is not in age's binary format: starts %q", raw[:min(len(raw), 30)])
	}
	const window = 8
	for i := 0; i+window <= len(plain); i++ {
		if bytes.Contains(raw, plain[i:i+window]) {
			t.Fatalf("the encrypted file contains plaintext bytes %d..%d", i, i+window)
		}
	}
	if bytes.Contains(raw, []byte(goodPass.Reveal())) {
		t.Fatal("the encrypted file contains the passphrase")
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("mode = %o, want 600", fi.Mode().Perm())
		}
	}
	got, err := ReadFile(path, goodPass)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, plain) {
		t.Fatal("ReadFile returned other bytes than were written")
	}
}

func TestReadFileErrorsNameThePath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "camera.cfg.age")
	if err := WriteFile(t.Context(), path, []byte("config"), goodPass); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path, otherPass)
	if !errors.Is(err, ErrWrongPassphrase) || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want ErrWrongPassphrase naming %s", err, path)
	}
	noPassphraseIn(t, err, goodPass, otherPass)

	missing := filepath.Join(dir, "missing.age")
	_, err = ReadFile(missing, goodPass)
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("err = %v, want not-exist naming %s", err, missing)
	}
}

func TestWriteFileWithAWeakPassphraseKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "camera.cfg.age")
	if err := WriteFile(t.Context(), path, []byte("first"), goodPass); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	weak := secret.New("xq7Zp")
	err := WriteFile(t.Context(), path, []byte("second"), weak)
	if !errors.Is(err, ErrPassphraseTooShort) {
		t.Fatalf("err = %v, want ErrPassphraseTooShort", err)
	}
	noPassphraseIn(t, err, weak)
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("the old file changed")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the old file", len(entries))
	}
}

func TestWriteFileIntoAMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "camera.cfg.age")
	err := WriteFile(t.Context(), path, []byte("config"), goodPass)
	if err == nil || !strings.Contains(err.Error(), "check that the directory exists and is writable") {
		t.Fatalf("err = %v, want a hint about the directory", err)
	}
	noPassphraseIn(t, err, goodPass)
}
