package ui

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// screenRecorder runs the wizard in a real bubbletea program (teatest) and
// keeps what View drew, ANSI stripped: the renderer writes only the cells
// that changed, so the byte stream is no place to look for a screen.
type screenRecorder struct {
	m      *Model
	mu     sync.Mutex
	last   string
	busy   string
	leaked []string // screens that showed a secret they must not
	secret string
}

func (r *screenRecorder) Init() tea.Cmd { return r.m.Init() }

func (r *screenRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := r.m.Update(msg)
	return r, cmd
}

func (r *screenRecorder) View() tea.View {
	v := r.m.View()
	s := ansi.Strip(v.Content)
	r.mu.Lock()
	r.last, r.busy = s, r.m.w.busy
	if r.secret != "" && strings.Contains(s, r.secret) {
		r.leaked = append(r.leaked, s)
	}
	r.mu.Unlock()
	return v
}

func (r *screenRecorder) screen() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}

func (r *screenRecorder) busyNow() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.busy
}

// TestDemoWalksAll22StepsToAHardenedCamera runs the wizard as the demo
// does, against a simulated factory-new camera on loopback, in a real
// bubbletea program at 80x24: every step answered (the defaults, a few
// typed answers, a typed admin password and generated keys), the
// checklists, store, reboot, verify. Then a fresh audit of the camera finds
// no step failing, and backup, secrets file and report exist.
func TestDemoWalksAll22StepsToAHardenedCamera(t *testing.T) {
	t.Parallel()
	// On 127.0.0.1, so that the summary captured for docs/screens has
	// addresses of one length.
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 0, IP: net.IPv4(127, 0, 0, 1)})
	addr := srv.URLs()[0].HTTPS
	opts := screensOptions(t, addr)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := &screenRecorder{m: New(ctx, opts), secret: testAdminPassword}
	tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24))

	var acted string // the screen the last key was sent on
	act := func(keys ...string) {
		acted = rec.screen()
		t.Logf("%q on: %s", keys, firstLines(acted))
		for _, k := range keys {
			if len([]rune(k)) > 1 && !isKeyName(k) {
				tm.Type(k)
				continue
			}
			tm.Send(keyMsg(k))
		}
	}
	// next waits for a new, steady screen after the last action.
	next := func() string {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		prev, same := "", 0
		for time.Now().Before(deadline) {
			time.Sleep(15 * time.Millisecond)
			s := rec.screen()
			if s == acted || s == "" {
				continue
			}
			if s == prev {
				same++
			} else {
				prev, same = s, 0
			}
			if same >= 3 && rec.busyNow() == "" {
				return s
			}
		}
		t.Fatalf("no new steady screen after %q; screen:\n%s", acted, rec.screen())
		return ""
	}

	scr := next()
	visited := map[int]bool{}
	summary, finish := "", ""
	gated := false
	for done := false; !done; {
		flat := flatten(scr)
		if strings.Contains(flat, "› 1. Store, verify and write the files") {
			finish = scr
		}
		switch {
		case strings.Contains(flat, "Summary") && strings.Contains(flat, "Final check of the 22 steps"):
			if !strings.Contains(flat, "Done: the camera is hardened") {
				t.Errorf("the summary does not say the camera is hardened:\n%s", scr)
			}
			summary = scr
			act("enter")
			done = true
			continue
		case strings.Contains(flat, "Camera address") && strings.Contains(flat, "┃ > https"):
			act("enter")
		case focusedExactly(scr, "User"), focusedExactly(scr, "Password"):
			act("enter")
		case strings.Contains(flat, "First connection to"):
			act("enter")
		case focused(scr, "Backup passphrase"), focused(scr, "The same passphrase again"):
			act(testPassphrase, "enter")
		case strings.Contains(flat, "enter: start with step 1"):
			act("enter")
		case strings.Contains(flat, "Generate a strong one") && strings.Contains(flat, "New password for admin"):
			act("down", "enter")
		case strings.Contains(flat, "Generate a strong one"):
			act("enter")
		case focused(scr, "New password for admin"), focused(scr, "The same again, to be sure"):
			act(testAdminPassword, "enter")
		case strings.Contains(flat, "I have written it down"):
			act("enter")
		case strings.Contains(flat, "› 1. Read the rest of the plan (pgdn) before applying"):
			// A plan longer than the screen: Apply comes once its end was seen.
			gated = true
			act("enter")
		case strings.Contains(flat, "› 1. Apply these changes"), strings.Contains(flat, "› 1. Continue (nothing to change)"),
			strings.Contains(flat, "› 1. Record the answer and continue"):
			act("enter")
		case strings.Contains(flat, "enter: on to"):
			act("enter")
		case focused(scr, "One user per person"):
			act("ctrl+u", "anna=operators, ben=viewers", "enter")
		case focused(scr, "Is the camera reachable from the Internet"):
			act("no port forwarding, VPN only", "enter")
		case focused(scr, "Which VLAN is the camera on"):
			act("CCTV VLAN 20", "enter")
		case strings.Contains(flat, "VMS checklist 1 of 5"):
			act("IT created one account per operator", "enter")
		case strings.Contains(flat, "checklist"):
			act("enter")
		case strings.Contains(flat, "› 1. Store, verify and write the files"):
			act("enter")
		case strings.Contains(flat, "Step ") && strings.Contains(scr, "┃"):
			act("enter") // a question: keep the suggested answer
		default:
			t.Fatalf("unexpected screen:\n%s", scr)
		}
		if strings.Contains(flat, "Apply these changes") && strings.Contains(flat, "↓ more: pgdn") {
			t.Fatalf("Apply is offered while the plan's end is below the fold:\n%s", scr)
		}
		if n := stepOnScreen(scr); n > 0 {
			visited[n] = true
		}
		scr = next()
	}

	final := tm.FinalModel(t, teatest.WithFinalTimeout(20*time.Second)).(*screenRecorder)
	res := final.m.Result()
	if !res.Finished || res.Canceled {
		t.Fatalf("the wizard did not finish: %+v", res)
	}
	if len(visited) != 22 {
		t.Errorf("visited %d of the 22 steps: %v", len(visited), visited)
	}
	if !gated {
		t.Error("no plan at 80x24 needed reading to its end before Apply (step 16's does)")
	}
	// docs/screens holds these two screens (-update rewrites them).
	for name, scr := range map[string]string{"finish-80x24.txt": finish, "summary-80x24.txt": summary} {
		golden := filepath.Join("..", "..", "docs", "screens", name)
		if got := normalizeScreen(scr); updateScreens() {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		} else if want, err := os.ReadFile(golden); err != nil || string(want) != got {
			t.Errorf("docs/screens/%s differs from the wizard's screen (-update rewrites it):\n%s", name, got)
		}
	}
	for _, f := range []string{res.Files.Backup, res.Files.Secrets, res.Files.Report} {
		if f == "" || !fileExists(f) {
			t.Errorf("missing file %q", f)
		}
	}
	if len(rec.leaked) > 0 {
		t.Fatalf("the typed admin password appeared on %d screens, e.g.:\n%s", len(rec.leaked), rec.leaked[0])
	}
	report, _ := os.ReadFile(res.Files.Report)
	if !strings.Contains(string(report), "IT created one account per operator") {
		t.Error("the report lacks the VMS checklist answer")
	}

	// A fresh audit of the camera where it answers now.
	client, err := camera.New(camera.Options{Address: res.AddressAfter, Password: secret.New(testAdminPassword), Known: opts.Known})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	eng := &steps.Engine{Client: client, Password: secret.New(testAdminPassword)}
	snap, err := eng.Snapshot(context.Background(), true)
	if err != nil {
		t.Fatalf("audit after the wizard: %v", err)
	}
	for i, f := range steps.CheckAll(snap) {
		if f.Status == steps.Fail || f.Status == steps.Error {
			t.Errorf("step %d still %s after the wizard: %s", i+1, f.Status, f.Detail)
		}
	}
}

// flatten joins a screen's lines with spaces (for texts that wrap).
func flatten(scr string) string {
	var words []string
	for _, l := range strings.Split(scr, "\n") {
		words = append(words, strings.Fields(l)...)
	}
	return strings.Join(words, " ")
}

// focused reports whether the focused form field's title starts with title
// (huh marks the focused field with a bar).
func focused(scr, title string) bool { return strings.Contains(scr, "┃ "+title) }

// focusedExactly reports whether the focused field's title is title.
func focusedExactly(scr, title string) bool {
	for _, l := range strings.Split(scr, "\n") {
		if strings.TrimRight(l, " ") == "┃ "+title {
			return true
		}
	}
	return false
}

var stepTitle = regexp.MustCompile(`\nStep (\d+) of 22 ·`)

func stepOnScreen(scr string) int {
	m := stepTitle.FindStringSubmatch(scr)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func isKeyName(k string) bool {
	switch k {
	case "enter", "esc", "tab", "shift+tab", "up", "down", "pgdown", "space", "backspace":
		return true
	}
	return strings.HasPrefix(k, "ctrl+") && len(k) == 6
}

func firstLines(scr string) string {
	lines := strings.Split(scr, "\n")
	var out []string
	for _, l := range lines[min(2, len(lines)):] {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.Join(out, " | ")
}
