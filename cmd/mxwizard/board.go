package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/session"
)

// board shows how a site run goes: on a terminal one live line per camera
// (the current step by number and name, its state, the time it took so
// far) and the totals, redrawn in place; elsewhere one plain line per event
// that names the camera and the step.
type board struct {
	mu      sync.Mutex
	w       io.Writer
	live    bool
	width   int
	height  int
	rows    []boardRow
	start   time.Time
	drawn   int
	stop    chan struct{}
	stopped chan struct{}
}

type boardRow struct {
	address string
	working bool // its run started (connected and its turn came)
	step    int
	title   string
	state   string
	started time.Time
	ended   time.Time
	verdict string
}

// newBoard makes the board for the cameras; live when w is a terminal.
func newBoard(w io.Writer, addrs []string) *board {
	b := &board{w: w, start: time.Now(), width: 80, height: 24}
	for _, a := range addrs {
		b.rows = append(b.rows, boardRow{address: a, state: "waiting"})
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(f.Fd()) {
		b.live = true
		if wd, ht, err := term.GetSize(f.Fd()); err == nil && wd > 20 && ht > 4 {
			b.width, b.height = wd, ht
		}
		b.stop, b.stopped = make(chan struct{}), make(chan struct{})
		go b.redraw()
	}
	return b
}

func (b *board) redraw() {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	defer close(b.stopped)
	for {
		b.mu.Lock()
		b.drawLocked()
		b.mu.Unlock()
		select {
		case <-t.C:
		case <-b.stop:
			return
		}
	}
}

// Close draws the board a last time (live) and stops redrawing.
func (b *board) Close() {
	if !b.live {
		return
	}
	close(b.stop)
	<-b.stopped
	b.mu.Lock()
	b.drawLocked()
	b.mu.Unlock()
	fmt.Fprintln(b.w)
}

// Step records that camera i starts a step.
func (b *board) Step(i, number int, title string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &b.rows[i]
	if r.started.IsZero() {
		r.started = time.Now()
	}
	r.step, r.title, r.state = number, title, "applying"
	r.working = true
	if !b.live {
		fmt.Fprintf(b.w, "%s: step %d (%s)\n", r.address, number, title)
	}
}

// State records what camera i does now (connecting, a progress message,
// finishing).
func (b *board) State(i int, state string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &b.rows[i]
	r.state = camera.CleanText(state)
	switch state {
	case session.StatePlanning:
		r.working, r.started = true, time.Now()
	case session.StateFinishing:
		r.step, r.title = 0, ""
	}
	if !b.live {
		where := ""
		if r.step > 0 {
			where = fmt.Sprintf(" step %d (%s):", r.step, r.title)
		}
		fmt.Fprintf(b.w, "%s:%s %s\n", r.address, where, r.state)
	}
}

// Done records camera i's verdict.
func (b *board) Done(i int, verdict string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	r := &b.rows[i]
	r.ended, r.verdict, r.state = time.Now(), verdict, verdict
	if r.started.IsZero() {
		r.started = r.ended // never started: no time of its own
	}
	if !b.live {
		fmt.Fprintf(b.w, "%s: %s after %s\n", r.address, verdict, elapsed(r.ended.Sub(r.started)))
	}
}

// atWork reports whether the camera's run is under way (not waiting for
// its turn, not done).
func (r boardRow) atWork() bool { return r.verdict == "" && r.working }

func elapsed(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// drawLocked redraws the board in place: the cameras at work first when
// they do not all fit, then the totals.
func (b *board) drawLocked() {
	var lines []string
	done, working := 0, 0
	for _, r := range b.rows {
		if r.verdict != "" {
			done++
		} else if r.atWork() {
			working++
		}
	}
	room := b.height - 2
	shown := b.rows
	hidden := 0
	if len(shown) > room {
		// Those at work and those that ended badly matter most.
		var pick []boardRow
		for _, r := range b.rows {
			if len(pick) < room-1 && r.atWork() {
				pick = append(pick, r)
			}
		}
		for _, r := range b.rows {
			if len(pick) >= room-1 {
				break
			}
			if !r.atWork() {
				pick = append(pick, r)
			}
		}
		hidden = len(b.rows) - len(pick)
		shown = pick
	}
	now := time.Now()
	for _, r := range shown {
		end := now
		if !r.ended.IsZero() {
			end = r.ended
		}
		t := "    "
		if !r.started.IsZero() {
			t = elapsed(end.Sub(r.started))
		}
		head := fmt.Sprintf("%-26s %5s  ", r.address, t)
		text := r.state
		if r.step > 0 && r.verdict == "" {
			// The state stays readable: the step's title gives way.
			step := fmt.Sprintf("step %d ", r.step)
			room := b.width - 1 - ansi.StringWidth(head) - len(step) - ansi.StringWidth(r.state) - 3
			text = step + ansi.Truncate(r.title, max(room, 12), "…") + " · " + r.state
			if r.state == "applying" {
				text = step + r.title
			}
		}
		lines = append(lines, ansi.Truncate(head+text, b.width-1, "…"))
	}
	if hidden > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more", hidden))
	}
	lines = append(lines, ansi.Truncate(fmt.Sprintf("%d cameras: %d done, %d at work, %d waiting; %s", len(b.rows), done, working, len(b.rows)-done-working, elapsed(now.Sub(b.start))), b.width-1, "…"))
	var out strings.Builder
	if b.drawn > 0 {
		fmt.Fprintf(&out, "\x1b[%dA", b.drawn)
	}
	for _, l := range lines {
		out.WriteString("\r\x1b[2K" + l + "\n")
	}
	// A board that shrank leaves no stale lines below it.
	for k := len(lines); k < b.drawn; k++ {
		out.WriteString("\r\x1b[2K\n")
	}
	if extra := b.drawn - len(lines); extra > 0 {
		fmt.Fprintf(&out, "\x1b[%dA", extra)
	}
	b.drawn = len(lines)
	_, _ = io.WriteString(b.w, out.String())
}
