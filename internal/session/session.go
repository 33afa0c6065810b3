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
	"regexp"
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
	// Passphrase encrypts the backup and the secrets file.
	Passphrase secret.Secret
	// Generate makes new secrets (passwords, keys).
	Generate func() (secret.Secret, error)
	// BootTimeout and PollInterval tune the wait for a reboot.
	BootTimeout, PollInterval time.Duration
	// Progress hears what is going on.
	Progress func(string)
	// Tool is written into the report (name and version).
	Tool string
}

// Session is one camera's hardening run.
type Session struct {
	opts    Options
	Engine  *steps.Engine
	Snap    *steps.Snapshot
	Start   time.Time
	Results []report.HandoverStep

	mu          sync.Mutex
	savedSecret map[string]bool
	files       Files
	finished    bool
	resumed     bool
	rebootTo    string // where the camera answers after the reboot under way
}

// Files are the paths a session wrote.
type Files struct {
	Backup  string `json:"backup"`
	Secrets string `json:"secrets"`
	Report  string `json:"report"`
	JSON    string `json:"report_json"`
	HTML    string `json:"report_html"`
}

// Open connects to the camera and takes the first snapshot (one request).
func Open(ctx context.Context, opts Options) (*Session, error) {
	if opts.Profile == nil {
		opts.Profile = profile.Default()
	}
	if opts.Passphrase.IsZero() {
		return nil, errors.New("no backup passphrase: set MXWIZARD_BACKUP_PASSPHRASE or use --passphrase-file")
	}
	if opts.OutDir == "" {
		return nil, errors.New("no output directory: use --out DIR")
	}
	if err := os.MkdirAll(opts.OutDir, 0o700); err != nil {
		return nil, fmt.Errorf("create output directory %s: %w", opts.OutDir, err)
	}
	s := &Session{opts: opts, Start: time.Now().UTC(), savedSecret: map[string]bool{}}
	s.Engine = &steps.Engine{
		Password: opts.Camera.Password, Profile: opts.Profile,
		Secrets: steps.NewSecrets(opts.Generate), Progress: opts.Progress,
		BootTimeout: opts.BootTimeout, PollInterval: opts.PollInterval,
	}
	s.Engine.BeforeWrite = s.saveSecretsAhead
	s.Engine.BeforeReboot = func(after string) error {
		s.rebootTo = after
		return s.SaveState()
	}
	state, resuming, err := LoadState(opts.OutDir)
	if err != nil {
		return nil, err
	}
	// A state of the same camera, finished or not, says where the camera
	// answers now and which secrets the earlier run set: running the same
	// command again continues (or re-verifies) instead of starting blind.
	resuming = resuming && state.Camera == opts.Camera.Address
	if !resuming {
		client, err := camera.New(opts.Camera)
		if err != nil {
			return nil, err
		}
		s.Engine.Client = client
		if s.Snap, err = s.Engine.Snapshot(ctx, true); err != nil {
			return nil, err
		}
		return s, nil
	}
	if err := s.resume(ctx, state); err != nil {
		return nil, err
	}
	return s, nil
}

// Resumed reports whether the session continues an interrupted one.
func (s *Session) Resumed() bool { return s.resumed }

// resume continues an interrupted session: it seeds the run's secrets from
// the encrypted secrets file (so a password already set is not replaced by
// a new one), finds the camera where the state says it answers now (or will
// after the reboot the run started), logs in with the given password or,
// when the camera refuses it, once with the admin password the run saved,
// and takes over the steps already done and a reboot still pending.
func (s *Session) resume(ctx context.Context, st State) error {
	s.resumed = true
	var saved backup.Secrets
	if st.SecretsFile != "" && st.SecretsFile != "." {
		path := filepath.Join(s.opts.OutDir, st.SecretsFile)
		data, err := backup.ReadFile(path, s.opts.Passphrase)
		switch {
		case err == nil:
			if saved, err = backup.UnmarshalSecrets(data); err != nil {
				return fmt.Errorf("resume: %s: %w", path, err)
			}
			s.files.Secrets = path
		case errors.Is(err, os.ErrNotExist):
		default:
			return fmt.Errorf("resume: open the secrets file of the interrupted run: %w", err)
		}
	}
	g := s.Engine.Secrets
	seed := map[string]secret.Secret{
		"admin_password": saved.AdminPassword, "recording_key": saved.RecordingKey,
		"mxmessage_key": saved.MxMessageKey, "dot1x_password": saved.Dot1xPassword,
	}
	for _, u := range saved.Users {
		seed["user:"+u.Name] = u.Password
	}
	for name, v := range seed {
		if !v.IsZero() {
			g.Set(name, v)
			s.savedSecret[name] = true
		}
	}
	var addrs []string
	for _, a := range []string{st.AddressNow, st.AddressAfterReboot, s.opts.Camera.Address} {
		if a != "" && !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	passwords := []secret.Secret{s.opts.Camera.Password}
	if !saved.AdminPassword.IsZero() && !saved.AdminPassword.Equal(s.opts.Camera.Password) {
		passwords = append(passwords, saved.AdminPassword)
	}
	s.Engine.PortOffset, s.Engine.KnownPortOffset = st.PortOffset, st.PortOffsetKnown
	var lastErr error
	for _, addr := range addrs {
		for _, pw := range passwords {
			o := s.opts.Camera
			o.Address, o.Password = addr, pw
			client, err := camera.New(o)
			if err != nil {
				return err
			}
			s.Engine.Client, s.Engine.Password = client, pw
			s.Snap, err = s.Engine.Snapshot(ctx, true)
			if err == nil {
				if !st.Finished {
					s.Results = st.Steps
				}
				s.rebootTo = st.AddressAfterReboot
				// Reaching the camera on a new address proves the reboot
				// happened; anywhere else it may not have: reboot again.
				rebooted := addr == st.AddressAfterReboot && addr != st.AddressNow
				s.Engine.SetPendingReboot(st.PendingReboot && !rebooted && !st.Finished)
				s.progress("resuming the interrupted session at %s", addr)
				return nil
			}
			lastErr = err
			if errors.Is(err, camera.ErrUnauthorized) {
				continue // one more try, with the password the run saved
			}
			break // not reachable here: try the next address
		}
	}
	return fmt.Errorf("resume: the camera answers on none of %s: %w", strings.Join(addrs, ", "), lastErr)
}

func (s *Session) progress(format string, a ...any) {
	if s.opts.Progress != nil {
		s.opts.Progress(fmt.Sprintf(format, a...))
	}
}

// Identity is the camera's identity from the first snapshot.
func (s *Session) Identity() camera.Identity { return s.Snap.Identity }

// PlanAll plans every step against the current snapshot; the same secrets
// are used when the steps are applied.
func (s *Session) PlanAll() ([]*steps.Plan, error) {
	var plans []*steps.Plan
	var errs []error
	for _, st := range steps.All() {
		p, err := s.Engine.PlanStep(st, s.Snap)
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
func (s *Session) ApplyAll(ctx context.Context) error {
	if _, err := s.PlanAll(); err != nil {
		return err
	}
	for _, st := range steps.All() {
		if err := s.ApplyStep(ctx, st, nil, ""); err != nil {
			return err
		}
	}
	return nil
}

// PlanStep plans one step against the current snapshot.
func (s *Session) PlanStep(st steps.Step) (*steps.Plan, error) { return s.Engine.PlanStep(st, s.Snap) }

// PlanTentative plans one step for the installer to confirm: its secrets
// (from pending, else generated) join the run only when the plan is applied.
func (s *Session) PlanTentative(st steps.Step, pending map[string]secret.Secret) (*steps.Plan, error) {
	return s.Engine.PlanTentative(st, s.Snap, pending)
}

// ApplyStep applies exactly plan (the one shown to the installer; nil plans
// now), or records the step as skipped when skip is a reason. The state
// file is updated after every step.
func (s *Session) ApplyStep(ctx context.Context, st steps.Step, plan *steps.Plan, skip string) error {
	info := st.Info()
	before := st.Check(s.Snap)
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
		if plan, err = s.Engine.PlanStep(st, s.Snap); err != nil {
			return fmt.Errorf("step %d (%s): %w", info.Number, info.Title, err)
		}
	}
	snap, after, err := s.Engine.Apply(ctx, st, s.Snap, plan)
	if err != nil {
		return err
	}
	s.Snap = snap
	rec.Changes, rec.Answer = plan.Lines(), plan.Answer
	rec.After = report.Finding{Status: string(after.Status), Detail: after.Detail}
	s.record(rec)
	return s.SaveState()
}

func (s *Session) record(rec report.HandoverStep) {
	for i, r := range s.Results {
		if r.Step == rec.Step {
			// A resumed run keeps what the first attempt found and changed.
			if r.Before.Status != "" {
				rec.Before = r.Before
			}
			if len(rec.Changes) == 0 {
				rec.Changes = r.Changes
			}
			s.Results[i] = rec
			return
		}
	}
	s.Results = append(s.Results, rec)
}

// fileBase names the output files after the camera (serial, else address).
func (s *Session) fileBase() string {
	name := s.Snap.Identity.Serial
	if name == "" {
		name = s.Engine.Client.Host()
	}
	return unsafeChars.ReplaceAllString(name, "_")
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// saveSecretsAhead writes every secret known so far into the encrypted
// secrets file before a plan that sets a new one is applied.
func (s *Session) saveSecretsAhead(_ context.Context, p *steps.Plan) error {
	s.mu.Lock()
	fresh := false
	for name := range p.Secrets {
		if !s.savedSecret[name] {
			fresh = true
		}
	}
	s.mu.Unlock()
	if !fresh {
		return nil
	}
	return s.WriteSecrets()
}

// unsavedSecrets reports whether a secret of the run is not yet in the
// secrets file.
func (s *Session) unsavedSecrets() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range s.Engine.Secrets.Names() {
		if !s.savedSecret[name] {
			return true
		}
	}
	return false
}

// WriteSecrets writes the encrypted secrets file with every secret of the
// run (atomically, mode 0600).
func (s *Session) WriteSecrets() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.Engine.Secrets
	sec := backup.Secrets{
		Camera: s.Engine.Client.Host(), Model: s.Snap.Identity.Model, Serial: s.Snap.Identity.Serial,
		WrittenAt: time.Now().UTC(), AdminUser: s.Engine.Client.User(),
	}
	for _, name := range g.Names() {
		v, _ := g.Get(name)
		switch {
		case name == "admin_password":
			sec.AdminPassword = v
		case name == "recording_key":
			sec.RecordingKey = v
		case name == "mxmessage_key":
			sec.MxMessageKey = v
		case name == "dot1x_password":
			sec.Dot1xPassword = v
		case strings.HasPrefix(name, "user:"):
			u := strings.TrimPrefix(name, "user:")
			group := ""
			for _, pu := range s.opts.Profile.Users {
				if pu.Name == u {
					group = pu.Group
				}
			}
			sec.Users = append(sec.Users, backup.User{Name: u, Group: group, Password: v})
		}
		s.savedSecret[name] = true
	}
	data, err := backup.MarshalSecrets(sec)
	if err != nil {
		return err
	}
	path := filepath.Join(s.opts.OutDir, s.fileBase()+"-secrets.json.age")
	if err := backup.WriteFile(path, data, s.opts.Passphrase); err != nil {
		return err
	}
	s.files.Secrets = path
	return nil
}

// Finish stores, reboots when needed, verifies every step again from a
// fresh snapshot, runs the backup, and writes the report.
func (s *Session) Finish(ctx context.Context) (Files, error) {
	snap, err := s.Engine.Finish(ctx, s.Snap)
	if err != nil {
		return s.files, err
	}
	s.Snap = snap
	if err := s.Backup(ctx); err != nil {
		return s.files, err
	}
	findings := steps.CheckAll(s.Snap)
	for i, st := range steps.All() {
		info := st.Info()
		found := false
		for j := range s.Results {
			if s.Results[j].Step == info.Number {
				found = true
				if s.Results[j].Skipped == "" {
					after := report.Finding{Status: string(findings[i].Status), Detail: findings[i].Detail}
					if findings[i].Status == steps.Manual && s.Results[j].Answer != "" {
						after.Detail = "recorded: " + s.Results[j].Answer
					}
					s.Results[j].After = after
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
	if s.unsavedSecrets() || s.files.Secrets == "" {
		if err := s.WriteSecrets(); err != nil {
			return s.files, err
		}
	}
	if err := s.WriteReport(); err != nil {
		return s.files, err
	}
	s.finished = true
	return s.files, s.SaveState()
}

// Backup downloads the configuration file and writes it encrypted; it
// proves the file opens again with the passphrase and equals the download.
func (s *Session) Backup(ctx context.Context) error {
	data, _, err := s.Engine.Client.DownloadConfig(ctx)
	if err != nil {
		return err
	}
	path := filepath.Join(s.opts.OutDir, s.fileBase()+"-config.cfg.age")
	if err := backup.WriteFile(path, data, s.opts.Passphrase); err != nil {
		return err
	}
	back, err := backup.ReadFile(path, s.opts.Passphrase)
	if err != nil {
		return fmt.Errorf("the backup just written does not open: %w", err)
	}
	if string(back) != string(data) {
		return fmt.Errorf("the backup %s does not match the downloaded configuration", path)
	}
	s.files.Backup = path
	s.Snap.BackupPath = path
	return nil
}

// Handover builds the report.
func (s *Session) Handover() *report.Handover {
	id := s.Snap.Identity
	return &report.Handover{
		Camera: s.opts.Camera.Address, AddressAfter: s.Engine.Client.Address(),
		Model: id.Model, Serial: id.Serial, Firmware: id.Firmware, Certificate: s.Engine.Client.Fingerprint(),
		Started: s.Start, Finished: time.Now().UTC(), Requests: s.Engine.Requests(), Steps: s.Results,
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
	secrets := append(s.Engine.Secrets.All(), s.opts.Camera.Password, s.opts.Passphrase)
	for ext, data := range map[string][]byte{".md": h.Markdown(), ".json": js, ".html": html} {
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

// Failed reports whether a step ended failing after the run.
func (s *Session) Failed() bool {
	for _, r := range s.Results {
		if r.After.Status == string(steps.Fail) || r.After.Status == string(steps.Error) {
			return true
		}
	}
	return false
}
