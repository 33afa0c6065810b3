package ui

import (
	"sync"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// formIDs numbers forms so that a stale submit is recognised.
var (
	formIDMu   sync.Mutex
	lastFormID int
)

func nextFormID() int {
	formIDMu.Lock()
	defer formIDMu.Unlock()
	lastFormID++
	return lastFormID
}

// newForm makes an embedded huh form that reports its submit as
// formDoneMsg{id}. ctrl+c never reaches it (the root asks before leaving),
// and its own help line is replaced by the wizard's.
func (w *wizard) newForm(groups ...*huh.Group) (*huh.Form, int) {
	id := nextFormID()
	km := huh.NewDefaultKeyMap()
	km.Quit = key.NewBinding(key.WithDisabled())
	// No filtering: the lists are short, and esc means "back" here.
	km.Select.Filter = key.NewBinding(key.WithDisabled())
	km.MultiSelect.Filter = key.NewBinding(key.WithDisabled())
	f := huh.NewForm(groups...).
		WithShowHelp(false).
		WithTheme(w.st.FormTheme()).
		WithKeyMap(km).
		WithWidth(w.formWidth())
	f.SubmitCmd = func() tea.Msg { return formDoneMsg{id: id} }
	f.CancelCmd = nil
	return w.sizeForm(f), id
}

// sizeForm fits a form to the terminal: width, and group heights measured
// at that width (huh measures them when it sees a window size).
func (w *wizard) sizeForm(f *huh.Form) *huh.Form {
	f = f.WithWidth(w.formWidth())
	f, _ = updateForm(f, tea.WindowSizeMsg{Width: w.formWidth(), Height: w.root.bodyHeight()})
	return f
}

// formWidth is the width forms are drawn at.
func (w *wizard) formWidth() int { return max(20, min(w.width-2, 100)) }

// updateForm forwards msg to the form and keeps the returned form.
func updateForm(f *huh.Form, msg tea.Msg) (*huh.Form, tea.Cmd) {
	m, cmd := f.Update(msg)
	if nf, ok := m.(*huh.Form); ok {
		f = nf
	}
	return f, cmd
}

// formKeys are the help entries of a form's focused field.
func formKeys(f *huh.Form) []key.Binding {
	if f == nil {
		return nil
	}
	var out []key.Binding
	for _, b := range f.KeyBinds() {
		if b.Enabled() && b.Help().Key != "" {
			out = append(out, b)
		}
	}
	return out
}

// guardedString is a huh accessor behind a mutex: huh evaluates title and
// description functions on other goroutines, and the strength meter reads
// the password while the form writes it.
type guardedString struct {
	mu sync.Mutex
	v  string
}

// Get returns the value.
func (g *guardedString) Get() string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.v
}

// Set stores the value.
func (g *guardedString) Set(v string) {
	g.mu.Lock()
	g.v = v
	g.mu.Unlock()
}

var _ huh.Accessor[string] = (*guardedString)(nil)

// fieldText wraps a field's title or description for a form of the
// wizard's width, so that huh does not wrap it a second time.
func (w *wizard) fieldText(s string) string { return wrap(s, w.formWidth()-4) }
