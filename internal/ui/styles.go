package ui

import (
	"strings"

	"charm.land/huh/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mxwizard/mxwizard/internal/steps"
)

// Styles are every style the wizard draws with, in one place. Colours are
// the terminal's 16 basic ones, so the installer's own palette applies; with
// NO_COLOR they are dropped and the words and symbols carry the meaning.
type Styles struct {
	App, Header, Rule, Help, HelpKey  lipgloss.Style
	Title, Subtle, Label, Emphasis    lipgloss.Style
	Pass, Fail, Manual, Skipped, Warn lipgloss.Style
	Error, Box, Secret, Selected      lipgloss.Style
	ProgressDone, ProgressTodo        lipgloss.Style
	ProgressNow, ProgressSkipped      lipgloss.Style
	noColor                           bool
}

// NewStyles returns the wizard's styles; noColor drops every colour but
// keeps bold and faint.
func NewStyles(noColor bool) Styles {
	fg := func(col ansi.BasicColor) lipgloss.Style {
		if noColor {
			return lipgloss.NewStyle()
		}
		return lipgloss.NewStyle().Foreground(col)
	}
	s := Styles{noColor: noColor}
	s.App = fg(lipgloss.Cyan).Bold(true)
	s.Header = lipgloss.NewStyle()
	s.Rule = fg(lipgloss.BrightBlack)
	s.Help = fg(lipgloss.BrightBlack)
	s.HelpKey = lipgloss.NewStyle().Bold(true)
	s.Title = lipgloss.NewStyle().Bold(true)
	s.Subtle = fg(lipgloss.BrightBlack)
	s.Label = lipgloss.NewStyle().Bold(true)
	s.Emphasis = fg(lipgloss.Cyan).Bold(true)
	s.Pass = fg(lipgloss.Green).Bold(true)
	s.Fail = fg(lipgloss.Red).Bold(true)
	s.Manual = fg(lipgloss.Yellow).Bold(true)
	s.Skipped = fg(lipgloss.Magenta).Bold(true)
	s.Warn = fg(lipgloss.Yellow).Bold(true)
	s.Error = fg(lipgloss.Red).Bold(true)
	s.Box = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
	if !noColor {
		s.Box = s.Box.BorderForeground(lipgloss.Yellow)
	}
	s.Secret = lipgloss.NewStyle().Bold(true)
	s.Selected = fg(lipgloss.Cyan).Bold(true)
	s.ProgressDone = fg(lipgloss.Green)
	s.ProgressTodo = fg(lipgloss.BrightBlack)
	s.ProgressNow = fg(lipgloss.Cyan).Bold(true)
	s.ProgressSkipped = fg(lipgloss.Magenta)
	return s
}

// FormTheme is the huh theme for embedded forms.
func (s Styles) FormTheme() huh.Theme {
	if s.noColor {
		return huh.ThemeFunc(huh.ThemeBase)
	}
	return huh.ThemeFunc(huh.ThemeBase16)
}

// statusWord is a status as a fixed-width word with a symbol, readable
// without colour.
func (s Styles) statusWord(st steps.Status) string {
	switch st {
	case steps.Pass:
		return s.Pass.Render("✓ pass")
	case steps.Fail:
		return s.Fail.Render("✗ fail")
	case steps.Manual:
		return s.Manual.Render("? " + statusName(st))
	case steps.Unsupported:
		return s.Subtle.Render("– n/a")
	case steps.Error:
		return s.Error.Render("! error")
	case statusSkipped:
		return s.Skipped.Render("» skipped")
	case statusTodo:
		return s.Subtle.Render("· todo")
	case statusRecorded:
		return s.Pass.Render("• noted")
	}
	return string(st)
}

// statusName is the one word for a status, in both faces and as the audit
// JSON says it: "manual" for a step a person must check or decide.
func statusName(st steps.Status) string {
	switch st {
	case steps.Unsupported:
		return "not supported"
	case statusRecorded:
		return "noted for the report"
	}
	return string(st)
}

// Pseudo-statuses the wizard shows beside the steps' own.
const (
	statusSkipped  steps.Status = "skipped"
	statusTodo     steps.Status = "todo"
	statusRecorded steps.Status = "noted" // a manual step answered for the report
)

// statusSymbol is a status as one symbol (for narrow lists; the legend
// under the list names them).
func (s Styles) statusSymbol(st steps.Status) string {
	w := s.statusWord(st)
	if i := strings.IndexByte(ansi.Strip(w), ' '); i > 0 {
		sym := []rune(ansi.Strip(w))[0]
		return s.styleOf(st).Render(string(sym))
	}
	return w
}

func (s Styles) styleOf(st steps.Status) lipgloss.Style {
	switch st {
	case steps.Pass, statusRecorded:
		return s.Pass
	case steps.Fail:
		return s.Fail
	case steps.Manual:
		return s.Manual
	case steps.Error:
		return s.Error
	case statusSkipped:
		return s.Skipped
	}
	return s.Subtle
}
