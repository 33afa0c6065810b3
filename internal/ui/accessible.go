package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// errEOF ends the accessible wizard when the input ends: huh's accessible
// prompts would otherwise take every default from then on.
var errEOF = errors.New("the input ended")

// eofReader notices the end of the input.
type eofReader struct {
	f   *os.File
	eof bool
}

func (r *eofReader) Read(p []byte) (int, error) {
	n, err := r.f.Read(p)
	if errors.Is(err, io.EOF) || (n == 0 && err == nil) {
		r.eof = true
	}
	return n, err
}

// Fd lets huh's password prompt turn off the echo.
func (r *eofReader) Fd() uintptr { return r.f.Fd() }

// accessible is the wizard as plain, line by line prompts (huh's
// accessible mode): nothing is redrawn, every prompt is a line a screen
// reader reads out. It walks the same flow and the same commands as the
// full-screen wizard, one after the other.
type accessible struct {
	w       *wizard
	in      *eofReader
	out     io.Writer
	resumed int
}

// RunAccessible runs the wizard as plain prompts for screen readers. in
// must be a terminal (password prompts switch its echo off); the caller
// refuses otherwise. ctrl+c leaves at once (the terminal is restored), and
// says what leaving means.
func RunAccessible(ctx context.Context, opts Options, in *os.File, out io.Writer) (Result, error) {
	if !term.IsTerminal(in.Fd()) {
		return Result{}, errors.New("accessible mode needs a terminal")
	}
	opts.NoColor = true
	w := newWizard(ctx, opts)
	m := &Model{w: w}
	w.root = m
	w.width, w.height = 80, 10000 // nothing is clipped: the text scrolls by
	if cols, _, err := term.GetSize(in.Fd()); err == nil && cols >= 40 {
		w.width = min(cols, 100)
	}
	a := &accessible{w: w, in: &eofReader{f: in}, out: out}

	saved, _ := term.GetState(in.Fd())
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			if saved != nil {
				_ = term.Restore(in.Fd(), saved)
			}
			a.say("\n" + a.leaveText())
			os.Exit(130) //nolint:revive // the prompts block in a read that cannot be interrupted
		case <-done:
		}
	}()

	err := a.run()
	w.cancel()
	res := m.Result()
	if errors.Is(err, errEOF) {
		a.say(a.leaveText())
		res.Canceled = true
		return res, nil
	}
	return res, err
}

func (a *accessible) leaveText() string {
	if a.w.unsaved {
		return "Leaving. Changes not stored to permanent memory are lost at the next reboot. Run mxwizard again with the same camera to continue at the step you left."
	}
	return "Leaving; nothing was changed that needs storing."
}

// say prints text without styles, wrapped.
func (a *accessible) say(parts ...string) {
	for _, p := range parts {
		if p != "" {
			fmt.Fprintln(a.out, ansi.Strip(p))
		}
	}
}

// runField asks one huh field in accessible mode.
func (a *accessible) runField(f huh.Field) error {
	f = f.WithTheme(huh.ThemeFunc(huh.ThemeBase))
	f.Init()
	f.Focus()
	err := f.RunAccessible(a.out, a.in)
	fmt.Fprintln(a.out)
	if a.in.eof {
		return errEOF
	}
	return err
}

func (a *accessible) input(title, def string, validate func(string) error) (string, error) {
	v := def
	f := huh.NewInput().Title(title).Value(&v)
	if def != "" {
		f.Title(title + " [" + def + "]")
	}
	if validate != nil {
		f.Validate(func(s string) error {
			if strings.TrimSpace(s) == "" {
				s = def
			}
			return validate(s)
		})
	}
	err := a.runField(f)
	return strings.TrimSpace(v), err
}

func (a *accessible) password(title string) (string, error) {
	var v string
	err := a.runField(huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&v))
	return v, err
}

// choose offers numbered choices; it returns the chosen id.
func (a *accessible) choose(title string, items ...menuItem) (string, error) {
	opts := make([]huh.Option[string], len(items))
	for i, it := range items {
		opts[i] = huh.NewOption(it.label, it.id)
	}
	v := items[0].id
	err := a.runField(huh.NewSelect[string]().Title(title).Options(opts...).Value(&v))
	return v, err
}

func (a *accessible) run() error {
	w := a.w
	a.say("mxwizard: hardening a MOBOTIX camera, step by step. Nothing is changed on the camera until you confirm a step's plan. Press Enter to take the value in brackets.")
	if w.opts.Label == "demo" {
		a.say("Demo: a simulated, factory-new camera runs inside mxwizard on this computer.")
	}
	if err := a.connect(); err != nil {
		return err
	}
	a.overview()
	for i := w.current; i < len(w.all); {
		next, err := a.step(i)
		if err != nil {
			return err
		}
		if next < 0 {
			next = 0
		}
		i = next
	}
	return a.finish()
}

// connect asks for the camera and runs the same way as the connect page
// to an opened session.
func (a *accessible) connect() error {
	w := a.w
	for {
		addr, err := a.input("Camera address (IP address or host name, optional port and scheme)", w.address, func(s string) error {
			_, err := camera.ParseAddress(s)
			return err
		})
		if err != nil {
			return err
		}
		if addr != "" {
			w.address = addr
		}
		user, err := a.input("User", w.user, nil)
		if err != nil {
			return err
		}
		if user != "" {
			w.user = user
		}
		title := "Camera password"
		if !w.pw.IsZero() {
			title += " (Enter alone: the factory password " + camera.FactoryPassword + " of a new camera)"
		}
		pw, err := a.password(title)
		if err != nil {
			return err
		}
		if pw != "" {
			w.pw = secret.New(pw)
		}
		if ok, err := a.openSession(); err != nil || ok {
			return err
		}
	}
}

// openSession takes the connection from the answers to an opened session;
// ok is false when the installer has to give the connection again.
func (a *accessible) openSession() (ok bool, err error) {
	w := a.w
	w.resume, w.pass = nil, secret.Secret{}
	w.outDir = w.newOutDir()
	if !w.opts.NoResume {
		found := lookupResumeCmd(w.opts.OutDir, w.opts.BaseDir, w.host())().(resumeLookupMsg)
		if found.err != nil {
			a.say(found.err.Error())
			return false, nil
		}
		if found.found {
			a.say(ansi.Strip(newResumePage(w, found).body(w.width)))
			id, err := a.choose("Continue the interrupted session?",
				menuItem{id: "continue", label: "Continue it"}, menuItem{id: "afresh", label: "Start afresh"}, menuItem{id: "back", label: "Back"})
			switch {
			case err != nil || id == "back":
				return false, err
			case id == "continue":
				w.takeResume(found)
			default:
				w.startAfresh(found)
			}
		}
	}
	u, err := camera.ParseAddress(w.address)
	if err != nil {
		a.say(err.Error())
		return false, nil
	}
	if u.Scheme == "http" && !w.plainOK {
		a.say(ansi.Strip(newPlainHTTPPage(w, "").body(w.width)))
		id, err := a.choose("Plain HTTP?", menuItem{id: "https", label: "Use HTTPS instead"},
			menuItem{id: "plain", label: "Yes, continue over plain HTTP: this network is trusted"}, menuItem{id: "back", label: "Back"})
		if err != nil || id == "back" {
			return false, err
		}
		if id == "https" {
			w.address = "https://" + u.Hostname()
		} else {
			w.plainOK = true
		}
	}
	if w.resume == nil {
		for {
			a.say("Connecting to " + w.address + " ...")
			msg := probeCmd(w.ctx, w.cameraOptions())().(probeMsg)
			var fe *camera.FingerprintError
			switch {
			case errors.As(msg.err, &fe) && fe.Pinned == "":
				if ok, err := a.fingerprint(fe.Camera, fe.Received); err != nil || !ok {
					return false, err
				}
				continue
			case errors.As(msg.err, &fe):
				a.say(ansi.Strip(newChangedFingerprintPage(w, fe).body(w.width)))
				return false, nil
			case msg.err != nil:
				a.say(secret.Redact(msg.err.Error(), w.pw))
				return false, nil
			}
			w.identity = msg.identity
			break
		}
	}
	if err := a.passphrase(); err != nil {
		return false, err
	}
	a.say("Reading the camera's configuration ...")
	msg := a.wait(openCmd(w.ctx, w.sessionOptions())).(openedMsg)
	var fe *camera.FingerprintError
	switch {
	case errors.As(msg.err, &fe) && fe.Pinned == "":
		if ok, err := a.fingerprint(fe.Camera, fe.Received); err != nil || !ok {
			return false, err
		}
		msg = a.wait(openCmd(w.ctx, w.sessionOptions())).(openedMsg)
	case errors.Is(msg.err, backup.ErrWrongPassphrase):
		a.say("This passphrase does not open the interrupted session's secrets file.")
		return false, nil
	}
	if msg.err != nil {
		a.say(secret.Redact(msg.err.Error(), w.pw, w.pass))
		return false, nil
	}
	w.onOpened(msg) // same bookkeeping as the full-screen wizard
	a.resumed = msg.resumed
	return true, nil
}

func (a *accessible) fingerprint(host, fp string) (bool, error) {
	a.say(ansi.Strip(newFingerprintPage(a.w, host, fp).body(a.w.width)))
	id, err := a.choose("Accept and pin this certificate?", menuItem{id: "accept", label: "Accept and pin it"}, menuItem{id: "reject", label: "Reject: do not connect"})
	if err != nil || id != "accept" {
		if err == nil {
			a.say("The certificate was not accepted; nothing was sent to the camera.")
		}
		return false, err
	}
	if err := a.w.opts.Known.Pin(host, fp); err != nil {
		a.say(err.Error())
		return false, nil
	}
	return true, nil
}

func (a *accessible) passphrase() error {
	w := a.w
	if w.resume != nil {
		a.say("Enter the backup passphrase of the interrupted session: it opens its encrypted secrets file.")
		v, err := a.password("Backup passphrase")
		w.pass = secret.New(v)
		return err
	}
	a.say("Backup passphrase: mxwizard writes the encrypted secrets file before it sets any new password or key (write-ahead), so an interruption never leaves a camera with a password nobody has. This passphrase encrypts that file and the configuration backup. At least 12 characters.")
	for {
		one, err := a.password("Backup passphrase")
		if err != nil {
			return err
		}
		two, err := a.password("The same passphrase again")
		if err != nil {
			return err
		}
		p := secret.New(one)
		switch err := backup.CheckPassphrase(p); {
		case err != nil:
			a.say(err.Error())
		case one != two:
			a.say("The two entries differ: type the passphrase twice, the same way.")
		default:
			w.pass = p
			return nil
		}
	}
}

// wait runs a slow command and prints the engine's progress meanwhile.
func (a *accessible) wait(cmd tea.Cmd) tea.Msg {
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	for {
		select {
		case msg := <-done:
			for {
				select {
				case p := <-a.w.progressCh:
					a.say("  " + p)
				default:
					return msg
				}
			}
		case p := <-a.w.progressCh:
			a.say("  " + p)
		}
	}
}

func (a *accessible) overview() {
	w := a.w
	id := w.identity
	a.say(fmt.Sprintf("Camera: MOBOTIX %s, serial %s, firmware %s, at %s.", id.Model, id.Serial, id.Firmware, w.view.address))
	if a.resumed > 0 {
		a.say(fmt.Sprintf("Resumed: %s of the earlier session done or skipped; continuing at step %d.", plural(a.resumed, "step"), w.current+1))
	}
	a.say("Read-only check of the 22 steps:")
	for i, st := range w.all {
		a.say(fmt.Sprintf("Step %d, %s: %s", i+1, statusText(w.shownStatus(i)), st.Info().Title))
	}
	a.say("In all: " + strings.Join(w.statusCounts(statusText), ", ") + ".")
}

func statusText(s steps.Status) string {
	switch s {
	case steps.Manual:
		return "to check"
	case steps.Unsupported:
		return "not supported"
	case statusRecorded:
		return "noted for the report"
	}
	return string(s)
}

// step runs step i; it returns the index of the step to go to next.
func (a *accessible) step(i int) (int, error) {
	w := a.w
	p := newStepPage(w, i)
	p.notice, w.notice = w.notice, ""
	p.before = w.finding(i)
	p.qs = steps.Questions(p.info.ID, w.sess.Snap, w.prof)
	for _, q := range p.qs {
		if q.Kind == steps.AskSecret {
			p.secretQs = append(p.secretQs, q)
		} else {
			p.answers = append(p.answers, newAnswer(q))
		}
	}
	a.say("", ansi.Strip(p.headView(w.width)))
	for {
		if err := a.questions(p); err != nil {
			return 0, err
		}
		if err := a.secrets(p); err != nil {
			return 0, err
		}
		a.say("Planning ...")
		pm := a.wait(planCmd(w.sess, p.step, i, 1, p.pending)).(planMsg)
		p.plan, p.planErr = pm.plan, pm.err
		var items []menuItem
		if pm.err != nil {
			a.say(ansi.Strip(p.refusedView(w.width)))
			items = p.refusedMenu().items
		} else {
			a.say(ansi.Strip(p.planView(w.width)))
			items = p.planMenu().items
		}
		id, err := a.choose(fmt.Sprintf("Step %d: what now?", i+1), items...)
		if err != nil {
			return 0, err
		}
		switch id {
		case "apply":
			a.say("Applying ...")
			msg := a.wait(applyCmd(w.ctx, w.sess, p.step, i, p.plan, "")).(appliedMsg)
			if msg.err != nil {
				a.say("Applying failed: nothing more was written.", secret.Redact(msg.err.Error(), w.pw, w.pass))
				continue
			}
			if p.plan.Empty() {
				w.view = msg.view
				w.outcomes[i] = outcome{applied: true, recorded: p.plan.Answer != ""}
				a.say(fmt.Sprintf("Step %d recorded: %s.", i+1, statusText(msg.after.Status)))
				return i + 1, nil
			}
			p.onApplied(msg)
			a.say(ansi.Strip(p.resultView(w.width)))
			if len(p.reveal) > 0 {
				if _, err := a.input("Press Enter when you have written it down", "", nil); err != nil {
					return 0, err
				}
			}
			return i + 1, nil
		case "skip":
			reason := ""
			for reason == "" {
				if reason, err = a.input("Why is this step skipped? (one line for the handover report)", "", nil); err != nil {
					return 0, err
				}
			}
			msg := a.wait(applyCmd(w.ctx, w.sess, p.step, i, nil, reason)).(appliedMsg)
			if msg.err != nil {
				a.say(msg.err.Error())
				continue
			}
			w.view = msg.view
			w.outcomes[i] = outcome{skipped: true, reason: reason}
			a.say(fmt.Sprintf("Step %d skipped.", i+1))
			return i + 1, nil
		case "prev":
			return i - 1, nil
		}
		// answers or retry: ask again
		p.pending = map[steps.SecretName]secret.Secret{}
	}
}

// questions asks the step's questions, one prompt each, until the answers
// are valid.
func (a *accessible) questions(p *stepPage) error {
	w := a.w
	for len(p.answers) > 0 {
		for i, an := range p.answers {
			if !visible(p.answers, i, w.prof) {
				continue
			}
			q := an.q
			if q.Help != "" {
				a.say(q.Help)
			}
			var err error
			switch q.Kind {
			case steps.AskConfirm:
				err = a.runField(huh.NewConfirm().Title(q.Prompt).Value(&an.yes))
				if err == nil && q.Strong && an.yes {
					an.serial, err = a.input("Type the camera's serial number ("+w.identity.Serial+") to confirm", "", nil)
				}
			case steps.AskSelect:
				err = a.runField(huh.NewSelect[string]().Title(q.Prompt).Options(huh.NewOptions(q.Options...)...).Value(&an.str))
			case steps.AskMultiSelect:
				opts := make([]huh.Option[string], len(q.Options))
				for k, o := range q.Options {
					opts[k] = huh.NewOption(o, o).Selected(slices.Contains(an.list, o))
				}
				a.say("Enter a number to tick or untick an option, 0 when done.")
				err = a.runField(huh.NewMultiSelect[string]().Title(q.Prompt).Options(opts...).Value(&an.list))
			default:
				an.str, err = a.input(q.Prompt, an.str, nil)
			}
			if err != nil {
				return err
			}
		}
		err := applyAnswers(p.answers, w.prof, w.identity.Serial)
		if err == nil {
			return nil
		}
		a.say(err.Error(), "Please answer again.")
	}
	return nil
}

// secrets asks the step's new passwords and keys.
func (a *accessible) secrets(p *stepPage) error {
	w := a.w
	for _, q := range p.secretQs {
		if q.When != nil && !q.When(w.prof) {
			continue
		}
		e := newSecretEntry(w, q)
		id, err := a.choose(q.Prompt, e.m.items...)
		if err != nil {
			return err
		}
		if id == "generate" {
			v, err := w.opts.Generate()
			if err != nil {
				return err
			}
			a.say(q.Prompt+": "+v.Reveal(), "Write it down now or rely on the encrypted secrets file; it will not be shown again.")
			if _, err := a.input("Press Enter when you have written it down", "", nil); err != nil {
				return err
			}
			p.pending[q.SecretName], p.typed[q.SecretName], p.shown[q.SecretName] = v, false, true
			continue
		}
		a.say(e.policy())
		for {
			one, err := a.password(q.Prompt)
			if err != nil {
				return err
			}
			two, err := a.password("The same again, to be sure")
			if err != nil {
				return err
			}
			e.pw.Set(one)
			e.again.Set(two)
			e.reasons = nil
			if cmd := e.submit(); cmd != nil && e.phase == entryChecking {
				w.stopBusy()
				r := password.Evaluate(secret.New(one), e.inputs)
				if !r.OK {
					a.say("Not accepted ("+r.Strength+"):", "  - "+strings.Join(r.Reasons, "\n  - "))
					continue
				}
				e.phase = entryDone
			}
			if e.phase != entryDone {
				a.say(e.err)
				continue
			}
			a.say("Accepted (" + strength(e) + ").")
			p.pending[q.SecretName], p.typed[q.SecretName] = secret.New(one), true
			break
		}
	}
	return nil
}

func strength(e *secretEntry) string {
	r := password.EvaluateLive(e.value, e.inputs)
	return r.Strength + ", " + strconv.Itoa(max(r.Score, 0)) + " of 4"
}

func (a *accessible) finish() error {
	w := a.w
	f := newFinishPage(w)
	a.say("", "The guide's VMS and NAS checklists: answer each in a short line for the report, or press Enter for \"not applicable\".")
	for i, it := range steps.VMSChecklist {
		v, err := a.input(fmt.Sprintf("VMS %d of %d: %s", i+1, len(steps.VMSChecklist), it.Title), "", nil)
		if err != nil {
			return err
		}
		f.vms[i] = v
	}
	for i, it := range steps.NASChecklist {
		v, err := a.input(fmt.Sprintf("NAS %d of %d: %s", i+1, len(steps.NASChecklist), it.Title), "", nil)
		if err != nil {
			return err
		}
		f.nas[i] = v
	}
	f.saveAnswers()
	a.say(ansi.Strip(f.explain(w.width)))
	for {
		id, err := a.choose("Finish now?", menuItem{id: "finish", label: "Store, verify and write the files"}, menuItem{id: "leave", label: "Leave without storing"})
		if err != nil {
			return err
		}
		if id == "leave" {
			a.w.root.canceled = true
			a.say(a.leaveText())
			return nil
		}
		a.say("Finishing ...")
		msg := a.wait(finishCmd(w.ctx, w.sess)).(finishedMsg)
		w.view = msg.view
		if msg.err != nil {
			a.say("Finishing stopped: " + secret.Redact(msg.err.Error(), w.pw, w.pass))
			continue
		}
		w.finished, w.failed, w.files, w.unsaved = true, msg.failed, msg.files, false
		break
	}
	a.say(ansi.Strip((&summaryPage{w: w}).view(w.width, w.height)))
	return nil
}
