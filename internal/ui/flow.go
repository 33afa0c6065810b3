package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
)

// The way from the connect screen to the overview:
//
//	connect → (interrupted session? resume page → passphrase once)
//	        → (plain HTTP? consent page) → probe
//	        → (first contact? fingerprint page → pin → probe again)
//	        → passphrase (twice) → open the session → overview

// afterConnect runs when the connect form is submitted.
func (w *wizard) afterConnect() tea.Cmd {
	w.resume, w.pass = nil, secret.Secret{}
	if w.opts.NoResume {
		w.outDir = w.newOutDir()
		return w.beforeProbe()
	}
	return tea.Batch(w.startBusy("looking for an interrupted session of this camera"),
		lookupResumeCmd(w.opts.OutDir, w.opts.BaseDir, w.host()))
}

// newOutDir is --out, or a new directory named after the camera and date.
func (w *wizard) newOutDir() string {
	if w.opts.OutDir != "" {
		return w.opts.OutDir
	}
	return defaultOutDir(w.opts.BaseDir, w.host(), w.opts.Now())
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
	if w.resume != nil && !w.pass.IsZero() {
		// session.Open finds the resumed camera itself (it may answer on
		// another address or password by now).
		return w.open()
	}
	return tea.Batch(w.startBusy("connecting to "+w.address), probeCmd(w.ctx, w.cameraOptions()))
}

func (w *wizard) onProbe(msg probeMsg) tea.Cmd {
	w.stopBusy()
	if cmd, ok := w.trustProblem(msg.err); ok {
		return cmd
	}
	if msg.err != nil {
		return w.show(newConnectPage(w, secret.Redact(msg.err.Error(), w.pw)))
	}
	w.identity = msg.identity
	if !w.pass.IsZero() {
		return w.open()
	}
	return w.show(newPassphrasePage(w, false, ""))
}

// trustProblem shows the page for a connection that needs the person's
// decision first: an unknown or changed certificate, or Basic over HTTP.
func (w *wizard) trustProblem(err error) (tea.Cmd, bool) {
	var fe *camera.FingerprintError
	switch {
	case errors.As(err, &fe) && fe.Pinned == "":
		return w.show(newFingerprintPage(w, fe.Camera, fe.Received)), true
	case errors.As(err, &fe):
		return w.show(newChangedFingerprintPage(w, fe)), true
	case errors.Is(err, camera.ErrInsecureCredentials):
		return w.show(newPlainHTTPPage(w, "The camera asks for the password in plain text (Basic authentication) over this HTTP connection.")), true
	}
	return nil, false
}

// open opens the session.
func (w *wizard) open() tea.Cmd {
	return tea.Batch(w.startBusy("reading the camera's configuration"),
		openCmd(w.ctx, w.sessionOptions()))
}

func (w *wizard) onOpened(msg openedMsg) tea.Cmd {
	w.stopBusy()
	if cmd, ok := w.trustProblem(msg.err); ok {
		return cmd
	}
	switch {
	case errors.Is(msg.err, backup.ErrWrongPassphrase) && w.resume != nil:
		return w.show(newPassphrasePage(w, true, "This passphrase does not open the interrupted session's secrets file: use the one given then."))
	case msg.err != nil:
		return w.show(newConnectPage(w, secret.Redact(msg.err.Error(), w.pw, w.pass)))
	}
	w.sess, w.view, w.identity = msg.sess, msg.view, msg.view.identity
	w.markOutcomes()
	w.unsaved = msg.resumed > 0
	w.current = 0
	if w.resume != nil {
		w.current = min(w.firstOpen(), len(w.all)-1)
	}
	return tea.Batch(listenProgress(w.progressCh), w.show(newOverviewPage(w, msg.resumed)))
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
// pinned one.
func newChangedFingerprintPage(w *wizard, fe *camera.FingerprintError) *menuPage {
	st := w.st
	known := "the known-cameras file"
	if p := w.opts.Known.Path(); p != "" {
		known = p
	}
	return &menuPage{
		w: w, stageName: "Certificate changed",
		body: func(width int) string {
			return stack(
				st.Error.Render(wrap("The camera at "+fe.Camera+" presents another certificate than the one pinned. mxwizard refuses to connect.", width)),
				st.Label.Render("Pinned (SHA-256):")+"\n"+formatFingerprint(fe.Pinned),
				st.Label.Render("Received (SHA-256):")+"\n"+st.Warn.Render(formatFingerprint(fe.Received)),
				wrap("If you installed a new certificate on this camera yourself (or reset it to factory defaults), remove its line from "+known+" and connect again. Otherwise someone may be intercepting the connection: check the network before going on.", width),
			)
		},
		m:      newMenu(menuItem{id: "back", label: "Back to the connection screen"}),
		choose: func(string) tea.Cmd { return w.backToConnect() },
		back:   w.backToConnect,
	}
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
	state := found.state
	done, skipped := 0, 0
	for _, r := range state.Steps {
		if r.Skipped != "" {
			skipped++
		} else {
			done++
		}
	}
	next := 0
	for i, s := range w.all {
		if !stateHas(state, s.Info().ID, i+1) {
			next = i + 1
			break
		}
	}
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
					"\n"+indent(found.dir, width, 2, ""),
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

// stateHas reports whether an earlier session's state records a step.
func stateHas(st session.State, id string, number int) bool {
	for _, r := range st.Steps {
		if (id != "" && r.ID == id) || (id == "" && r.Step == number) {
			return true
		}
	}
	return false
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
	state := found.state
	w.resume, w.outDir = &state, found.dir
	if state.Camera != "" {
		w.address = state.Camera // session.Open recognises the run by it
	}
	if state.User != "" {
		w.user = state.User
	}
}

// startAfresh starts a new session beside the interrupted one found.
func (w *wizard) startAfresh(found resumeLookupMsg) {
	w.resume = nil
	w.outDir = w.newOutDir()
	if w.outDir == found.dir {
		// Never overwrite the earlier secrets file.
		w.outDir = found.dir + "-" + w.opts.Now().Format("20060102-1504")
	}
}
