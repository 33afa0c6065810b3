package ui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// Every message the wizard's commands return, and the commands themselves.
// Slow work (network, encryption, key generation, zxcvbn) runs only here,
// off the UI goroutine; the session is touched by one command at a time
// (the model is busy meanwhile), and results come back as copies so that
// View never reads what a command may be changing.

// resumeLookupMsg says whether an unfinished session for the camera exists.
type resumeLookupMsg struct {
	dir   string
	state session.State
	found bool
	err   error
}

// probeMsg is the result of the first connection (identity only).
type probeMsg struct {
	identity    camera.Identity
	fingerprint string
	err         error
}

// openedMsg is a session opened: identity, address and the read-only
// check of every step.
type openedMsg struct {
	sess    *session.Session
	view    sessionView
	resumed int // steps taken over from the interrupted session
	err     error
}

// sessionView is what the UI shows of a session, copied in the command.
type sessionView struct {
	identity camera.Identity
	address  string
	findings []steps.Finding
	results  []report.HandoverStep
}

// planMsg is one step's plan.
type planMsg struct {
	index int
	seq   int
	plan  *steps.Plan
	err   error
}

// appliedMsg is one step applied (or skipped) and verified.
type appliedMsg struct {
	index   int
	skipped bool
	after   steps.Finding
	view    sessionView
	err     error
}

// finishedMsg is the end of the run: stored, rebooted, verified, files
// written.
type finishedMsg struct {
	files  session.Files
	view   sessionView
	failed bool
	err    error
}

// progressMsg is one line from the engine (store, reboot, waiting...).
type progressMsg string

// strengthTickMsg fires after the debounce pause; stale sequence numbers
// are dropped.
type strengthTickMsg struct{ seq int }

// strengthMsg is a live strength estimate for the entry numbered seq.
type strengthMsg struct {
	seq    int
	result password.Result
}

// verdictMsg is the full policy verdict on a submitted password.
type verdictMsg struct {
	seq    int
	result password.Result
}

// formDoneMsg says the form numbered id was submitted.
type formDoneMsg struct{ id int }

// sessionOf copies what the UI shows; call it only from a command.
func sessionOf(s *session.Session) sessionView {
	return sessionView{
		identity: s.Identity(),
		address:  s.Engine.Client.Address(),
		findings: steps.CheckAll(s.Snap),
		results:  append([]report.HandoverStep(nil), s.Results...),
	}
}

// lookupResumeCmd looks for an unfinished session of host: in dir when the
// output directory was given, else in base/mxwizard-<host>-*.
func lookupResumeCmd(dir, base, host string) tea.Cmd {
	return func() tea.Msg {
		dirs := []string{dir}
		if dir == "" {
			dirs, _ = filepath.Glob(filepath.Join(base, "mxwizard-"+safeName(host)+"-*"))
		}
		var best resumeLookupMsg
		for _, d := range dirs {
			st, ok, err := session.LoadState(d)
			if err != nil {
				return resumeLookupMsg{dir: d, err: err}
			}
			if !ok || st.Finished || len(st.Steps) == 0 {
				continue
			}
			if !best.found || st.Updated.After(best.state.Updated) {
				best = resumeLookupMsg{dir: d, state: st, found: true}
			}
		}
		return best
	}
}

// probeCmd connects once, read-only, without pinning anything: a camera
// seen for the first time ends in a *camera.FingerprintError.
func probeCmd(ctx context.Context, o camera.Options) tea.Cmd {
	return func() tea.Msg {
		o.AcceptNew, o.ConfirmNew = false, nil
		c, err := camera.New(o)
		if err != nil {
			return probeMsg{err: err}
		}
		defer c.Close()
		pctx, cancel := context.WithTimeout(ctx, 40*time.Second)
		defer cancel()
		id, err := c.Identity(pctx)
		return probeMsg{identity: id, fingerprint: c.Fingerprint(), err: err}
	}
}

// openCmd opens the session (one request for the configuration, one for
// the web server log). When the output directory holds the state of an
// interrupted run of the same camera, session.Open continues it: it finds
// the camera where it answers now, takes the earlier secrets from the
// encrypted secrets file and the steps done from the state.
func openCmd(ctx context.Context, o session.Options) tea.Cmd {
	return func() tea.Msg {
		s, err := session.Open(ctx, o)
		if err != nil {
			return openedMsg{err: err}
		}
		msg := openedMsg{sess: s, view: sessionOf(s)}
		if s.Resumed() {
			msg.resumed = len(s.Results)
		}
		return msg
	}
}

// planCmd plans one step against the session's snapshot with the answers
// not yet confirmed (Session.PlanTentative): a secret typed for a step the
// installer then skips never reaches the run or the secrets file.
func planCmd(s *session.Session, st steps.Step, index, seq int, pending map[steps.SecretName]secret.Secret) tea.Cmd {
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = planMsg{index: index, seq: seq, err: errors.New("internal error while planning: " + strings.TrimSpace(toString(r)))}
			}
		}()
		p, err := s.PlanTentative(st, pending)
		return planMsg{index: index, seq: seq, plan: p, err: err}
	}
}

func toString(v any) string {
	if e, ok := v.(error); ok {
		return e.Error()
	}
	if s, ok := v.(string); ok {
		return s
	}
	return "panic"
}

// applyCmd applies exactly that plan (the engine commits its secrets to the
// run), or records the step as skipped when reason is set.
func applyCmd(ctx context.Context, s *session.Session, st steps.Step, index int, plan *steps.Plan, reason string) tea.Cmd {
	return func() tea.Msg {
		err := s.ApplyStep(ctx, st, plan, reason)
		v := sessionOf(s)
		msg := appliedMsg{index: index, skipped: reason != "", view: v, err: err}
		if index < len(v.findings) {
			msg.after = v.findings[index]
		}
		return msg
	}
}

// finishCmd stores, reboots when needed, verifies and writes the files.
func finishCmd(ctx context.Context, s *session.Session) tea.Cmd {
	return func() tea.Msg {
		files, err := s.Finish(ctx)
		return finishedMsg{files: files, view: sessionOf(s), failed: s.Failed(), err: err}
	}
}

// listenProgress waits for the next progress line of the engine.
func listenProgress(ch <-chan string) tea.Cmd {
	return func() tea.Msg {
		m, ok := <-ch
		if !ok {
			return nil
		}
		return progressMsg(m)
	}
}

// strengthDebounce is the pause after a key press before the live meter
// runs zxcvbn; typing faster than this costs nothing.
const strengthDebounce = 120 * time.Millisecond

func strengthTick(seq int) tea.Cmd {
	return tea.Tick(strengthDebounce, func(time.Time) tea.Msg { return strengthTickMsg{seq: seq} })
}

// strengthCmd runs the live estimate (bounded cost) off the UI goroutine.
func strengthCmd(seq int, pw secret.Secret, in password.Inputs) tea.Cmd {
	return func() tea.Msg { return strengthMsg{seq: seq, result: password.EvaluateLive(pw, in)} }
}

// verdictCmd runs the full policy on a submitted password.
func verdictCmd(seq int, pw secret.Secret, in password.Inputs) tea.Cmd {
	return func() tea.Msg { return verdictMsg{seq: seq, result: password.Evaluate(pw, in)} }
}

// safeName makes a host usable in a file name.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// defaultOutDir is ./mxwizard-<host>-<date>, with the time added when a
// finished run already uses that name.
func defaultOutDir(base, host string, now time.Time) string {
	dir := filepath.Join(base, "mxwizard-"+safeName(host)+"-"+now.Format("2006-01-02"))
	if _, err := os.Stat(dir); err == nil {
		dir += "-" + now.Format("1504")
	}
	return dir
}
