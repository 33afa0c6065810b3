package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxwizard/mxwizard/internal/steps"
)

// overviewPage shows the camera and the read-only check of all 22 steps
// before the first change; enter starts (or continues) the steps. After a
// resume, steps that were done but fail now (changes lost at a reboot) are
// named first and can be redone before going on.
type overviewPage struct {
	w       *wizard
	notice  string // what happened just before (a reconnect)
	resumed int
	again   []int // indexes of steps done before that fail now
	m       *menu
}

func newOverviewPage(w *wizard, resumed int) *overviewPage {
	p := &overviewPage{w: w, resumed: resumed, notice: w.notice}
	w.notice = ""
	if resumed > 0 {
		for i := range w.all {
			if w.outcomes[i].applied && w.finding(i).Status == steps.Fail {
				p.again = append(p.again, i)
			}
		}
	}
	if len(p.again) > 0 && w.current < len(w.all) {
		p.m = newMenu(
			menuItem{id: "continue", label: fmt.Sprintf("Continue at step %d", w.current+1)},
			menuItem{id: "redo", label: fmt.Sprintf("Redo step %d first (done before, failing now)", p.again[0]+1)},
		)
	}
	return p
}

func (p *overviewPage) stage() string { return "Overview" }
func (p *overviewPage) init() tea.Cmd { return nil }

func (p *overviewPage) update(msg tea.Msg) tea.Cmd {
	w := p.w
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if p.m != nil {
		switch p.m.update(k, w.keys) {
		case "continue":
			return w.show(newStepPage(w, w.current))
		case "redo":
			return w.show(newStepPage(w, p.again[0]))
		}
		return nil
	}
	if key.Matches(k, w.keys.Enter) {
		if w.current >= len(w.all) {
			return w.show(newFinishPage(w))
		}
		return w.show(newStepPage(w, w.current))
	}
	return nil
}

func (p *overviewPage) view(width, height int) string {
	w := p.w
	st := w.st
	id := w.identity
	camLine := fmt.Sprintf("MOBOTIX %s · serial %s · firmware %s", id.Model, id.Serial, id.Firmware)
	addr := "at " + w.view.address
	lead := "Read-only check of the 22 camera steps (nothing has been changed):"
	if p.resumed > 0 {
		lead = fmt.Sprintf("Resumed: %s done or skipped in the earlier session. Fresh check of all 22 steps:", plural(p.resumed, "step"))
	}
	if p.notice != "" {
		lead = "Fresh check of all 22 steps, just now:"
	}
	warn := ""
	if len(p.again) > 0 {
		var nums []string
		for _, i := range p.again {
			nums = append(nums, strconv.Itoa(i+1))
		}
		warn = st.Warn.Render(wrap("Done before, failing now: step "+strings.Join(nums, ", ")+" (changes lost at a reboot?).", width))
	}
	start := "enter: start with step 1"
	switch {
	case w.current > 0 && w.current < len(w.all):
		start = fmt.Sprintf("enter: continue at step %d", w.current+1)
	case w.current >= len(w.all):
		start = "enter: go to the checklists and finish"
	}
	inter := st.Emphasis.Render(start)
	if p.m != nil {
		inter = p.m.view(st, width)
	}
	notice := ""
	if p.notice != "" {
		notice = st.Warn.Render(wrap(p.notice, width))
	}
	context := stack(
		st.Title.Render(wrap(camLine, width))+"\n"+st.Subtle.Render(wrap(addr, width)),
		notice,
		warn,
		wrap(lead, width)+"\n"+p.stepList(width),
		p.counts(),
	)
	return w.layout(context, inter, width, height)
}

// counts sums up the statuses: "14 ✗ fail  5 ? check  3 ✓ pass".
func (p *overviewPage) counts() string {
	return strings.Join(p.w.statusCounts(p.w.st.statusWord), "  ")
}

// statusCounts counts the steps of each shown status, failures first, and
// names each count with word: "14 fail", "5 to check", ...
func (w *wizard) statusCounts(word func(steps.Status) string) []string {
	counts := map[steps.Status]int{}
	for i := range w.all {
		counts[w.shownStatus(i)]++
	}
	var sum []string
	for _, s := range []steps.Status{steps.Fail, steps.Manual, steps.Pass, statusRecorded, statusSkipped, steps.Unsupported, steps.Error} {
		if counts[s] > 0 {
			sum = append(sum, strconv.Itoa(counts[s])+" "+word(s))
		}
	}
	return sum
}

// stepList draws the 22 steps with their status: one column when there
// is room, two (titles cut to fit the grid) when the screen is too low
// for 22 rows but wide enough for two columns; below 60 columns one
// column with the status symbol only, each title wrapped under itself
// (the page scrolls).
func (p *overviewPage) stepList(width int) string {
	w := p.w
	rows := make([]string, len(w.all))
	colW := width
	twoCols := w.height < len(w.all)+12 && width >= 60
	if twoCols {
		colW = (width - 2) / 2
	}
	for i, s := range w.all {
		title := s.Info().Title
		if title == "" {
			title = "(step " + strconv.Itoa(i+1) + ")"
		}
		word := padRight(w.st.statusWord(w.shownStatus(i)), 9) + " "
		if twoCols || width < 60 {
			word = w.st.statusSymbol(w.shownStatus(i)) + " "
		}
		prefix := fmt.Sprintf("%2d ", i+1)
		lead := len(prefix) + ansi.StringWidth(word)
		if twoCols {
			rows[i] = prefix + word + truncate(title, max(4, colW-lead))
		} else {
			rows[i] = indent(title, width, lead, prefix+word)
		}
	}
	if !twoCols {
		return strings.Join(rows, "\n")
	}
	half := (len(rows) + 1) / 2
	var out []string
	for i := 0; i < half; i++ {
		line := padRight(rows[i], colW) + "  "
		if i+half < len(rows) {
			line += rows[i+half]
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func (p *overviewPage) help() []key.Binding {
	if p.m != nil {
		return append(menuHelp(p.w.keys), p.w.keys.PageDown)
	}
	return []key.Binding{helpBinding("enter", "start"), p.w.keys.PageDown}
}
