package ui

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/discover"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// A site in the wizard: "search this network" on the connect screen lists
// the cameras discover finds (no login), and after the summary "harden
// another camera with the same answers" connects to the next camera and
// shows its whole plan, from the same answers with its own secrets in its
// own secrets file, for one confirmation.

// searchMsg is the result of a search of the network.
type searchMsg struct {
	searched []string
	found    []discover.Camera
	err      error
}

// searchTargets are the ranges and ports a search covers: Options.Search
// (the demo's own camera), else this computer's IPv4 networks on the
// factory ports.
func (w *wizard) searchTargets() ([]discover.Range, []int, error) {
	if len(w.opts.SearchRanges) > 0 {
		return w.opts.SearchRanges, w.opts.SearchPorts, nil
	}
	nets, err := discover.LocalNetworks()
	if err != nil {
		return nil, nil, err
	}
	for _, r := range nets {
		if err := discover.CheckSize(r, false); err != nil {
			return nil, nil, fmt.Errorf("this computer's network %w (mxwizard discover --force RANGE searches it from the command line)", err)
		}
	}
	return nets, w.opts.SearchPorts, nil
}

// searchNetwork finds what "search this network" covers and searches it
// (a command: listing the interfaces and probing stay off the UI
// goroutine; it reads only the wizard's options).
func searchNetwork(ctx context.Context, w *wizard) searchMsg {
	ranges, ports, err := w.searchTargets()
	if err == nil && len(ranges) == 0 {
		err = errors.New("this computer has no IPv4 network to search: connect it to the cameras' network, or type the address")
	}
	if err != nil {
		return searchMsg{err: err}
	}
	msg := searchMsg{}
	for _, r := range ranges {
		msg.searched = append(msg.searched, r.Text)
	}
	msg.found, msg.err = discover.Search(ctx, ranges, discover.Options{Ports: ports}, nil)
	discover.ComparePins(msg.found, w.opts.Known)
	return msg
}

// search starts a search of the network.
func (w *wizard) search() tea.Cmd {
	ctx := w.ctx
	return tea.Batch(w.startBusy("searching this computer's networks for MOBOTIX cameras, without logging in"),
		func() tea.Msg { return searchNetwork(ctx, w) })
}

// foundLabel is one found camera as a choice.
func foundLabel(c discover.Camera) string {
	var what string
	switch {
	case c.LoginRequired:
		what = "asks for a login (public access off)"
	default:
		what = strings.TrimSpace(c.Model + " serial " + c.Serial)
	}
	switch {
	case c.Certificate == "":
		what += ", plain HTTP"
	case c.FactoryCertificate:
		what += ", factory certificate"
	default:
		what += ", own certificate"
	}
	switch c.Pin {
	case discover.PinSame:
		what += " (pinned here)"
	case discover.PinEarlier:
		what += " (its certificate before mxwizard's: reset?)"
	case discover.PinChanged:
		what += " (NOT the certificate pinned here)"
	}
	return c.Address + "  " + what
}

// newSearchPage lists the cameras a search found; choosing one fills in the
// connect screen.
func newSearchPage(w *wizard, msg searchMsg) *menuPage {
	st := w.st
	var items []menuItem
	for i, c := range msg.found {
		items = append(items, menuItem{id: fmt.Sprint(i), label: foundLabel(c)})
	}
	if len(msg.found) == 0 {
		items = append(items, menuItem{id: "type", label: "Back: type the address"})
	} else {
		items = append(items, menuItem{id: "type", label: "None of these: type the address"})
	}
	return &menuPage{
		w: w, stageName: "Search",
		body: func(width int) string {
			head := "Nothing was searched."
			if len(msg.searched) > 0 {
				head = fmt.Sprintf("Searched %s without logging in (no password was sent).", strings.Join(msg.searched, ", "))
			}
			var parts []string
			switch {
			case msg.err != nil && len(msg.searched) == 0:
				parts = append(parts, st.Error.Render(wrap(msg.err.Error(), width)))
			case msg.err != nil:
				parts = append(parts, st.Error.Render(wrap("The search stopped: "+msg.err.Error(), width)))
			case len(msg.found) == 0:
				parts = append(parts, st.Warn.Render("No MOBOTIX camera answered."))
			default:
				parts = append(parts, wrap(fmt.Sprintf("%d MOBOTIX %s found. Choose the one to harden:", len(msg.found), map[bool]string{true: "camera", false: "cameras"}[len(msg.found) == 1]), width))
			}
			parts = append(parts, wrap("Not found? A factory-new camera answers on the 10.x.x.x address printed on its label (network 10.0.0.0/8): give this computer an extra address in that network and search again, or type the label's address.", width))
			return stack(wrap(head, width), stack(parts...))
		},
		m: newMenu(items...),
		choose: func(id string) tea.Cmd {
			var i int
			if _, err := fmt.Sscan(id, &i); err == nil && i < len(msg.found) {
				w.address = msg.found[i].Address
			}
			return w.show(newConnectPage(w, ""))
		},
		back: w.backToConnect,
	}
}

// nextCamera starts on the next camera of a site with the same answers:
// the connection, the session and what was done are forgotten, the
// answers (the profile), the user, the factory password offered and the
// backup passphrase are kept.
func (w *wizard) nextCamera() tea.Cmd {
	w.forgetCamera()
	return w.show(newConnectPage(w, ""))
}

// forgetCamera is nextCamera's bookkeeping, for both faces.
func (w *wizard) forgetCamera() {
	if w.sess != nil {
		w.sess.Close()
	}
	w.sess, w.view, w.identity, w.resume = nil, sessionView{}, camera.Identity{}, nil
	w.address, w.pw, w.outDir = "", w.opts.Password, ""
	w.outcomes = make([]outcome, len(w.all))
	w.current, w.unsaved, w.finished, w.failed, w.files, w.notice = 0, false, false, false, session.Files{}, ""
	w.recognisedDone, w.newSecrets = false, false
	w.earlier, w.afresh, w.filedPassword = nil, false, false
	w.sameAnswers = true
	w.hardened++
	w.siteDir = w.opts.OutDir
}

// sitePlanMsg is the whole plan of a camera of a site.
type sitePlanMsg struct {
	plans []*steps.Plan
	err   error
}

func planAllCmd(s *session.Session) tea.Cmd {
	return func() tea.Msg {
		plans, err := s.PlanAll()
		return sitePlanMsg{plans: plans, err: err}
	}
}

// applyAll applies a camera's whole plan and finishes the run.
func applyAll(ctx context.Context, s *session.Session) finishedMsg {
	if err := s.ApplyAll(ctx); err != nil {
		return finishedMsg{view: sessionOf(s), err: err}
	}
	return finishRun(ctx, s)
}

func applyAllCmd(ctx context.Context, s *session.Session) tea.Cmd {
	return func() tea.Msg { return applyAll(ctx, s) }
}

// sitePlanPage shows a camera's whole plan from the answers given for the
// first camera; "Apply" is offered once the whole plan has been on screen.
type sitePlanPage struct {
	w     *wizard
	plans []*steps.Plan
	err   error
	m     *menu
	ready bool
}

func newSitePlanPage(w *wizard) *sitePlanPage { return &sitePlanPage{w: w} }

func (p *sitePlanPage) stage() string { return "Plan" }

func (p *sitePlanPage) init() tea.Cmd {
	return tea.Batch(p.w.startBusy("planning every step for this camera"), planAllCmd(p.w.sess))
}

func (p *sitePlanPage) menu() *menu {
	items := []menuItem{}
	if p.err == nil && p.w.root.sawEnd {
		items = append(items, menuItem{id: "apply", label: "Apply the whole plan to this camera", hint: "Its secrets are saved, encrypted, in its own secrets file before the first write."})
	}
	items = append(items,
		menuItem{id: "steps", label: "Go through the steps one by one instead"},
		menuItem{id: "quit", label: "Quit without changing this camera"},
	)
	return newMenu(items...)
}

func (p *sitePlanPage) update(msg tea.Msg) tea.Cmd {
	w := p.w
	switch msg := msg.(type) {
	case sitePlanMsg:
		w.stopBusy()
		p.plans, p.err, p.ready = msg.plans, msg.err, true
		// What was on screen so far was the wait, not the plan.
		w.root.scroll, w.root.sawEnd = 0, false
		p.m = p.menu()
		return nil
	case finishedMsg:
		w.stopBusy()
		w.recordFinished(msg)
		w.markOutcomes()
		if msg.err != nil {
			p.err = msg.err
			p.m = p.menu()
			return nil
		}
		return w.show(newSummaryPage(w))
	case tea.KeyPressMsg:
		if !p.ready || w.busy != "" {
			return nil
		}
		if key.Matches(msg, w.keys.Back) {
			return w.show(newOverviewPage(w, 0))
		}
		switch p.m.update(msg, w.keys) {
		case "apply":
			w.unsaved = true
			return tea.Batch(w.startBusy("applying the plan, storing, rebooting and verifying"), applyAllCmd(w.ctx, w.sess))
		case "steps":
			return w.show(newOverviewPage(w, 0))
		case "quit":
			return w.root.finish()
		}
	}
	return nil
}

// sitePlanText is a camera's whole plan as the installer reads it (both
// faces): the camera, what "the same answers" means, a refusal, then every
// step that changes or records something.
func (w *wizard) sitePlanText(plans []*steps.Plan, err error, width int) string {
	st := w.st
	id := w.identity
	parts := []string{
		st.Title.Render(wrap(fmt.Sprintf("Camera %d of the site: %s, serial %s", w.hardened+1, id.Model, id.Serial), width)),
		wrap("The same answers as for the camera before. Its passwords and keys are its own, generated now; they are saved, encrypted, in its own secrets file before the first write (mxwizard backup decrypt shows them).", width),
	}
	if err != nil {
		parts = append(parts, st.Error.Render(wrap(secret.Redact(err.Error(), w.pw, w.pass), width)))
	}
	var nothing []string
	for _, pl := range plans {
		lines := pl.Lines()
		if len(lines) == 0 && len(pl.Notes) == 0 && pl.Answer == "" {
			nothing = append(nothing, fmt.Sprint(pl.Step.Number))
			continue
		}
		block := []string{st.Label.Render(wrap(fmt.Sprintf("Step %d: %s", pl.Step.Number, pl.Step.Title), width))}
		for _, l := range lines {
			block = append(block, indent(l, width, 2, "  "))
		}
		if pl.Answer != "" {
			block = append(block, indent("recorded: "+pl.Answer, width, 2, "  "))
		}
		for _, n := range pl.Notes {
			block = append(block, st.Subtle.Render(indent("note: "+n, width, 2, "  ")))
		}
		parts = append(parts, strings.Join(block, "\n"))
	}
	if len(nothing) > 0 {
		parts = append(parts, wrap("Nothing to change in steps "+strings.Join(nothing, ", ")+".", width))
	}
	return stack(parts...)
}

func (p *sitePlanPage) view(width, height int) string {
	w := p.w
	st := w.st
	if !p.ready {
		return w.layout(wrap("Connected to "+w.view.address+".", width), w.spinnerLine(width), width, height)
	}
	body := w.sitePlanText(p.plans, p.err, width)
	inter := ""
	if w.busy != "" {
		inter = w.spinnerLine(width)
	} else {
		out := w.layout(body, p.m.view(st, width), width, height)
		if w.root.sawEnd && p.err == nil && p.m.items[0].id != "apply" {
			// Seen to the end just now: offer Apply from the next frame on.
			p.m = p.menu()
			out = w.layout(body, p.m.view(st, width), width, height)
		}
		return out
	}
	return w.layout(body, inter, width, height)
}

func (p *sitePlanPage) help() []key.Binding {
	h := append(menuHelp(p.w.keys), p.w.keys.PageDown, p.w.keys.Back)
	return h
}

// reconnectedMsg is the end of a reconnect after the camera refused the
// session (power cut, lost changes).
type reconnectedMsg struct {
	res  session.Reconnected
	view sessionView
	err  error
}

func reconnect(ctx context.Context, s *session.Session) reconnectedMsg {
	r, err := s.Reconnect(ctx)
	return reconnectedMsg{res: r, view: sessionOf(s), err: err}
}

func reconnectCmd(ctx context.Context, s *session.Session) tea.Cmd {
	return func() tea.Msg { return reconnect(ctx, s) }
}

// canReconnect reports whether err is what a camera that lost power (or
// the changes not stored) gives: a refused login or no answer.
func canReconnect(err error) bool {
	return errors.Is(err, camera.ErrUnauthorized) || errors.Is(err, camera.ErrUnreachable)
}

// reconnectItem is the menu choice a refused session offers.
var reconnectItem = menuItem{id: "reconnect", label: "Reconnect", hint: "The camera may have lost power and with it the changes not stored: mxwizard tries the passwords it knows (the current one, the one on file, the one given, the factory one) and checks every step again."}

// takeReconnect is the bookkeeping of a reconnect (both faces): the fresh
// check is the view, the steps the camera lost are to do again, and the
// notice says so.
func (w *wizard) takeReconnect(msg reconnectedMsg) {
	w.view = msg.view
	w.outcomes = make([]outcome, len(w.all))
	w.markOutcomes()
	w.notice = "Reconnected with " + msg.res.With + "; every step was checked again."
	if len(msg.res.Lost) > 0 {
		var nums []string
		for _, n := range msg.res.Lost {
			nums = append(nums, strconv.Itoa(n))
		}
		w.notice += fmt.Sprintf(" The camera lost what %s %s set (not stored yet when it lost power): do %s again.",
			map[bool]string{true: "step", false: "steps"}[len(nums) == 1], strings.Join(nums, ", "), map[bool]string{true: "it", false: "them"}[len(nums) == 1])
		w.current = msg.res.Lost[0] - 1
	}
	w.unsaved = len(w.view.results) > 0
}
