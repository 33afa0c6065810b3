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
// is plain text, one camera a line: `<host> SHA256:<fingerprint> <RFC 3339 time>`;
// lines starting with `#` are comments. It is safe for concurrent use.
type KnownCameras struct {
	mu      sync.Mutex
	path    string
	entries map[string]knownEntry
}

type knownEntry struct {
	fingerprint string
	next        string // a certificate mxwizard installed that becomes active at the next reboot
	added       string
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
// drops a pin.
func LoadKnownCameras(path string) (*KnownCameras, error) {
	k := &KnownCameras{path: path, entries: map[string]knownEntry{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read known-cameras file %s: %w", path, err)
	}
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
		if len(f) > 3 {
			nx := strings.TrimPrefix(f[3], "next=SHA256:")
			if !strings.HasPrefix(f[3], "next=SHA256:") || !fingerprintRE.MatchString(nx) {
				return nil, fmt.Errorf("known-cameras file %s, line %d: the fourth field must be next=SHA256:<fingerprint>: fix or delete that line", path, n)
			}
			e.next = nx
		}
		k.entries[strings.ToLower(f[0])] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read known-cameras file %s: %w", path, err)
	}
	return k, nil
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

// Pin records host's fingerprint and writes the file atomically.
func (k *KnownCameras) Pin(host, fingerprint string) error {
	if !fingerprintRE.MatchString(fingerprint) {
		return fmt.Errorf("pin %s: %q is not a SHA-256 fingerprint", host, fingerprint)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.entries[strings.ToLower(host)] = knownEntry{fingerprint: fingerprint, added: time.Now().UTC().Format(time.RFC3339)}
	return k.saveLocked()
}

// PinNext records the fingerprint of a certificate that will replace the
// pinned one at the camera's next reboot. Both are accepted until the new one
// is seen; then it becomes the only pin.
func (k *KnownCameras) PinNext(host, fingerprint string) error {
	if !fingerprintRE.MatchString(fingerprint) {
		return fmt.Errorf("pin %s: %q is not a SHA-256 fingerprint", host, fingerprint)
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	e := k.entries[strings.ToLower(host)]
	if e.fingerprint == "" {
		e = knownEntry{fingerprint: fingerprint, added: time.Now().UTC().Format(time.RFC3339)}
	} else {
		e.next = fingerprint
	}
	k.entries[strings.ToLower(host)] = e
	return k.saveLocked()
}

// promoteNext makes a pending next pin the pin when the camera presents it.
func (k *KnownCameras) promoteNext(host, fingerprint string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[strings.ToLower(host)]
	if !ok || e.next == "" || e.next != fingerprint {
		return false
	}
	k.entries[strings.ToLower(host)] = knownEntry{fingerprint: fingerprint, added: time.Now().UTC().Format(time.RFC3339)}
	if err := k.saveLocked(); err != nil {
		return false
	}
	return true
}

func (k *KnownCameras) saveLocked() error {
	if k.path == "" {
		return nil
	}
	hosts := make([]string, 0, len(k.entries))
	for h := range k.entries {
		hosts = append(hosts, h)
	}
	sort.Strings(hosts)
	var b bytes.Buffer
	b.WriteString("# mxwizard known cameras: host, SHA-256 fingerprint of its TLS certificate, when pinned\n")
	for _, h := range hosts {
		e := k.entries[h]
		if e.next != "" {
			fmt.Fprintf(&b, "%s SHA256:%s %s next=SHA256:%s\n", h, e.fingerprint, e.added, e.next)
		} else {
			fmt.Fprintf(&b, "%s SHA256:%s %s\n", h, e.fingerprint, e.added)
		}
	}
	if err := os.MkdirAll(filepath.Dir(k.path), 0o700); err != nil {
		return fmt.Errorf("create the directory of the known-cameras file: %w", err)
	}
	if err := atomicfile.Write(k.path, b.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save known-cameras file: %w", err)
	}
	return nil
}
