package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// The way from the connect screen to the overview:
//
//	connect → (interrupted session? resume page → passphrase once)
//	        → (plain HTTP? consent page) → probe
//	        → (first contact? fingerprint page → pin → probe again)
//	        → passphrase (twice) → open the session → overview

// afterConnect runs when the connect form is submitted.
func (w *wizard) afterConnect() tea.Cmd {
	w.resume, w.earlier, w.afresh, w.filedPassword = nil, nil, false, false
	if !w.sameAnswers {
		w.pass = secret.Secret{} // the next camera of a site keeps the site's passphrase
	}
	if w.opts.NoResume {
		w.outDir = w.newOutDir()
		return w.beforeProbe()
	}
	return tea.Batch(w.startBusy("looking for an interrupted session of this camera"),
		lookupResumeCmd(w.resumeWhere()))
}

// resumeWhere is where an interrupted session of the camera is looked for:
// --out, or the dated folders of the camera in the base folder (for the
// next camera of a site, in --out).
func (w *wizard) resumeWhere() (dir, base, host string) {
	if w.sameAnswers && w.siteDir != "" {
		return "", w.siteDir, w.host()
	}
	return w.opts.OutDir, w.opts.BaseDir, w.host()
}

// newOutDir is --out, or a new directory named after the camera and date.
func (w *wizard) newOutDir() string {
	if w.sameAnswers && w.siteDir != "" {
		// The next camera of a site: its own folder inside --out.
		return session.OutDirFor(w.siteDir, w.host(), w.opts.Now())
	}
	if w.opts.OutDir != "" {
		return w.opts.OutDir
	}
	return session.OutDirFor(w.opts.BaseDir, w.host(), w.opts.Now())
}

func (w *wizard) onResumeLookup(msg resumeLookupMsg) tea.Cmd {
	w.stopBusy()
	switch {
	case msg.err != nil:
		return w.show(newConnectPage(w, msg.err.Error()))
	case !msg.found:
		w.outDir = w.newOutDir()
		return w.beforeProbe()
	}
	return w.show(newResumePage(w, msg))
}

// beforeProbe asks for consent to plain HTTP when the address is http://,
// then connects.
func (w *wizard) beforeProbe() tea.Cmd {
	u, err := camera.ParseAddress(w.address)
	if err != nil {
		return w.show(newConnectPage(w, err.Error()))
	}
	if u.Scheme == "http" && !w.plainOK {
		return w.show(newPlainHTTPPage(w, ""))
	}
	if (w.resume != nil || w.filedPassword) && !w.pass.IsZero() {
		// session.Open finds the resumed camera itself (it may answer on
		// another address or password by now).
		return w.open()
	}
	return tea.Batch(w.startBusy("connecting to "+w.address), probeCmd(w.ctx, w.cameraOptions(), w.earlierLookup()))
}

func (w *wizard) onProbe(msg probeMsg) tea.Cmd {
	w.stopBusy()
	if is := w.issueOf(msg.err); is.kind != issueNone {
		if w.offerFiledPassword(msg.err, msg.earlier) {
			if !w.pass.IsZero() {
				return w.open()
			}
			return w.show(newPassphrasePage(w, false, ""))
		}
		return w.showIssue(is)
	}
	w.probed(msg.identity, msg.earlier)
	if !w.pass.IsZero() {
		return w.open()
	}
	return w.show(newPassphrasePage(w, false, ""))
}

// issueKind is what a failed connection needs from the installer.
type issueKind int

const (
	issueNone               issueKind = iota // connected
	issueNewCertificate                      // first contact: accept or reject the fingerprint
	issueChangedCertificate                  // refused: both fingerprints are shown
	issuePlainHTTP                           // the camera asks for Basic over plain HTTP: consent
	issueWrongPassphrase                     // resume or an earlier run: the passphrase does not open its secrets file
	issueError                               // anything else: said on the connect screen
)

// connectIssue is the decision after a probe or an open, the one place
// that turns a connection error into what the installer is asked next.
// Both faces (the full-screen pages and the line prompts) render it.
type connectIssue struct {
	kind issueKind
	fe   *camera.FingerprintError
	text string // what to say (redacted)
}

// issueOf decides what a connection error needs. A refused login is also
// counted here (towards the camera's intrusion threshold): call it once
// per error.
func (w *wizard) issueOf(err error) connectIssue {
	var fe *camera.FingerprintError
	switch {
	case err == nil:
		return connectIssue{kind: issueNone}
	case errors.As(err, &fe) && fe.Pinned == "":
		return connectIssue{kind: issueNewCertificate, fe: fe}
	case errors.As(err, &fe):
		return connectIssue{kind: issueChangedCertificate, fe: fe}
	case errors.Is(err, camera.ErrInsecureCredentials):
		return connectIssue{kind: issuePlainHTTP, text: "The camera asks for the password in plain text (Basic authentication) over this HTTP connection."}
	case errors.Is(err, backup.ErrWrongPassphrase) && w.resume != nil:
		return connectIssue{kind: issueWrongPassphrase, text: "This passphrase does not open the interrupted session's secrets file: use the one given then."}
	case errors.Is(err, backup.ErrWrongPassphrase) && w.earlier != nil:
		return connectIssue{kind: issueWrongPassphrase, text: "This passphrase does not open the secrets file of the earlier run: use the one given then."}
	}
	text := secret.Redact(err.Error(), w.pw, w.pass)
	switch {
	case errors.Is(err, camera.ErrUnauthorized):
		w.failedLogins++
		if warn := w.lockoutWarning(); warn != "" {
			text += "\n" + warn
		}
	case errors.Is(err, camera.ErrLockedOut):
		if _, lockout, ok := w.intrusionSettings(); ok {
			text += fmt.Sprintf("\nThe lock-out mxwizard set in step 8 lasts %s: wait that long, then connect again (with the right password: the secrets file holds it).", spokenDuration(lockout))
		}
	}
	return connectIssue{kind: issueError, text: text}
}

// intrusionSettings are the camera's intrusion detection threshold and
// lock-out time as far as this run knows them: set by step 8 in this run
// (or the run it resumed), or read from the camera while connected.
func (w *wizard) intrusionSettings() (threshold int, lockout time.Duration, ok bool) {
	if w.sess != nil {
		snap := w.sess.Snapshot()
		if snap != nil && snap.Value(camera.SecIntrusion, camera.KeyIntrEnable) == "1" {
			t, err1 := strconv.Atoi(snap.Value(camera.SecIntrusion, camera.KeyIntrThreshold))
			l, err2 := strconv.Atoi(snap.Value(camera.SecIntrusion, camera.KeyIntrLockoutTime))
			if err1 == nil && err2 == nil && t > 0 {
				return t, time.Duration(l) * time.Second, true
			}
		}
	}
	for i, st := range w.all {
		if st.Info().ID == "intrusion-detection" && w.outcomes[i].applied && w.prof.Intrusion.Threshold > 0 {
			return w.prof.Intrusion.Threshold, w.prof.Intrusion.Lockout, true
		}
	}
	return 0, 0, false
}

// lockoutWarning is said before a login that could reach the camera's
// intrusion threshold ("" when it is not known or far away).
func (w *wizard) lockoutWarning() string {
	threshold, lockout, ok := w.intrusionSettings()
	if !ok || w.failedLogins == 0 || w.failedLogins+1 < threshold-1 {
		return ""
	}
	left := threshold - w.failedLogins
	if left <= 1 {
		return fmt.Sprintf("Careful: %s so far; the camera blocks this computer at %d (step 8). The next wrong password locks mxwizard out for %s: take the password from the secrets file (mxwizard backup decrypt) before trying again.", failedLoginsText(w.failedLogins), threshold, spokenDuration(lockout))
	}
	return fmt.Sprintf("Careful: %s so far; the camera blocks this computer for %s after %d (step 8): %d more wrong passwords and it does.", failedLoginsText(w.failedLogins), spokenDuration(lockout), threshold, left)
}

func failedLoginsText(n int) string {
	if n == 1 {
		return "1 failed login"
	}
	return strconv.Itoa(n) + " failed logins"
}

// spokenDuration is a duration as a person says it: "10 minutes", "1 hour",
// "90 seconds".
func spokenDuration(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute && d%time.Minute == 0:
		return unit(int64(d/time.Minute), "minute")
	}
	return unit(int64(d.Round(time.Second)/time.Second), "second")
}

// showIssue shows the page an issue needs (the full-screen face).
func (w *wizard) showIssue(is connectIssue) tea.Cmd {
	switch is.kind {
	case issueNewCertificate:
		return w.show(newFingerprintPage(w, is.fe.Camera, is.fe.Received))
	case issueChangedCertificate:
		return w.show(newChangedFingerprintPage(w, is.fe))
	case issuePlainHTTP:
		return w.show(newPlainHTTPPage(w, is.text))
	case issueWrongPassphrase:
		return w.show(newPassphrasePage(w, true, is.text))
	}
	return w.show(newConnectPage(w, is.text))
}

// open opens the session.
func (w *wizard) open() tea.Cmd {
	return tea.Batch(w.startBusy("reading the camera's configuration"),
		openCmd(w.ctx, w.sessionOptions()))
}

func (w *wizard) onOpened(msg openedMsg) tea.Cmd {
	w.stopBusy()
	if is := w.issueOf(msg.err); is.kind != issueNone {
		return w.showIssue(is)
	}
	w.takeSession(msg)
	var listen tea.Cmd
	if !w.listening {
		w.listening, listen = true, listenProgress(w.progressCh)
	}
	if w.recognised() {
		return tea.Batch(listen, w.show(newRecognisedPage(w)))
	}
	if w.sameAnswers && msg.resumed == 0 {
		return tea.Batch(listen, w.show(newSitePlanPage(w)))
	}
	return tea.Batch(listen, w.show(newOverviewPage(w, msg.resumed)))
}

// takeSession takes over an opened session: the steps the session's
// records say were applied or skipped (the earlier run's when resuming)
// and the step to go on with. Both faces call it.
func (w *wizard) takeSession(msg openedMsg) {
	if w.sess != nil && w.sess != msg.sess {
		w.sess.Close() // the session it replaces (new secrets asked for)
	}
	w.sess, w.view, w.identity = msg.sess, msg.view, msg.view.identity
	w.markOutcomes()
	w.unsaved = msg.resumed > 0
	w.current = 0
	if w.resume != nil || msg.resumed > 0 {
		w.current = min(w.firstOpen(), len(w.all)-1)
	}
}

// recordApplied is the one bookkeeping of a step the session applied or
// skipped (both faces): its outcome, whether something now waits for the
// store, the notice for the next page. It reports whether the plan wrote
// to the camera.
func (w *wizard) recordApplied(i int, plan *steps.Plan, msg appliedMsg, reason string) (wrote bool) {
	w.view = msg.view
	if msg.skipped {
		w.outcomes[i] = outcome{skipped: true, reason: strings.TrimSpace(reason)}
		w.notice = fmt.Sprintf("Step %d skipped: %s", i+1, strings.TrimSpace(reason))
		return false
	}
	w.outcomes[i] = outcome{applied: true, recorded: plan.Answer != ""}
	if plan.Empty() {
		word := "recorded"
		if plan.Answer == "" {
			word = "nothing to change"
		}
		w.notice = fmt.Sprintf("Step %d: %s (%s).", i+1, word, msg.after.Status)
		return false
	}
	w.unsaved = true
	return true
}

// recordFinished is the bookkeeping of a finished run (both faces).
func (w *wizard) recordFinished(msg finishedMsg) {
	w.view = msg.view
	if msg.err == nil {
		w.finished, w.failed, w.files, w.unsaved = true, msg.failed, msg.files, false
	}
}

// markOutcomes takes the applied and skipped steps from the session's
// records (the earlier session's when resuming).
func (w *wizard) markOutcomes() {
	for _, r := range w.view.results {
		for i, st := range w.all {
			info := st.Info()
			if (info.ID != "" && info.ID == r.ID) || (info.ID == "" && r.ID == "" && r.Step == i+1) {
				if r.Skipped != "" {
					w.outcomes[i] = outcome{skipped: true, reason: r.Skipped}
				} else {
					w.outcomes[i] = outcome{applied: true, recorded: r.Answer != ""}
				}
			}
		}
	}
}

// menuPage is a page that explains something and offers a few choices.
type menuPage struct {
	w         *wizard
	stageName string
	body      func(width int) string
	m         *menu
	choose    func(id string) tea.Cmd
	back      func() tea.Cmd
}

func (p *menuPage) stage() string { return p.stageName }
func (p *menuPage) init() tea.Cmd { return nil }

func (p *menuPage) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || p.w.busy != "" {
		return nil
	}
	if p.back != nil && key.Matches(k, p.w.keys.Back) {
		return p.back()
	}
	if id := p.m.update(k, p.w.keys); id != "" {
		return p.choose(id)
	}
	return nil
}

func (p *menuPage) view(width, height int) string {
	inter := p.m.view(p.w.st, width)
	if p.w.busy != "" {
		inter = p.w.spinnerLine(width)
	}
	return p.w.layout(p.body(width), inter, width, height)
}

func (p *menuPage) help() []key.Binding {
	h := menuHelp(p.w.keys)
	if p.back != nil {
		h = append(h, p.w.keys.Back)
	}
	return h
}

func (w *wizard) backToConnect() tea.Cmd { return w.show(newConnectPage(w, "")) }

// newFingerprintPage shows a camera's certificate on first contact; it is
// pinned only when the installer accepts it.
func newFingerprintPage(w *wizard, host, fp string) *menuPage {
	st := w.st
	return &menuPage{
		w: w, stageName: "Certificate",
		body: func(width int) string {
			return stack(
				st.Title.Render("First connection to "+host),
				wrap("mxwizard has not seen this camera before. Its HTTPS certificate has this fingerprint (SHA-256):", width),
				st.Emphasis.Render(formatFingerprint(fp)),
				wrap("If you can, compare it with the certificate the camera shows in its web interface. A factory-new camera on a cable straight to this laptop can be accepted as it is.", width),
				wrap("Accepting pins it: from now on mxwizard refuses to talk to anything at "+host+" that presents another certificate (except the one mxwizard installs itself in step 16).", width),
			)
		},
		m: newMenu(
			menuItem{id: "accept", label: "Accept and pin this certificate"},
			menuItem{id: "reject", label: "Reject: do not connect", hint: "Nothing was sent to the camera: the password is sent only after the certificate is accepted."},
		),
		choose: func(id string) tea.Cmd {
			if id != "accept" {
				return w.show(newConnectPage(w, "The certificate was not accepted; nothing was sent to the camera."))
			}
			if err := w.opts.Known.Pin(host, fp); err != nil {
				return w.show(newConnectPage(w, err.Error()))
			}
			return w.beforeProbe()
		},
		back: w.backToConnect,
	}
}

// newChangedFingerprintPage refuses a camera whose certificate is not the
// pinned one. When the certificate received is the one the camera had
// before mxwizard installed its own (a reset to factory defaults brings it
// back), it offers to pin it again; when it only looks like a factory
// certificate, it offers that as a deliberate second choice for a camera
// the installer reset himself; anything else can only be refused.
func newChangedFingerprintPage(w *wizard, fe *camera.FingerprintError) *menuPage {
	st := w.st
	known := "the known-cameras file"
	if p := w.opts.Known.Path(); p != "" {
		known = p
	}
	explain, items := changedCertificateChoice(fe, known)
	return &menuPage{
		w: w, stageName: "Certificate changed",
		body: func(width int) string {
			return stack(
				st.Error.Render(wrap("The camera at "+fe.Camera+" presents another certificate than the one pinned. mxwizard does not connect unless you decide so.", width)),
				st.Label.Render("Pinned (SHA-256):")+"\n"+formatFingerprint(fe.Pinned),
				st.Label.Render("Received (SHA-256):")+"\n"+st.Warn.Render(formatFingerprint(fe.Received)),
				wrap(explain, width),
			)
		},
		m: newMenu(items...),
		choose: func(id string) tea.Cmd {
			if id == "repin" {
				if err := w.opts.Known.Repin(fe.Camera, fe.Pinned, fe.Received); err != nil {
					return w.show(newConnectPage(w, err.Error()))
				}
				return w.beforeProbe()
			}
			return w.backToConnect()
		},
		back: w.backToConnect,
	}
}

// changedCertificateChoice is what a changed certificate allows (both
// faces): the explanation and the choices, the safe one first unless the
// certificate is the camera's earlier one.
func changedCertificateChoice(fe *camera.FingerprintError, known string) (string, []menuItem) {
	back := menuItem{id: "back", label: "Back to the connection screen"}
	switch {
	case fe.Earlier:
		return "The received certificate is the one this camera had before mxwizard installed its own (the known-cameras file remembers it): the camera was reset to factory defaults, which puts its factory certificate back. Nobody can present that certificate without the camera's own key.",
			[]menuItem{{id: "repin", label: "Pin that certificate again and connect", hint: "Step 16 then installs an own certificate again."}, back}
	case fe.Certificate != nil && steps.IsFactoryCertificate(fe.Certificate):
		return "The received certificate looks like a MOBOTIX factory certificate (self-signed, organisation MOBOTIX), as after a reset to factory defaults. But anybody can make one that looks like it, and it is not the certificate this camera had before. Pin it only if you reset this camera yourself and it is on a cable straight to this laptop; otherwise someone may be intercepting the connection: check the network before going on.",
			[]menuItem{back, {id: "repin", label: "I reset this camera myself: pin the new certificate", hint: "Replaces the pin in " + known + "."}}
	}
	return "If you installed a new certificate on this camera yourself, remove its line from " + known + " and connect again. Otherwise someone may be intercepting the connection: check the network before going on.",
		[]menuItem{back}
}

// newPlainHTTPPage asks for explicit consent before anything secret
// travels over plain HTTP.
func newPlainHTTPPage(w *wizard, why string) *menuPage {
	st := w.st
	u, _ := camera.ParseAddress(w.address)
	host := w.host()
	if u != nil {
		host = u.Hostname()
	}
	httpsAddr := "https://" + host
	return &menuPage{
		w: w, stageName: "Plain HTTP",
		body: func(width int) string {
			return stack(
				st.Warn.Render(wrap("This connection is plain HTTP: not encrypted.", width)),
				wrap(strings.TrimSpace(why+" Over plain HTTP the camera password and every new password or key mxwizard sets would cross the network readable by anyone on the path."), width),
				wrap("Use HTTPS if the camera offers it (every MOBOTIX camera does, unless someone switched it off). Continue over plain HTTP only on a direct cable or a network you trust.", width),
			)
		},
		m: newMenu(
			menuItem{id: "https", label: "Use HTTPS instead: " + httpsAddr},
			menuItem{id: "plain", label: "Yes, continue over plain HTTP: this network is trusted"},
			menuItem{id: "back", label: "Back to the connection screen"},
		),
		choose: func(id string) tea.Cmd {
			switch id {
			case "https":
				w.address = httpsAddr
				return w.beforeProbe()
			case "plain":
				w.plainOK = true
				return w.beforeProbe()
			}
			return w.backToConnect()
		},
		back: w.backToConnect,
	}
}

// newResumePage offers to continue an interrupted session.
func newResumePage(w *wizard, found resumeLookupMsg) *menuPage {
	st := w.st
	state := found.State
	done, skipped := 0, 0
	for _, r := range state.Steps {
		if r.Skipped != "" {
			skipped++
		} else {
			done++
		}
	}
	ids := make([]string, len(w.all))
	for i, s := range w.all {
		ids[i] = s.Info().ID
	}
	next := state.NextStep(ids)
	label := "Continue where it stopped"
	if next > 0 {
		label = fmt.Sprintf("Continue at step %d", next)
	}
	return &menuPage{
		w: w, stageName: "Resume",
		body: func(width int) string {
			return stack(
				st.Title.Render("An earlier session of this camera did not finish"),
				wrap(fmt.Sprintf("Camera %s (serial %s), last seen at %s on %s: %s done, %d skipped. Its files are in:",
					state.Camera, state.Serial, state.AddressNow, state.Updated.Local().Format("2006-01-02 15:04"), plural(done, "step"), skipped), width)+
					"\n"+indent(found.Dir, width, 2, ""),
				wrap("Continuing takes up the steps not done yet; mxwizard checks every step again, so nothing is assumed. You need the backup passphrase of that session: passwords mxwizard set then are read from its encrypted secrets file (never kept in plain text) and tried if the camera refuses the one you typed.", width),
			)
		},
		m: newMenu(
			menuItem{id: "continue", label: label},
			menuItem{id: "afresh", label: "Start afresh (the earlier files stay where they are)"},
			menuItem{id: "back", label: "Back to the connection screen"},
		),
		choose: func(id string) tea.Cmd {
			switch id {
			case "continue":
				w.takeResume(found)
				return w.show(newPassphrasePage(w, true, ""))
			case "afresh":
				w.startAfresh(found)
				return w.beforeProbe()
			}
			return w.backToConnect()
		},
		back: w.backToConnect,
	}
}

// plural is "1 step", "2 steps".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// takeResume continues the interrupted session found.
func (w *wizard) takeResume(found resumeLookupMsg) {
	state := found.State
	w.resume, w.outDir = &state, found.Dir
	if state.Camera != "" {
		w.address = state.Camera // session.Open recognises the run by it
	}
	if state.User != "" {
		w.user = state.User
	}
	if state.Answers != nil {
		// The answers given before the interruption: nothing is asked twice.
		*w.prof = *state.Answers
	}
}

// earlierLookup is how the probe looks for a finished earlier run of the
// camera (both faces), with what the wizard knows now: none while an
// interrupted run is continued or the installer chose to start beside
// one; by the camera's serial after a login (so also at another address:
// its secrets file keeps the camera's passwords and keys, and a camera
// reset since is recognised; without --out each run would get a new
// folder and find nothing); by its address after a refused login over
// HTTPS (its pinned certificate proves which camera answers), so that the
// admin password on file can log in instead.
func (w *wizard) earlierLookup() earlierLookup {
	if w.resume != nil || w.afresh {
		return nil
	}
	out, base := w.opts.OutDir, w.opts.BaseDir
	if w.sameAnswers && w.siteDir != "" {
		out = w.siteDir // the next camera of a site: the site's folder
	}
	u, perr := camera.ParseAddress(w.address)
	return func(id camera.Identity, err error) *session.Commissioning {
		var c session.Commissioning
		var ok bool
		switch {
		case err == nil:
			c, ok = session.FindCommissioned(out, base, id.Serial)
		case errors.Is(err, camera.ErrUnauthorized) && perr == nil && u.Scheme == "https":
			c, ok = session.FindCommissionedAt(out, base, u.Hostname())
		}
		if !ok {
			return nil
		}
		return &c
	}
}

// probed takes the identity a probe read and the earlier run it found
// (both faces): that run's folder is where this run goes on.
func (w *wizard) probed(id camera.Identity, earlier *session.Commissioning) {
	w.identity, w.earlier = id, earlier
	if earlier != nil {
		w.outDir = earlier.Dir
	}
}

// offerFiledPassword reports whether the refused login err can be mended
// with the admin password on file of the finished earlier run the probe
// found at this address. It then takes that run's folder; the passphrase
// of that run opens the file and session.Open logs in with it (both
// faces). The next camera of a site keeps the site's passphrase: tried
// first (a wrong one leads to the passphrase page, as for any earlier
// run).
func (w *wizard) offerFiledPassword(err error, earlier *session.Commissioning) bool {
	if !errors.Is(err, camera.ErrUnauthorized) || earlier == nil || w.filedPassword {
		return false
	}
	w.earlier, w.outDir, w.filedPassword = earlier, earlier.Dir, true
	return true
}

// startAfresh starts a new session beside the interrupted one found.
func (w *wizard) startAfresh(found resumeLookupMsg) {
	w.resume, w.afresh = nil, true
	w.outDir = w.newOutDir()
	if w.outDir == found.Dir {
		// Never overwrite the earlier secrets file.
		w.outDir = found.Dir + "-" + w.opts.Now().Format("20060102-1504")
	}
}
