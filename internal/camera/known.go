package camera

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
)

// KnownCameras is the trust-on-first-use store: the SHA-256 fingerprint of
// each camera's TLS certificate, pinned per host (an IP address or name, not
// the port, so a camera moved to a custom HTTPS port keeps its pin). The file
// is plain text, one camera a line: `<host> SHA256:<fingerprint> <RFC 3339 time>`,
// then `next=SHA256:<fingerprint>` while a certificate mxwizard uploaded
// waits for the reboot, and `before=SHA256:<fingerprint>` for the one it
// replaced; lines starting with `#` are comments. It is safe for concurrent use.
type KnownCameras struct {
	mu      sync.Mutex
	path    string
	entries map[string]knownEntry
}

type knownEntry struct {
	fingerprint string
	next        string // a certificate mxwizard installed that becomes active at the next reboot
	// before is the certificate pinned before the one mxwizard installed
	// took its place (the factory certificate, usually): a camera reset to
	// factory defaults may present it again.
	before string
	added  string
}

var fingerprintRE = regexp.MustCompile(`^([0-9A-F]{2}:){31}[0-9A-F]{2}$`)

// DefaultKnownCamerasPath is the file in the user's configuration directory.
func DefaultKnownCamerasPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the configuration directory for the known-cameras file: %w (use --known-cameras FILE)", err)
	}
	return filepath.Join(dir, "mxwizard", "known_cameras"), nil
}

// LoadKnownCameras reads the file; a missing file is an empty store. A
// malformed line is an error that names the line: mxwizard never silently
// drops a pin. Every change later re-reads the file under a lock and merges,
// so two mxwizard processes sharing the file never lose each other's pins.
func LoadKnownCameras(path string) (*KnownCameras, error) {
	entries, err := readKnown(path)
	if err != nil {
		return nil, err
	}
	return &KnownCameras{path: path, entries: entries}, nil
}

// readKnown parses the file at path (missing: empty). A UTF-8 byte order
// mark, as some Windows editors write, is skipped rather than taken for
// part of the first host name.
func readKnown(path string) (map[string]knownEntry, error) {
	entries := map[string]knownEntry{}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return entries, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read known-cameras file %s: %w", path, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || !strings.HasPrefix(f[1], "SHA256:") || !fingerprintRE.MatchString(strings.TrimPrefix(f[1], "SHA256:")) {
			return nil, fmt.Errorf("known-cameras file %s, line %d, is malformed (want \"<host> SHA256:<AA:BB:...> <time>\"): fix or delete that line", path, n)
		}
		e := knownEntry{fingerprint: strings.TrimPrefix(f[1], "SHA256:")}
		if len(f) > 2 {
			e.added = f[2]
		}
		for _, field := range f[min(3, len(f)):] {
			name, value, _ := strings.Cut(field, "=SHA256:")
			if !fingerprintRE.MatchString(value) || (name != "next" && name != "before") {
				return nil, fmt.Errorf("known-cameras file %s, line %d: after the time only next=SHA256:<fingerprint> and before=SHA256:<fingerprint> may follow: fix or delete that line", path, n)
			}
			if name == "next" {
				e.next = value
			} else {
				e.before = value
			}
		}
		entries[strings.ToLower(f[0])] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read known-cameras file %s: %w", path, err)
	}
	return entries, nil
}

// NewKnownCamerasInMemory is a store that is never written to disk (tests, demo).
func NewKnownCamerasInMemory() *KnownCameras {
	return &KnownCameras{entries: map[string]knownEntry{}}
}

// Path is the file the store writes to ("" for an in-memory store).
func (k *KnownCameras) Path() string { return k.path }

// Lookup returns the pinned fingerprint of host.
func (k *KnownCameras) Lookup(host string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[strings.ToLower(host)]
	return e.fingerprint, ok
}

// Pin records host's fingerprint on first contact. When the file already
// holds another fingerprint for host (pinned meanwhile by another process),
// the pin is refused with a *FingerprintError: a changed fingerprint is
// never accepted by pinning over it.
func (k *KnownCameras) Pin(host, fingerprint string) error {
	if !fingerprintRE.MatchString(fingerprint) {
		return fmt.Errorf("pin %s: %q is not a SHA-256 fingerprint", host, fingerprint)
	}
	key := strings.ToLower(host)
	return k.update(func(entries map[string]knownEntry) (bool, error) {
		if e, ok := entries[key]; ok {
			if e.fingerprint == fingerprint {
				return false, nil
			}
			return false, &FingerprintError{Camera: host, Pinned: e.fingerprint, Received: fingerprint}
		}
		entries[key] = knownEntry{fingerprint: fingerprint, added: time.Now().UTC().Format(time.RFC3339)}
		return true, nil
	})
}

// Before is the fingerprint host's certificate had before the one
// mxwizard installed was pinned in its place ("" when none is known).
func (k *KnownCameras) Before(host string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.entries[strings.ToLower(host)].before
}

// Repin deliberately replaces host's pin with fingerprint, the installer's
// choice on seeing a changed certificate (a camera reset to factory
// defaults): only while the file still pins the certificate the installer
// was shown (was), so a pin changed meanwhile by another process is never
// overwritten unseen.
func (k *KnownCameras) Repin(host, was, fingerprint string) error {
	if !fingerprintRE.MatchString(fingerprint) {
		return fmt.Errorf("pin %s: %q is not a SHA-256 fingerprint", host, fingerprint)
	}
	key := strings.ToLower(host)
	return k.update(func(entries map[string]knownEntry) (bool, error) {
		e := entries[key]
		if e.fingerprint == fingerprint {
			return false, nil
		}
		if e.fingerprint != was {
			return false, &FingerprintError{Camera: host, Pinned: e.fingerprint, Received: fingerprint}
		}
		entries[key] = knownEntry{fingerprint: fingerprint, added: time.Now().UTC().Format(time.RFC3339)}
		return true, nil
	})
}

// PinNext records the fingerprint of a certificate that will replace the
// pinned one at the camera's next reboot. Both are accepted until the new one
// is seen; then it becomes the only pin.
func (k *KnownCameras) PinNext(host, fingerprint string) error {
	if !fingerprintRE.MatchString(fingerprint) {
		return fmt.Errorf("pin %s: %q is not a SHA-256 fingerprint", host, fingerprint)
	}
	key := strings.ToLower(host)
	return k.update(func(entries map[string]knownEntry) (bool, error) {
		e := entries[key]
		switch {
		case e.fingerprint == "":
			e = knownEntry{fingerprint: fingerprint, added: time.Now().UTC().Format(time.RFC3339)}
		case e.fingerprint == fingerprint || e.next == fingerprint:
			return false, nil
		default:
			e.next = fingerprint
		}
		entries[key] = e
		return true, nil
	})
}

// promoteNext makes a pending next pin the pin when the camera presents it.
func (k *KnownCameras) promoteNext(host, fingerprint string) bool {
	key := strings.ToLower(host)
	promoted := false
	err := k.update(func(entries map[string]knownEntry) (bool, error) {
		e, ok := entries[key]
		switch {
		case ok && e.fingerprint == fingerprint:
			promoted = true // another process promoted it already
			return false, nil
		case !ok || e.next == "" || e.next != fingerprint:
			return false, nil
		}
		// The certificate it replaces is remembered: a factory reset may
		// bring it back (Repin).
		entries[key] = knownEntry{fingerprint: fingerprint, before: e.fingerprint, added: time.Now().UTC().Format(time.RFC3339)}
		promoted = true
		return true, nil
	})
	return err == nil && promoted
}

// refreshed reports whether the file, read again, pins fingerprint for host
// (another process pinned or promoted it since this store was loaded).
func (k *KnownCameras) refreshed(host, fingerprint string) bool {
	if k.path == "" {
		return false
	}
	entries, err := readKnown(k.path)
	if err != nil {
		return false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries = entries
	return entries[strings.ToLower(host)].fingerprint == fingerprint
}

// update changes the store: under an exclusive lock of the file it reads
// the entries as the file holds them now, lets fn change them, and writes
// them back when fn says so. The store then holds the file's content, so a
// stale copy in this process never overwrites another process's pins.
func (k *KnownCameras) update(fn func(entries map[string]knownEntry) (bool, error)) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.path == "" {
		_, err := fn(k.entries)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return fmt.Errorf("create the directory of the known-cameras file: %w", err)
	}
	unlock, err := lockFile(k.path + ".lock")
	if err != nil {
		return fmt.Errorf("lock the known-cameras file: %w", err)
	}
	defer unlock()
	entries, err := readKnown(k.path)
	if err != nil {
		return err
	}
	changed, err := fn(entries)
	if err != nil {
		k.entries = entries
		return err
	}
	if changed {
		if err := writeKnown(k.path, entries); err != nil {
			return err
		}
	}
	k.entries = entries
	return nil
}

func writeKnown(path string, entries map[string]knownEntry) error {
	hosts := make([]string, 0, len(entries))
	for h := range entries {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	var b bytes.Buffer
	b.WriteString("# mxwizard known cameras: host, SHA-256 fingerprint of its TLS certificate, when pinned\n")
	for _, h := range hosts {
		e := entries[h]
		fmt.Fprintf(&b, "%s SHA256:%s %s", h, e.fingerprint, e.added)
		if e.next != "" {
			fmt.Fprintf(&b, " next=SHA256:%s", e.next)
		}
		if e.before != "" {
			fmt.Fprintf(&b, " before=SHA256:%s", e.before)
		}
		b.WriteString("\n")
	}
	if err := atomicfile.Write(path, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save known-cameras file: %w", err)
	}
	return nil
}
