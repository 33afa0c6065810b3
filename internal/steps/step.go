// Package steps holds the 22 camera steps of the MOBOTIX hardening guide and
// the engine that checks, plans, applies and verifies them. Steps never
// print, prompt or import the UI: their questions are the profile's fields,
// and their results are plain data.
package steps

import (
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// Status is the outcome of a check.
type Status string

// The statuses of the audit JSON contract.
const (
	Pass        Status = "pass"        // the camera meets the guide's recommendation
	Fail        Status = "fail"        // it does not
	Manual      Status = "manual"      // a person must check or decide; the answer is recorded
	Unsupported Status = "unsupported" // this firmware does not expose the setting
	Error       Status = "error"       // the check could not run
)

// Info describes a step: what the guide calls it and where it lives in the
// camera's menus.
type Info struct {
	Number   int    `json:"step"`
	ID       string `json:"id"`
	Title    string `json:"title"`
	MenuPath string `json:"menu_path"`
	Why      string `json:"why"`
}

// Finding is the result of a check.
type Finding struct {
	Status Status `json:"status"`
	Detail string `json:"detail"`
}

// The details of findings quote the camera (names, certificate subjects,
// log lines): camera.CleanText keeps its control characters off terminals.
func pass(format string, a ...any) Finding {
	return Finding{Pass, camera.CleanText(fmt.Sprintf(format, a...))}
}

func fail(format string, a ...any) Finding {
	return Finding{Fail, camera.CleanText(fmt.Sprintf(format, a...))}
}

func manual(format string, a ...any) Finding {
	return Finding{Manual, camera.CleanText(fmt.Sprintf(format, a...))}
}

// notHonoured is the finding when the configuration says a setting is done
// and the camera's behaviour says it is not: this firmware does not honour
// the name mxwizard wrote. The step becomes a guided manual one: what to set,
// where, and that the same effect check judges it afterwards.
func notHonoured(info Info, setting, effect, what string) Finding {
	return Finding{Unsupported, camera.CleanText(fmt.Sprintf(
		"the configuration says %s, but %s: this firmware does not honour that name. In the web interface, %s at %s; mxwizard checks the effect again",
		setting, effect, what, info.MenuPath))}
}

// Snapshot is what the engine knows about a camera at one moment: read once,
// checked by every step without further requests.
type Snapshot struct {
	Config   *camera.Config
	Identity camera.Identity
	// Base is the URL the camera is reached on; InstallerIP the address the
	// camera sees this computer as.
	Base        *url.URL
	InstallerIP net.IP
	// User is the account mxwizard is logged in with; FactoryPassword is
	// true when that account still has the factory password.
	User            string
	FactoryPassword bool
	// Certificate is the certificate the camera's HTTPS server presented
	// (nil over plain HTTP).
	Certificate *x509.Certificate
	// WebLog is the web server log (read only when a step needs it).
	WebLog []camera.LogEntry
	// LogSinceReboot is set when WebLog was read right after the reboot
	// that deleted it.
	LogSinceReboot bool
	// SeenAs is the address the camera logged for this session's own
	// requests: the address the camera sees this computer as, which differs
	// from InstallerIP behind NAT, a VPN or a port forward. Nil when the log
	// was not read or holds no request of this session.
	SeenAs net.IP
	// PendingCertificate is a certificate uploaded in this run that becomes
	// active at the next reboot.
	PendingCertificate *x509.Certificate
	// BackupPath is the encrypted backup written in this run.
	BackupPath string
	// PortOffset maps configured ports to reachable ones (port forwarding,
	// or the simulated camera): reachable = configured + PortOffset.
	PortOffset int
	// Effects is what the camera was seen to do (nil when not observed):
	// where it is known, steps judge by it rather than by the configuration.
	Effects *Effects
	// Taken is when the snapshot was read: checks and plans judge dates
	// (certificate validity, the intrusion window) against it, never
	// against the clock, so one snapshot gives one verdict.
	Taken time.Time
}

// now is the snapshot's time (the clock for a snapshot built by hand).
func (s *Snapshot) now() time.Time {
	if s.Taken.IsZero() {
		return time.Now()
	}
	return s.Taken
}

// Value is a shortcut for Config.Value.
func (s *Snapshot) Value(section, key string) string { return s.Config.Value(section, key) }

// Plan is the exact change set of one step.
type Plan struct {
	Step Info
	// Params are written with `write params`, activated and read back in one
	// request.
	Params []camera.Param
	// Notes explain the plan in words (no secrets).
	Notes []string
	// NeedsReboot is set when the change takes effect only after a reboot.
	NeedsReboot bool
	// Secrets are the secrets this plan sets, by their name in the secrets
	// file (admin_password, recording_key, ...).
	Secrets map[SecretName]secret.Secret
	// Certificate, when set, is uploaded into the camera's certificate slot
	// (PEM with certificate and key) and pinned before the reboot.
	Certificate *CertificateChange
	// FactoryReset resets the camera's configuration first.
	FactoryReset bool
	// Answer is what the installer said for a manual step.
	Answer string
	// ToDo are what somebody must still do by hand for the step to work
	// (e.g. set up the e-mail profile a notification needs): the handover
	// report lists them.
	ToDo []string
	// NewPassword is set when the plan changes the password of the account
	// mxwizard is logged in with: the engine re-authenticates.
	NewPassword *secret.Secret
}

// CertificateChange is a certificate to install.
type CertificateChange struct {
	// Key is the private key (PKCS#8 PEM): a secret, revealed only on the
	// wire. CertPEM is the leaf certificate alone.
	Key         secret.Secret
	CertPEM     []byte
	Certificate *x509.Certificate
	Describe    string
}

// Empty reports whether the plan changes nothing on the camera.
func (p *Plan) Empty() bool {
	return p == nil || (len(p.Params) == 0 && p.Certificate == nil && !p.FactoryReset)
}

// Lines are the exact changes in words, secrets masked: what the installer
// confirms.
func (p *Plan) Lines() []string {
	if p == nil {
		return nil
	}
	var out []string
	if p.FactoryReset {
		out = append(out, "reset the whole configuration to factory defaults (users and passwords too), except the network settings")
	}
	for _, prm := range p.Params {
		v := prm.Value
		switch {
		case prm.IsSecret():
			v = secret.Mask
		case v == "" && prm.Profile != "" && prm.Key == "":
			v = "(delete)"
		case v == "":
			v = "(empty)"
		}
		out = append(out, fmt.Sprintf("set %s = %s", prm.Path(), v))
	}
	if p.Certificate != nil {
		out = append(out, "upload certificate: "+p.Certificate.Describe)
	}
	if p.NeedsReboot {
		out = append(out, "takes effect after the reboot at the end")
	}
	return out
}

// Step is one hardening step of the guide.
type Step interface {
	// Info describes the step.
	Info() Info
	// Check judges the snapshot; it never writes.
	Check(s *Snapshot) Finding
	// Plan computes the exact changes that bring the camera to the profile.
	// An empty plan means nothing to do. A *GuardError refuses a plan that
	// would lock the installer out.
	Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error)
}

// GuardError is a lock-out guard's refusal: the plan would leave the
// installer (or everybody) unable to reach the camera.
type GuardError struct {
	Step   int
	Reason string
	Hint   string
}

func (e *GuardError) Error() string {
	msg := "refused: " + e.Reason
	if e.Hint != "" {
		msg += "\n  try: " + e.Hint
	}
	return msg
}

// splitList splits a comma-separated camera list, dropping empties.
func splitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// joinSorted joins a list canonically (sorted, no duplicates).
func joinSorted(items []string) string {
	seen := map[string]bool{}
	var out []string
	for _, i := range items {
		if i = strings.TrimSpace(i); i != "" && !seen[i] {
			seen[i] = true
			out = append(out, i)
		}
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

// sameList compares two comma lists as sets.
func sameList(a, b string) bool { return joinSorted(splitList(a)) == joinSorted(splitList(b)) }

// param is a shortcut for a plain parameter.
func param(section, key, value string) camera.Param {
	return camera.Param{Section: section, Key: key, Value: value}
}

// setting is one key and the value a step wants it to have.
type setting struct{ key, value string }

// setDiffering adds a parameter for each setting whose value on the camera
// differs, in the order given (enable switches go last, after what they
// enable is configured).
func (p *Plan) setDiffering(s *Snapshot, section string, want ...setting) {
	for _, w := range want {
		if s.Value(section, w.key) != w.value {
			p.Params = append(p.Params, param(section, w.key, w.value))
		}
	}
}
