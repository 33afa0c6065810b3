package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// summaryPage shows where the files are and the final 22 statuses.
type summaryPage struct {
	w        *wizard
	lineFace bool // the line face asks for the next camera itself
}

func newSummaryPage(w *wizard) *summaryPage { return &summaryPage{w: w} }

func (p *summaryPage) stage() string { return "Summary" }
func (p *summaryPage) init() tea.Cmd { return nil }

func (p *summaryPage) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, p.w.keys.Enter) || k.String() == "q":
			return p.w.root.finish()
		case k.String() == "n":
			return p.w.nextCamera()
		}
	}
	return nil
}

func (p *summaryPage) view(width, height int) string {
	w := p.w
	st := w.st
	title := st.Pass.Render("Done: the camera is hardened, stored and verified.")
	if w.failed {
		title = st.Warn.Render("Done, but some steps still fail: see the list and the report.")
	}
	f := w.files
	dir := w.outDir
	switch {
	case w.opts.Label == "demo":
		dir += " (kept after mxwizard exits)"
	case w.opts.OutDir == "":
		dir += " (the default; --out DIR chooses another)"
	}
	files := []string{indent(w.view.address, width, 9, st.Label.Render("Camera:")), indent(dir, width, 9, st.Label.Render("Files:"))}
	for _, it := range [][3]string{
		{"Backup", f.Backup, "encrypted with your passphrase"},
		{"Secrets", f.Secrets, "encrypted with your passphrase"},
		{"Report", f.Report, "also .json and .html"},
	} {
		if it[1] == "" {
			continue
		}
		line := padRight("  "+it[0]+":", 11) + padRight(filepath.Base(it[1]), 30) + " " + st.Subtle.Render("("+it[2]+")")
		if ansi.StringWidth(line) > width {
			// Narrow: the name whole, the note under it.
			line = indent(filepath.Base(it[1]), width, 11, "  "+it[0]+":") + "\n" + st.Subtle.Render(indent("("+it[2]+")", width, 11, ""))
		}
		files = append(files, line)
	}
	if len(f.Kept) > 0 {
		kept := filepath.Base(f.Kept[0])
		if len(f.Kept) > 1 {
			kept += fmt.Sprintf(" and %d more", len(f.Kept)-1)
		}
		files = append(files, st.Subtle.Render(indent("The earlier run's report and backup stay beside them under dated names: "+kept+".", width, 2, "")))
	}
	ov := &overviewPage{w: w}
	context := stack(
		title+"\n"+strings.Join(files, "\n"),
		p.nextText(width),
		wrap(st.Label.Render("Final check of the 22 steps:")+" "+ov.counts(), width)+"\n"+ov.stepList(width),
	)
	return w.layout(context, "", width, height)
}

func (p *summaryPage) nextText(width int) string {
	if p.lineFace {
		return ""
	}
	return wrap("Another camera of this site? Press n: it gets the same answers, its own passwords and keys in its own files, and its whole plan is shown before anything is written.", width)
}

func (p *summaryPage) help() []key.Binding {
	return []key.Binding{helpBinding("enter", "quit"), helpBinding("n", "next camera, same answers"), p.w.keys.PageDown}
}
