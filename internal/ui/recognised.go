package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
)

// restoredMsg is the end of a restore started from the wizard.
type restoredMsg struct {
	res *session.RestoreResult
	err error
}

// restoreFromBackup puts the commissioning's backup back on the camera
// (session.Restore), as `mxwizard restore` does.
func restoreFromBackup(ctx context.Context, w *wizard, backup string) restoredMsg {
	o := w.cameraOptions()
	res, err := session.Restore(ctx, session.RestoreOptions{
		Camera: o, Backup: backup, Passphrase: w.pass, OutDir: w.outDir,
		BootTimeout: w.opts.BootTimeout, PollInterval: w.opts.PollInterval, Tool: w.opts.Tool,
		Progress: w.sessionOptions().Progress,
	})
	return restoredMsg{res: res, err: err}
}

// earlierText says which earlier run of the camera was found and why its
// passphrase is asked for (both faces).
func (w *wizard) earlierText() string {
	e := w.earlier
	if w.filedPassword {
		text := fmt.Sprintf("The camera refused the password given. mxwizard hardened the camera at this address (serial %s) from this computer before: the secrets file of that run (%s) in %s holds its admin password. Enter that run's backup passphrase: mxwizard logs in with the password on file (the refused one is not sent again) and this run's files go into the same folder. Passphrase lost? Go back (esc) and type the camera's password.",
			e.Serial, e.Finished.Local().Format("2006-01-02 15:04"), e.Dir)
		if warn := w.lockoutWarning(); warn != "" {
			text += " " + warn
		}
		return text
	}
	return fmt.Sprintf("This camera (serial %s) was hardened before from this computer: the secrets file of that run (%s) is in %s. Enter that run's backup passphrase: it opens the file, so that the camera's passwords and keys are known and can be kept; this run's files go into the same folder, with the same passphrase. Passphrase lost? Quit, move that folder away and start again: then the camera's current admin password is needed.",
		w.identity.Serial, e.Finished.Local().Format("2006-01-02 15:04"), e.Dir)
}

// recognisedChoices are what the installer may do with a camera hardened
// before and now at factory settings.
func (w *wizard) recognisedChoices() []menuItem {
	var items []menuItem
	if w.sess.BackupFile() != "" {
		items = append(items, menuItem{
			id: "restore", label: "Restore the backup of the commissioning",
			hint: "Same firmware only. The camera comes back as it was, with its certificate; then the 22 steps are checked.",
		})
	}
	return append(items,
		menuItem{
			id: "again", label: "Harden again with the same passwords and keys",
			hint: "The VMS accounts and recordings encrypted with the old key keep working.",
		},
		menuItem{
			id: "afresh", label: "Start afresh with new passwords and keys",
			hint: "The VMS needs the new accounts; recordings encrypted before need the old key (the secrets file keeps it under previous).",
		},
	)
}

// recognisedText says what mxwizard found.
func (w *wizard) recognisedText() string {
	when, _ := w.sess.Commissioned()
	return fmt.Sprintf("This camera (serial %s) was hardened on %s: its secrets file is in %s. It is at factory settings now (%s): it was probably reset.",
		w.identity.Serial, when.Local().Format("2006-01-02 15:04"), w.outDir, strings.Join(w.sess.FactorySigns(), ", "))
}

// recognised reports whether the opened session is of a camera hardened
// before and now at factory settings, which needs the installer's choice
// first.
func (w *wizard) recognised() bool {
	if w.recognisedDone || w.sess == nil || len(w.sess.Results()) > 0 { // not in the middle of an interrupted run
		return false
	}
	_, ok := w.sess.Commissioned()
	return ok && w.sess.AtFactorySettings()
}

// newRecognisedPage offers restore, the same secrets, or new ones.
func newRecognisedPage(w *wizard) *menuPage {
	st := w.st
	return &menuPage{
		w: w, stageName: "Hardened before",
		body: func(width int) string {
			return stack(st.Title.Render("This camera was hardened before"), wrap(w.recognisedText(), width))
		},
		m: newMenu(w.recognisedChoices()...),
		choose: func(id string) tea.Cmd {
			w.recognisedDone = true
			switch id {
			case "restore":
				backup, ctx := w.sess.BackupFile(), w.ctx
				return tea.Batch(w.startBusy("restoring the backup (the camera reboots)"),
					func() tea.Msg { return restoreFromBackup(ctx, w, backup) })
			case "afresh":
				w.newSecrets = true
				return w.open()
			}
			return w.show(newOverviewPage(w, 0))
		},
	}
}

// restoredText is the outcome of a restore.
func (w *wizard) restoredText(res *session.RestoreResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Restored: the camera answers at %s with the admin password of the secrets file", res.AddressAfter)
	if res.Certificate {
		b.WriteString(", and presents the certificate of the commissioning again")
	}
	b.WriteString(".\n")
	failing := 0
	for _, r := range res.Steps {
		if r.After.Status == "fail" || r.After.Status == "error" || r.After.Status == "unsupported" {
			failing++
			fmt.Fprintf(&b, "Step %d %s: %s\n", r.Step, r.After.Status, r.After.Detail)
		}
	}
	if failing == 0 {
		b.WriteString("No step fails.\n")
	}
	b.WriteString("Report: " + res.Files.Report)
	return b.String()
}

// onRestored shows the end of a restore (the full-screen face).
func (w *wizard) onRestored(msg restoredMsg) tea.Cmd {
	w.stopBusy()
	st := w.st
	if msg.err != nil {
		return w.show(newConnectPage(w, secret.Redact(msg.err.Error(), w.pw, w.pass)))
	}
	w.finished, w.failed, w.files, w.unsaved = true, msg.res.Failed, msg.res.Files, false
	w.view.address = msg.res.AddressAfter
	return w.show(&menuPage{
		w: w, stageName: "Restored",
		body: func(width int) string {
			return stack(st.Title.Render("Restored from the backup"), wrap(w.restoredText(msg.res), width))
		},
		m:      newMenu(menuItem{id: "quit", label: "Quit"}),
		choose: func(string) tea.Cmd { return w.root.finish() },
	})
}
