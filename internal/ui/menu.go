package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// menuItem is one choice of a menu.
type menuItem struct {
	id, label, hint string
}

// menu is a short list of choices: arrows or the item's number move,
// enter chooses. A label longer than the line wraps under itself.
type menu struct {
	items  []menuItem
	cursor int
}

func newMenu(items ...menuItem) *menu { return &menu{items: items} }

// update handles a key; it returns the chosen item's id, or "".
func (m *menu) update(msg tea.KeyPressMsg, keys KeyMap) string {
	switch {
	case key.Matches(msg, keys.Up), msg.String() == "shift+tab":
		m.cursor = (m.cursor + len(m.items) - 1) % len(m.items)
	case key.Matches(msg, keys.Down), msg.String() == "tab":
		m.cursor = (m.cursor + 1) % len(m.items)
	case key.Matches(msg, keys.Enter):
		return m.items[m.cursor].id
	default:
		if n, err := strconv.Atoi(msg.String()); err == nil && n >= 1 && n <= len(m.items) {
			m.cursor = n - 1
			return m.items[m.cursor].id
		}
	}
	return ""
}

// view draws the menu, numbered, the cursor marked with › (visible without
// colour too).
func (m *menu) view(st Styles, width int) string {
	var b strings.Builder
	for i, it := range m.items {
		if i > 0 {
			b.WriteByte('\n')
		}
		// A long label wraps under itself rather than being cut.
		num := strconv.Itoa(i+1) + ". "
		if i == m.cursor {
			b.WriteString(st.Selected.Render(indent(it.label, width, 2+len(num), "› "+num)))
		} else {
			b.WriteString(indent(it.label, width, 2+len(num), "  "+num))
		}
		if it.hint != "" && i == m.cursor {
			b.WriteString("\n" + st.Subtle.Render(indent(it.hint, width, 5, "")))
		}
	}
	return b.String()
}

// menuHelp is the help line of a page whose interaction is a menu.
func menuHelp(k KeyMap) []key.Binding {
	return []key.Binding{k.Up, helpBinding("enter", "choose")}
}
