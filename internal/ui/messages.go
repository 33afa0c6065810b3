package ui

import (
	"context"
	"errors"
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
	session.Interrupted
	found bool
	err   error
}

// probeMsg is the result of the first connection (identity only).
type probeMsg struct {
	identity    camera.Identity
	fingerprint string
	err         error
	// earlier is the finished earlier run of the camera found by its
	// serial (after a login), or by its address (after a refused one);
	// nil when none was looked for or found.
	earlier *session.Commissioning
}

// earlierLookup finds a finished earlier run of a probed camera in the
// run folders (both faces; it reads state files, so it runs with the
// probe, off the UI goroutine).
type earlierLookup func(id camera.Identity, err error) *session.Commissioning

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
		address:  s.Address(),
		findings: s.Findings(),
		results:  s.Results(),
	}
}

// The bodies of the wizard's slow work are plain functions: the
// full-screen face wraps each in a tea.Cmd, the line face (RunAccessible)
// calls them directly. Both faces therefore do exactly the same work.

// lookupResume looks for an unfinished session of host (session.FindInterrupted).
func lookupResume(dir, base, host string) resumeLookupMsg {
	found, ok, err := session.FindInterrupted(dir, base, host)
	return resumeLookupMsg{Interrupted: found, found: ok, err: err}
}

func lookupResumeCmd(dir, base, host string) tea.Cmd {
	return func() tea.Msg { return lookupResume(dir, base, host) }
}

// probe connects once, read-only, without pinning anything: a camera seen
// for the first time ends in a *camera.FingerprintError.
func probe(ctx context.Context, o camera.Options, find earlierLookup) probeMsg {
	o.AcceptNew, o.ConfirmNew = false, nil
	c, err := camera.New(o)
	if err != nil {
		return probeMsg{err: err}
	}
	defer c.Close()
	pctx, cancel := context.WithTimeout(ctx, 40*time.Second)
	defer cancel()
	id, err := c.Identity(pctx)
	msg := probeMsg{identity: id, fingerprint: c.Fingerprint(), err: err}
	if find != nil {
		msg.earlier = find(id, err)
	}
	return msg
}

func probeCmd(ctx context.Context, o camera.Options, find earlierLookup) tea.Cmd {
	return func() tea.Msg { return probe(ctx, o, find) }
}

// openSession opens the session (one request for the configuration, one
// for the web server log). When the output directory holds the state of an
// interrupted run of the same camera, session.Open continues it.
func openSession(ctx context.Context, o session.Options) openedMsg {
	s, err := session.Open(ctx, o)
	if err != nil {
		return openedMsg{err: err}
	}
	msg := openedMsg{sess: s, view: sessionOf(s)}
	if s.Resumed() {
		msg.resumed = len(s.Results())
	}
	return msg
}

func openCmd(ctx context.Context, o session.Options) tea.Cmd {
	return func() tea.Msg { return openSession(ctx, o) }
}

// planStep plans one step against the session's snapshot with the answers
// not yet confirmed (Session.PlanTentative): a secret typed for a step the
// installer then skips never reaches the run or the secrets file.
func planStep(s *session.Session, st steps.Step, index, seq int, pending map[steps.SecretName]secret.Secret) (msg planMsg) {
	defer func() {
		if r := recover(); r != nil {
			msg = planMsg{index: index, seq: seq, err: errors.New("internal error while planning: " + strings.TrimSpace(toString(r)))}
		}
	}()
	p, err := s.PlanTentative(st, pending)
	return planMsg{index: index, seq: seq, plan: p, err: err}
}

func planCmd(s *session.Session, st steps.Step, index, seq int, pending map[steps.SecretName]secret.Secret) tea.Cmd {
	return func() tea.Msg { return planStep(s, st, index, seq, pending) }
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

// applyStep applies exactly that plan (the engine commits its secrets to
// the run), or records the step as skipped when reason is set.
func applyStep(ctx context.Context, s *session.Session, st steps.Step, index int, plan *steps.Plan, reason string) appliedMsg {
	err := s.ApplyStep(ctx, st, plan, reason)
	v := sessionOf(s)
	msg := appliedMsg{index: index, skipped: reason != "", view: v, err: err}
	if index < len(v.findings) {
		msg.after = v.findings[index]
	}
	return msg
}

func applyCmd(ctx context.Context, s *session.Session, st steps.Step, index int, plan *steps.Plan, reason string) tea.Cmd {
	return func() tea.Msg { return applyStep(ctx, s, st, index, plan, reason) }
}

// recheckedMsg is a step looked at again after the installer set it in the
// camera's web interface.
type recheckedMsg struct {
	index int
	after steps.Finding
	view  sessionView
	err   error
}

// recheckStep looks at a step again: the configuration and the effect.
func recheckStep(ctx context.Context, s *session.Session, st steps.Step, index int) recheckedMsg {
	f, err := s.Recheck(ctx, st)
	return recheckedMsg{index: index, after: f, view: sessionOf(s), err: err}
}

func recheckCmd(ctx context.Context, s *session.Session, st steps.Step, index int) tea.Cmd {
	return func() tea.Msg { return recheckStep(ctx, s, st, index) }
}

// finishRun stores, reboots when needed, verifies and writes the files.
func finishRun(ctx context.Context, s *session.Session) finishedMsg {
	files, err := s.Finish(ctx)
	return finishedMsg{files: files, view: sessionOf(s), failed: s.Failed(), err: err}
}

func finishCmd(ctx context.Context, s *session.Session) tea.Cmd {
	return func() tea.Msg { return finishRun(ctx, s) }
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
