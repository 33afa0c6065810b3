package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// KeyMap is every key the wizard itself reacts to; the embedded forms bring
// their own (enter, tab, shift+tab, arrows, space, x) and the help line
// shows both.
type KeyMap struct {
	Quit, Back, Skip, Enter, Up, Down, PageUp, PageDown key.Binding
}

// DefaultKeyMap is the wizard's key map. Skip is ctrl+s (plain letters are
// typed into the answers); terminals deliver it as a key in full-screen mode.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Skip:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "skip step")),
		Enter:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/↓", "move")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↑/↓", "move")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup/pgdn", "scroll")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgup/pgdn", "scroll")),
	}
}

// helpBinding builds a binding that exists only for the help line.
func helpBinding(keys, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
}

// renderHelp draws bindings as "key what • key what", dropping duplicates
// and whatever does not fit into width; the last binding (quit) always
// keeps its place.
func renderHelp(st Styles, width int, bindings ...key.Binding) string {
	seen := map[string]bool{}
	var parts []string
	used := 0
	if n := len(bindings); n > 0 {
		h := bindings[n-1].Help()
		width -= ansi.StringWidth(h.Key+" "+h.Desc) + 3
	}
	for _, b := range bindings {
		h := b.Help()
		if !b.Enabled() || h.Key == "" || seen[h.Key] {
			continue
		}
		seen[h.Key] = true
		plain := h.Key + " " + h.Desc
		sep := 0
		if len(parts) > 0 {
			sep = 3
		}
		last := len(parts) > 0 && b.Help() == bindings[len(bindings)-1].Help()
		if !last && used+sep+ansi.StringWidth(plain) > width {
			continue
		}
		used += sep + ansi.StringWidth(plain)
		parts = append(parts, st.HelpKey.Render(h.Key)+" "+st.Help.Render(h.Desc))
	}
	return strings.Join(parts, st.Help.Render(" • "))
}
