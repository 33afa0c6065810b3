// Package backup encrypts and decrypts mxwizard's backup files: the camera's
// configuration and the secrets file, both encrypted with age to a passphrase
// (scrypt), so the standard age command line tool can open them too:
//
//	age -d -o camera.cfg camera.cfg.age
//
// New files are written in age's binary format, atomically and with mode 0600.
// Decrypt reads binary and ASCII-armored files alike.
//
// Encryption and decryption each take about 0.6 s at age's default scrypt
// work factor, which production code uses: run them off the UI goroutine.
package backup

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"filippo.io/age"
	ageArmor "filippo.io/age/armor"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// MinPassphraseLength is the least number of characters (Unicode code points)
// a passphrase for a new backup must have.
const MinPassphraseLength = 12

// Errors about a passphrase chosen for a new backup (see CheckPassphrase).
var (
	// ErrPassphraseEmpty means no passphrase was given.
	ErrPassphraseEmpty = errors.New("the backup passphrase is empty: choose one of at least 12 characters")
	// ErrPassphraseTooShort means the passphrase has fewer than MinPassphraseLength characters.
	ErrPassphraseTooShort = errors.New("the backup passphrase is too short: use at least 12 characters")
	// ErrPassphraseControl means the passphrase holds a line break, tab or
	// other control character, which cannot be typed at age's prompt.
	ErrPassphraseControl = errors.New("the backup passphrase contains a line break or other control character: use only characters that can be typed at a prompt")
)

// Errors of Decrypt and ReadFile. Test for them with errors.Is; the returned
// error may carry the underlying age error as well (see DecryptError).
var (
	// ErrWrongPassphrase means the file is a passphrase-encrypted age file but
	// the passphrase given does not open it.
	ErrWrongPassphrase = errors.New("the passphrase does not open this file: check it and try again")
	// ErrNotAgeFile means the input is not an age-encrypted file at all.
	ErrNotAgeFile = errors.New("this is not an encrypted backup (not an age file): choose the .age file mxwizard wrote")
	// ErrDamaged means the input starts like an age file but is cut short or
	// altered, so it cannot be decrypted and authenticated.
	ErrDamaged = errors.New("the file is damaged or truncated: use another copy")
	// ErrNotPassphraseFile means the file is an age file encrypted to a public
	// key (a recipient), not to a passphrase.
	ErrNotPassphraseFile = errors.New("this file is encrypted to a public key, not to a passphrase: open it with age -d -i and the matching identity file")
	// ErrNoPassphrase means Decrypt was called with an empty passphrase.
	ErrNoPassphrase = errors.New("no passphrase given: a passphrase is needed to open this file")
)

// DecryptError is returned by Decrypt: Kind is one of the Err* values above
// (errors.Is matches it), Cause the error age reported, if any, for logs. The
// message is the Kind's alone: age's wording is meant for developers, and for
// a file that is not age at all it would quote the file's first line.
type DecryptError struct {
	Kind  error
	Cause error
}

// Error returns the message of Kind.
func (e *DecryptError) Error() string { return e.Kind.Error() }

// Unwrap makes errors.Is and errors.As see both Kind and Cause.
func (e *DecryptError) Unwrap() []error {
	if e.Cause == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Cause}
}

// CheckPassphrase reports whether passphrase is acceptable for a new backup:
// not empty, at least MinPassphraseLength characters, no control characters.
// It does not judge strength. Decrypt accepts any passphrase.
func CheckPassphrase(passphrase secret.Secret) error {
	p := passphrase.Reveal()
	switch {
	case p == "":
		return ErrPassphraseEmpty
	case utf8.RuneCountInString(p) < MinPassphraseLength:
		return ErrPassphraseTooShort
	case strings.ContainsFunc(p, unicode.IsControl):
		return ErrPassphraseControl
	}
	return nil
}

// workFactor is the scrypt work factor (log2 N) for new files; 0 means age's
// default (18, about 0.6 s on our machines).
var workFactor atomic.Int32

// SetWorkFactorForTests makes Encrypt use the scrypt work factor 2^logN
// instead of age's default, until the returned function restores the previous
// value. It exists so that tests run fast (logN 10 takes ~2 ms); production
// code must never call it. logN 0 means age's default; other values must be
// between 1 and 22 (the most Decrypt accepts).
func SetWorkFactorForTests(logN int) (restore func()) {
	if logN < 0 || logN > 22 {
		panic(fmt.Sprintf("backup: scrypt work factor %d out of range", logN))
	}
	prev := workFactor.Swap(int32(logN))
	return func() { workFactor.Store(prev) }
}

// Encrypt encrypts plaintext to passphrase with age and writes the result to
// w: the binary age format, or ASCII armor (PEM-like text) when armor is true.
// The passphrase must pass CheckPassphrase. Nothing is written when it fails.
func Encrypt(w io.Writer, plaintext io.Reader, passphrase secret.Secret, armor bool) error {
	if err := CheckPassphrase(passphrase); err != nil {
		return err
	}
	recipient, err := newScryptRecipient(passphrase.Reveal())
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	dst := w
	var armorWriter io.WriteCloser
	if armor {
		armorWriter = ageArmor.NewWriter(w)
		dst = armorWriter
	}
	return encryptTo(context.Background(), dst, armorWriter, plaintext, recipient)
}

// encryptTo writes plaintext encrypted to recipient into dst (closing
// armorWriter, dst's armor layer, when there is one). The scrypt work of
// the recipient runs in the one scrypt slot of the process.
func encryptTo(ctx context.Context, dst io.Writer, armorWriter io.WriteCloser, plaintext io.Reader, recipient age.Recipient) error {
	var ageWriter io.WriteCloser
	err := withScryptSlot(ctx, func() (err error) {
		ageWriter, err = age.Encrypt(dst, recipient)
		return err
	})
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if _, err := io.Copy(ageWriter, plaintext); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	// Close writes the last chunk and its authentication tag: without it
	// the file is truncated and cannot be decrypted.
	if err := ageWriter.Close(); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	if armorWriter != nil {
		if err := armorWriter.Close(); err != nil {
			return fmt.Errorf("encrypt: %w", err)
		}
	}
	return nil
}

// ageIntro is the first line of every binary age file.
const ageIntro = "age-encryption.org/v1\n"

// Decrypt reads an age file (binary or armored) encrypted to a passphrase and
// returns the plaintext. The whole file is read and authenticated before
// anything is returned, so a damaged file never yields partial plaintext.
// Errors are *DecryptError values matching ErrWrongPassphrase, ErrNotAgeFile,
// ErrDamaged, ErrNotPassphraseFile or ErrNoPassphrase, except errors of
// reading r itself, which are returned wrapped as they are.
func Decrypt(r io.Reader, passphrase secret.Secret) ([]byte, error) {
	if passphrase.IsZero() {
		return nil, &DecryptError{Kind: ErrNoPassphrase}
	}
	identity, err := age.NewScryptIdentity(passphrase.Reveal())
	if err != nil {
		return nil, &DecryptError{Kind: ErrNoPassphrase, Cause: err}
	}

	src := &readErrRecorder{r: r}
	br := bufio.NewReader(src)
	// The armor reader skips up to 1024 bytes of leading whitespace.
	peek, _ := br.Peek(1024 + len(ageArmor.Header))
	if src.err != nil {
		return nil, fmt.Errorf("read: %w", src.err)
	}
	var in io.Reader = br
	armored := bytes.HasPrefix(bytes.TrimLeft(peek, " \t\r\n"), []byte(ageArmor.Header))
	if armored {
		in = ageArmor.NewReader(br)
	}
	// Reading from br reuses its buffer, which peek points into: keep a copy.
	start := bytes.Clone(peek[:min(len(peek), len(ageIntro))])

	fail := func(kind, cause error) ([]byte, error) {
		if src.err != nil {
			return nil, fmt.Errorf("read: %w", src.err)
		}
		return nil, &DecryptError{Kind: kind, Cause: cause}
	}

	var plain io.Reader
	err = withScryptSlot(context.Background(), func() (err error) {
		plain, err = age.Decrypt(in, identity)
		return err
	})
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		switch {
		case errors.As(err, &noMatch):
			for _, t := range noMatch.StanzaTypes {
				if t == "scrypt" {
					return fail(ErrWrongPassphrase, err)
				}
			}
			return fail(ErrNotPassphraseFile, err)
		case armored || looksLikeAge(start):
			return fail(ErrDamaged, err)
		default:
			return fail(ErrNotAgeFile, err)
		}
	}
	out, err := io.ReadAll(plain)
	if err != nil {
		return fail(ErrDamaged, err)
	}
	return out, nil
}

// looksLikeAge reports whether start, the first bytes of a file, is age's
// intro line or a piece of it cut short (an empty file counts: it is a
// truncated backup).
func looksLikeAge(start []byte) bool {
	if len(start) < len(ageIntro) {
		return strings.HasPrefix(ageIntro, string(start))
	}
	return bytes.HasPrefix(start, []byte(ageIntro))
}

// readErrRecorder remembers the first error, other than io.EOF, of the
// underlying reader, so that Decrypt does not blame an I/O error on the file.
type readErrRecorder struct {
	r   io.Reader
	err error
}

func (rr *readErrRecorder) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF && rr.err == nil {
		rr.err = err
	}
	return n, err
}

// WriteFile encrypts plaintext to passphrase (binary age format) and writes
// it to path atomically with mode 0600: a failure leaves any old file as it
// was. The passphrase must pass CheckPassphrase.
//
// The file counts as written only once it has been read back from the disk
// and opened by age (header MAC and every chunk authenticated) to exactly
// plaintext. It is opened with the file key age wrapped for the
// passphrase, kept from the encryption, so the one scrypt run (0.6 s and
// 256 MiB at the default work factor, in the process's one scrypt slot)
// is not paid twice. ctx ends the wait for that slot.
func WriteFile(ctx context.Context, path string, plaintext []byte, passphrase secret.Secret) error {
	if err := CheckPassphrase(passphrase); err != nil {
		return err
	}
	base, err := newScryptRecipient(passphrase.Reveal())
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	recipient := &keyKeepingRecipient{ScryptRecipient: base}
	defer recipient.forget()
	// Encrypt first, in memory: scrypt takes most of a second, and a
	// process killed during that time must not leave a temporary file
	// behind. The file exists only for the moment of writing the result.
	var enc bytes.Buffer
	if err := encryptTo(ctx, &enc, nil, bytes.NewReader(plaintext), recipient); err != nil {
		return err
	}
	if err := atomicfile.Write(path, enc.Bytes(), 0o600); err != nil {
		return err
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read back %s: %w", path, err)
	}
	r, err := age.Decrypt(bytes.NewReader(onDisk), keptKeyIdentity{recipient})
	if err != nil {
		return fmt.Errorf("%s does not open again after writing: %w", path, err)
	}
	back, err := io.ReadAll(r)
	if err != nil || !bytes.Equal(back, plaintext) {
		return fmt.Errorf("%s does not read back what was written: write it again (the disk may be failing)", path)
	}
	return nil
}

// ReadFile opens the encrypted file at path with passphrase and returns the
// plaintext. Errors name the path and match the same values as Decrypt's.
func ReadFile(path string, passphrase secret.Secret) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open backup: %w", err)
	}
	defer f.Close()
	plain, err := Decrypt(f, passphrase)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return plain, nil
}
