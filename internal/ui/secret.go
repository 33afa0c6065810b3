package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// generatedMsg is a secret made by the generator.
type generatedMsg struct {
	value secret.Secret
	err   error
}

func generateCmd(gen func() (secret.Secret, error)) tea.Cmd {
	return func() tea.Msg {
		v, err := gen()
		return generatedMsg{value: v, err: err}
	}
}

type entryPhase int

const (
	entryChoose entryPhase = iota
	entryTyping
	entryChecking
	entryReveal
	entryDone
)

// secretEntry asks for one new secret (AskSecret): generate one (shown
// once) or type one twice, with a live strength meter that explains itself.
// The meter runs password.EvaluateLive off the UI goroutine after a short
// pause in typing; results for an older entry are dropped by sequence
// number.
type secretEntry struct {
	w      *wizard
	q      steps.Question
	inputs password.Inputs
	strict bool // the whole password policy must hold (admin password, recording key)
	minLen int

	phase     entryPhase
	m         *menu
	pw, again guardedString
	form      *huh.Form
	formID    int
	last      string // the entry the meter was last asked about
	seq       int
	meter     *password.Result
	err       string
	reasons   []string

	value     secret.Secret
	generated bool
	kept      bool          // the value the camera had (this run's or the secrets file's)
	known     secret.Secret // that value, when there is one
}

func newSecretEntry(w *wizard, q steps.Question) *secretEntry {
	pol := q.SecretName.Policy()
	e := &secretEntry{w: w, q: q, strict: pol.Strict, minLen: pol.MinLength, inputs: w.secretInputs(q.SecretName)}
	e.m = newMenu(
		menuItem{id: "generate", label: "Generate a strong one (recommended)", hint: "four groups of four letters and digits (Kx7m-Pq3r-…), easy to read aloud; shown once, and kept in the encrypted secrets file."},
		menuItem{id: "type", label: "Type my own"},
	)
	if w.sess != nil {
		if v, ok := w.sess.KnownSecret(q.SecretName); ok {
			e.known = v
			e.m = newMenu(append([]menuItem{{
				id: "keep", label: "Keep the one set before (it is in the secrets file)",
				hint: "Whatever already uses it (the VMS, recordings encrypted with it) keeps working.",
			}}, e.m.items...)...)
		}
	}
	return e
}

// secretInputs are the words an attacker knows for the secret name: the
// camera's, and the user name whose password it is.
func (w *wizard) secretInputs(name steps.SecretName) password.Inputs {
	user := ""
	if name.Policy().OfLoginUser {
		user = w.user
	} else if u, ok := name.User(); ok {
		user = u
	}
	return w.passwordInputs(user)
}

// done reports whether the entry has a value.
func (e *secretEntry) done() bool { return e.phase == entryDone }

func (e *secretEntry) startTyping() tea.Cmd {
	e.phase = entryTyping
	e.pw.Set("")
	e.again.Set("")
	e.last, e.meter = "", nil
	e.seq++
	e.form, e.formID = e.w.newForm(huh.NewGroup(
		huh.NewInput().Title(e.q.Prompt).EchoMode(huh.EchoModePassword).CharLimit(password.MaxLength+20).Accessor(&e.pw),
		huh.NewInput().Title("The same again, to be sure").EchoMode(huh.EchoModePassword).CharLimit(password.MaxLength+20).Accessor(&e.again),
	))
	return e.form.Init()
}

func (e *secretEntry) update(msg tea.Msg) tea.Cmd {
	w := e.w
	switch msg := msg.(type) {
	case generatedMsg:
		if e.phase != entryChoose {
			return nil
		}
		w.stopBusy()
		if msg.err != nil {
			e.err = msg.err.Error()
			return nil
		}
		e.value, e.generated, e.phase = msg.value, true, entryReveal
		return nil
	case strengthTickMsg:
		if msg.seq != e.seq || e.phase != entryTyping {
			return nil // stale: the entry changed since
		}
		return strengthCmd(msg.seq, secret.New(e.last), e.inputs)
	case strengthMsg:
		if msg.seq == e.seq {
			r := msg.result
			e.meter = &r
		}
		return nil
	case verdictMsg:
		if msg.seq != e.seq || e.phase != entryChecking {
			return nil
		}
		w.stopBusy()
		if !msg.result.OK {
			e.err = "Not accepted: " + password.StrengthName(msg.result.Score) + ". Type another one."
			e.reasons = msg.result.Reasons
			return e.startTyping()
		}
		e.phase = entryDone
		return nil
	case formDoneMsg:
		if msg.id != e.formID || e.phase != entryTyping {
			return nil
		}
		return e.submit()
	case tea.KeyPressMsg:
		switch e.phase {
		case entryChoose:
			switch e.m.update(msg, w.keys) {
			case "keep":
				e.value, e.kept, e.phase = e.known, true, entryDone
				return nil
			case "generate":
				return tea.Batch(w.startBusy("generating"), generateCmd(w.opts.Generate))
			case "type":
				e.err, e.reasons = "", nil
				return e.startTyping()
			}
			return nil
		case entryReveal:
			if key.Matches(msg, w.keys.Enter) {
				e.phase = entryDone
			}
			return nil
		}
	}
	if e.phase != entryTyping {
		return nil
	}
	if e.strict && !printableASCII(typedText(msg)) {
		// Never in the field: the camera takes printable ASCII only, and
		// the mask then counts exactly the characters typed.
		e.err = notASCII
		return nil
	}
	if e.err == notASCII && typedText(msg) != "" {
		e.err = ""
	}
	var cmd tea.Cmd
	e.form, cmd = updateForm(e.form, msg)
	if v := e.pw.Get(); v != e.last {
		e.last = v
		e.seq++
		e.meter = nil
		if v != "" {
			cmd = tea.Batch(cmd, strengthTick(e.seq))
		}
	}
	return cmd
}

// notASCII is said when a character a camera password cannot hold is typed.
const notASCII = "Printable ASCII only: that character was not taken (no spaces, no accents, no other scripts)."

// typedText is the text a key press or a paste would put into a field.
func typedText(msg tea.Msg) string {
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		return m.Text
	case tea.PasteMsg:
		return m.Content
	}
	return ""
}

// printableASCII reports whether s holds only characters 0x21 to 0x7E
// (what a camera password may hold); "" is.
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

// submit checks the typed entry: both the same, long enough, and for the
// admin password and the recording key the whole policy (in a command).
func (e *secretEntry) submit() tea.Cmd {
	v, again := e.pw.Get(), e.again.Get()
	e.reasons = nil
	if err := e.q.SecretName.Precheck(v, again); err != nil {
		e.err = err.Error()
		return e.startTyping()
	}
	e.err = ""
	e.value = secret.New(v)
	if !e.strict {
		e.phase = entryDone
		return nil
	}
	e.phase = entryChecking
	e.seq++
	return tea.Batch(e.w.startBusy("checking the password"), verdictCmd(e.seq, e.value, e.inputs))
}

func (e *secretEntry) view(width int) string {
	w := e.w
	st := w.st
	errText := ""
	if e.err != "" {
		errText = st.Error.Render(wrap(e.err, width))
		if len(e.reasons) > 0 {
			errText += "\n" + e.reasonList(e.reasons, width, 6)
		}
	}
	switch e.phase {
	case entryChoose:
		inter := e.m.view(st, width)
		if w.busy != "" {
			inter = w.spinnerLine(width)
		}
		return stack(st.Label.Render(e.q.Prompt), errText, inter)
	case entryReveal:
		box := stack(
			st.Label.Render(e.q.Prompt+":"),
			"  "+st.Secret.Render(e.value.Reveal()),
			st.Warn.Render(wrap("Write it down now or rely on the encrypted secrets file; it will not be shown again.", width-6)),
		)
		return st.Box.Render(box) + "\n" + st.Subtle.Render("enter: I have written it down")
	case entryChecking:
		return w.spinnerLine(width)
	}
	return stack(errText, e.form.View(), e.meterView(width))
}

// meterView explains the strength of the entry so far.
func (e *secretEntry) meterView(width int) string {
	st := e.w.st
	if e.last == "" {
		return st.Subtle.Render(wrap(e.policyLine(), width))
	}
	if e.meter == nil {
		return st.Subtle.Render("Strength: …")
	}
	r := e.meter
	score := max(r.Score, 0)
	bar := strings.Repeat("■", score) + strings.Repeat("□", 4-score)
	style := st.Fail
	switch {
	case r.OK:
		style = st.Pass
	case score >= password.MinScore:
		style = st.Manual
	}
	verdict := "meets the policy"
	if !r.OK {
		verdict = "not yet: " + strconv.Itoa(len(r.Reasons)) + " to fix"
		if !e.strict {
			verdict = "advice: " + strconv.Itoa(len(r.Reasons)) + " to improve"
		}
	}
	head := "Strength: " + style.Render(bar+" "+r.Strength) + st.Subtle.Render(" ("+strconv.Itoa(max(r.Score, 0))+" of 4) · "+verdict)
	if r.OK {
		return head
	}
	return head + "\n" + e.reasonList(r.Reasons, width, 4)
}

func (e *secretEntry) reasonList(reasons []string, width, limit int) string {
	var lines []string
	for i, r := range reasons {
		if i == limit {
			lines = append(lines, "  … and "+strconv.Itoa(len(reasons)-limit)+" more")
			break
		}
		lines = append(lines, indent(r, width, 4, "  • "))
	}
	return strings.Join(lines, "\n")
}

func (e *secretEntry) policyLine() string {
	return e.policy() + " The meter explains as you type."
}

// policy says what a typed entry must be.
func (e *secretEntry) policy() string {
	if e.strict {
		return "8 to 99 characters, printable ASCII only (no spaces, no accents: the camera takes no other): upper and lower case, a digit and a special character; not a common word or the camera's name."
	}
	return "At least " + strconv.Itoa(e.minLen) + " characters."
}

func (e *secretEntry) help() []key.Binding {
	switch e.phase {
	case entryChoose:
		return menuHelp(e.w.keys)
	case entryReveal:
		return []key.Binding{helpBinding("enter", "continue")}
	case entryTyping:
		return append(formKeys(e.form), helpBinding("shift+tab", "previous field"))
	}
	return nil
}
