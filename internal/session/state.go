package session

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// StateFile is the name of the resume state in the output directory.
const StateFile = "mxwizard-state.json"

// State is what an interrupted session needs to continue: which steps were
// done or skipped, and where the camera answers. It holds no secret: the
// secrets are in the encrypted secrets file beside it.
type State struct {
	Camera      string                `json:"camera"`
	AddressNow  string                `json:"address_now"`
	Serial      string                `json:"serial"`
	User        string                `json:"user"`
	SecretsFile string                `json:"secrets_file,omitempty"`
	Updated     time.Time             `json:"updated"`
	Finished    bool                  `json:"finished"`
	Steps       []report.HandoverStep `json:"steps"`
	// PendingReboot is set while an applied change waits for the reboot;
	// AddressAfterReboot is where the camera answers after it.
	PendingReboot      bool   `json:"pending_reboot"`
	AddressAfterReboot string `json:"address_after_reboot,omitempty"`
	// PortOffset maps the camera's configured ports to reachable ones.
	PortOffset      int  `json:"port_offset"`
	PortOffsetKnown bool `json:"port_offset_known"`
	// Answers are the run's answers (users, rules, manual steps,
	// checklists), so that a resumed wizard asks nothing twice. Secrets are
	// never among them: the profile holds references only ("generate",
	// "env:NAME", "file:PATH"), and any other value is dropped.
	Answers *profile.Profile `json:"answers,omitempty"`
	// LoginOnFile: the run was last logged in with the admin password of
	// its secrets file (no password is kept here, only that fact): a
	// resume tries that one first.
	LoginOnFile bool `json:"login_on_file,omitempty"`
}

// SaveState writes the state file atomically.
func (s *Session) SaveState() error {
	st := State{
		Camera: s.opts.Camera.Address, AddressNow: s.engine.Client.Address(), Serial: s.snap.Identity.Serial,
		User: s.engine.Client.User(), SecretsFile: filepath.Base(s.files.Secrets), Updated: time.Now().UTC(), Steps: s.results, Finished: s.finished,
		PendingReboot: s.engine.PendingReboot(), AddressAfterReboot: s.rebootTo,
		PortOffset: s.engine.PortOffset, PortOffsetKnown: s.engine.KnownPortOffset,
		Answers: s.opts.Profile.WithoutLiterals(), LoginOnFile: s.loginOnFile(),
	}
	return WriteState(s.opts.OutDir, st)
}

// loginOnFile reports whether the engine is logged in with the admin
// password the run knows (set or kept by step 3, or read from the secrets
// file), which the secrets file holds.
func (s *Session) loginOnFile() bool {
	if s.engine.Password.IsZero() {
		return false
	}
	if pw, ok := s.KnownSecret(steps.AdminPassword); ok && pw.Equal(s.engine.Password) {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.values[steps.AdminPassword].Equal(s.engine.Password)
}

// WriteState writes a state file into dir.
func WriteState(dir string, st State) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, StateFile), data, 0o600)
}

// LoadState reads the state of an earlier session from dir; ok is false
// when there is none. A corrupt state file is an error that says so.
func LoadState(dir string) (st State, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, os.ErrNotExist) {
		return State{}, false, nil
	}
	if err != nil {
		return State{}, false, err
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return State{}, false, fmt.Errorf("the state file %s is damaged (%v): delete it to start the camera afresh", filepath.Join(dir, StateFile), err)
	}
	return st, true, nil
}
