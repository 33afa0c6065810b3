package ui

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// driver runs a Model the way bubbletea would, but in the test: messages
// go through Update, commands run on goroutines and their messages come
// back in order of arrival. Every rendered screen is kept (ANSI stripped)
// so tests can assert on all of them, and each is checked to fit the
// terminal.
type driver struct {
	t       *testing.T
	m       *Model
	msgs    chan tea.Msg
	screens []string
	quit    bool
	w, h    int
}

var cmdType = reflect.TypeOf(tea.Cmd(nil))

func newDriver(t *testing.T, opts Options, width, height int) *driver {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	d := &driver{t: t, m: New(ctx, opts), msgs: make(chan tea.Msg, 4096), w: width, h: height}
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: width, Height: height})
	return d
}

// run executes cmd on a goroutine; batches fan out, sequences keep order.
func (d *driver) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		for _, m := range d.expand(cmd()) {
			select {
			case d.msgs <- m:
			default: // the test is over or flooded: drop
			}
		}
	}()
}

// expand turns a command's message into the messages to deliver: a
// sequence runs here in order, a batch fans out.
func (d *driver) expand(msg tea.Msg) []tea.Msg {
	if msg == nil {
		return nil
	}
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			d.run(c)
		}
		return nil
	}
	v := reflect.ValueOf(msg)
	if v.Kind() == reflect.Slice && v.Type().Elem() == cmdType {
		var out []tea.Msg
		for i := 0; i < v.Len(); i++ {
			c := v.Index(i).Interface().(tea.Cmd)
			if c != nil {
				out = append(out, d.expand(c())...)
			}
		}
		return out
	}
	return []tea.Msg{msg}
}

// update delivers one message and renders.
func (d *driver) update(msg tea.Msg) {
	if _, ok := msg.(tea.QuitMsg); ok {
		d.quit = true
		return
	}
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		d.w, d.h = ws.Width, ws.Height
	}
	_, cmd := d.m.Update(msg)
	d.render()
	d.run(cmd)
}

func (d *driver) render() {
	s := ansi.Strip(d.m.View().Content)
	d.screens = append(d.screens, s)
	lines := strings.Split(s, "\n")
	if len(lines) > d.h {
		d.t.Fatalf("the screen has %d lines, the terminal %d:\n%s", len(lines), d.h, s)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > d.w {
			d.t.Fatalf("line %d is %d cells wide, the terminal %d:\n%q\nscreen:\n%s", i+1, w, d.w, l, s)
		}
	}
}

// screen is the last rendered screen.
func (d *driver) screen() string {
	if len(d.screens) == 0 {
		d.render()
	}
	return d.screens[len(d.screens)-1]
}

// send delivers msg and waits until the model is idle.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	d.update(msg)
	d.settle()
}

// settle processes messages until none came for a short while and the
// model waits for nothing.
func (d *driver) settle() {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case m := <-d.msgs:
			d.update(m)
		case <-time.After(30 * time.Millisecond):
			if d.m.w.busy == "" {
				return
			}
		case <-deadline:
			d.t.Fatalf("still busy (%s) after 20 s; screen:\n%s", d.m.w.busy, d.screen())
		}
	}
}

// waitFor processes messages until the screen satisfies cond.
func (d *driver) waitFor(what string, cond func(string) bool) {
	d.t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond(d.screen()) {
		select {
		case m := <-d.msgs:
			d.update(m)
		case <-time.After(20 * time.Millisecond):
			d.render()
		case <-deadline:
			d.t.Fatalf("waiting for %s; screen:\n%s", what, d.screen())
		}
	}
}

// waitText waits until the screen contains s (also across line breaks).
func (d *driver) waitText(s string) {
	d.t.Helper()
	d.waitFor("the text "+strings.TrimSpace(s), func(scr string) bool { return contains(scr, s) })
}

// contains reports whether the screen shows s, on one line or wrapped.
func contains(scr, s string) bool {
	if strings.Contains(scr, s) {
		return true
	}
	var words []string
	for _, l := range strings.Split(scr, "\n") {
		l = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "┃"))
		words = append(words, strings.Fields(l)...)
	}
	return strings.Contains(strings.Join(words, " "), strings.Join(strings.Fields(s), " "))
}

// key sends one named key (enter, esc, tab, shift+tab, up, down, space,
// ctrl+c, ctrl+s, ctrl+u, pgdown) or a single character.
func (d *driver) key(name string) {
	d.t.Helper()
	d.send(keyMsg(name))
}

// typeText types s character by character.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	d.settle()
}

func keyMsg(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEsc}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	if strings.HasPrefix(name, "ctrl+") && len(name) == 6 {
		return tea.KeyPressMsg{Code: rune(name[5]), Mod: tea.ModCtrl}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

// expectText fails unless the current screen contains every s.
func (d *driver) expectText(ss ...string) {
	d.t.Helper()
	scr := d.screen()
	for _, s := range ss {
		if !contains(scr, s) {
			d.t.Fatalf("the screen lacks %q:\n%s", s, scr)
		}
	}
}

// neverShown fails if any screen so far contained s.
func (d *driver) neverShown(s string) {
	d.t.Helper()
	for _, scr := range d.screens {
		if strings.Contains(scr, s) {
			d.t.Fatalf("a screen showed %q:\n%s", s, scr)
		}
	}
}

// typeOwnPassword answers a step's "New password" question with the second
// choice, "Type my own", and leaves the focus in the password field.
func (d *driver) typeOwnPassword() {
	d.t.Helper()
	d.key("down")
	d.key("enter")
}

// applyOwnAdminPassword takes step 3, shown, to applied: the installer's
// own password typed twice, the plan applied, the result on screen.
func (d *driver) applyOwnAdminPassword() {
	d.t.Helper()
	d.typeOwnPassword()
	d.typeText(testAdminPassword)
	d.key("enter")
	d.typeText(testAdminPassword)
	d.key("enter")
	d.waitText("Apply these changes")
	d.key("enter")
	d.waitText("Now:")
}

// clearField empties the focused text field.
func (d *driver) clearField() {
	d.t.Helper()
	d.update(tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	d.settle()
}

func windowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
