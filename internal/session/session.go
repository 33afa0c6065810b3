// Package session runs a hardening session on one camera: connect, take a
// snapshot, plan every step, save the secrets before the first write, apply
// and verify step by step, store, reboot, verify again, and write the
// encrypted backup, the encrypted secrets file and the handover report. The
// `apply` command drives it without questions; the wizard drives the same
// pieces one step at a time.
package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// Options configure a session.
type Options struct {
	Camera camera.Options
	// Profile holds every answer; nil means the default profile.
	Profile *profile.Profile
	// OutDir receives the backup, the secrets file, the report and the state.
	OutDir string
	// BySerial makes OutDir the folder of a site: the camera's files go to
	// OutDir/<serial>/ (its serial once connected), and an interrupted run
	// is found in whichever camera folder names the address given.
	BySerial bool
	// Passphrase encrypts the backup and the secrets file.
	Passphrase secret.Secret
	// Generate makes new secrets (passwords, keys).
	Generate func() (secret.Secret, error)
	// BootTimeout and PollInterval tune the wait for a reboot.
	BootTimeout, PollInterval time.Duration
	// Progress hears what is going on.
	Progress func(string)
	// Step, when set, hears the number and title of each step as it
	// starts (a site's board shows them).
	Step func(number int, title string)
	// Tool is written into the report (name and version).
	Tool string
	// NewSecrets makes the run generate new passwords and keys even where
	// the camera's secrets file holds the ones an earlier run set (apply
	// --new-secrets). Without it, they are kept.
	NewSecrets bool
}

// Session is one camera's hardening run.
type Session struct {
	opts    Options
	engine  *steps.Engine
	snap    *steps.Snapshot
	Start   time.Time
	results []report.HandoverStep

	mu       sync.Mutex
	file     onFile // what the camera's secrets file holds
	files    Files
	finished bool
	resumed  bool
	rebootTo string // where the camera answers after the reboot under way
}

// Files are the paths a session wrote.
type Files struct {
	Backup  string `json:"backup"`
	Secrets string `json:"secrets"`
	Report  string `json:"report"`
	JSON    string `json:"report_json"`
	HTML    string `json:"report_html"`
	// Kept are the files of an earlier run this run moved aside (to a
	// dated name) instead of overwriting them.
	Kept []string `json:"kept,omitempty"`
}

// Open connects to the camera and takes the first snapshot (one request).
func Open(ctx context.Context, opts Options) (*Session, error) {
	if opts.Profile == nil {
		opts.Profile = profile.Default()
	}
	if opts.Passphrase.IsZero() {
		return nil, errors.New("no backup passphrase: set MXWIZARD_BACKUP_PASSPHRASE or use --passphrase-file")
	}
	// A passphrase that cannot encrypt the secrets file is refused before
	// the camera is touched, not at the first write-ahead after other
	// steps were written. The error is a fixed sentence: it is returned as
	// it is, never passed through a redactor that could mask a short
	// passphrase where it happens to occur in the sentence.
	if err := backup.CheckPassphrase(opts.Passphrase); err != nil {
		return nil, err
	}
	if opts.OutDir == "" {
		return nil, errors.New("no output directory: use --out DIR")
	}
	if err := os.MkdirAll(opts.OutDir, 0o700); err != nil {
		return nil, fmt.Errorf("create output directory %s: %w", opts.OutDir, err)
	}
	s := &Session{opts: opts, Start: time.Now().UTC()}
	s.engine = &steps.Engine{
		Password: opts.Camera.Password, Profile: opts.Profile,
		Secrets: steps.NewSecrets(opts.Generate), Progress: opts.Progress,
		BootTimeout: opts.BootTimeout, PollInterval: opts.PollInterval,
		AllowPlainHTTP: opts.Camera.AllowPlainHTTP,
	}
	s.engine.BeforeWrite = s.saveSecretsAhead
	s.engine.BeforeReboot = func(after string) error {
		s.rebootTo = after
		return s.SaveState()
	}
	var state State
	var hasState bool
	if opts.BySerial {
		dir, st, ok, err := findCameraFolder(opts.OutDir, opts.Camera.Address)
		if err != nil {
			return nil, err
		}
		if ok {
			s.opts.OutDir, state, hasState = dir, st, true
		}
	} else {
		var err error
		if state, hasState, err = LoadState(opts.OutDir); err != nil {
			return nil, err
		}
	}
	if err := s.open(ctx, state, hasState); err != nil {
		if s.engine.Client != nil {
			s.engine.Client.Close()
		}
		return nil, s.redact(err)
	}
	return s, nil
}

// open connects: it continues the run the state file describes when that
// run was on the camera the installer named (the same host; the serial is
// compared once connected), else starts afresh. Either way it then reads
// the camera's secrets file, found by serial, and offers its values to the
// run.
func (s *Session) open(ctx context.Context, state State, hasState bool) error {
	named, err := camera.ParseAddress(s.opts.Camera.Address)
	if err != nil {
		return err
	}
	if hasState && sameHost(state, named.Hostname()) {
		if err := s.resume(ctx, state); err != nil {
			return err
		}
	} else {
		client, err := camera.New(s.opts.Camera)
		if err != nil {
			return err
		}
		s.engine.Client = client
		if s.snap, err = s.engine.Snapshot(ctx, true); err != nil {
			return err
		}
		if s.opts.BySerial {
			// The camera's own folder of the site, by the serial it told.
			s.opts.OutDir = filepath.Join(s.opts.OutDir, s.fileBase())
			if err := os.MkdirAll(s.opts.OutDir, 0o700); err != nil {
				return fmt.Errorf("create the camera's folder %s: %w", s.opts.OutDir, err)
			}
			if state, hasState, err = LoadState(s.opts.OutDir); err != nil {
				return err
			}
		}
		if hasState && !state.Finished && state.Serial != "" && state.Serial != s.snap.Identity.Serial {
			return fmt.Errorf("%s holds the unfinished run of another camera (serial %s at %s), this one is serial %s: finish that run first or choose another --out",
				s.opts.OutDir, state.Serial, state.AddressNow, s.snap.Identity.Serial)
		}
		if hasState && !state.Finished && state.Serial != "" && state.Serial == s.snap.Identity.Serial {
			// The same camera under another address: take over what the
			// earlier run did, and reboot again if it may not have.
			s.resumed = true
			s.results = state.Steps
			s.engine.SetPendingReboot(state.PendingReboot)
		}
	}
	if err := s.loadSecretsFile(); err != nil {
		return err
	}
	s.keepFileSecrets()
	return nil
}

// findCameraFolder looks through the camera folders of a site (dir/*/)
// for the state of a run on the camera at addr (the same host): the newest
// one, so that a re-run of the same command goes on where it stopped, also
// after the camera moved to a new port or scheme.
func findCameraFolder(dir, addr string) (folder string, st State, ok bool, err error) {
	named, err := camera.ParseAddress(addr)
	if err != nil {
		return "", State{}, false, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", State{}, false, err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		d := filepath.Join(dir, e.Name())
		cand, has, err := LoadState(d)
		if err != nil {
			return "", State{}, false, err
		}
		if has && sameHost(cand, named.Hostname()) && (!ok || cand.Updated.After(st.Updated)) {
			folder, st, ok = d, cand, true
		}
	}
	return folder, st, ok, nil
}

// sameHost reports whether the state's run talked to host: resume only
// ever sends a password to the camera the installer named.
func sameHost(st State, host string) bool {
	for _, a := range []string{st.Camera, st.AddressNow, st.AddressAfterReboot} {
		if a == "" {
			continue
		}
		u, err := camera.ParseAddress(a)
		if err != nil || !strings.EqualFold(u.Hostname(), host) {
			return false
		}
	}
	return st.Camera != "" || st.AddressNow != ""
}

// Close releases the session's connection to the camera.
func (s *Session) Close() {
	if s.engine != nil && s.engine.Client != nil {
		s.engine.Client.Close()
	}
}

// Address is where the camera answers now.
func (s *Session) Address() string { return s.engine.Client.Address() }

// Requests is the number of HTTP requests the session caused so far.
func (s *Session) Requests() int64 { return s.engine.Requests() }

// Results are the records of the steps applied or skipped so far (a copy).
func (s *Session) Results() []report.HandoverStep {
	return append([]report.HandoverStep(nil), s.results...)
}

// Snapshot is the session's current view of the camera (read-only for the
// caller: the wizard asks a step's questions against it).
func (s *Session) Snapshot() *steps.Snapshot { return s.snap }

// HasSecret reports whether the run holds a value for the secret name
// (resolved, typed, or taken from the camera's secrets file and applied).
func (s *Session) HasSecret(name steps.SecretName) bool {
	_, ok := s.engine.Secrets.Get(name)
	return ok
}

// Commissioned reports whether the output folder holds the secrets file of
// an earlier run for this camera's serial, and when it was last written.
func (s *Session) Commissioned() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.header.WrittenAt, s.file.exists
}

// AtFactorySettings reports whether the camera shows its factory state:
// the factory password works (the session is logged in with it), and it
// shows its factory certificate or its factory ports (a reset may keep an
// installed certificate). Judged from what the camera shows, never from a
// failed login.
func (s *Session) AtFactorySettings() bool {
	password, cert, ports := s.factorySigns()
	return password && (cert || ports)
}

// FactorySigns says what shows the camera's factory state, as observed:
// "the factory password works", "it shows its factory certificate", "its
// web server is on the factory ports 443 and 80" (only those that hold).
func (s *Session) FactorySigns() []string {
	password, cert, ports := s.factorySigns()
	var out []string
	if password {
		out = append(out, "the factory password works")
	}
	if cert {
		out = append(out, "it shows its factory certificate")
	}
	if ports {
		out = append(out, "its web server is on the factory ports 443 and 80")
	}
	return out
}

func (s *Session) factorySigns() (password, cert, ports bool) {
	snap := s.snap
	https, http := snap.Value(camera.SecWebServer, camera.KeyHTTPSPort), snap.Value(camera.SecWebServer, camera.KeyHTTPPorts)
	return snap.FactoryPassword, snap.Certificate == nil || steps.IsFactoryCertificate(snap.Certificate), https == "443" && http == "80"
}

// BackupFile is the camera's encrypted configuration backup in the output
// folder, "" when there is none.
func (s *Session) BackupFile() string {
	path := filepath.Join(s.opts.OutDir, s.fileBase()+"-config.cfg.age")
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	return path
}

// KnownSecret is the value the camera has for a secret as far as this
// session knows: set in this run, or kept in the camera's secrets file from
// an earlier one. The wizard offers to keep it rather than make a new one.
func (s *Session) KnownSecret(name steps.SecretName) (secret.Secret, bool) {
	if v, ok := s.engine.Secrets.Get(name); ok {
		return v, true
	}
	return s.engine.Secrets.KeptValue(name)
}

// Resumed reports whether the session continues an interrupted one.
func (s *Session) Resumed() bool { return s.resumed }

// resume continues an interrupted session on the camera the installer
// named (sameHost holds): it finds the camera where the state says it
// answers now (or will after the reboot the run started), logs in with the
// given password or, when the camera refuses it, once with the admin
// password on file and, when the run had reset the camera, once with the
// factory password; it checks that the camera is the one of the state (its
// serial), then takes over the steps done and a reboot still pending. The
// state's addresses never get --accept-new: a certificate that is not
// pinned there is refused.
func (s *Session) resume(ctx context.Context, st State) error {
	s.resumed = true
	var saved secret.Secret
	if st.SecretsFile != "" && st.SecretsFile != "." {
		// Only the base name: a state file cannot point outside --out.
		f, err := readSecretsFile(filepath.Join(s.opts.OutDir, filepath.Base(st.SecretsFile)), s.opts.Passphrase)
		if err != nil {
			return fmt.Errorf("resume: %w", err)
		}
		saved = f.values[steps.AdminPassword]
	}
	var addrs []string
	for _, a := range []string{st.AddressNow, st.AddressAfterReboot, s.opts.Camera.Address} {
		if a != "" && !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	// The passwords to try, each once. No password given: the camera
	// refused the installer's already, so only the one on file is tried.
	// When the run was last logged in with the one on file, it goes
	// first: a stale password given (often the factory one) is then not
	// refused once more towards the camera's intrusion threshold, which
	// would keep step 8's lock-out guard refusing run after run.
	type candidate struct {
		pw   secret.Secret
		what string // how the refusal names it
	}
	var cands []candidate
	add := func(pw secret.Secret, what string) {
		if !pw.IsZero() && !slices.ContainsFunc(cands, func(c candidate) bool { return c.pw.Equal(pw) }) {
			cands = append(cands, candidate{pw, what})
		}
	}
	given := s.opts.Camera.Password
	var factory secret.Secret
	if resetApplied(st) {
		factory = secret.New(camera.FactoryPassword) // only a reset by the run brings it back
	}
	if st.LoginOnFile {
		add(saved, "the admin password on file")
		add(given, "the password given")
	} else {
		add(given, "the password given")
		add(saved, "the admin password on file")
	}
	add(factory, "the factory password")
	if len(cands) == 0 {
		return fmt.Errorf("resume: no password to log in with: the secrets file in %s holds no admin password; give the camera's password", s.opts.OutDir)
	}
	s.engine.PortOffset, s.engine.KnownPortOffset = st.PortOffset, st.PortOffsetKnown
	var lastErr error
	var refusedWhat []string
	plainSkipped := false
	for _, addr := range addrs {
		for _, c := range cands {
			if !c.pw.Equal(given) && strings.HasPrefix(addr, "http://") {
				// Over plain HTTP no certificate proves that this is the
				// camera of the state: the password on file (or the factory
				// one) is never offered to it.
				plainSkipped = true
				continue
			}
			pw := c.pw
			o := s.opts.Camera
			o.Address, o.Password, o.AcceptNew = addr, pw, false
			client, err := camera.New(o)
			if err != nil {
				return err
			}
			s.engine.Client, s.engine.Password = client, pw
			s.snap, err = s.engine.Snapshot(ctx, true)
			if err == nil {
				if st.Serial != "" && s.snap.Identity.Serial != st.Serial {
					return fmt.Errorf("resume: the camera at %s is serial %s, but the interrupted run in %s was on serial %s: this is another camera; choose another --out for it",
						addr, s.snap.Identity.Serial, s.opts.OutDir, st.Serial)
				}
				if !st.Finished {
					s.results = st.Steps
				}
				s.rebootTo = st.AddressAfterReboot
				// Reaching the camera on a new address proves the reboot
				// happened; anywhere else it may not have: reboot again.
				rebooted := addr == st.AddressAfterReboot && addr != st.AddressNow
				s.engine.SetPendingReboot(st.PendingReboot && !rebooted && !st.Finished)
				if pw.Equal(saved) && !st.LoginOnFile {
					// Learnt now: the password on file is the camera's. Kept
					// at once, so that the next run does not try the stale
					// one first, whatever this run does.
					st.LoginOnFile = true
					if err := WriteState(s.opts.OutDir, st); err != nil {
						return err
					}
				}
				if st.Finished {
					s.progress("connected at %s, in the folder of the earlier run", addr)
				} else {
					s.progress("resuming the interrupted session at %s", addr)
				}
				return nil
			}
			client.Close()
			lastErr = err
			if errors.Is(err, camera.ErrUnknownCamera) {
				return fmt.Errorf("resume: %s presents a certificate the known-cameras file does not pin, and a resumed run never pins one (--accept-new does not apply to it): use the known-cameras file of the interrupted run (--known-cameras), or check the certificate and pin it with mxwizard audit --accept-new %s first: %w", addr, addr, err)
			}
			if errors.Is(err, camera.ErrUnauthorized) {
				if !slices.Contains(refusedWhat, c.what) {
					refusedWhat = append(refusedWhat, c.what)
				}
				continue // one more try, with the next password
			}
			break // not reachable here: try the next address
		}
	}
	if plainSkipped && (len(refusedWhat) > 0 || given.IsZero()) {
		what := "the camera refused the password given; over"
		if given.IsZero() {
			what = "over"
		}
		msg := fmt.Sprintf("resume: %s plain HTTP mxwizard does not try the one on file (no certificate proves which camera answers): read it with mxwizard backup decrypt and give it with --password-file", what)
		if lastErr == nil {
			return errors.New(msg) // no login was tried
		}
		return fmt.Errorf("%s: %w", msg, lastErr)
	}
	if len(refusedWhat) > 0 {
		return fmt.Errorf("resume: the camera refused %s: %w", strings.Join(refusedWhat, " and "), lastErr)
	}
	return fmt.Errorf("resume: the camera answers on none of %s: %w", strings.Join(addrs, ", "), lastErr)
}

// resetApplied reports whether the state's run reset the camera to factory
// defaults (step 2).
func resetApplied(st State) bool {
	for _, r := range st.Steps {
		if r.ID == "factory-reset" && r.Skipped == "" && len(r.Changes) > 0 {
			return true
		}
	}
	return false
}

func (s *Session) progress(format string, a ...any) {
	if s.opts.Progress != nil {
		s.opts.Progress(fmt.Sprintf(format, a...))
	}
}

// Identity is the camera's identity from the first snapshot.
func (s *Session) Identity() camera.Identity { return s.snap.Identity }

// PlanAll plans every step against the current snapshot; the same secrets
// are used when the steps are applied.
func (s *Session) PlanAll() ([]*steps.Plan, error) {
	var plans []*steps.Plan
	var errs []error
	for _, st := range steps.All() {
		p, err := s.engine.PlanStep(st, s.snap)
		if err != nil {
			errs = append(errs, fmt.Errorf("step %d (%s): %w", st.Info().Number, st.Info().ID, err))
			continue
		}
		plans = append(plans, p)
	}
	return plans, errors.Join(errs...)
}

// ApplyAll applies every step in the guide's order, recording before and
// after. A step whose plan is refused stops the run before anything else is
// written.
//
// Every secret the plans will set is saved into the secrets file once,
// before the first write (one scrypt run instead of one per step that sets
// a secret): each step's own write-ahead then finds its values on file.
// Until a step has run, the camera still has its old value: the one the
// file keeps among its previous ones, the factory one, or the password the
// installer logged in with.
func (s *Session) ApplyAll(ctx context.Context) error {
	plans, err := s.PlanAll()
	if err != nil {
		return s.redact(err)
	}
	ahead := map[steps.SecretName]secret.Secret{}
	for _, p := range plans {
		for name, v := range p.Secrets {
			ahead[name] = v
		}
	}
	if len(ahead) > 0 {
		if err := s.recordSecrets(ctx, ahead); err != nil {
			return s.redact(err)
		}
	}
	for _, st := range steps.All() {
		if err := s.ApplyStep(ctx, st, nil, ""); err != nil {
			return err
		}
	}
	return nil
}

// PlanStep plans one step against the current snapshot.
func (s *Session) PlanStep(st steps.Step) (*steps.Plan, error) { return s.engine.PlanStep(st, s.snap) }

// PlanTentative plans one step for the installer to confirm: its secrets
// (from pending, else generated) join the run only when the plan is applied.
func (s *Session) PlanTentative(st steps.Step, pending map[steps.SecretName]secret.Secret) (*steps.Plan, error) {
	return s.engine.PlanTentative(st, s.snap, pending)
}

// ApplyStep applies exactly plan (the one shown to the installer; nil plans
// now), or records the step as skipped when skip is a reason. The state
// file is updated after every step.
func (s *Session) ApplyStep(ctx context.Context, st steps.Step, plan *steps.Plan, skip string) error {
	return s.redact(s.applyStep(ctx, st, plan, skip))
}

func (s *Session) applyStep(ctx context.Context, st steps.Step, plan *steps.Plan, skip string) error {
	info := st.Info()
	if s.opts.Step != nil {
		s.opts.Step(info.Number, info.Title)
	}
	before := steps.CheckStep(st, s.snap)
	rec := report.HandoverStep{
		Step: info.Number, ID: info.ID, Title: info.Title, Menu: info.MenuPath,
		Before: report.Finding{Status: string(before.Status), Detail: before.Detail}, At: time.Now().UTC(),
	}
	if skip != "" {
		rec.Skipped, rec.After = skip, rec.Before
		s.record(rec)
		return s.SaveState()
	}
	if plan == nil {
		var err error
		if plan, err = s.engine.PlanStep(st, s.snap); err != nil {
			return fmt.Errorf("step %d (%s): %w", info.Number, info.Title, err)
		}
	}
	snap, after, err := s.engine.Apply(ctx, st, s.snap, plan)
	if err != nil {
		return err
	}
	s.snap = snap
	rec.Changes, rec.Answer, rec.ToDo = plan.Lines(), plan.Answer, plan.ToDo
	rec.After = report.Finding{Status: string(after.Status), Detail: after.Detail}
	s.record(rec)
	return s.SaveState()
}

// Recheck looks at step st again (the configuration and the effect) after
// the installer set it in the camera's web interface, and records what it
// finds as the step's result.
func (s *Session) Recheck(ctx context.Context, st steps.Step) (steps.Finding, error) {
	snap, f, err := s.engine.Recheck(ctx, s.snap, st)
	if err != nil {
		return steps.Finding{}, s.redact(err)
	}
	s.snap = snap
	for i := range s.results {
		if s.results[i].Step == st.Info().Number {
			s.results[i].After = report.Finding{Status: string(f.Status), Detail: f.Detail}
		}
	}
	return f, s.SaveState()
}

func (s *Session) record(rec report.HandoverStep) {
	for i, r := range s.results {
		if r.Step == rec.Step {
			// A resumed run keeps what the first attempt found and changed.
			if r.Before.Status != "" {
				rec.Before = r.Before
			}
			if len(rec.Changes) == 0 {
				rec.Changes = r.Changes
			}
			s.results[i] = rec
			return
		}
	}
	s.results = append(s.results, rec)
}

// fileBase names the output files after the camera (serial, else address).
func (s *Session) fileBase() string {
	name := s.snap.Identity.Serial
	if name == "" {
		name = s.engine.Client.Host()
	}
	return SafeName(name)
}

// saveSecretsAhead writes the secrets a plan is about to set into the
// camera's encrypted secrets file, before the plan is written: an
// interruption can never leave a camera with a password nobody has.
func (s *Session) saveSecretsAhead(ctx context.Context, p *steps.Plan) error {
	return s.recordSecrets(ctx, p.Secrets)
}

// Finish stores, reboots when needed, verifies every step again from a
// fresh snapshot, runs the backup, and writes the report.
func (s *Session) Finish(ctx context.Context) (Files, error) {
	snap, err := s.engine.Finish(ctx, s.snap)
	if err != nil {
		return s.files, s.redact(err)
	}
	s.snap = snap
	if err := s.Backup(ctx); err != nil {
		return s.files, s.redact(err)
	}
	findings := s.Findings()
	for i, st := range steps.All() {
		info := st.Info()
		found := false
		for j := range s.results {
			if s.results[j].Step == info.Number {
				found = true
				if s.results[j].Skipped == "" {
					after := report.Finding{Status: string(findings[i].Status), Detail: findings[i].Detail}
					if findings[i].Status == steps.Manual && s.results[j].Answer != "" {
						after.Detail = "recorded: " + s.results[j].Answer
					}
					s.results[j].After = after
				}
			}
		}
		if !found {
			s.record(report.HandoverStep{
				Step: info.Number, ID: info.ID, Title: info.Title, Menu: info.MenuPath,
				After: report.Finding{Status: string(findings[i].Status), Detail: findings[i].Detail}, At: time.Now().UTC(),
			})
		}
	}
	// The password mxwizard is logged in with has just worked: it is the
	// admin password on file (an earlier value moves to the previous ones).
	if err := s.recordSecrets(ctx, map[steps.SecretName]secret.Secret{steps.AdminPassword: s.engine.Password}); err != nil {
		return s.files, s.redact(err)
	}
	if err := s.WriteReport(); err != nil {
		return s.files, err
	}
	s.finished = true
	return s.files, s.SaveState()
}

// Findings is a fresh check of every step against the session's snapshot,
// with what only this run could see: step 2 stays done when the run began
// from factory state or reset the camera.
func (s *Session) Findings() []steps.Finding {
	findings := steps.CheckAll(s.snap)
	for i, st := range steps.All() {
		for _, rec := range s.results {
			if rec.ID == st.Info().ID && rec.Skipped == "" {
				if f, ok := startedFromFactory(rec, findings[i]); ok {
					findings[i] = steps.Finding{Status: steps.Status(f.Status), Detail: f.Detail}
				}
			}
		}
	}
	return findings
}

// startedFromFactory is step 2's final verdict when this run began from
// factory state (the factory password worked) or reset the camera itself:
// the fresh check cannot tell any more (the password is no longer the
// factory one), but the run saw it, so the step stays done.
func startedFromFactory(rec report.HandoverStep, fresh steps.Finding) (report.Finding, bool) {
	if rec.ID != "factory-reset" || fresh.Status != steps.Manual {
		return report.Finding{}, false
	}
	switch {
	case len(rec.Changes) > 0:
		return report.Finding{Status: string(steps.Pass), Detail: "reset to factory defaults in this run, then hardened from there"}, true
	case rec.Before.Status == string(steps.Pass):
		return report.Finding{Status: string(steps.Pass), Detail: "the camera was in factory state when this run began (the factory password worked), and was hardened from there"}, true
	}
	return report.Finding{}, false
}

// Backup downloads the configuration file and writes it encrypted; it
// proves the file opens again and equals the download.
func (s *Session) Backup(ctx context.Context) error {
	data, _, err := s.engine.Client.DownloadConfig(ctx)
	if err != nil {
		return err
	}
	stem := filepath.Join(s.opts.OutDir, s.fileBase()+"-config")
	if err := s.keepEarlier(stem, ".cfg.age"); err != nil {
		return err
	}
	path := stem + ".cfg.age"
	// WriteFile reads the file back from the disk and proves it opens to
	// exactly the download.
	if err := backup.WriteFile(ctx, path, data, s.opts.Passphrase); err != nil {
		return fmt.Errorf("the configuration backup was not saved: %w", err)
	}
	s.files.Backup = path
	s.snap.BackupPath = path
	return nil
}

// Handover builds the report.
func (s *Session) Handover() *report.Handover {
	id := s.snap.Identity
	return &report.Handover{
		Camera: s.opts.Camera.Address, AddressAfter: s.engine.Client.Address(),
		Model: id.Model, Serial: id.Serial, Firmware: id.Firmware, Certificate: s.engine.Client.Fingerprint(),
		Started: s.Start, Finished: time.Now().UTC(), Requests: s.engine.Requests(), Steps: s.results,
		VMS: checklist(steps.VMSChecklist, s.opts.Profile.VMS), NAS: checklist(steps.NASChecklist, s.opts.Profile.NAS),
		Backup: filepath.Base(s.files.Backup), Secrets: filepath.Base(s.files.Secrets), Tool: s.opts.Tool,
	}
}

func checklist(items []steps.ChecklistItem, answers map[string]string) []report.ChecklistAnswer {
	out := make([]report.ChecklistAnswer, 0, len(items))
	for _, it := range items {
		a := answers[it.ID]
		if a == "" {
			a = "not answered"
		}
		out = append(out, report.ChecklistAnswer{ID: it.ID, Title: it.Title, Answer: a})
	}
	return out
}

// WriteReport writes the handover report as Markdown, JSON and HTML, each
// passed through the redactor with every secret of the run.
func (s *Session) WriteReport() error {
	h := s.Handover()
	base := filepath.Join(s.opts.OutDir, s.fileBase()+"-handover")
	js, err := h.JSON()
	if err != nil {
		return err
	}
	html, err := h.HTML()
	if err != nil {
		return err
	}
	secrets := s.allSecrets()
	for ext, data := range map[string][]byte{".md": h.Markdown(), ".json": js, ".html": html} {
		if err := s.keepEarlier(base, ext); err != nil {
			return err
		}
		clean := secret.Redact(string(data), secrets...)
		if err := atomicfile.Write(base+ext, []byte(clean), 0o600); err != nil {
			return err
		}
	}
	s.files.Report, s.files.JSON, s.files.HTML = base+".md", base+".json", base+".html"
	return nil
}

// Files returns the paths written so far.
func (s *Session) Files() Files { return s.files }

// Failed reports whether a step ended not done after the run: failing,
// unsupported by this firmware (the camera did not do what was written),
// or not checkable.
func (s *Session) Failed() bool {
	for _, r := range s.results {
		if r.After.Status == string(steps.Fail) || r.After.Status == string(steps.Error) || r.After.Status == string(steps.Unsupported) {
			return true
		}
	}
	return false
}
