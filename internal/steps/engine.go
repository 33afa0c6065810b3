package steps

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// Engine checks, plans, applies and verifies the steps on one camera. The
// wizard, audit and apply all drive the same engine.
type Engine struct {
	// Client talks to the camera; the engine replaces it when the password of
	// the account in use changes.
	Client *camera.Client
	// Password is the current password of Client's user.
	Password secret.Secret
	Profile  *profile.Profile
	Secrets  *Secrets
	// BeforeWrite runs before anything is written to the camera, with the
	// plan about to be applied: the write-ahead hook that saves the plan's
	// secrets (encrypted) so an interruption never leaves a camera with a
	// password nobody has. An error stops the write.
	BeforeWrite func(ctx context.Context, p *Plan) error
	// Progress, when set, hears what the engine is doing (for spinners).
	Progress func(msg string)
	// BootTimeout bounds the wait for a reboot (default 5 minutes).
	BootTimeout time.Duration
	// PollInterval is the pause between attempts while the camera reboots.
	PollInterval time.Duration
	// BeforeReboot runs just before the reboot with the address the camera
	// will answer on afterwards, so that an interrupted run can find it.
	BeforeReboot func(after string) error
	// PortOffset, when KnownPortOffset is set, is used instead of inferring
	// the offset from the snapshot (a resumed run whose camera already holds
	// new, not yet active ports).
	PortOffset      int
	KnownPortOffset bool
	// AllowPlainHTTP lets a plan send a new password or key over plain HTTP
	// (--allow-plain-http); without it such a plan is refused before
	// anything is written.
	AllowPlainHTTP bool

	pendingReboot bool
	newCert       bool
	notAtNew      *url.URL // the address the camera should have moved to and did not
	extra         int64    // requests of throw-away clients
	retired       int64    // requests of clients replaced after a password change
}

// Result is one step's outcome in a run.
type Result struct {
	Info     Info      `json:"info"`
	Before   Finding   `json:"before"`
	After    Finding   `json:"after"`
	Changes  []string  `json:"changes,omitempty"`
	Answer   string    `json:"answer,omitempty"`
	Skipped  string    `json:"skipped,omitempty"`
	Applied  bool      `json:"applied"`
	Verified bool      `json:"verified"`
	At       time.Time `json:"at"`
}

func (e *Engine) progress(format string, a ...any) {
	if e.Progress != nil {
		e.Progress(fmt.Sprintf(format, a...))
	}
}

// Snapshot reads the camera's configuration (one request; the web server
// log costs a second one when withLog is set).
func (e *Engine) Snapshot(ctx context.Context, withLog bool) (*Snapshot, error) {
	cfg, err := e.Client.ReadConfig(ctx)
	if err != nil {
		return nil, err
	}
	s := &Snapshot{
		Config:          cfg,
		Identity:        camera.IdentityOf(cfg),
		Base:            e.Client.Base(),
		InstallerIP:     e.Client.LocalIP(),
		User:            e.Client.User(),
		FactoryPassword: e.Password.Reveal() == camera.FactoryPassword,
		Certificate:     e.Client.PeerCertificate(),
		Taken:           time.Now(),
	}
	if schemes := e.Client.OfferedSchemes(); schemes != nil {
		// The challenge the first request of the connection got: free.
		s.Effects = &Effects{Schemes: schemes}
	}
	if e.KnownPortOffset {
		s.PortOffset = e.PortOffset
	} else {
		s.PortOffset = camera.PortOf(s.Base) - configuredPort(cfg, s.Base.Scheme)
		e.PortOffset, e.KnownPortOffset = s.PortOffset, true
	}
	if withLog {
		if s.WebLog, err = e.Client.WebLog(ctx); err != nil {
			return nil, fmt.Errorf("read the web server log: %w", err)
		}
		if s.WebLog == nil {
			s.WebLog = []camera.LogEntry{}
		}
		s.SeenAs = seenAs(s.WebLog, s.User)
	}
	return s, nil
}

// seenAs is the source address of the newest successful remote
// configuration request of user in the log: the configuration read of this
// very snapshot, a moment ago.
func seenAs(log []camera.LogEntry, user string) net.IP {
	var newest *camera.LogEntry
	for i := range log {
		e := &log[i]
		if e.User == user && e.Status/100 == 2 && strings.HasPrefix(e.Path, camera.PathRemoteConfig) &&
			(newest == nil || !e.Time.Before(newest.Time)) {
			newest = e
		}
	}
	if newest == nil {
		return nil
	}
	return net.ParseIP(newest.Address)
}

func configuredPort(cfg *camera.Config, scheme string) int {
	if scheme == "http" {
		ports := splitList(cfg.Value(camera.SecWebServer, camera.KeyHTTPPorts))
		if len(ports) > 0 {
			n, _ := strconv.Atoi(ports[0])
			return n
		}
		return 80
	}
	n, err := strconv.Atoi(cfg.Value(camera.SecWebServer, camera.KeyHTTPSPort))
	if err != nil {
		return 443
	}
	return n
}

// CheckAll judges every step against one snapshot, without requests.
func CheckAll(s *Snapshot) []Finding {
	all := All()
	out := make([]Finding, len(all))
	for i, st := range all {
		out[i] = safeCheck(st, s)
	}
	return out
}

// CheckStep judges one step against a snapshot, as CheckAll does: a
// panic is an error finding, a section the firmware lacks makes the step
// unsupported.
func CheckStep(st Step, s *Snapshot) Finding { return safeCheck(st, s) }

func safeCheck(st Step, s *Snapshot) (f Finding) {
	defer func() {
		if r := recover(); r != nil {
			f = Finding{Error, fmt.Sprintf("internal error in check: %v", r)}
		}
	}()
	f = st.Check(s)
	// A section the firmware lacks is not a failing setting: the step is
	// unsupported here (unless its effect, observed, passes anyway).
	if missing := missingSections(st, s); len(missing) > 0 && f.Status != Pass {
		return unsupportedByFirmware(st.Info(), missing)
	}
	return f
}

// PlanStep computes one step's plan; the secrets it resolves or generates
// join the run at once (apply plans everything first and saves all secrets
// in one write-ahead).
func (e *Engine) PlanStep(st Step, s *Snapshot) (*Plan, error) {
	if missing := missingSections(st, s); len(missing) > 0 {
		// Nothing to resolve or generate for a step the firmware cannot do.
		return &Plan{Step: st.Info(), Notes: []string{unsupportedByFirmware(st.Info(), missing).Detail}}, nil
	}
	p, err := st.Plan(s, e.Profile, e.Secrets)
	if err != nil {
		return nil, err
	}
	return planWithinFirmware(p, s, st), e.guardPlainHTTP(p, s)
}

// guardPlainHTTP refuses a plan that would send a secret over plain HTTP:
// Digest protects the login, not the body of a script that sets a new
// password or key.
func (e *Engine) guardPlainHTTP(p *Plan, s *Snapshot) error {
	if e.AllowPlainHTTP || s.Base == nil || s.Base.Scheme != "http" || p == nil {
		return nil
	}
	secretParam := false
	for _, prm := range p.Params {
		secretParam = secretParam || prm.IsSecret()
	}
	if len(p.Secrets) == 0 && !secretParam && p.Certificate == nil {
		return nil
	}
	return &GuardError{
		Step:   p.Step.Number,
		Reason: "this step sends a new password or key to the camera, and the connection is plain HTTP: anyone on the network path could read it",
		Hint:   "connect with https:// (the camera serves HTTPS unless it was switched off), or allow it on a trusted network with --allow-plain-http",
	}
}

// PlanTentative computes a plan to show before the installer decides: the
// secrets it needs come from the run, then from pending (typed but not yet
// applied), else are generated, and join the run only if Apply gets this
// plan. A step the installer skips leaves no secret behind.
func (e *Engine) PlanTentative(st Step, s *Snapshot, pending map[SecretName]secret.Secret) (*Plan, error) {
	fork := e.Secrets.Fork()
	for name, v := range pending {
		fork.Set(name, v)
	}
	if missing := missingSections(st, s); len(missing) > 0 {
		return &Plan{Step: st.Info(), Notes: []string{unsupportedByFirmware(st.Info(), missing).Detail}}, nil
	}
	p, err := st.Plan(s, e.Profile, fork)
	if err != nil {
		return nil, err
	}
	return planWithinFirmware(p, s, st), e.guardPlainHTTP(p, s)
}

// observeAfterWrite checks, by its effect, a setting the plan just wrote
// whose effect this computer can see: the login schemes the camera offers
// (one request, whose challenge is the observation), robots.txt and the
// live image without login (one anonymous request each). The verdict of
// the step is the effect's.
func (e *Engine) observeAfterWrite(ctx context.Context, s *Snapshot, p *Plan) (*Snapshot, error) {
	return e.observe(ctx, s,
		hasParam(p.Params, camera.SecWebServer, camera.KeyAuthMethod),
		hasParam(p.Params, camera.SecPageOptions, camera.KeyRobots),
		hasParam(p.Params, camera.SecAccess, camera.KeyPublic))
}

// Recheck reads the configuration again and observes the effect of step
// st, for the installer who has just set it in the camera's web interface
// (a step this firmware does not do through the remote configuration).
func (e *Engine) Recheck(ctx context.Context, prev *Snapshot, st Step) (*Snapshot, Finding, error) {
	s, err := e.Snapshot(ctx, false)
	if err != nil {
		return nil, Finding{}, err
	}
	// What the configuration read does not carry over from the run so far.
	s.WebLog, s.SeenAs, s.PendingCertificate, s.BackupPath = prev.WebLog, prev.SeenAs, prev.PendingCertificate, prev.BackupPath
	if prev.Effects != nil {
		eff := *prev.Effects
		if s.Effects != nil {
			eff.Schemes = s.Effects.Schemes
		}
		s.Effects = &eff
	}
	id := st.Info().ID
	s, err = e.observe(ctx, s, id == "digest-auth", id == "web-crawling", id == "public-access")
	if err != nil {
		return nil, Finding{}, err
	}
	return s, safeCheck(st, s), nil
}

func (e *Engine) observe(ctx context.Context, s *Snapshot, auth, robots, public bool) (*Snapshot, error) {
	if !auth && !robots && !public {
		return s, nil
	}
	eff := &Effects{}
	if s.Effects != nil {
		*eff = *s.Effects
	}
	var err error
	switch {
	case auth && s.Base != nil && s.Base.Scheme == "https":
		// One Basic login: its refusal and the challenge in the same 401.
		if eff.BasicRefused, eff.Schemes, err = e.Client.BasicRefused(ctx); err != nil {
			return s, err
		}
		eff.BasicTried = true
	case auth:
		if eff.Schemes, err = e.Client.Challenge(ctx); err != nil {
			return s, err
		}
	}
	if robots {
		if eff.RobotsStatus, eff.Robots, err = e.Client.Anonymous(ctx, camera.PathRobots); err != nil {
			return s, err
		}
	}
	if public {
		if eff.PublicStatus, _, err = e.Client.Anonymous(ctx, camera.PathImage); err != nil {
			return s, err
		}
	}
	ns := *s
	ns.Effects = eff
	return &ns, nil
}

// PendingReboot reports whether an applied change waits for a reboot.
func (e *Engine) PendingReboot() bool { return e.pendingReboot }

// SetPendingReboot records that an earlier, interrupted run applied a change
// that waits for a reboot.
func (e *Engine) SetPendingReboot(v bool) { e.pendingReboot = v }

// Apply writes exactly the plan, reads the touched sections back in the same
// request, re-authenticates when the password in use changed, and verifies:
// it returns the updated snapshot and the step's finding after the change.
func (e *Engine) Apply(ctx context.Context, st Step, s *Snapshot, p *Plan) (*Snapshot, Finding, error) {
	if p.Empty() {
		return s, safeCheck(st, s), nil
	}
	if err := e.guardPlainHTTP(p, s); err != nil {
		return s, Finding{}, err
	}
	for name, v := range p.Secrets {
		e.Secrets.Set(name, v) // the plan's secrets join the run now
	}
	if e.BeforeWrite != nil {
		if err := e.BeforeWrite(ctx, p); err != nil {
			return s, Finding{}, fmt.Errorf("step %d: save secrets before writing: %w", p.Step.Number, err)
		}
	}
	if p.FactoryReset {
		e.progress("resetting to factory defaults")
		if err := e.Client.ResetToFactory(ctx); err != nil {
			return s, Finding{}, fmt.Errorf("step %d: %w", p.Step.Number, err)
		}
		if err := e.switchPassword(camera.FactoryUser, secret.New(camera.FactoryPassword)); err != nil {
			return s, Finding{}, err
		}
		e.pendingReboot = true // ports and certificate of the factory state come at reboot
		ns, err := e.Snapshot(ctx, false)
		if err != nil {
			return s, Finding{}, fmt.Errorf("step %d: log in after the reset: %w", p.Step.Number, err)
		}
		// The reset changes the configuration, not the network path: the
		// address the camera sees this computer as (which the IP rules of
		// step 7 must admit) and the log read at the start still hold.
		ns.WebLog, ns.SeenAs = s.WebLog, s.SeenAs
		return ns, safeCheck(st, ns), nil
	}
	if p.Certificate != nil {
		e.progress("uploading the certificate")
		// Pin first: the new certificate is trusted before it can be active.
		if err := e.Client.PinNext(p.Certificate.Certificate); err != nil {
			return s, Finding{}, fmt.Errorf("step %d: pin the new certificate: %w", p.Step.Number, err)
		}
		if err := e.Client.UploadCertificate(ctx, p.Certificate.Key, p.Certificate.CertPEM); err != nil {
			return s, Finding{}, fmt.Errorf("step %d: %w", p.Step.Number, err)
		}
		e.newCert = true
		e.pendingReboot = true
	}
	if len(p.Params) > 0 {
		e.progress("writing %d settings", len(p.Params))
		sections := touchedSections(p.Params)
		reply, err := e.Client.Set(ctx, p.Params, sections...)
		if err != nil {
			return s, Finding{}, fmt.Errorf("step %d: %w", p.Step.Number, err)
		}
		ns := *s
		ns.Config = s.Config.Clone()
		for _, sec := range sections {
			if got, ok := reply.Sections[sec]; ok {
				ns.Config.ReplaceSection(got, sec)
			}
		}
		s = &ns
	}
	if p.NeedsReboot {
		e.pendingReboot = true
	}
	if p.NewPassword != nil {
		if err := e.verifyPasswordChange(ctx, s.User, *p.NewPassword); err != nil {
			return s, Finding{Fail, camera.CleanText(err.Error())}, err
		}
		s.FactoryPassword = p.NewPassword.Reveal() == camera.FactoryPassword
	}
	if hasParam(p.Params, camera.SecWebServer, camera.KeyAuthMethod) {
		e.Client.ForgetAuthentication() // learn Digest from the camera's next challenge
	}
	var err error
	if s, err = e.observeAfterWrite(ctx, s, p); err != nil {
		return s, Finding{}, fmt.Errorf("step %d: check the effect: %w", p.Step.Number, err)
	}
	if p.Certificate != nil {
		ns := *s
		ns.PendingCertificate = p.Certificate.Certificate
		s = &ns
	}
	return s, safeCheck(st, s), nil
}

func hasParam(ps []camera.Param, section, key string) bool {
	for _, p := range ps {
		if p.Section == section && p.Key == key {
			return true
		}
	}
	return false
}

func touchedSections(ps []camera.Param) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range ps {
		if !seen[p.Section] {
			seen[p.Section] = true
			out = append(out, p.Section)
		}
	}
	sort.Strings(out)
	return out
}

func (e *Engine) switchPassword(user string, pw secret.Secret) error {
	nc, err := e.Client.WithPassword(user, pw)
	if err != nil {
		return err
	}
	e.retired += e.Client.Requests()
	e.Client.Close()
	e.Client, e.Password = nc, pw
	return nil
}

// verifyPasswordChange logs in with the new password and proves the old one
// fails (a password change counts only when both hold). The old password is
// tried exactly once.
func (e *Engine) verifyPasswordChange(ctx context.Context, user string, newPW secret.Secret) error {
	old := e.Client
	oldPW := e.Password
	if err := e.switchPassword(user, newPW); err != nil {
		return err
	}
	if _, err := e.Client.Identity(ctx); err != nil {
		return fmt.Errorf("the new password for %s does not work: %w (the old one may still: it is in the secrets file only if it was set by mxwizard)", user, err)
	}
	if oldPW.Equal(newPW) {
		return nil
	}
	probe, err := old.WithPassword(user, oldPW)
	if err != nil {
		return err
	}
	defer probe.Close()
	_, err = probe.Identity(ctx)
	e.addRequests(probe)
	if err == nil {
		return fmt.Errorf("the old password for %s still works after the change", user)
	}
	if !errors.Is(err, camera.ErrUnauthorized) {
		return fmt.Errorf("could not prove the old password for %s fails: %w", user, err)
	}
	return nil
}

// addRequests counts the requests of a throw-away client.
func (e *Engine) addRequests(c *camera.Client) { e.extra += c.Requests() }

// Requests is the number of HTTP requests the engine caused so far.
func (e *Engine) Requests() int64 { return e.Client.Requests() + e.extra + e.retired }

// AddressAfterReboot is where the camera will answer after a reboot with
// the given configuration: HTTPS on its port when HTTP is off or HTTPS is in
// use already, else HTTP on its first port (plus the port offset).
func AddressAfterReboot(s *Snapshot) (scheme string, port int) {
	cfg := s.Config
	httpsOn := cfg.Value(camera.SecWebServer, camera.KeyHTTPSEnable) == "1"
	httpOn := cfg.Value(camera.SecWebServer, camera.KeyHTTPEnable) == "1"
	if httpsOn && (s.Base.Scheme == "https" || !httpOn) {
		return "https", configuredPort(cfg, "https") + s.PortOffset
	}
	return "http", configuredPort(cfg, "http") + s.PortOffset
}

// ProgressStored is the progress line once the configuration is in
// permanent memory: from then on nothing applied is lost by a power cut.
const ProgressStored = "stored in permanent memory"

// Finish stores the configuration to flash (otherwise it is lost at the
// next reboot), reboots when a change needs it, waits for the camera on its
// new address, and takes a fresh snapshot (with the web server log) for the
// final verification.
func (e *Engine) Finish(ctx context.Context, s *Snapshot) (*Snapshot, error) {
	e.progress("storing the configuration in permanent memory")
	if err := e.Client.Store(ctx); err != nil {
		return nil, fmt.Errorf("store to permanent memory: %w", err)
	}
	e.progress(ProgressStored)
	var before *url.URL
	if e.pendingReboot {
		before = e.Client.Base()
		scheme, port := AddressAfterReboot(s)
		if e.BeforeReboot != nil {
			if err := e.BeforeReboot(camera.WithPort(s.Base, scheme, port).String()); err != nil {
				return nil, err
			}
		}
		e.progress("rebooting the camera (this takes a while on a real camera)")
		if err := e.Client.Reboot(ctx); err != nil {
			return nil, fmt.Errorf("reboot: %w", err)
		}
		e.Client.SetBase(camera.WithPort(s.Base, scheme, port))
		// The first request after the reboot gets a fresh challenge: the
		// login schemes the camera offers now, observed.
		e.Client.ForgetAuthentication()
		moved := e.Client.Base()
		e.progress("waiting for the camera at %s", e.Client.Address())
		// Not at the new address, a firmware that did not honour the new
		// ports still answers where it did: it is looked for there once, so
		// that nobody is left without the way in.
		atOld, err := e.Client.WaitAfterReboot(ctx, e.BootTimeout, e.PollInterval, before)
		if err != nil {
			return nil, fmt.Errorf("after the reboot: %w", err)
		}
		if atOld {
			e.progress("the camera answers at %s, not at %s: its new web server settings did not take effect", before, moved)
			e.notAtNew = moved
		}
		e.pendingReboot = false
		if e.newCert {
			fp := e.Client.Fingerprint()
			if pinned, _ := e.Client.Known().Lookup(e.Client.Host()); pinned != fp {
				return nil, fmt.Errorf("after the reboot the camera presents certificate %s, not the one mxwizard installed", fp)
			}
		}
	}
	// Right after a reboot the web server log is empty (the camera deletes
	// it at every reboot): it is not read again, and step 21 says so.
	snap, err := e.Snapshot(ctx, before == nil)
	if err != nil {
		return nil, err
	}
	if snap, err = e.ObserveEffects(ctx, snap); err != nil {
		return nil, err
	}
	snap.LogSinceReboot = before != nil
	if before != nil && snap.Base.Scheme == "https" && strings.EqualFold(snap.Value(camera.SecWebServer, camera.KeyAuthMethod), "digest") {
		// Digest after the reboot too: one Basic login must be refused.
		if snap.Effects.BasicRefused, _, err = e.Client.BasicRefused(ctx); err != nil {
			return nil, err
		}
		snap.Effects.BasicTried = true
	}
	if before != nil {
		if e.notAtNew != nil {
			snap = e.notAnsweringAt(snap, e.notAtNew, before)
		} else {
			snap = e.probeClosedPorts(ctx, snap, before)
		}
	}
	return snap, nil
}
