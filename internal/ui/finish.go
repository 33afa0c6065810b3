package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

type finishPhase int

const (
	finishChecklists finishPhase = iota
	finishConfirm
	finishRunning
	finishFailed
)

// notApplicable is the answer recorded for an empty checklist entry.
const notApplicable = "not applicable"

// finishPage asks the VMS and NAS checklists, explains storing to
// permanent memory, and runs the session's finish with its progress shown.
type finishPage struct {
	w      *wizard
	phase  finishPhase
	vms    []string
	nas    []string
	form   *huh.Form
	formID int
	m      *menu
	err    error
}

func newFinishPage(w *wizard) *finishPage {
	p := &finishPage{w: w, vms: make([]string, len(steps.VMSChecklist)), nas: make([]string, len(steps.NASChecklist))}
	for i, it := range steps.VMSChecklist {
		p.vms[i] = w.prof.VMS[it.ID]
	}
	for i, it := range steps.NASChecklist {
		p.nas[i] = w.prof.NAS[it.ID]
	}
	return p
}

func (p *finishPage) stage() string {
	switch p.phase {
	case finishChecklists:
		return "Checklists"
	}
	return "Finish"
}

func (p *finishPage) init() tea.Cmd { return p.startChecklists() }

func (p *finishPage) startChecklists() tea.Cmd {
	p.phase = finishChecklists
	var groups []*huh.Group
	add := func(list []steps.ChecklistItem, values []string, name string) {
		for i, it := range list {
			groups = append(groups, huh.NewGroup(
				huh.NewInput().
					Title(p.w.fieldText(fmt.Sprintf("%s checklist %d of %d: %s", name, i+1, len(list), it.Title))).
					Description(p.w.fieldText("A short answer for the report (what was done, or who does it). Leave it empty for \"not applicable\".")).
					Value(&values[i]),
			))
		}
	}
	add(steps.VMSChecklist, p.vms, "VMS")
	add(steps.NASChecklist, p.nas, "NAS")
	p.form, p.formID = p.w.newForm(groups...)
	return p.form.Init()
}

// saveAnswers puts the checklist answers into the profile, where the
// report takes them from.
func (p *finishPage) saveAnswers() {
	prof := p.w.prof
	if prof.VMS == nil {
		prof.VMS = map[string]string{}
	}
	if prof.NAS == nil {
		prof.NAS = map[string]string{}
	}
	for i, it := range steps.VMSChecklist {
		prof.VMS[it.ID] = answerOrNA(p.vms[i])
	}
	for i, it := range steps.NASChecklist {
		prof.NAS[it.ID] = answerOrNA(p.nas[i])
	}
}

func answerOrNA(s string) string {
	if s = strings.TrimSpace(s); s == "" {
		return notApplicable
	}
	return s
}

func (p *finishPage) confirmMenu() *menu {
	return newMenu(
		menuItem{id: "finish", label: "Store, verify and write the files"},
		menuItem{id: "checklists", label: "Back to the checklists"},
		menuItem{id: "step", label: fmt.Sprintf("Back to step %d", len(p.w.all))},
	)
}

func (p *finishPage) update(msg tea.Msg) tea.Cmd {
	w := p.w
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if p.form != nil {
			p.form = w.sizeForm(p.form)
		}
		return nil
	case formDoneMsg:
		if msg.id == p.formID && p.phase == finishChecklists {
			p.saveAnswers()
			p.phase = finishConfirm
			p.m = p.confirmMenu()
		}
		return nil
	case finishedMsg:
		w.stopBusy()
		w.recordFinished(msg)
		if msg.err != nil {
			p.err = msg.err
			p.phase = finishFailed
			items := []menuItem{}
			if canReconnect(msg.err) {
				items = append(items, reconnectItem)
			}
			items = append(items,
				menuItem{id: "finish", label: "Try again"},
				menuItem{id: "step", label: fmt.Sprintf("Back to step %d", len(w.all))},
			)
			p.m = newMenu(items...)
			return nil
		}
		return w.show(newSummaryPage(w))
	case reconnectedMsg:
		w.stopBusy()
		if msg.err != nil {
			p.err = msg.err
			return nil
		}
		w.takeReconnect(msg)
		return w.show(newOverviewPage(w, 0))
	case tea.KeyPressMsg:
		if p.phase == finishRunning {
			return nil
		}
		if key.Matches(msg, w.keys.Back) {
			if p.phase == finishChecklists {
				return w.show(newStepPage(w, len(w.all)-1))
			}
			return p.startChecklists()
		}
		if p.phase == finishConfirm || p.phase == finishFailed {
			switch p.m.update(msg, w.keys) {
			case "finish":
				p.phase = finishRunning
				p.err = nil
				return tea.Batch(w.startBusy("finishing"), finishCmd(w.ctx, w.sess))
			case "checklists":
				return p.startChecklists()
			case "step":
				return w.show(newStepPage(w, len(w.all)-1))
			case "reconnect":
				return tea.Batch(w.startBusy("reconnecting to the camera"), reconnectCmd(w.ctx, w.sess))
			}
			return nil
		}
	}
	if p.phase == finishChecklists {
		var cmd tea.Cmd
		p.form, cmd = updateForm(p.form, msg)
		return cmd
	}
	return nil
}

func (p *finishPage) view(width, height int) string {
	w := p.w
	st := w.st
	switch p.phase {
	case finishChecklists:
		intro := stack(st.Title.Render("The guide's VMS and NAS checklists"),
			wrap("These live outside the camera: the recorder, the video management software and the storage. Your answers go into the handover report.", width))
		return w.layout(intro, p.form.View(), width, height)
	case finishRunning:
		return w.layout(p.explain(width), p.progressView(width), width, height)
	case finishFailed:
		failed := stack(st.Error.Render(wrap("Finishing stopped: "+secret.Redact(p.err.Error(), w.pw, w.pass), width)),
			wrap("What was done so far is in the log above. If the configuration was stored, the camera keeps it; trying again stores and verifies again.", width))
		return w.layout(stack(p.progressView(width), failed), p.m.view(st, width), width, height)
	}
	return w.layout(p.explain(width), p.m.view(st, width), width, height)
}

// explain says what finishing does, and which steps stay open.
func (p *finishPage) explain(width int) string {
	w := p.w
	st := w.st
	var open []string
	for i := range w.all {
		if !w.stepDone(i) {
			open = append(open, strconv.Itoa(i+1))
		}
	}
	parts := []string{
		st.Title.Render("Store to permanent memory"),
		wrap("Until now every change lives only in the camera's working memory: it has to be stored to permanent memory, otherwise everything is lost at the next reboot.", width),
		wrap("mxwizard now stores the configuration, reboots the camera if a change needs it (new ports, certificate, storage settings) and waits for it, reconnects, checks all 22 steps again, downloads the encrypted configuration backup and writes the secrets file and the handover report to "+w.outDir+".", width),
	}
	if len(open) > 0 {
		parts = append(parts, st.Warn.Render(wrap("Not visited: steps "+strings.Join(open, ", ")+". They are checked and reported as found.", width)))
	}
	return stack(parts...)
}

// progressView lists what the engine reported, the latest line with the
// spinner and the time it has taken so far (a real camera needs about two
// minutes to reboot).
func (p *finishPage) progressView(width int) string {
	w := p.w
	st := w.st
	var lines []string
	for i, l := range w.progress {
		last := i == len(w.progress)-1
		switch {
		// Whole lines, wrapped under their text: an address or a reason at
		// the end of a line is never cut off.
		case last && w.busy != "":
			line := l
			if d := w.opts.Now().Sub(w.progressAt); d >= 2e9 {
				line += " (" + elapsed(d) + ")"
			}
			lines = append(lines, indent(line, width, 2, w.root.spin.View()))
		case last && p.phase == finishFailed:
			// The work this line named is what stopped: not done.
			lines = append(lines, indent(l, width, 2, st.Error.Render("✗")))
		default:
			lines = append(lines, indent(l, width, 2, st.Pass.Render("✓")))
		}
	}
	if len(lines) == 0 && w.busy != "" {
		lines = append(lines, w.spinnerLine(width))
	}
	return strings.Join(lines, "\n")
}

func (p *finishPage) help() []key.Binding {
	k := p.w.keys
	switch p.phase {
	case finishChecklists:
		return append(formKeys(p.form), helpBinding("shift+tab", "previous"), k.Back)
	case finishRunning:
		return nil
	}
	return append(menuHelp(k), k.Back)
}
