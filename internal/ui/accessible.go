package ui

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// errEOF ends the line face when the input ends: every prompt from then on
// would take its default.
var errEOF = errors.New("the input ended")

// lineReader reads the installer's answers one line at a time from any
// reader. Every read ends when the context does (ctrl+c), so the line face
// never needs os.Exit: a read still under way is left behind, and the
// program leaves.
type lineReader struct {
	ctx      context.Context
	br       *bufio.Reader
	tty      *os.File // the terminal, when the input is one: passwords are read without echo
	inflight chan lineResult
}

type lineResult struct {
	s   string
	err error
}

func newLineReader(ctx context.Context, in io.Reader) *lineReader {
	r := &lineReader{ctx: ctx, br: bufio.NewReader(in)}
	if f, ok := in.(*os.File); ok && term.IsTerminal(f.Fd()) {
		r.tty = f
	}
	return r
}

// line reads one line (without its line ending).
func (r *lineReader) line() (string, error) {
	if r.inflight == nil {
		ch := make(chan lineResult, 1)
		go func() {
			s, err := r.br.ReadString('\n')
			ch <- lineResult{s, err}
		}()
		r.inflight = ch
	}
	select {
	case <-r.ctx.Done():
		return "", r.ctx.Err()
	case res := <-r.inflight:
		r.inflight = nil
		s := strings.TrimRight(res.s, "\r\n")
		if res.err != nil && s == "" {
			return "", errEOF
		}
		return s, nil
	}
}

// password reads one line without echo on a terminal (a plain line
// otherwise: tests, or a screen reader's input pipe).
func (r *lineReader) password() (string, error) {
	if r.tty == nil {
		return r.line()
	}
	fd := r.tty.Fd()
	saved, _ := term.GetState(fd)
	ch := make(chan lineResult, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- lineResult{string(b), err}
	}()
	select {
	case <-r.ctx.Done():
		if saved != nil {
			_ = term.Restore(fd, saved) // echo back on
		}
		return "", r.ctx.Err()
	case res := <-ch:
		if res.err != nil {
			return "", errEOF
		}
		return res.s, nil
	}
}

// lineFace is the wizard as plain lines for screen readers (--accessible):
// nothing is redrawn, every prompt is a line. It walks the same flow as the
// full-screen face: the same decisions (issueOf), the same work (probe,
// openSession, planStep, applyStep, finishRun), the same bookkeeping
// (takeSession, takeApplied, recordFinished) and the same texts (the pages'
// renderers), on any io.Reader and io.Writer.
type lineFace struct {
	w        *wizard
	r        *lineReader
	out      io.Writer
	resumed  int
	restored bool // the camera was restored from its backup: nothing more to do
}

// RunAccessible runs the wizard as plain prompts for screen readers. On a
// terminal, passwords are read without echo. ctrl+c (the context ending)
// leaves at once and says what leaving means; the end of the input does
// the same.
func RunAccessible(ctx context.Context, opts Options, in io.Reader, out io.Writer) (Result, error) {
	opts.NoColor = true
	w := newWizard(ctx, opts)
	m := &Model{w: w}
	w.root = m
	w.width, w.height = 80, 10000 // nothing is clipped: the text scrolls by
	if f, ok := in.(*os.File); ok {
		if cols, _, err := term.GetSize(f.Fd()); err == nil && cols >= 40 {
			w.width = min(cols, 100)
		}
	}
	f := &lineFace{w: w, r: newLineReader(w.ctx, in), out: out}
	err := f.run()
	w.cancel()
	res := m.Result()
	if errors.Is(err, errEOF) || errors.Is(err, context.Canceled) || ctx.Err() != nil {
		f.say("", f.leaveText())
		res.Canceled, res.Unsaved = true, w.unsaved && !w.finished
		return res, nil
	}
	return res, err
}

func (f *lineFace) leaveText() string {
	if f.w.unsaved {
		return "Leaving. Changes not stored to permanent memory are lost at the next reboot. Run mxwizard again with the same camera to continue at the step you left."
	}
	return "Leaving; nothing was changed that needs storing."
}

// say prints text without styles.
func (f *lineFace) say(parts ...string) {
	for _, p := range parts {
		fmt.Fprintln(f.out, ansi.Strip(p))
	}
}

// ask reads one answer; Enter alone takes def. validate, when set, is asked
// until it accepts.
func (f *lineFace) ask(title, def string, validate func(string) error) (string, error) {
	for {
		prompt := title
		if def != "" {
			prompt += " [" + def + "]"
		}
		fmt.Fprint(f.out, prompt+": ")
		v, err := f.r.line()
		if err != nil {
			return "", err
		}
		if v = strings.TrimSpace(v); v == "" {
			v = def
		}
		if validate != nil {
			if err := validate(v); err != nil {
				f.say(err.Error())
				continue
			}
		}
		return v, nil
	}
}

// askPassword reads a password (without echo on a terminal).
func (f *lineFace) askPassword(title string) (string, error) {
	fmt.Fprint(f.out, title+": ")
	v, err := f.r.password()
	if f.r.tty != nil {
		fmt.Fprintln(f.out)
	}
	return v, err
}

// choose offers numbered choices and returns the id chosen (Enter: the first).
func (f *lineFace) choose(title string, items ...menuItem) (string, error) {
	f.say(title)
	for i, it := range items {
		f.say(fmt.Sprintf("  %d. %s", i+1, it.label))
		if it.hint != "" {
			f.say("     " + it.hint)
		}
	}
	v, err := f.ask(fmt.Sprintf("Choose 1 to %d", len(items)), "1", func(s string) error {
		if n, err := strconv.Atoi(s); err != nil || n < 1 || n > len(items) {
			return fmt.Errorf("type a number from 1 to %d", len(items))
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	n, _ := strconv.Atoi(v)
	return items[n-1].id, nil
}

// confirm asks a yes/no question.
func (f *lineFace) confirm(title string, def bool) (bool, error) {
	d := "no"
	if def {
		d = "yes"
	}
	v, err := f.ask(title+" (yes or no)", d, func(s string) error {
		switch strings.ToLower(s) {
		case "y", "yes", "n", "no":
			return nil
		}
		return errors.New("answer yes or no")
	})
	return strings.HasPrefix(strings.ToLower(v), "y"), err
}

// multi lets the installer tick options by number until Enter alone.
func (f *lineFace) multi(title string, options, selected []string) ([]string, error) {
	sel := slices.Clone(selected)
	for {
		f.say(title)
		for i, o := range options {
			mark := "[ ]"
			if slices.Contains(sel, o) {
				mark = "[x]"
			}
			f.say(fmt.Sprintf("  %d. %s %s", i+1, mark, o))
		}
		v, err := f.ask("Numbers to tick or untick (e.g. 1 3), Enter alone when done", "", nil)
		if err != nil || v == "" {
			return sel, err
		}
		for _, field := range strings.Fields(strings.ReplaceAll(v, ",", " ")) {
			n, err := strconv.Atoi(field)
			if err != nil || n < 1 || n > len(options) {
				f.say(fmt.Sprintf("%q is not a number from 1 to %d", field, len(options)))
				continue
			}
			if o := options[n-1]; slices.Contains(sel, o) {
				sel = slices.DeleteFunc(sel, func(x string) bool { return x == o })
			} else {
				sel = append(sel, o)
			}
		}
	}
}

// wait runs slow work and prints the engine's progress meanwhile.
func wait[T any](f *lineFace, work func() T) T {
	done := make(chan T, 1)
	go func() { done <- work() }()
	for {
		select {
		case v := <-done:
			for {
				select {
				case p := <-f.w.progressCh:
					f.say("  " + p)
				default:
					return v
				}
			}
		case p := <-f.w.progressCh:
			if p == steps.ProgressStored {
				f.w.unsaved = false
			}
			f.say("  " + p)
		}
	}
}

func (f *lineFace) run() error {
	w := f.w
	f.say("mxwizard: hardening a MOBOTIX camera, step by step. Nothing is changed on the camera until you confirm a step's plan. Press Enter to take the value in brackets.")
	if w.opts.Label == "demo" {
		f.say("Demo: a simulated, factory-new camera runs inside mxwizard on this computer.")
	}
	for {
		if err := f.camera(); err != nil || w.root.canceled {
			return err
		}
		another, err := f.confirm("Harden another camera of this site with the same answers (its own passwords and keys, its whole plan shown first)?", false)
		if err != nil || !another {
			return err
		}
		w.forgetCamera()
		f.restored = false
	}
}

// camera takes one camera from the connection to the summary: step by
// step, or, for the next camera of a site, its whole plan at once.
func (f *lineFace) camera() error {
	w := f.w
	if err := f.connect(); err != nil {
		return err
	}
	if f.restored {
		return nil
	}
	if w.sameAnswers && f.resumed == 0 && !w.recognisedDone {
		done, err := f.sitePlan()
		if err != nil || done {
			return err
		}
	}
	f.overview()
	for {
		for i := w.current; i < len(w.all); {
			next, err := f.step(i)
			if err != nil {
				return err
			}
			i = max(next, 0)
		}
		if err := f.finish(); !errors.Is(err, errBackToSteps) {
			return err
		}
	}
}

// errBackToSteps sends the line face from the finish back to the steps
// (a reconnect found steps the camera lost).
var errBackToSteps = errors.New("back to the steps")

// offerReconnect offers a reconnect when err is what a camera that lost
// power gives; again reports whether it reconnected (the steps to do
// again are then in w.current and the notice).
func (f *lineFace) offerReconnect(err error) (again bool, _ error) {
	w := f.w
	if !canReconnect(err) {
		return false, nil
	}
	f.say(reconnectItem.hint)
	yes, aerr := f.confirm("Reconnect now?", true)
	if aerr != nil || !yes {
		return false, aerr
	}
	f.say("Reconnecting ...")
	msg := wait(f, func() reconnectedMsg { return reconnect(w.ctx, w.sess) })
	if msg.err != nil {
		f.say("Reconnecting failed: " + secret.Redact(msg.err.Error(), w.pw, w.pass))
		return false, nil
	}
	w.takeReconnect(msg)
	f.say(w.notice)
	w.notice = ""
	f.overview()
	return true, nil
}

// sitePlan shows the next camera's whole plan and applies it on one
// confirmation; done is false when the installer goes step by step.
func (f *lineFace) sitePlan() (done bool, err error) {
	w := f.w
	f.say("Planning every step for this camera ...")
	msg := wait(f, func() sitePlanMsg {
		plans, err := w.sess.PlanAll()
		return sitePlanMsg{plans: plans, err: err}
	})
	f.say(w.sitePlanText(msg.plans, msg.err, w.width))
	items := []menuItem{}
	if msg.err == nil {
		items = append(items, menuItem{id: "apply", label: "Apply the whole plan to this camera"})
	}
	items = append(items, menuItem{id: "steps", label: "Go through the steps one by one instead"}, menuItem{id: "quit", label: "Quit without changing this camera"})
	for {
		id, err := f.choose("What now?", items...)
		switch {
		case err != nil:
			return false, err
		case id == "steps":
			return false, nil
		case id == "quit":
			w.root.canceled = true
			return true, nil
		}
		f.say("Applying the plan, storing, rebooting and verifying ...")
		w.unsaved = true
		res := wait(f, func() finishedMsg { return applyAll(w.ctx, w.sess) })
		w.recordFinished(res)
		w.markOutcomes()
		if res.err != nil {
			if w.ctx.Err() != nil {
				return false, w.ctx.Err()
			}
			f.say("Stopped: " + secret.Redact(res.err.Error(), w.pw, w.pass))
			continue
		}
		f.say((&summaryPage{w: w, lineFace: true}).view(w.width, w.height))
		return true, nil
	}
}

// connect asks for the camera until a session is open.
func (f *lineFace) connect() error {
	w := f.w
	for {
		addr, err := f.ask("Camera address (IP address or host name, optional port and scheme; ? searches this network for MOBOTIX cameras, without logging in)", w.address, func(s string) error {
			if s == "?" {
				return nil
			}
			_, err := camera.ParseAddress(s)
			return err
		})
		if err != nil {
			return err
		}
		if addr == "?" {
			if err := f.search(); err != nil {
				return err
			}
			continue
		}
		w.address = addr
		if w.user, err = f.ask("User", w.user, nil); err != nil {
			return err
		}
		title := "Camera password"
		if !w.pw.IsZero() {
			title += " (Enter alone: the password given, for a new camera the factory password " + camera.FactoryPassword + ")"
		}
		pw, err := f.askPassword(title)
		if err != nil {
			return err
		}
		if pw != "" {
			w.pw = secret.New(pw)
		}
		if ok, err := f.open(); err != nil || ok {
			return err
		}
	}
}

// search lists the cameras a search of the network finds; the one chosen
// becomes the address offered.
func (f *lineFace) search() error {
	w := f.w
	f.say("Searching without logging in ...")
	msg := wait(f, func() searchMsg { return searchNetwork(w.ctx, w) })
	page := newSearchPage(w, msg)
	f.say(page.body(w.width))
	id, err := f.choose("Which camera?", page.m.items...)
	if err != nil {
		return err
	}
	var i int
	if _, err := fmt.Sscan(id, &i); err == nil && i < len(msg.found) {
		w.address = msg.found[i].Address
	}
	return nil
}

// open takes the answers to an opened session, the same way as the pages
// of the full-screen face; ok is false when the connection must be given
// again.
func (f *lineFace) open() (ok bool, err error) {
	w := f.w
	w.resume, w.earlier, w.afresh, w.filedPassword = nil, nil, false, false
	if !w.sameAnswers {
		w.pass = secret.Secret{} // the next camera of a site keeps the site's passphrase
	}
	w.outDir = w.newOutDir()
	if !w.opts.NoResume {
		found := lookupResume(w.resumeWhere())
		if found.err != nil {
			f.say(found.err.Error())
			return false, nil
		}
		if found.found {
			page := newResumePage(w, found)
			f.say(page.body(w.width))
			id, err := f.choose("Continue the interrupted session?", page.m.items...)
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
	if ok, err := f.plainHTTP(""); err != nil || !ok {
		return false, err
	}
	for w.resume == nil {
		f.say("Connecting to " + w.address + " ...")
		msg := probe(w.ctx, w.cameraOptions(), w.earlierLookup())
		if msg.err == nil {
			w.probed(msg.identity, msg.earlier)
			break
		}
		is := w.issueOf(msg.err)
		if w.offerFiledPassword(msg.err, msg.earlier) {
			break // the earlier run's passphrase is asked next
		}
		if retry, err := f.resolve(is); err != nil || !retry {
			return false, err
		}
	}
	if w.pass.IsZero() || w.resume != nil {
		if err := f.passphrase(); err != nil {
			return false, err
		}
	}
	for {
		f.say("Reading the camera's configuration ...")
		msg := wait(f, func() openedMsg { return openSession(w.ctx, w.sessionOptions()) })
		is := w.issueOf(msg.err)
		if is.kind == issueNone {
			w.takeSession(msg)
			f.resumed = msg.resumed
			if !w.recognised() {
				return true, nil
			}
			w.recognisedDone = true
			f.say(w.recognisedText())
			id, err := f.choose("What now?", w.recognisedChoices()...)
			switch {
			case err != nil:
				return false, err
			case id == "restore":
				f.say("Restoring the backup (the camera reboots) ...")
				backup := w.sess.BackupFile()
				r := wait(f, func() restoredMsg { return restoreFromBackup(w.ctx, w, backup) })
				if r.err != nil {
					f.say(secret.Redact(r.err.Error(), w.pw, w.pass))
					return false, nil
				}
				w.finished, w.failed, w.files, w.unsaved = true, r.res.Failed, r.res.Files, false
				w.view.address = r.res.AddressAfter
				f.say(w.restoredText(r.res))
				f.restored = true
				return true, nil
			case id == "afresh":
				w.newSecrets = true
				continue // open again, with new secrets
			}
			return true, nil
		}
		if is.kind == issueWrongPassphrase {
			f.say(is.text)
			if err := f.passphrase(); err != nil {
				return false, err
			}
			continue
		}
		if retry, err := f.resolve(is); err != nil || !retry {
			return false, err
		}
	}
}

// resolve renders a connection issue and asks what it needs; retry is true
// when the connection should be tried again (also when there was none).
func (f *lineFace) resolve(is connectIssue) (retry bool, err error) {
	w := f.w
	switch is.kind {
	case issueNone:
		return true, nil
	case issueNewCertificate:
		page := newFingerprintPage(w, is.fe.Camera, is.fe.Received)
		f.say(page.body(w.width))
		id, err := f.choose("Accept and pin this certificate?", page.m.items...)
		if err != nil {
			return false, err
		}
		if id != "accept" {
			f.say("The certificate was not accepted; nothing was sent to the camera.")
			return false, nil
		}
		if err := w.opts.Known.Pin(is.fe.Camera, is.fe.Received); err != nil {
			f.say(err.Error())
			return false, nil
		}
		return true, nil
	case issueChangedCertificate:
		page := newChangedFingerprintPage(w, is.fe)
		f.say(page.body(w.width))
		if len(page.m.items) < 2 {
			return false, nil // nothing to decide: only back
		}
		id, err := f.choose("Pin the received certificate?", page.m.items...)
		if err != nil || id != "repin" {
			return false, err
		}
		if err := w.opts.Known.Repin(is.fe.Camera, is.fe.Pinned, is.fe.Received); err != nil {
			f.say(err.Error())
			return false, nil
		}
		return true, nil
	case issuePlainHTTP:
		return f.plainHTTP(is.text)
	}
	f.say(is.text)
	return false, nil
}

// plainHTTP asks for consent before anything secret travels over plain
// HTTP (why says what the camera asked for); ok is false when the
// connection must be given again.
func (f *lineFace) plainHTTP(why string) (ok bool, err error) {
	w := f.w
	u, err := camera.ParseAddress(w.address)
	if err != nil {
		f.say(err.Error())
		return false, nil
	}
	if u.Scheme != "http" || (w.plainOK && why == "") {
		return true, nil
	}
	page := newPlainHTTPPage(w, why)
	f.say(page.body(w.width))
	id, err := f.choose("Plain HTTP?", page.m.items...)
	switch {
	case err != nil || id == "back":
		return false, err
	case id == "https":
		w.address = "https://" + u.Hostname()
	default:
		w.plainOK = true
	}
	return true, nil
}

func (f *lineFace) passphrase() error {
	w := f.w
	if w.resume != nil {
		f.say("Enter the backup passphrase of the interrupted session: it opens its encrypted secrets file.")
		v, err := f.askPassword("Backup passphrase")
		w.pass = secret.New(v)
		return err
	}
	if w.earlier != nil {
		f.say(w.earlierText())
		v, err := f.askPassword("Backup passphrase of the earlier run")
		w.pass = secret.New(v)
		return err
	}
	f.say("Backup passphrase: mxwizard writes the encrypted secrets file before it sets any new password or key (write-ahead), so an interruption never leaves a camera with a password nobody has. This passphrase encrypts that file and the configuration backup. At least 12 characters.")
	for {
		one, err := f.askPassword("Backup passphrase")
		if err != nil {
			return err
		}
		p := secret.New(one)
		if err := backup.CheckPassphrase(p); err != nil {
			f.say(err.Error())
			continue
		}
		two, err := f.askPassword("The same passphrase again")
		if err != nil {
			return err
		}
		if one != two {
			f.say("The two entries differ: type the passphrase twice, the same way.")
			continue
		}
		w.pass = p
		return nil
	}
}

func (f *lineFace) overview() {
	w := f.w
	id := w.identity
	f.say(fmt.Sprintf("Camera: MOBOTIX %s, serial %s, firmware %s, at %s.", id.Model, id.Serial, id.Firmware, w.view.address))
	if f.resumed > 0 {
		f.say(fmt.Sprintf("Resumed: %s of the earlier session done or skipped; continuing at step %d.", plural(f.resumed, "step"), w.current+1))
	}
	f.say("Read-only check of the 22 steps:")
	for i, st := range w.all {
		f.say(fmt.Sprintf("Step %d, %s: %s", i+1, statusName(w.shownStatus(i)), st.Info().Title))
	}
	f.say("In all: " + strings.Join(w.statusCounts(statusName), ", ") + ".")
}

// step runs step i; it returns the index of the step to go to next.
func (f *lineFace) step(i int) (int, error) {
	w := f.w
	p := newStepPage(w, i)
	p.notice, w.notice = w.notice, ""
	p.before = w.finding(i)
	p.qs = steps.Questions(p.info.ID, w.sess.Snapshot(), w.prof)
	for _, q := range p.qs {
		if q.Kind == steps.AskSecret {
			p.secretQs = append(p.secretQs, q)
		} else {
			p.answers = append(p.answers, newAnswer(q))
		}
	}
	f.say("", p.headView(w.width))
	for {
		if err := f.questions(p); err != nil {
			return 0, err
		}
		if err := f.secrets(p); err != nil {
			return 0, err
		}
		pm := planStep(w.sess, p.step, i, 1, p.pending)
		p.plan, p.planErr = pm.plan, pm.err
		var items []menuItem
		if pm.err != nil {
			f.say(p.refusedView(w.width))
			items = p.refusedMenu().items
		} else {
			f.say(p.planView(w.width))
			w.root.sawEnd = true // the line face prints the whole plan before it asks
			items = p.planMenu().items
		}
		id, err := f.choose(fmt.Sprintf("Step %d: what now?", i+1), items...)
		if err != nil {
			return 0, err
		}
		switch id {
		case "apply":
			f.say("Applying ...")
			msg := wait(f, func() appliedMsg { return applyStep(w.ctx, w.sess, p.step, i, p.plan, "") })
			if msg.err != nil {
				if w.ctx.Err() != nil {
					return 0, w.ctx.Err()
				}
				w.view = msg.view
				f.say("Applying failed: nothing more was written.", secret.Redact(msg.err.Error(), w.pw, w.pass))
				if again, err := f.offerReconnect(msg.err); err != nil || again {
					return w.current, err
				}
				continue
			}
			if !p.takeApplied(msg) {
				f.say(w.notice)
				w.notice = ""
				return i + 1, nil
			}
			f.say(stack(p.resultView(w.width), p.revealBox(w.width)))
			if len(p.reveal) > 0 {
				if _, err := f.ask("Press Enter when you have written it down", "", nil); err != nil {
					return 0, err
				}
			}
			return i + 1, f.guided(p)
		case "skip":
			reason := ""
			for reason == "" {
				if reason, err = f.ask("Why is this step skipped? (one line for the handover report)", "", nil); err != nil {
					return 0, err
				}
			}
			p.reason = reason
			msg := applyStep(w.ctx, w.sess, p.step, i, nil, reason)
			if msg.err != nil {
				f.say(secret.Redact(msg.err.Error(), w.pw, w.pass))
				continue
			}
			p.takeApplied(msg)
			f.say(w.notice)
			w.notice = ""
			return i + 1, nil
		case "prev":
			return i - 1, nil
		}
		// answers or retry: ask again
		p.pending = map[steps.SecretName]secret.Secret{}
	}
}

// guided is the manual step a firmware that did not honour the setting
// needs: the installer sets it in the web interface (the finding says what
// and where), and the same effect check looks again, as often as asked.
func (f *lineFace) guided(p *stepPage) error {
	w := f.w
	for p.after.Status == steps.Unsupported {
		id, err := f.choose("This firmware did not do it: set it in the camera's web interface, then:",
			menuItem{id: "again", label: "Check again"}, menuItem{id: "next", label: p.nextLabel()[len("enter: "):]})
		if err != nil || id == "next" {
			return err
		}
		msg := wait(f, func() recheckedMsg { return recheckStep(w.ctx, w.sess, p.step, p.idx) })
		if msg.err != nil {
			f.say("Checking again failed: " + secret.Redact(msg.err.Error(), w.pw, w.pass))
			continue
		}
		p.onRechecked(msg)
		f.say(stack(p.resultView(w.width), p.revealBox(w.width)))
	}
	return nil
}

// questions asks the step's questions, one prompt each, until the answers
// are valid.
func (f *lineFace) questions(p *stepPage) error {
	w := f.w
	for len(p.answers) > 0 {
		for i, an := range p.answers {
			if !visible(p.answers, i, w.prof) {
				continue
			}
			q := an.q
			if q.Help != "" {
				f.say(q.Help)
			}
			var err error
			switch q.Kind {
			case steps.AskConfirm:
				an.yes, err = f.confirm(q.Prompt, an.yes)
				if err == nil && q.Strong && an.yes {
					an.serial, err = f.ask("Type the camera's serial number ("+w.identity.Serial+") to confirm", "", nil)
				}
			case steps.AskSelect:
				items := make([]menuItem, len(q.Options))
				start := 0
				for k, o := range q.Options {
					items[k] = menuItem{id: o, label: o}
					if o == an.str {
						start = k
					}
				}
				items[0], items[start] = items[start], items[0] // Enter keeps the current answer
				an.str, err = f.choose(q.Prompt, items...)
			case steps.AskMultiSelect:
				an.list, err = f.multi(q.Prompt, q.Options, an.list)
			default:
				an.str, err = f.ask(q.Prompt, an.str, nil)
			}
			if err != nil {
				return err
			}
		}
		err := applyAnswers(p.answers, w.prof, w.identity.Serial)
		if err == nil {
			return nil
		}
		f.say(err.Error(), "Please answer again.")
	}
	return nil
}

// secrets asks the step's new passwords and keys: generated (shown once)
// or typed twice and judged by the secret's own policy (steps.SecretName).
func (f *lineFace) secrets(p *stepPage) error {
	w := f.w
	for _, q := range p.secretQs {
		if q.When != nil && !q.When(w.prof) {
			continue
		}
		e := newSecretEntry(w, q)
		id, err := f.choose(q.Prompt, e.m.items...)
		if err != nil {
			return err
		}
		if id == "keep" {
			p.pending[q.SecretName], p.typed[q.SecretName], p.shown[q.SecretName] = e.known, false, true
			f.say("Kept: the one set before, which the secrets file holds.")
			continue
		}
		if id == "generate" {
			v, err := w.opts.Generate()
			if err != nil {
				return err
			}
			f.say(q.Prompt+": "+v.Reveal(), "Write it down now or rely on the encrypted secrets file; it will not be shown again.")
			if _, err := f.ask("Press Enter when you have written it down", "", nil); err != nil {
				return err
			}
			p.pending[q.SecretName], p.typed[q.SecretName], p.shown[q.SecretName] = v, false, true
			continue
		}
		f.say(e.policy())
		for {
			one, err := f.askPassword(q.Prompt)
			if err != nil {
				return err
			}
			two, err := f.askPassword("The same again, to be sure")
			if err != nil {
				return err
			}
			if err := q.SecretName.Precheck(one, two); err != nil {
				f.say(err.Error())
				continue
			}
			inputs := w.secretInputs(q.SecretName)
			if q.SecretName.Policy().Strict {
				if r := password.Evaluate(secret.New(one), inputs); !r.OK {
					f.say("Not accepted ("+r.Strength+"):", "  - "+strings.Join(r.Reasons, "\n  - "))
					continue
				}
			}
			r := password.EvaluateLive(secret.New(one), inputs)
			f.say("Accepted (" + r.Strength + ", " + strconv.Itoa(max(r.Score, 0)) + " of 4).")
			p.pending[q.SecretName], p.typed[q.SecretName] = secret.New(one), true
			break
		}
	}
	return nil
}

func (f *lineFace) finish() error {
	w := f.w
	fp := newFinishPage(w)
	f.say("", "The guide's VMS and NAS checklists: answer each in a short line for the report, or press Enter for \"not applicable\".")
	for i, it := range steps.VMSChecklist {
		v, err := f.ask(fmt.Sprintf("VMS %d of %d: %s", i+1, len(steps.VMSChecklist), it.Title), "", nil)
		if err != nil {
			return err
		}
		fp.vms[i] = v
	}
	for i, it := range steps.NASChecklist {
		v, err := f.ask(fmt.Sprintf("NAS %d of %d: %s", i+1, len(steps.NASChecklist), it.Title), "", nil)
		if err != nil {
			return err
		}
		fp.nas[i] = v
	}
	fp.saveAnswers()
	f.say(fp.explain(w.width))
	for {
		id, err := f.choose("Finish now?", menuItem{id: "finish", label: "Store, verify and write the files"}, menuItem{id: "leave", label: "Leave without storing"})
		if err != nil {
			return err
		}
		if id == "leave" {
			w.root.canceled = true
			f.say(f.leaveText())
			return nil
		}
		f.say("Finishing ...")
		msg := wait(f, func() finishedMsg { return finishRun(w.ctx, w.sess) })
		w.recordFinished(msg)
		if msg.err != nil {
			if w.ctx.Err() != nil {
				return w.ctx.Err()
			}
			f.say("Finishing stopped: " + secret.Redact(msg.err.Error(), w.pw, w.pass))
			if again, err := f.offerReconnect(msg.err); err != nil || again {
				if err != nil {
					return err
				}
				return errBackToSteps
			}
			continue
		}
		break
	}
	f.say((&summaryPage{w: w, lineFace: true}).view(w.width, w.height))
	return nil
}
