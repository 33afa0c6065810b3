// Package ui is mxwizard's interactive wizard: a bubbletea program that
// takes an installer through connecting to a camera, the 22 camera steps of
// the MOBOTIX hardening guide and the VMS and NAS checklists, driving
// package session without knowing the steps' insides (only their Info,
// Check findings, Questions, Plan lines and notes, and results).
//
// The root model (Model) routes to one page at a time (connect,
// fingerprint, plain HTTP, resume, passphrase, overview, step, finish,
// summary) behind the small page interface. Messages and commands are in
// messages.go, keys in keys.go, styles in styles.go. RunAccessible is the
// same flow as plain prompts for screen readers.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/discover"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// Options configure a wizard run.
type Options struct {
	// Address, User and Password fill in the connect screen (User defaults
	// to admin; Password is usually the factory password, offered for a new
	// camera).
	Address, User string
	Password      secret.Secret
	// Known is the trust-on-first-use store (nil: in memory).
	Known *camera.KnownCameras
	// AllowPlainHTTP is the installer's consent, given on the command line,
	// to send credentials and new secrets over plain HTTP.
	AllowPlainHTTP bool
	// OutDir receives backup, secrets file, report and state; empty means
	// BaseDir/mxwizard-<host>-<date>.
	OutDir, BaseDir string
	// Profile holds the answers (nil: the default profile); the wizard
	// changes it as the installer answers.
	Profile *profile.Profile
	// Tool names the program in the report.
	Tool string
	// Label is shown beside the program name (e.g. "demo").
	Label string
	// BootTimeout and PollInterval tune the wait for the reboot.
	BootTimeout, PollInterval time.Duration
	// Generate makes new secrets (default password.Generate(0)).
	Generate func() (secret.Secret, error)
	// NoResume disables looking for an interrupted session (demo).
	NoResume bool
	// NoColor draws without colours (NO_COLOR).
	NoColor bool
	// Now is the clock (default time.Now).
	Now func() time.Time
	// SearchRanges and SearchPorts are what "search this network" covers
	// (default: this computer's IPv4 networks on ports 443 and 80; the
	// demo searches its own camera).
	SearchRanges []discover.Range
	SearchPorts  []int
}

// Result is how the wizard ended.
type Result struct {
	// Finished is true when the camera was stored, verified and the files
	// written.
	Finished bool
	// Failed is true when a step fails in the final verification.
	Failed bool
	// Canceled is true when the installer left early.
	Canceled bool
	// Unsaved is true when the installer left with changes not stored to
	// permanent memory.
	Unsaved bool
	// OutDir is where the files went (or would have gone).
	OutDir string
	// Files are the paths written.
	Files session.Files
	// AddressAfter is where the camera answers now.
	AddressAfter string
	// Err is what stopped the wizard, if anything.
	Err error
}

// outcome is what happened to a step in this run.
type outcome struct {
	applied, skipped bool
	recorded         bool // a manual step whose answer went into the report
	reason           string
}

// wizard is the state the pages share.
type wizard struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	st     Styles
	keys   KeyMap
	all    []steps.Step
	prof   *profile.Profile
	root   *Model

	width, height int

	// connection
	address, user string
	pw            secret.Secret
	plainOK       bool
	identity      camera.Identity
	failedLogins  int // logins the camera refused in this run: counted towards its intrusion threshold

	// a camera hardened before: the installer's choice, and whether new
	// secrets were asked for
	recognisedDone, newSecrets bool
	listening                  bool // the engine's progress is listened to

	// files and resume
	outDir string
	pass   secret.Secret
	resume *session.State
	// earlier is the finished earlier run of this camera whose folder this
	// run goes on in; afresh is set when the installer chose to start
	// beside an interrupted run instead.
	earlier *session.Commissioning
	afresh  bool
	// filedPassword: the camera refused the password given and the earlier
	// run's admin password on file logs in instead (session.Open tries it;
	// the refused one is not sent again).
	filedPassword bool

	// the session: touched only by one command at a time
	sess       *session.Session
	view       sessionView
	progressCh chan string

	// what is running
	busy       string
	busySince  time.Time
	progress   []string
	progressAt time.Time

	// a site: the next camera gets the answers of the one before, its
	// whole plan shown for one confirmation; hardened counts the cameras
	// done before this one
	sameAnswers bool
	hardened    int
	siteDir     string // --out of the first camera: the next ones get folders in it

	outcomes []outcome
	current  int
	unsaved  bool
	finished bool
	failed   bool
	files    session.Files
	notice   string
}

func newWizard(ctx context.Context, opts Options) *wizard {
	if opts.User == "" {
		opts.User = camera.FactoryUser
	}
	if opts.Known == nil {
		opts.Known = camera.NewKnownCamerasInMemory()
	}
	if opts.Profile == nil {
		opts.Profile = wizardProfile()
	}
	if opts.Generate == nil {
		opts.Generate = func() (secret.Secret, error) { return password.Generate(0) }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BaseDir == "" {
		opts.BaseDir = "."
	}
	if opts.Tool == "" {
		opts.Tool = "mxwizard"
	}
	ctx, cancel := context.WithCancel(ctx)
	all := steps.All()
	return &wizard{
		opts: opts, ctx: ctx, cancel: cancel, st: NewStyles(opts.NoColor), keys: DefaultKeyMap(),
		all: all, prof: opts.Profile, address: opts.Address, user: opts.User, pw: opts.Password,
		plainOK: opts.AllowPlainHTTP, outcomes: make([]outcome, len(all)), progressCh: make(chan string, 64),
		width: 80, height: 24,
	}
}

// Run runs the wizard full-screen on the terminal until the installer
// leaves or the run is finished. The terminal is restored in every case.
func Run(ctx context.Context, opts Options, progOpts ...tea.ProgramOption) (Result, error) {
	m := New(ctx, opts)
	o := []tea.ProgramOption{tea.WithContext(ctx)}
	if opts.NoColor {
		o = append(o, tea.WithColorProfile(colorprofile.ASCII))
	}
	o = append(o, progOpts...)
	final, err := tea.NewProgram(m, o...).Run()
	fm, _ := final.(*Model)
	if fm == nil {
		fm = m
	}
	fm.w.cancel()
	res := fm.Result()
	if err != nil && !errors.Is(err, tea.ErrInterrupted) {
		if errors.Is(err, context.Canceled) || errors.Is(err, tea.ErrProgramKilled) {
			res.Canceled = true
			return res, nil
		}
		return res, err
	}
	return res, nil
}

// Result is how the run ended (meaningful once the program has quit).
func (m *Model) Result() Result {
	w := m.w
	r := Result{
		Finished: w.finished, Failed: w.failed, Canceled: m.canceled, Unsaved: w.unsaved && !w.finished,
		OutDir: w.outDir, Files: w.files, AddressAfter: w.view.address, Err: m.err,
	}
	return r
}

// cameraOptions are the connection options of this run.
func (w *wizard) cameraOptions() camera.Options {
	return camera.Options{Address: w.address, User: w.user, Password: w.pw, Known: w.opts.Known, AllowPlainHTTP: w.plainOK}
}

// sessionOptions are the session options of this run.
func (w *wizard) sessionOptions() session.Options {
	ch := w.progressCh
	cam := w.cameraOptions()
	if w.filedPassword {
		cam.Password = secret.Secret{}
	}
	return session.Options{
		Camera: cam, Profile: w.prof, OutDir: w.outDir, Passphrase: w.pass,
		Generate: w.opts.Generate, BootTimeout: w.opts.BootTimeout, PollInterval: w.opts.PollInterval,
		Tool: w.opts.Tool, NewSecrets: w.newSecrets,
		Progress: func(m string) {
			select {
			case ch <- m:
			default: // the UI is behind: drop the line rather than block the engine
			}
		},
	}
}

// host is the camera's host as typed.
func (w *wizard) host() string {
	u, err := camera.ParseAddress(w.address)
	if err != nil {
		return w.address
	}
	return u.Hostname()
}

// show switches to page p.
func (w *wizard) show(p page) tea.Cmd {
	w.root.page = p
	w.root.scroll, w.root.sawEnd = 0, false
	return p.init()
}

// startBusy marks a slow command as running; the spinner turns.
func (w *wizard) startBusy(what string) tea.Cmd {
	w.busy, w.busySince, w.progress = what, w.opts.Now(), nil
	return w.root.spin.Tick
}

func (w *wizard) stopBusy() { w.busy = "" }

// stepDone reports whether step i was applied or skipped in this run or
// the resumed one.
func (w *wizard) stepDone(i int) bool {
	return w.outcomes[i].applied || w.outcomes[i].skipped
}

// firstOpen is the first step not done yet (len(all) when all are).
func (w *wizard) firstOpen() int {
	for i := range w.all {
		if !w.stepDone(i) {
			return i
		}
	}
	return len(w.all)
}

// finding is the latest check of step i.
func (w *wizard) finding(i int) steps.Finding {
	if i < len(w.view.findings) {
		return w.view.findings[i]
	}
	return steps.Finding{Status: steps.Error, Detail: "not checked"}
}

// shownStatus is the status the installer sees for step i: skipped, or the
// latest check.
func (w *wizard) shownStatus(i int) steps.Status {
	if w.outcomes[i].skipped {
		return statusSkipped
	}
	if f := w.finding(i); f.Status == steps.Manual && w.outcomes[i].recorded {
		return statusRecorded
	}
	return w.finding(i).Status
}

// passwordInputs are the words an attacker knows about this camera.
func (w *wizard) passwordInputs(user string) password.Inputs {
	return password.Inputs{User: user, Model: w.identity.Model, Hostname: w.identity.Hostname, Serial: w.identity.Serial}
}

// WriteSummary prints the end of the run for the terminal scrollback, after
// the full-screen wizard is gone.
func WriteSummary(out io.Writer, r Result) {
	switch {
	case r.Finished:
		fmt.Fprintln(out, "mxwizard: the camera is hardened, stored and verified.")
		if r.Failed {
			fmt.Fprintln(out, "mxwizard: some steps still fail: see the handover report.")
		}
	case r.Canceled && r.Unsaved:
		fmt.Fprintln(out, "mxwizard: left early; changes not stored to permanent memory are lost")
		fmt.Fprintln(out, "  at the camera's next reboot. Run mxwizard again with the same camera")
		fmt.Fprintln(out, "  to continue at the step you left.")
		if r.OutDir != "" {
			fmt.Fprintln(out, "  state and encrypted secrets:", r.OutDir)
		}
	case r.Canceled:
		fmt.Fprintln(out, "mxwizard: left; nothing was changed that needs storing.")
	}
	if r.AddressAfter != "" && r.Finished {
		fmt.Fprintln(out, "  camera now at:  ", r.AddressAfter)
	}
	for _, f := range [][2]string{{"backup", r.Files.Backup}, {"secrets", r.Files.Secrets}, {"report", r.Files.Report}} {
		if f[1] != "" {
			fmt.Fprintf(out, "  %-8s %s\n", f[0]+":", f[1])
		}
	}
}

// wizardProfile is the default profile with the example profile's groups
// offered as the answer to step 4 (a starting point; users are personal
// and stay empty).
func wizardProfile() *profile.Profile {
	p := profile.Default()
	p.Admin.User = "" // the admin account is the one the installer logs in with
	if len(p.Groups) == 0 {
		p.Groups = []profile.Group{
			{Name: "operators", Rights: []string{"live", "player", "multiview", "events", "image"}},
			{Name: "viewers", Rights: []string{"live"}},
		}
	}
	return p
}
