package ui

import (
	"strings"
	"testing"
)

// TestNoColorStylesSetNoColours backs the README's NO_COLOR claim: with
// NoColor the styles may make text bold but never set a colour.
func TestNoColorStylesSetNoColours(t *testing.T) {
	colour := func(s string) bool {
		return strings.Contains(s, "\x1b[3") || strings.Contains(s, "\x1b[9") || strings.Contains(s, ";3") || strings.Contains(s, "38;")
	}
	plain, coloured := NewStyles(true), NewStyles(false)
	for name, pair := range map[string][2]string{
		"fail":  {plain.Fail.Render("x"), coloured.Fail.Render("x")},
		"pass":  {plain.Pass.Render("x"), coloured.Pass.Render("x")},
		"help":  {plain.Help.Render("x"), coloured.Help.Render("x")},
		"box":   {plain.Box.Render("x"), coloured.Box.Render("x")},
		"title": {plain.App.Render("x"), coloured.App.Render("x")},
	} {
		if colour(pair[0]) {
			t.Errorf("%s with NoColor sets a colour: %q", name, pair[0])
		}
		if name != "box" && !colour(pair[1]) {
			t.Errorf("%s without NoColor has no colour (%q): the check above would prove nothing", name, pair[1])
		}
	}
}
