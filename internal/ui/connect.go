package ui

import (
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// connectPage asks for the camera's address, user and password.
type connectPage struct {
	w                   *wizard
	address, user, pass string
	form                *huh.Form
	formID, formW       int
	err                 string
}

func newConnectPage(w *wizard, errText string) *connectPage {
	return &connectPage{w: w, address: w.address, user: w.user, pass: w.pw.Reveal(), err: errText}
}

func (p *connectPage) stage() string { return "Connect" }

func (p *connectPage) init() tea.Cmd {
	passHelp := "Masked. Filled in: the factory password of a new camera (" + camera.FactoryPassword + "); replace it if this camera has another."
	if p.pass == "" {
		passHelp = "Masked. A new camera has the factory password " + camera.FactoryPassword + "."
	}
	p.formW = p.w.formWidth()
	p.form, p.formID = p.w.newForm(huh.NewGroup(
		huh.NewInput().Title("Camera address").
			Description(p.w.fieldText("IP address or host name, with port and scheme if needed: 192.168.1.10, cam1:8443, http://10.0.0.5")).
			Value(&p.address).
			Validate(func(s string) error {
				_, err := camera.ParseAddress(s)
				return err
			}),
		huh.NewInput().Title("User").Description(p.w.fieldText("The camera account mxwizard logs in with (admins group).")).Value(&p.user).
			Validate(func(s string) error {
				if strings.TrimSpace(s) == "" {
					return errors.New("give the user name (on a new camera: admin)")
				}
				return nil
			}),
		huh.NewInput().Title("Password").Description(p.w.fieldText(passHelp)).EchoMode(huh.EchoModePassword).Value(&p.pass),
	))
	return p.form.Init()
}

func (p *connectPage) update(msg tea.Msg) tea.Cmd {
	w := p.w
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if p.formW != w.formWidth() {
			// Rebuilt so that the texts wrap at the new width; the values stay.
			return p.init()
		}
		p.form = w.sizeForm(p.form)
		return nil
	case tea.KeyPressMsg:
		if msg.String() == "ctrl+f" {
			// What was typed so far stays for the way back.
			w.address, w.user, w.pw = strings.TrimSpace(p.address), strings.TrimSpace(p.user), secret.New(p.pass)
			return w.search()
		}
	case formDoneMsg:
		if msg.id != p.formID {
			return nil
		}
		w.address, w.user = strings.TrimSpace(p.address), strings.TrimSpace(p.user)
		w.pw = secret.New(p.pass)
		p.pass = ""
		return w.afterConnect()
	}
	var cmd tea.Cmd
	p.form, cmd = updateForm(p.form, msg)
	return cmd
}

func (p *connectPage) view(width, height int) string {
	w := p.w
	intro := wrap("Connect this laptop to the camera, then tell mxwizard where it is (ctrl+f searches this network for MOBOTIX cameras, without logging in). Nothing is changed on the camera until you confirm a step's plan.", width)
	if w.sameAnswers {
		intro = wrap(fmt.Sprintf("Camera %d of the site: the next camera gets the same answers, with its own passwords and keys; its whole plan is shown before anything is written. ctrl+f searches this network for MOBOTIX cameras.", w.hardened+1), width)
	}
	if w.opts.Label == "demo" && !w.sameAnswers {
		intro = wrap("Demo: a simulated, factory-new MOBOTIX camera runs inside mxwizard on this computer. Everything works as with a real camera; nothing leaves this machine.", width)
	}
	errText := ""
	if p.err != "" {
		errText = w.st.Error.Render(wrap(p.err, width))
	}
	if w.busy != "" {
		return stack(intro, w.spinnerLine(width))
	}
	return w.layout(intro, stack(errText, p.form.View()), width, height)
}

func (p *connectPage) help() []key.Binding {
	return append(formKeys(p.form), helpBinding("shift+tab", "previous field"), helpBinding("ctrl+f", "search network"))
}
