package session

import (
	"cmp"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// Interrupted is an unfinished run found in an output directory.
type Interrupted struct {
	Dir   string // the output directory that holds it
	State State  // what the run did and where the camera answered
}

// FindInterrupted looks for the newest unfinished run of host: in dir and
// the camera folders inside it when the installer gave the output
// directory (dir/<serial>/ of apply, a folder of an earlier run the wizard
// went on in), else in base/mxwizard-*/ (the folders OutDirFor names); a
// folder inside counts only when its run was on host. ok is false when
// there is none; a damaged state file in dir or in a folder named after
// host is an error that says so (others are another camera's business).
func FindInterrupted(dir, base, host string) (found Interrupted, ok bool, err error) {
	own := "mxwizard-" + SafeName(host) + "-"
	for _, d := range runFolders(dir, base) {
		st, has, err := LoadState(d)
		if err != nil {
			if d == dir || strings.HasPrefix(filepath.Base(d), own) {
				return Interrupted{Dir: d}, false, err
			}
			continue
		}
		if !has || st.Finished || len(st.Steps) == 0 || (d != dir && !sameHost(st, host)) {
			continue
		}
		if !ok || st.Updated.After(found.State.Updated) {
			found, ok = Interrupted{Dir: d, State: st}, true
		}
	}
	return found, ok, nil
}

// runFolders are the folders a run may have left its files in: out and
// the folders inside it when the installer gave --out, else the wizard's
// dated folders base/mxwizard-*.
func runFolders(out, base string) []string {
	pattern, dirs := filepath.Join(base, "mxwizard-*"), []string(nil)
	if out != "" {
		pattern, dirs = filepath.Join(out, "*"), []string{out}
	}
	more, _ := filepath.Glob(pattern)
	for _, d := range more {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// OutDirFor names a new output directory for host: base/mxwizard-<host>-<date>,
// with the time added when that folder exists already (a finished run's).
func OutDirFor(base, host string, now time.Time) string {
	dir := filepath.Join(base, "mxwizard-"+SafeName(host)+"-"+now.Format("2006-01-02"))
	if _, err := os.Stat(dir); err == nil {
		dir += "-" + now.Format("1504")
	}
	return dir
}

// SafeName makes a name (a host, a serial, an address) usable as a file or
// folder name on every system: anything outside A-Z a-z 0-9 . _ - becomes _.
func SafeName(s string) string {
	b := []byte(s)
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			out = append(out, c)
		} else {
			out = append(out, '_')
		}
	}
	return string(out)
}

// NextStep is the number of the first step the state does not record
// (0 when it records all 22 or ids is empty): where a resumed run goes on.
func (st State) NextStep(ids []string) int {
	for i, id := range ids {
		if !st.Has(id, i+1) {
			return i + 1
		}
	}
	return 0
}

// Has reports whether the state records the step with this id (or, for a
// step without an id, this number).
func (st State) Has(id string, number int) bool {
	for _, r := range st.Steps {
		if (id != "" && r.ID == id) || (id == "" && r.Step == number) {
			return true
		}
	}
	return false
}

// Commissioning is the folder of a finished earlier run of a camera.
type Commissioning struct {
	Dir         string    // the folder that holds the run's files
	Serial      string    // the camera's serial
	SecretsFile string    // its encrypted secrets file
	Finished    time.Time // when the run's state was last written
}

// FindCommissioned looks for the folder of the newest finished run of the
// camera with this serial that left a secrets file: in out and the camera
// folders inside it (out/<serial>/ of apply, out/mxwizard-*/ of the
// wizard's next camera of a site) when the installer gave --out, else in
// the wizard's folders base/mxwizard-*/ of any address (a camera reset to
// factory settings answers at another address than the one it was
// hardened at). It reads only the plain state files; a folder whose state
// file does not read is passed over (FindInterrupted reports those).
func FindCommissioned(out, base, serial string) (Commissioning, bool) {
	if serial == "" {
		return Commissioning{}, false
	}
	return findFinished(out, base, func(st State) bool { return st.Serial == serial })
}

// FindCommissionedAt is FindCommissioned for the camera at host, for when
// the camera refused the password given before it told its serial: the
// newest finished run whose addresses were all on host.
func FindCommissionedAt(out, base, host string) (Commissioning, bool) {
	if host == "" {
		return Commissioning{}, false
	}
	return findFinished(out, base, func(st State) bool { return st.Serial != "" && sameHost(st, host) })
}

// findFinished is the newest finished run in out and its folders (or in
// base/mxwizard-*/) that match takes and that left a secrets file.
func findFinished(out, base string, match func(State) bool) (Commissioning, bool) {
	var found Commissioning
	ok := false
	for _, d := range runFolders(out, base) {
		st, has, err := LoadState(d)
		if err != nil || !has || !st.Finished || !match(st) {
			continue
		}
		secrets, there := secretsFileOf(d, st)
		if !there {
			continue
		}
		if !ok || st.Updated.After(found.Finished) {
			found, ok = Commissioning{Dir: d, Serial: st.Serial, SecretsFile: secrets, Finished: st.Updated}, true
		}
	}
	return found, ok
}

// SecretsFiles indexes the secrets files of the runs in dir (dir itself
// and the run folders inside it: apply's <serial>/ and the wizard's) by
// the host the run was on, the newest run's for a host; read from the
// plain state files only. A run whose addresses were on more than one host
// is left out: its file is not given to a camera by guess.
func SecretsFiles(dir string) map[string]string {
	files := map[string]string{}
	newest := map[string]time.Time{}
	for _, d := range runFolders(dir, "") {
		st, has, err := LoadState(d)
		if err != nil || !has {
			continue
		}
		p, there := secretsFileOf(d, st)
		if !there {
			continue
		}
		u, err := camera.ParseAddress(cmp.Or(st.AddressNow, st.Camera))
		if err != nil {
			continue
		}
		host := strings.ToLower(u.Hostname())
		if !sameHost(st, host) {
			continue
		}
		if t, seen := newest[host]; !seen || st.Updated.After(t) {
			files[host], newest[host] = p, st.Updated
		}
	}
	return files
}

// secretsFileOf is the secrets file the run whose state st is left in its
// folder dir: the one the state names (by its base name only, never
// outside the folder), else the serial's; there is false when no such
// file is there.
func secretsFileOf(dir string, st State) (path string, there bool) {
	name := SafeName(st.Serial) + "-secrets.json.age"
	if st.SecretsFile != "" && st.SecretsFile != "." {
		name = filepath.Base(st.SecretsFile)
	}
	path = filepath.Join(dir, name)
	fi, err := os.Stat(path)
	return path, err == nil && fi.Mode().IsRegular()
}
