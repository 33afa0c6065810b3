package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// The run's secrets are named by steps.SecretName; fileSecrets and
// secretsFromFile are the one table between those names and the fields of
// the secrets file.

// onFile is what the camera's secrets file holds: the values by name, the
// users' groups, and the values later runs replaced.
type onFile struct {
	exists   bool
	values   map[steps.SecretName]secret.Secret
	groups   map[string]string
	previous []backup.Previous
	header   backup.Secrets // camera, model, serial, admin user of the last write
}

// secretsPath is the camera's secrets file in the output directory, named
// after its serial: every run for that camera reads and extends the same file.
func (s *Session) secretsPath() string {
	return filepath.Join(s.opts.OutDir, s.fileBase()+"-secrets.json.age")
}

// loadSecretsFile reads the camera's secrets file, if there is one. A file
// that exists but does not open is an error: writing over it would lose
// the passwords of an earlier run.
func (s *Session) loadSecretsFile() error {
	path := s.secretsPath()
	f, err := readSecretsFile(path, s.opts.Passphrase)
	if err != nil {
		return err
	}
	if f.exists && s.snap.Identity.Serial != "" && f.header.Serial != "" && f.header.Serial != s.snap.Identity.Serial {
		return fmt.Errorf("the secrets file %s belongs to camera serial %s, not to %s: move it away or choose another --out", path, f.header.Serial, s.snap.Identity.Serial)
	}
	s.mu.Lock()
	s.file = f
	if f.exists {
		s.files.Secrets = path
	}
	s.mu.Unlock()
	return nil
}

func readSecretsFile(path string, passphrase secret.Secret) (onFile, error) {
	f := onFile{values: map[steps.SecretName]secret.Secret{}, groups: map[string]string{}}
	data, err := backup.ReadFile(path, passphrase)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("the secrets file of an earlier run does not open: %w (it holds that run's passwords: use its passphrase, or move the file away to start afresh)", err)
	}
	sec, err := backup.UnmarshalSecrets(data)
	if err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	f.exists, f.header, f.previous = true, sec, sec.Previous
	for name, v := range secretsFromFile(sec) {
		f.values[name] = v
	}
	for _, u := range sec.Users {
		f.groups[u.Name] = u.Group
	}
	return f, nil
}

// secretsFromFile lists the named secrets of a secrets file.
func secretsFromFile(sec backup.Secrets) map[steps.SecretName]secret.Secret {
	out := map[steps.SecretName]secret.Secret{}
	add := func(name steps.SecretName, v secret.Secret) {
		if !v.IsZero() {
			out[name] = v
		}
	}
	add(steps.AdminPassword, sec.AdminPassword)
	add(steps.RecordingKey, sec.RecordingKey)
	add(steps.MxMessageKey, sec.MxMessageKey)
	add(steps.Dot1xPassword, sec.Dot1xPassword)
	add(steps.CertificateKey, sec.CertificateKey)
	add(steps.CertificatePEM, sec.CertificatePEM)
	for _, u := range sec.Users {
		add(steps.UserPassword(u.Name), u.Password)
	}
	return out
}

// fileSecrets is the secrets file for values by name.
func fileSecrets(values map[steps.SecretName]secret.Secret, groups map[string]string) backup.Secrets {
	var sec backup.Secrets
	names := make([]steps.SecretName, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	for _, name := range names {
		v := values[name]
		switch name {
		case steps.AdminPassword:
			sec.AdminPassword = v
		case steps.RecordingKey:
			sec.RecordingKey = v
		case steps.MxMessageKey:
			sec.MxMessageKey = v
		case steps.Dot1xPassword:
			sec.Dot1xPassword = v
		case steps.CertificateKey:
			sec.CertificateKey = v
		case steps.CertificatePEM:
			sec.CertificatePEM = v
		default:
			if u, ok := name.User(); ok {
				sec.Users = append(sec.Users, backup.User{Name: u, Group: groups[u], Password: v})
			}
		}
	}
	return sec
}

// keepFileSecrets offers every secret of the file to the run: a step whose
// profile says "generate" sets the value the camera had, not a new one.
func (s *Session) keepFileSecrets() {
	if s.opts.NewSecrets {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, v := range s.file.values {
		s.engine.Secrets.Keep(name, v)
	}
}

// recordSecrets merges values into the secrets file and writes it when any
// value differs from what the file holds (by value, not by name: a password
// generated again after a redo must reach the file). A replaced value moves
// to the file's previous values, so nothing a camera may still have is lost.
func (s *Session) recordSecrets(ctx context.Context, values map[steps.SecretName]secret.Secret) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := !s.file.exists
	for name, v := range values {
		if v.IsZero() {
			continue
		}
		if old, ok := s.file.values[name]; !ok || !old.Equal(v) {
			changed = true
		}
	}
	if !changed {
		return nil
	}

	now := time.Now().UTC()
	merged := make(map[steps.SecretName]secret.Secret, len(s.file.values)+len(values))
	for name, v := range s.file.values {
		merged[name] = v
	}
	previous := append([]backup.Previous(nil), s.file.previous...)
	for name, v := range values {
		if v.IsZero() {
			continue
		}
		if old, ok := merged[name]; ok && !old.Equal(v) && old.Reveal() != camera.FactoryPassword {
			previous = append(previous, backup.Previous{Name: string(name), Value: old, Replaced: now})
		}
		merged[name] = v
	}
	groups := make(map[string]string, len(s.file.groups))
	for u, g := range s.file.groups {
		groups[u] = g
	}
	for _, pu := range s.opts.Profile.Users {
		if _, ok := values[steps.UserPassword(pu.Name)]; ok {
			groups[pu.Name] = pu.Group
		}
	}
	sec := fileSecrets(merged, groups)
	sec.Camera, sec.Model, sec.Serial = s.engine.Client.Host(), s.snap.Identity.Model, s.snap.Identity.Serial
	sec.WrittenAt, sec.AdminUser, sec.Previous = now, s.engine.Client.User(), previous
	data, err := backup.MarshalSecrets(sec)
	if err != nil {
		return err
	}
	path := s.secretsPath()
	// The file is what saves the customer when a password is lost: it
	// counts as saved only once it opens again from the disk (WriteFile
	// reads it back and authenticates it) and holds every value just put in.
	if err := backup.WriteFile(ctx, path, data, s.opts.Passphrase); err != nil {
		return fmt.Errorf("the secrets file was not saved, nothing more is written to the camera: %w", err)
	}
	back, err := backup.UnmarshalSecrets(data)
	if err != nil {
		return fmt.Errorf("the secrets file just written does not read back: %w", err)
	}
	got := secretsFromFile(back)
	for name, v := range merged {
		if g, ok := got[name]; !ok || !g.Equal(v) {
			return fmt.Errorf("the secrets file %s does not read back what was written (%s): nothing more is written to the camera", path, name.Label())
		}
	}
	s.file = onFile{exists: true, values: merged, groups: groups, previous: previous, header: sec}
	s.files.Secrets = path
	return nil
}

// allSecrets is every secret this session knows, for redaction: the run's,
// the file's (current and previous), the login password and the passphrase.
func (s *Session) allSecrets() []secret.Secret {
	out := []secret.Secret{s.opts.Camera.Password, s.opts.Passphrase}
	if s.engine != nil {
		out = append(out, s.engine.Secrets.All()...)
		out = append(out, s.engine.Password)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.file.values {
		out = append(out, v)
	}
	for _, p := range s.file.previous {
		out = append(out, p.Value)
	}
	return out
}

// redactedError is an error whose message has every secret of the session
// masked; errors.Is and errors.As still see the error it came from.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact masks every secret the session knows in err's message (a camera
// may echo a refused value in its error line, also percent-encoded).
func (s *Session) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := secret.Redact(msg, s.allSecrets()...)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// LoginOnFile is the administrator account the secrets file at path holds
// (the camera's login since the run that wrote it), opened with passphrase.
func LoginOnFile(path string, passphrase secret.Secret) (user string, password secret.Secret, err error) {
	data, err := backup.ReadFile(path, passphrase)
	switch {
	case errors.Is(err, backup.ErrWrongPassphrase):
		return "", secret.Secret{}, fmt.Errorf("the secrets file %s does not open with this backup passphrase: give the one of the run that wrote it", path)
	case err != nil:
		return "", secret.Secret{}, err
	}
	sec, err := backup.UnmarshalSecrets(data)
	if err != nil {
		return "", secret.Secret{}, fmt.Errorf("%s: %w", path, err)
	}
	if sec.AdminPassword.IsZero() {
		return "", secret.Secret{}, fmt.Errorf("the secrets file %s holds no admin password (its run did not set one): give the camera's password", path)
	}
	return sec.AdminUser, sec.AdminPassword, nil
}
