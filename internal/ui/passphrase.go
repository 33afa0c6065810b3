package ui

import (
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// passphrasePage asks for the passphrase that encrypts the backup and the
// secrets file: twice for a new session, once (checked against the
// earlier secrets file) when resuming.
type passphrasePage struct {
	w        *wizard
	resume   bool
	one, two guardedString
	form     *huh.Form
	formID   int
	formW    int
	err      string
}

func newPassphrasePage(w *wizard, resume bool, errText string) *passphrasePage {
	return &passphrasePage{w: w, resume: resume, err: errText}
}

func (p *passphrasePage) stage() string { return "Backup passphrase" }

func (p *passphrasePage) init() tea.Cmd {
	fields := []huh.Field{
		huh.NewInput().Title("Backup passphrase").EchoMode(huh.EchoModePassword).Accessor(&p.one).
			Description(p.w.fieldText("At least 12 characters. Keep it apart from the laptop: it opens the backup and every password of this camera.")).
			// Judged when the field is left, not after the second entry.
			Validate(func(v string) error { return backup.CheckPassphrase(secret.New(v)) }),
	}
	switch {
	case p.w.earlier != nil:
		fields[0] = huh.NewInput().Title("Backup passphrase of the earlier run").EchoMode(huh.EchoModePassword).Accessor(&p.one)
	case p.resume:
		fields[0] = huh.NewInput().Title("Backup passphrase of the earlier session").EchoMode(huh.EchoModePassword).Accessor(&p.one)
	default:
		fields = append(fields, huh.NewInput().Title("The same passphrase again").EchoMode(huh.EchoModePassword).Accessor(&p.two))
	}
	p.formW = p.w.formWidth()
	p.form, p.formID = p.w.newForm(huh.NewGroup(fields...))
	return p.form.Init()
}

func (p *passphrasePage) update(msg tea.Msg) tea.Cmd {
	w := p.w
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if p.formW != w.formWidth() {
			return p.init() // texts wrap at the new width; the entries stay
		}
		p.form = w.sizeForm(p.form)
		return nil
	case formDoneMsg:
		if msg.id != p.formID {
			return nil
		}
		pass := secret.New(p.one.Get())
		if err := p.check(pass); err != nil {
			p.err = err.Error()
			p.one.Set("")
			p.two.Set("")
			return p.init()
		}
		p.err = ""
		w.pass = pass
		if p.resume {
			return w.beforeProbe()
		}
		return w.open()
	case tea.KeyPressMsg:
		if w.busy != "" {
			return nil
		}
		if key.Matches(msg, w.keys.Back) {
			return w.backToConnect()
		}
	}
	if w.busy != "" {
		return nil
	}
	var cmd tea.Cmd
	p.form, cmd = updateForm(p.form, msg)
	return cmd
}

func (p *passphrasePage) check(pass secret.Secret) error {
	if p.resume || p.w.earlier != nil {
		if pass.IsZero() {
			return errors.New("enter the passphrase of the earlier session")
		}
		return nil
	}
	if err := backup.CheckPassphrase(pass); err != nil {
		return err
	}
	if p.two.Get() != pass.Reveal() {
		return errors.New("the two entries differ: type the passphrase twice, the same way")
	}
	return nil
}

func (p *passphrasePage) view(width, height int) string {
	w := p.w
	st := w.st
	intro := stack(
		st.Title.Render("Backup passphrase"),
		wrap("mxwizard writes the encrypted secrets file before it sets any new password or key (write-ahead), so an interruption never leaves a camera with a password nobody has.", width),
		wrap("This passphrase encrypts that file and the configuration backup (age format; `mxwizard backup decrypt` or the age tool open them). The files go to "+w.outDir+".", width),
	)
	switch {
	case w.earlier != nil:
		intro = stack(st.Title.Render("Backup passphrase"), wrap(w.earlierText(), width))
	case p.resume:
		intro = stack(st.Title.Render("Backup passphrase"),
			wrap("Enter the passphrase of the earlier session: mxwizard opens its encrypted secrets file to take over the passwords set then, and writes every new file with the same passphrase.", width))
	}
	var inter string
	if w.busy != "" {
		inter = w.spinnerLine(width)
	} else {
		errText := ""
		if p.err != "" {
			errText = st.Error.Render(wrap(p.err, width))
		}
		inter = stack(errText, p.form.View())
	}
	return w.layout(intro, inter, width, height)
}

func (p *passphrasePage) help() []key.Binding {
	return append(formKeys(p.form), p.w.keys.Back)
}
