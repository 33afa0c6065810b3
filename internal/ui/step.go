package ui

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

type stepPhase int

const (
	phaseQuestions stepPhase = iota // the step's questions (huh form)
	phaseSecret                     // a new password or key
	phasePlanning                   // waiting for the plan
	phasePlan                       // the plan, to confirm
	phaseRefused                    // a guard (or the profile) refused the plan
	phaseSkip                       // asking why the step is skipped
	phaseApplying                   // applying or recording the skip
	phaseResult                     // the finding after the change
	phaseFailed                     // applying failed
)

// stepPage takes the installer through one step: what it is and why, what
// the check found, the questions, the exact plan, apply, and the result.
// Skip (with a reason for the report) and back are always possible.
type stepPage struct {
	w    *wizard
	idx  int
	step steps.Step
	info steps.Info

	phase    stepPhase
	answers  []*answer
	secretQs []steps.Question
	qs       []steps.Question
	entry    *secretEntry
	secretAt int
	pending  map[steps.SecretName]secret.Secret // typed or generated, not yet applied
	typed    map[steps.SecretName]bool          // pending secrets the installer typed
	shown    map[steps.SecretName]bool          // pending secrets already shown once

	form          *huh.Form
	formID, formW int
	formErr       string

	planSeq int
	plan    *steps.Plan
	planErr error
	m       *menu

	reason     string
	reasonID   int
	skipping   bool
	notice     string        // what happened to the step before
	before     steps.Finding // the check when the page opened
	after      steps.Finding
	reveal     []revealed
	applyErr   error
	recheckErr error // the last "check again" that could not run
}

// revealed is a generated secret shown once after it was set.
type revealed struct{ name, value string }

func newStepPage(w *wizard, idx int) *stepPage {
	st := w.all[idx]
	return &stepPage{
		w: w, idx: idx, step: st, info: st.Info(),
		pending: map[steps.SecretName]secret.Secret{}, typed: map[steps.SecretName]bool{}, shown: map[steps.SecretName]bool{},
	}
}

func (p *stepPage) stage() string {
	return fmt.Sprintf("Step %d of %d", p.idx+1, len(p.w.all))
}

func (p *stepPage) init() tea.Cmd {
	w := p.w
	w.current = p.idx
	p.notice, w.notice = w.notice, ""
	p.before = w.finding(p.idx)
	p.qs = steps.Questions(p.info.ID, w.sess.Snapshot(), w.prof)
	p.answers, p.secretQs = nil, nil
	for _, q := range p.qs {
		if q.Kind == steps.AskSecret {
			p.secretQs = append(p.secretQs, q)
		} else {
			p.answers = append(p.answers, newAnswer(q))
		}
	}
	return p.startQuestions()
}

// startQuestions opens the question form, or moves on when there is none.
func (p *stepPage) startQuestions() tea.Cmd {
	if len(p.answers) == 0 {
		return p.startSecrets()
	}
	p.phase = phaseQuestions
	w := p.w
	groups := questionGroups(p.answers, func() *profile.Profile { return w.prof }, w.identity.Serial, w.formWidth())
	p.formW = w.formWidth()
	p.form, p.formID = w.newForm(groups...)
	return p.form.Init()
}

// startSecrets asks the step's secret questions that apply.
func (p *stepPage) startSecrets() tea.Cmd {
	p.secretAt = -1
	return p.nextSecret()
}

func (p *stepPage) nextSecret() tea.Cmd {
	for p.secretAt++; p.secretAt < len(p.secretQs); p.secretAt++ {
		q := p.secretQs[p.secretAt]
		if q.When == nil || q.When(p.w.prof) {
			p.phase = phaseSecret
			p.entry = newSecretEntry(p.w, q)
			return nil
		}
	}
	return p.requestPlan()
}

func (p *stepPage) requestPlan() tea.Cmd {
	w := p.w
	p.phase = phasePlanning
	p.planSeq++
	pending := map[steps.SecretName]secret.Secret{}
	for k, v := range p.pending {
		pending[k] = v
	}
	return tea.Batch(w.startBusy(fmt.Sprintf("planning step %d", p.idx+1)),
		planCmd(w.sess, p.step, p.idx, p.planSeq, pending))
}

func (p *stepPage) update(msg tea.Msg) tea.Cmd {
	w := p.w
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if p.phase == phaseQuestions && p.formW != w.formWidth() {
			return p.startQuestions() // texts wrap at the new width; the answers stay
		}
		if p.form != nil {
			p.form = w.sizeForm(p.form)
		}
		if p.entry != nil && p.entry.form != nil {
			p.entry.form = w.sizeForm(p.entry.form)
		}
		return nil
	case planMsg:
		if msg.seq != p.planSeq || msg.index != p.idx {
			return nil
		}
		w.stopBusy()
		p.plan, p.planErr = msg.plan, msg.err
		if msg.err != nil {
			p.phase = phaseRefused
			p.m = p.refusedMenu()
			return nil
		}
		p.phase = phasePlan
		// The screen so far showed the wait, not this plan.
		w.root.scroll, w.root.sawEnd = 0, false
		p.m = p.planMenu()
		return nil
	case recheckedMsg:
		if msg.index != p.idx {
			return nil
		}
		return p.onRechecked(msg)
	case appliedMsg:
		if msg.index != p.idx {
			return nil
		}
		return p.onApplied(msg)
	case reconnectedMsg:
		w.stopBusy()
		if msg.err != nil {
			p.applyErr = msg.err
			return nil
		}
		w.takeReconnect(msg)
		// The overview shows the fresh check of every step and goes on
		// at the first one the camera lost.
		return w.show(newOverviewPage(w, 0))
	case formDoneMsg:
		switch {
		case p.phase == phaseQuestions && msg.id == p.formID:
			if err := applyAnswers(p.answers, w.prof, w.identity.Serial); err != nil {
				p.formErr = err.Error()
				return p.startQuestions()
			}
			p.formErr = ""
			return p.startSecrets()
		case p.phase == phaseSkip && msg.id == p.reasonID:
			if strings.TrimSpace(p.reason) == "" {
				return p.startSkip()
			}
			p.phase, p.skipping = phaseApplying, true
			return tea.Batch(w.startBusy(fmt.Sprintf("recording that step %d is skipped", p.idx+1)),
				applyCmd(w.ctx, w.sess, p.step, p.idx, nil, strings.TrimSpace(p.reason)))
		case p.phase == phaseSecret:
			return p.updateEntry(msg)
		}
		return nil
	case tea.KeyPressMsg:
		if cmd, ok := p.handleKey(msg); ok {
			return cmd
		}
	}
	switch p.phase {
	case phaseQuestions, phaseSkip:
		var cmd tea.Cmd
		p.form, cmd = updateForm(p.form, msg)
		return cmd
	case phaseSecret:
		return p.updateEntry(msg)
	}
	return nil
}

// handleKey takes the keys the step itself reacts to; ok is false when the
// key belongs to the form or entry.
func (p *stepPage) handleKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	w := p.w
	k := w.keys
	switch {
	case key.Matches(msg, k.Skip) && p.phase != phaseApplying && p.phase != phaseResult && p.phase != phaseSkip:
		return p.startSkip(), true
	case key.Matches(msg, k.Back):
		if p.phase == phaseQuestions && formFiltering(p.form) {
			return nil, false
		}
		return p.back(), true
	}
	switch p.phase {
	case phasePlan, phaseRefused, phaseFailed:
		switch p.m.update(msg, k) {
		case "apply":
			p.phase = phaseApplying
			return tea.Batch(w.startBusy(fmt.Sprintf("applying step %d", p.idx+1)),
				applyCmd(w.ctx, w.sess, p.step, p.idx, p.plan, "")), true
		case "more":
			w.root.scroll += max(1, w.root.bodyHeight()/2)
			return nil, true
		case "reconnect":
			return tea.Batch(w.startBusy("reconnecting to the camera"), reconnectCmd(w.ctx, w.sess)), true
		case "retry":
			return p.requestPlan(), true
		case "answers":
			return p.startQuestions(), true
		case "skip":
			return p.startSkip(), true
		case "prev":
			return p.previous(), true
		}
		return nil, true
	case phaseResult:
		switch {
		case key.Matches(msg, k.Enter):
			return p.next(), true
		case p.after.Status == steps.Unsupported && msg.String() == "c":
			p.recheckErr = nil
			return tea.Batch(w.startBusy(fmt.Sprintf("checking step %d again", p.idx+1)),
				recheckCmd(w.ctx, w.sess, p.step, p.idx)), true
		}
		return nil, true
	}
	return nil, false
}

// onRechecked shows what a step's effect is after the installer set it in
// the web interface.
func (p *stepPage) onRechecked(msg recheckedMsg) tea.Cmd {
	p.w.stopBusy()
	p.w.view = msg.view
	if msg.err != nil {
		p.recheckErr = msg.err
		return nil
	}
	p.after = msg.after
	return nil
}

func formFiltering(f *huh.Form) bool {
	if f == nil {
		return false
	}
	if ff, ok := f.GetFocusedField().(interface{ GetFiltering() bool }); ok {
		return ff.GetFiltering()
	}
	return false
}

func (p *stepPage) updateEntry(msg tea.Msg) tea.Cmd {
	cmd := p.entry.update(msg)
	if p.entry.done() {
		name := p.entry.q.SecretName
		p.pending[name] = p.entry.value
		p.typed[name] = !p.entry.generated && !p.entry.kept
		p.shown[name] = p.entry.generated || p.entry.kept // a kept value is not shown again
		return tea.Batch(cmd, p.nextSecret())
	}
	return cmd
}

// back goes one level up: from the plan to the answers, from the answers
// to the previous step (the overview before step 1).
func (p *stepPage) back() tea.Cmd {
	switch p.phase {
	case phaseSkip:
		return p.startQuestions()
	case phaseSecret, phasePlan, phaseRefused, phaseFailed:
		if len(p.answers) > 0 {
			return p.startQuestions()
		}
		if p.phase != phaseSecret && len(p.secretQs) > 0 && len(p.pending) > 0 {
			p.pending = map[steps.SecretName]secret.Secret{}
			return p.startSecrets()
		}
	case phaseApplying, phasePlanning, phaseResult:
		return nil
	}
	return p.previous()
}

// previous opens the step before (the overview before step 1).
func (p *stepPage) previous() tea.Cmd {
	w := p.w
	if p.idx == 0 {
		return w.show(newOverviewPage(w, 0))
	}
	return w.show(newStepPage(w, p.idx-1))
}

// next goes to the following step, or to the finish when this was the last.
func (p *stepPage) next() tea.Cmd {
	w := p.w
	if p.idx+1 >= len(w.all) {
		w.current = len(w.all)
		return w.show(newFinishPage(w))
	}
	return w.show(newStepPage(w, p.idx+1))
}

func (p *stepPage) startSkip() tea.Cmd {
	p.phase = phaseSkip
	p.form, p.reasonID = p.w.newForm(huh.NewGroup(
		huh.NewInput().Title("Why is this step skipped?").
			Description(p.w.fieldText("One line for the handover report, e.g. \"done by the network team\" or \"customer decision\". esc goes back.")).
			Value(&p.reason),
	))
	return p.form.Init()
}

func (p *stepPage) onApplied(msg appliedMsg) tea.Cmd {
	w := p.w
	w.stopBusy()
	p.skipping = false
	if msg.err != nil {
		w.view = msg.view
		p.applyErr = msg.err
		p.phase = phaseFailed
		items := []menuItem{}
		if canReconnect(msg.err) {
			items = append(items, reconnectItem)
		}
		items = append(items,
			menuItem{id: "retry", label: "Plan again"},
			menuItem{id: "skip", label: "Skip this step (give a reason)"},
			p.prevItem(),
		)
		p.m = newMenu(items...)
		return nil
	}
	if !p.takeApplied(msg) {
		return p.next() // skipped, or nothing was written: no need to stop for a result
	}
	p.phase = phaseResult
	return nil
}

// takeApplied records a step the session applied or skipped (both faces)
// and collects the generated secrets to show once. It reports whether the
// plan wrote to the camera (then the result is shown).
func (p *stepPage) takeApplied(msg appliedMsg) bool {
	if !p.w.recordApplied(p.idx, p.plan, msg, p.reason) {
		return false
	}
	p.after = msg.after
	p.reveal = nil
	for _, n := range p.unshownSecrets() {
		p.reveal = append(p.reveal, revealed{name: n.Label(), value: p.plan.Secrets[n].Reveal()})
	}
	return true
}

// unshownSecrets are the secrets of the applied plan the installer has
// neither typed nor seen (generated by the plan itself): they are shown
// once now, sorted by name.
func (p *stepPage) unshownSecrets() []steps.SecretName {
	var names []steps.SecretName
	for name := range p.plan.Secrets {
		if !p.typed[name] && !p.shown[name] && name.ShownOnce() {
			names = append(names, name)
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i] < names[j] })
	return names
}

func (p *stepPage) planMenu() *menu {
	var items []menuItem
	switch {
	case !p.plan.Empty() && !p.w.root.sawEnd:
		// Apply is chosen only once the whole plan has been on screen.
		items = append(items, menuItem{id: "more", label: "Read the rest of the plan (pgdn) before applying"})
	case !p.plan.Empty():
		items = append(items, menuItem{id: "apply", label: "Apply these changes"})
	case p.plan.Answer != "":
		items = append(items, menuItem{id: "apply", label: "Record the answer and continue"})
	default:
		items = append(items, menuItem{id: "apply", label: "Continue (nothing to change)"})
	}
	if len(p.answers) > 0 {
		items = append(items, menuItem{id: "answers", label: "Change the answers"})
	}
	items = append(items,
		menuItem{id: "skip", label: "Skip this step (give a reason)"},
		p.prevItem(),
	)
	return newMenu(items...)
}

// prevItem goes to the previous step (the overview before step 1).
func (p *stepPage) prevItem() menuItem {
	if p.idx == 0 {
		return menuItem{id: "prev", label: "Back to the overview"}
	}
	return menuItem{id: "prev", label: fmt.Sprintf("Back to step %d", p.idx)}
}

func (p *stepPage) refusedMenu() *menu {
	var items []menuItem
	if len(p.answers) > 0 {
		items = append(items, menuItem{id: "answers", label: "Change the answers"})
	}
	items = append(items,
		menuItem{id: "retry", label: "Plan again"},
		menuItem{id: "skip", label: "Skip this step (give a reason)"},
		p.prevItem(),
	)
	return newMenu(items...)
}

func (p *stepPage) view(width, height int) string {
	w := p.w
	st := w.st
	head := p.headView(width)
	switch p.phase {
	case phaseQuestions:
		errText := ""
		if p.formErr != "" {
			errText = st.Error.Render(wrap(p.formErr, width))
		}
		return w.layout(head, stack(errText, p.form.View()), width, height)
	case phaseSkip:
		return w.layout(head, p.form.View(), width, height)
	case phaseSecret:
		return w.layout(head, p.entry.view(width), width, height)
	case phasePlanning, phaseApplying:
		ctx := head
		if p.phase == phaseApplying && p.plan != nil && !p.skipping {
			ctx = stack(head, p.planView(width))
		}
		return w.layout(ctx, w.spinnerLine(width), width, height)
	case phasePlan:
		out := w.layout(stack(head, p.planView(width)), p.m.view(st, width), width, height)
		if w.root.sawEnd && len(p.m.items) > 0 && p.m.items[0].id == "more" {
			// The end of the plan is on screen now: Apply can be chosen.
			p.m = p.planMenu()
			out = w.layout(stack(head, p.planView(width)), p.m.view(st, width), width, height)
		}
		return out
	case phaseRefused:
		return w.layout(stack(head, p.refusedView(width)), p.m.view(st, width), width, height)
	case phaseFailed:
		failed := stack(st.Error.Render(wrap("Applying failed: nothing more was written.", width)),
			wrap(secret.Redact(p.applyErr.Error(), w.pw, w.pass), width))
		return w.layout(stack(head, failed), p.m.view(st, width), width, height)
	case phaseResult:
		// A secret shown once is part of what always stays on screen.
		inter := stack(p.revealBox(width), st.Emphasis.Render(p.nextLabel()))
		if p.after.Status == steps.Unsupported {
			inter = stack(wrap("c: check again, once it is set in the camera's web interface", width), inter)
		}
		if p.recheckErr != nil {
			inter = stack(st.Error.Render(wrap("Checking again failed: "+secret.Redact(p.recheckErr.Error(), w.pw, w.pass), width)), inter)
		}
		if w.busy != "" {
			inter = w.spinnerLine(width)
		}
		return w.layout(stack(head, p.resultView(width)), inter, width, height)
	}
	return head
}

func (p *stepPage) nextLabel() string {
	if p.idx+1 >= len(p.w.all) {
		return "enter: on to the checklists and finish"
	}
	return fmt.Sprintf("enter: on to step %d", p.idx+2)
}

// headView is the step's title, menu path, why, and what the check found.
func (p *stepPage) headView(width int) string {
	w := p.w
	st := w.st
	info := p.info
	title := info.Title
	if title == "" {
		title = "(this step is not described yet)"
	}
	f := w.finding(p.idx)
	lines := []string{
		st.Title.Render(wrap(fmt.Sprintf("Step %d of %d · %s", p.idx+1, len(w.all), title), width)),
		indent(info.MenuPath, width, 8, st.Label.Render("Menu:")),
		indent(info.Why, width, 8, st.Label.Render("Why:")),
	}
	if p.phase == phaseResult {
		lines = append(lines, indent(st.statusWord(p.before.Status)+" "+p.before.Detail, width, 8, st.Label.Render("Before:")))
	} else {
		lines = append(lines, indent(st.statusWord(f.Status)+" "+f.Detail, width, 8, st.Label.Render("Found:")))
	}
	if o := w.outcomes[p.idx]; o.skipped {
		lines = append(lines, st.Skipped.Render(wrap("Skipped earlier: "+o.reason, width)))
	} else if o.applied && p.phase != phaseResult {
		lines = append(lines, st.Subtle.Render(wrap("Done earlier in this run; the check above is fresh.", width)))
	}
	if p.notice != "" {
		lines = append([]string{st.Subtle.Render(wrap(p.notice, width))}, lines...)
	}
	return strings.Join(lines, "\n")
}

// planView shows exactly what will be written (secrets masked by the plan
// itself) and the notes.
func (p *stepPage) planView(width int) string {
	st := p.w.st
	pl := p.plan
	var parts []string
	lines := pl.Lines()
	switch {
	case len(lines) > 0:
		var b []string
		for _, l := range lines {
			b = append(b, indent(l, width, 4, "  • "))
		}
		parts = append(parts, st.Label.Render("Plan: exactly this will be written to the camera")+"\n"+strings.Join(b, "\n"))
	case pl.Answer != "":
		parts = append(parts, st.Label.Render("Plan: nothing is written to the camera; the report records")+"\n"+indent(pl.Answer, width, 4, "  • "))
	default:
		parts = append(parts, st.Label.Render("Plan: nothing to change on the camera."))
	}
	if len(pl.Notes) > 0 {
		var b []string
		for _, n := range pl.Notes {
			b = append(b, indent(n, width, 4, "  • "))
		}
		parts = append(parts, st.Label.Render("Notes")+"\n"+strings.Join(b, "\n"))
	}
	return stack(parts...)
}

// refusedView explains a refused plan in plain words, with what to do.
func (p *stepPage) refusedView(width int) string {
	st := p.w.st
	var g *steps.GuardError
	if errors.As(p.planErr, &g) {
		out := st.Error.Render(wrap("mxwizard will not do this: "+g.Reason+".", width))
		if g.Hint != "" {
			out += "\n" + wrap("What to do: "+g.Hint+".", width)
		}
		return out + "\n" + st.Subtle.Render(wrap("Nothing was written to the camera.", width))
	}
	return st.Error.Render(wrap("This step cannot be planned: "+p.planErr.Error(), width)) + "\n" +
		st.Subtle.Render(wrap("Nothing was written to the camera.", width))
}

// resultView is the finding after the change, and any generated secret,
// shown this once.
func (p *stepPage) resultView(width int) string {
	return indent(p.w.st.statusWord(p.after.Status)+" "+p.after.Detail, width, 8, p.w.st.Label.Render("Now:"))
}

// revealBox shows the secrets generated and set by the step, once ("" when
// there are none).
func (p *stepPage) revealBox(width int) string {
	st := p.w.st
	if len(p.reveal) == 0 {
		return ""
	}
	var rows []string
	for _, r := range p.reveal {
		rows = append(rows, r.name+": "+st.Secret.Render(r.value))
	}
	warn := "Write it down now or rely on the encrypted secrets file; it will not be shown again."
	if len(rows) > 1 {
		warn = "Write them down now or rely on the encrypted secrets file; they will not be shown again."
	}
	return st.Box.Render(stack(
		st.Label.Render("Generated and set:"),
		strings.Join(rows, "\n"),
		st.Warn.Render(wrap(warn, width-6)),
	))
}

func (p *stepPage) help() []key.Binding {
	k := p.w.keys
	var h []key.Binding
	switch p.phase {
	case phaseQuestions, phaseSkip:
		h = append(formKeys(p.form), helpBinding("shift+tab", "previous"))
	case phaseSecret:
		h = p.entry.help()
	case phasePlan, phaseRefused, phaseFailed:
		h = menuHelp(k)
	case phaseResult:
		if p.after.Status == steps.Unsupported {
			return []key.Binding{helpBinding("enter", "next step"), helpBinding("c", "check again"), k.PageDown}
		}
		return []key.Binding{helpBinding("enter", "next step"), k.PageDown}
	case phaseApplying, phasePlanning:
		return nil
	}
	h = append(h, k.Back)
	if p.phase != phaseSkip {
		h = append(h, k.Skip)
	}
	return h
}
