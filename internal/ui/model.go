package ui

import (
	"context"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxwizard/mxwizard/internal/steps"
)

// page is one screen of the wizard. Pages change their own state in
// update and say where to go next through the wizard (w.show).
type page interface {
	// init starts the page (focus a form, start a command).
	init() tea.Cmd
	// update handles a message the root did not take.
	update(msg tea.Msg) tea.Cmd
	// view draws the page's body into width x height cells.
	view(width, height int) string
	// help lists the keys for the help line.
	help() []key.Binding
	// stage names the page in the header (e.g. "Connect").
	stage() string
}

// Model is the wizard's root model: header with progress, the current page,
// the help line, and the question before leaving.
type Model struct {
	w        *wizard
	page     page
	spin     spinner.Model
	quit     *menu // the leave dialog, when open
	scroll   int   // lines of the page's context scrolled away
	sawEnd   bool  // the end of the page's context has been on screen
	canceled bool
	err      error
}

// New makes the wizard's model (Run uses it; tests drive it directly).
func New(ctx context.Context, opts Options) *Model {
	w := newWizard(ctx, opts)
	dots := spinner.Dot
	frames := make([]string, len(dots.Frames))
	for i, f := range dots.Frames {
		frames[i] = strings.TrimSpace(f) // the frames carry a space of their own
	}
	dots.Frames = frames
	m := &Model{w: w, spin: spinner.New(spinner.WithSpinner(dots), spinner.WithStyle(w.st.Emphasis))}
	w.root = m
	m.page = newConnectPage(w, "")
	return m
}

// Init starts the first page.
func (m *Model) Init() tea.Cmd { return m.page.init() }

// Update routes a message: window size, spinner, engine progress and
// ctrl+c are the root's; everything else goes to the page.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	w := m.w
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.width, w.height = max(msg.Width, 20), max(msg.Height, 8)
		return m, m.page.update(tea.WindowSizeMsg{Width: w.formWidth(), Height: m.bodyHeight()})
	case spinner.TickMsg:
		if w.busy == "" {
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case progressMsg:
		if string(msg) == steps.ProgressStored {
			w.unsaved = false // the leave dialog no longer warns of unstored changes
		}
		w.progress = append(w.progress, string(msg))
		w.progressAt = w.opts.Now()
		return m, listenProgress(w.progressCh)
	case tea.KeyPressMsg:
		if m.quit != nil {
			return m, m.updateQuit(msg)
		}
		if key.Matches(msg, w.keys.Quit) {
			if w.unsaved || w.busy != "" {
				m.quit = newMenu(
					menuItem{id: "stay", label: "Stay and continue"},
					menuItem{id: "leave", label: "Leave now"},
				)
				return m, nil
			}
			return m, m.leave()
		}
		if w.busy != "" {
			return m, nil // the page waits for a command; only ctrl+c counts
		}
		switch {
		case key.Matches(msg, w.keys.PageUp):
			m.scroll = max(0, m.scroll-max(1, m.bodyHeight()/2))
			return m, nil
		case key.Matches(msg, w.keys.PageDown):
			m.scroll += max(1, m.bodyHeight()/2)
			return m, nil
		}
	case tea.InterruptMsg:
		return m, m.leave()
	case resumeLookupMsg:
		return m, w.onResumeLookup(msg)
	case probeMsg:
		return m, w.onProbe(msg)
	case openedMsg:
		return m, w.onOpened(msg)
	case restoredMsg:
		return m, w.onRestored(msg)
	case searchMsg:
		w.stopBusy()
		return m, w.show(newSearchPage(w, msg))
	}
	return m, m.page.update(msg)
}

// updateQuit handles the leave dialog.
func (m *Model) updateQuit(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.w.keys.Back) {
		m.quit = nil
		return nil
	}
	if key.Matches(msg, m.w.keys.Quit) {
		return m.leave()
	}
	switch m.quit.update(msg, m.w.keys) {
	case "stay":
		m.quit = nil
	case "leave":
		return m.leave()
	}
	return nil
}

// leave ends the program early.
func (m *Model) leave() tea.Cmd {
	m.canceled = true
	m.w.cancel()
	return tea.Quit
}

// finish ends the program normally (from the summary).
func (m *Model) finish() tea.Cmd {
	m.w.cancel()
	return tea.Quit
}

const (
	headerLines = 2 // title line and rule
	footerLines = 2 // blank and help line
)

func (m *Model) bodyHeight() int { return max(3, m.w.height-headerLines-footerLines) }

// View draws header, body and help line into the terminal's size.
func (m *Model) View() tea.View {
	w := m.w
	width := w.width
	bodyH := m.bodyHeight()
	var body string
	var help []key.Binding
	if m.quit != nil {
		body = m.quitView(width)
		help = append(menuHelp(w.keys), helpBinding("esc", "stay"))
	} else {
		body = m.page.view(width, bodyH)
		help = append(m.page.help(), w.keys.Quit)
	}
	lines := strings.Split(body, "\n")
	if len(lines) > bodyH {
		lines = lines[:bodyH]
	}
	for len(lines) < bodyH {
		lines = append(lines, "")
	}
	var b strings.Builder
	b.WriteString(m.header(width))
	b.WriteString("\n")
	b.WriteString(w.st.Rule.Render(strings.Repeat("─", width)))
	b.WriteString("\n")
	b.WriteString(clip(strings.Join(lines, "\n"), width, bodyH, 0))
	b.WriteString("\n\n")
	b.WriteString(clip(renderHelp(w.st, width, help...), width, 1, 0))
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.WindowTitle = "mxwizard"
	return v
}

// header is one line: program, stage and progress, camera.
func (m *Model) header(width int) string {
	w := m.w
	st := w.st
	left := st.App.Render("mxwizard")
	if w.opts.Label != "" {
		left += " " + st.Subtle.Render(w.opts.Label)
	}
	stage := m.page.stage()
	if m.quit != nil {
		stage = "Leave?"
	}
	middle := st.Title.Render(stage)
	if w.sess != nil || w.view.findings != nil {
		middle += " " + m.progressBar()
	}
	right := ""
	if w.identity.Model != "" {
		right = st.Subtle.Render(w.identity.Model + " " + w.identity.Serial)
	}
	line := left + "  " + middle
	if gap := width - ansi.StringWidth(line) - ansi.StringWidth(right); right != "" && gap >= 2 {
		line += strings.Repeat(" ", gap) + right
	}
	return truncate(line, width)
}

// progressBar is one cell per step: ■ done, – skipped, ▶ current, · open.
func (m *Model) progressBar() string {
	w := m.w
	st := w.st
	cur := -1
	if sp, ok := m.page.(*stepPage); ok {
		cur = sp.idx
	}
	var b strings.Builder
	done := 0
	for i := range w.all {
		switch {
		case i == cur:
			b.WriteString(st.ProgressNow.Render("▶"))
		case w.outcomes[i].skipped:
			b.WriteString(st.ProgressSkipped.Render("–"))
			done++
		case w.outcomes[i].applied:
			b.WriteString(st.ProgressDone.Render("■"))
			done++
		default:
			b.WriteString(st.ProgressTodo.Render("·"))
		}
	}
	return b.String() + " " + st.Subtle.Render(strconv.Itoa(done)+"/"+strconv.Itoa(len(w.all)))
}

// quitView asks before leaving and says what leaving means.
func (m *Model) quitView(width int) string {
	w := m.w
	st := w.st
	var parts []string
	parts = append(parts, st.Title.Render("Leave mxwizard?"))
	if w.busy != "" {
		parts = append(parts, wrap("mxwizard is busy: "+w.busy+". Leaving now stops it halfway.", width))
	}
	if w.unsaved {
		parts = append(parts, st.Warn.Render(wrap("Changes not stored to permanent memory are lost at the next reboot.", width)),
			wrap("The camera keeps running with them until then. Run mxwizard again with the same camera to continue at the step you left: the state file and the encrypted secrets file are in "+w.outDir+".", width))
		if w.sess.HasSecret(steps.AdminPassword) && w.busy == "" {
			parts = append(parts, wrap("The new admin password is in the encrypted secrets file.", width))
		}
	}
	parts = append(parts, m.quit.view(st, width))
	return stack(parts...)
}

// spinnerLine is the spinner with what is running and, for long waits,
// the time so far and the engine's latest progress line.
func (w *wizard) spinnerLine(width int) string {
	if w.busy == "" {
		return ""
	}
	line := w.root.spin.View() + " " + w.busy
	if len(w.progress) > 0 {
		line += ": " + w.progress[len(w.progress)-1]
	}
	if d := w.opts.Now().Sub(w.busySince); d > 3e9 {
		line += " (" + elapsed(d) + ")"
	}
	return wrap(line, width)
}

// layout puts the page's context (what the installer reads) above its
// interactive part (form, menu, spinner), which is always shown whole. When
// both do not fit, the context is cut and scrolls with pgup/pgdn.
func (w *wizard) layout(context, interactive string, width, height int) string {
	ni := lineCount(interactive)
	if context == "" {
		return interactive
	}
	nc := lineCount(context)
	room := height - ni - 1
	if nc <= room {
		w.root.sawEnd = true
		return stack(context, interactive)
	}
	if room < 2 {
		return interactive
	}
	maxScroll := nc - (room - 1)
	if w.root.scroll > maxScroll {
		w.root.scroll = maxScroll
	}
	from := w.root.scroll
	if from >= maxScroll {
		w.root.sawEnd = true
	}
	shown := clip(context, width, room-1, from)
	var more string
	switch {
	case from == 0:
		more = "↓ more: pgdn"
	case from >= maxScroll:
		more = "↑ more: pgup"
	default:
		more = "↑↓ more: pgup/pgdn"
	}
	return shown + "\n" + w.st.Subtle.Render(more) + "\n\n" + interactive
}
