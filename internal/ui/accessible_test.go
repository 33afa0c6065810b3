package ui

import (
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/discover"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// lineUser plays the installer at the line face: it reads what the face
// prints and, at every prompt (a line ending in ": "), types the answer its
// answer function gives for that prompt line and the text printed since
// the previous prompt; "" is Enter alone. An answer of stopTyping ends the
// input (as closing the terminal would).
type lineUser struct {
	t      *testing.T
	answer answerFunc
	in     *io.PipeWriter

	mu      sync.Mutex
	out     strings.Builder
	line    strings.Builder
	since   strings.Builder
	typed   strings.Builder // the output with the answers as a terminal echoes them
	prompts []string
}

// noEcho reports the prompts whose answer a terminal does not echo.
func noEcho(prompt string) bool {
	for _, p := range []string{"Camera password", "Backup passphrase", "The same passphrase again", "The same again", "New password", "Encryption key", "MxMessageSystem key", "802.1X password"} {
		if strings.HasPrefix(prompt, p) {
			return true
		}
	}
	return false
}

// transcript is the session as it looks on a terminal.
func (u *lineUser) transcript() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.typed.String()
}

type answerFunc func(prompt, said string) string

const stopTyping = "\x00stop"

func newLineUser(t *testing.T, answer answerFunc) (*lineUser, io.Reader) {
	r, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() })
	return &lineUser{t: t, answer: answer, in: w}, r
}

func (u *lineUser) Write(p []byte) (int, error) {
	u.mu.Lock()
	u.out.Write(p)
	u.typed.Write(p)
	u.since.Write(p)
	var prompt, said string
	for _, c := range string(p) {
		if c == '\n' {
			u.line.Reset()
			continue
		}
		u.line.WriteRune(c)
	}
	if strings.HasSuffix(u.line.String(), ": ") {
		prompt, said = u.line.String(), u.since.String()
		u.prompts = append(u.prompts, prompt)
		u.line.Reset()
		u.since.Reset()
	}
	u.mu.Unlock()
	if prompt != "" {
		a := u.answer(prompt, said)
		u.mu.Lock()
		if a != stopTyping && !noEcho(prompt) {
			u.typed.WriteString(a) // what a terminal would echo
		}
		u.typed.WriteString("\n")
		u.mu.Unlock()
		go func() {
			if a == stopTyping {
				_ = u.in.Close()
				return
			}
			_, _ = io.WriteString(u.in, a+"\n")
		}()
	}
	return len(p), nil
}

func (u *lineUser) output() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.out.String()
}

// enterForEverything answers every prompt with Enter, the passphrase
// prompts with the test passphrase, and stops after limit prompts (a
// runaway loop fails instead of hanging).
func enterForEverything(limit int, special func(prompt, said string) (string, bool)) answerFunc {
	n := 0
	return func(prompt, said string) string {
		n++
		if n > limit {
			return stopTyping
		}
		if special != nil {
			if a, ok := special(prompt, said); ok {
				return a
			}
		}
		switch {
		case strings.HasPrefix(prompt, "Backup passphrase") || strings.HasPrefix(prompt, "The same passphrase again"):
			return testPassphrase
		case strings.HasPrefix(prompt, "One user per person"):
			return "anna=operators"
		case strings.Contains(said, "Please answer again."):
			return "noted by the test" // a manual step wants an answer for the report
		}
		return "" // the default
	}
}

func runLineFace(t *testing.T, ctx context.Context, opts Options, answer answerFunc) (Result, *lineUser, error) {
	t.Helper()
	u, in := newLineUser(t, answer)
	done := make(chan struct{})
	var res Result
	var err error
	go func() {
		defer close(done)
		res, err = RunAccessible(ctx, opts, in, u)
	}()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatalf("the line face did not end; its output:\n%s", u.output())
	}
	return res, u, err
}

// TestLineFaceWalksTheDemoToAHardenedCamera: the whole run through the
// line face, every answer its default (generated secrets, the suggested
// rules), the checklists, store, reboot, verify: the camera is hardened and
// the files are written, as through the full-screen face.
func TestLineFaceWalksTheDemoToAHardenedCamera(t *testing.T) {
	t.Parallel()
	// On 127.0.0.1, so that the transcript's addresses have one length.
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 0, IP: net.IPv4(127, 0, 0, 1)})
	opts := screensOptions(t, srv.URLs()[0].HTTPS)
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(400, nil))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if !res.Finished || res.Canceled {
		t.Fatalf("the run did not finish (%+v); output:\n%s", res, out)
	}
	for _, want := range []string{"First connection to", "Read-only check of the 22 steps", "Step 22 of 22", "Store, verify and write the files", "Done: the camera is hardened, stored and verified."} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out[max(0, len(out)-3000):])
		}
	}
	for _, f := range []string{res.Files.Backup, res.Files.Secrets, res.Files.Report} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("file %q: %v", f, err)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("the line face printed escape sequences")
	}
	// docs/screens/accessible-transcript.txt is this session as a terminal
	// shows it (-update rewrites it).
	got := normalizeScreen(u.transcript())
	path := filepath.Join("..", "..", "docs", "screens", "accessible-transcript.txt")
	if updateScreens() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if want, err := os.ReadFile(path); err != nil || string(want) != got {
		t.Errorf("docs/screens/accessible-transcript.txt differs from the line face's session (run go test ./internal/ui -run 'TestScreensMatchTheDocs|TestLineFaceWalks' -update): %v", err)
	}
	// A fresh read-only check at the address the camera answers on now.
	c, err := camera.New(camera.Options{Address: res.AddressAfter, Password: secret.New(camera.FactoryPassword), Known: opts.Known})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Identity(context.Background()); !errors.Is(err, camera.ErrUnauthorized) {
		t.Errorf("the factory password after the run: %v", err)
	}
}

// TestLineFaceRejectingTheFingerprintSendsNothing: rejecting a camera's
// certificate on first contact sends no password and pins nothing; the
// face asks for the connection again.
func TestLineFaceRejectingTheFingerprintSendsNothing(t *testing.T) {
	t.Parallel()
	cam, _, tlsSrv := camsimtest.New(t)
	opts := testOptions(t, tlsSrv.URL)
	addresses := 0
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(20, func(p, said string) (string, bool) {
		switch {
		case strings.HasPrefix(p, "Camera address"):
			if addresses++; addresses > 1 {
				return stopTyping, true // asked again: done
			}
		case strings.Contains(said, "Accept and pin this certificate?"):
			return "2", true // reject
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if !res.Canceled || !strings.Contains(out, "nothing was sent to the camera") || addresses != 2 {
		t.Fatalf("rejecting the certificate (%+v, asked the address %d times):\n%s", res, addresses, out)
	}
	if host := strings.TrimPrefix(strings.Split(tlsSrv.URL, ":")[1], "//"); host != "" {
		if _, ok := opts.Known.Lookup(host); ok {
			t.Error("the rejected certificate was pinned")
		}
	}
	for _, e := range camera.ParseWebLog([]byte(cam.WebLog())) {
		if e.User != "" {
			t.Errorf("a login reached the camera: %+v", e)
		}
	}
}

// TestLineFaceConsentsToPlainHTTP: over http:// the face asks before
// anything is sent; consenting connects over plain HTTP (the camera asks
// for Basic), and the overview follows.
func TestLineFaceConsentsToPlainHTTP(t *testing.T) {
	t.Parallel()
	_, plain, _ := camsimtest.New(t)
	opts := testOptions(t, plain.URL)
	asked := 0
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(30, func(p, said string) (string, bool) {
		switch {
		case strings.Contains(said, "Plain HTTP?"):
			asked++
			return "2", true // yes, continue over plain HTTP
		case strings.Contains(said, "Step 1 of 22"):
			return stopTyping, true
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if asked != 1 || !strings.Contains(out, "This connection is plain HTTP") || !strings.Contains(out, "Camera: MOBOTIX") {
		t.Fatalf("plain HTTP consent (asked %d times):\n%s", asked, out)
	}
	if !res.Canceled {
		t.Errorf("the end of the input: %+v", res)
	}
}

// TestLineFaceResumesAnInterruptedSession: an --out holding an interrupted
// run (steps 1 to 3 applied, nothing stored) is offered; continuing asks
// the passphrase of that run once and goes on at step 4, to the end.
func TestLineFaceResumesAnInterruptedSession(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 0})
	addr := srv.URLs()[0].HTTPS
	opts := testOptions(t, addr)
	opts.NoResume = false
	ctx := context.Background()
	s, err := session.Open(ctx, session.Options{
		Camera:  camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: opts.Known, AcceptNew: true},
		Profile: wizardProfile(), OutDir: opts.OutDir, Passphrase: secret.New(testPassphrase),
		Generate: func() (secret.Secret, error) { return secret.New("Generated-For-Test-1x"), nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps.All()[:3] {
		if err := s.ApplyStep(ctx, st, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	passphrases := 0
	res, u, err := runLineFace(t, ctx, opts, enterForEverything(400, func(p, said string) (string, bool) {
		switch {
		case strings.Contains(said, "Continue the interrupted session?"):
			return "1", true
		case strings.HasPrefix(p, "Backup passphrase"):
			passphrases++
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if !res.Finished || passphrases != 1 || !strings.Contains(out, "Resumed: 3 steps") || !strings.Contains(out, "continuing at step 4") {
		t.Fatalf("resume (%+v, passphrase asked %d times):\n%s", res, passphrases, out)
	}
	if strings.Contains(out, "Step 3 of 22") {
		t.Error("a step the interrupted run did was offered again")
	}
	if res.OutDir != opts.OutDir {
		t.Errorf("files went to %s, not the interrupted run's %s", res.OutDir, filepath.Clean(opts.OutDir))
	}
}

// TestLineFaceCtrlCLeavesAtOnce: the context ending (ctrl+c) while the face
// waits for a password ends it at once, without os.Exit, saying what
// leaving means.
func TestLineFaceCtrlCLeavesAtOnce(t *testing.T) {
	t.Parallel()
	_, _, tlsSrv := camsimtest.New(t)
	opts := testOptions(t, tlsSrv.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, u, err := runLineFace(t, ctx, opts, enterForEverything(20, func(p, said string) (string, bool) {
		if strings.HasPrefix(p, "Backup passphrase") {
			cancel() // ctrl+c, and no answer ever comes
			return "", true
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !res.Canceled || !strings.Contains(u.output(), "Leaving; nothing was changed that needs storing.") {
		t.Fatalf("ctrl+c: %+v\n%s", res, u.output())
	}
}

// TestLineFaceGuidesAStepTheFirmwareIgnores: the same guided manual step
// through the line face: unsupported after the write, "Check again" once it
// is set in the web interface, then on.
func TestLineFaceGuidesAStepTheFirmwareIgnores(t *testing.T) {
	t.Parallel()
	cam, _, tlsSrv := camsimtest.New(t, camsim.Options{IgnoredKeys: []string{"pageoptions/ROBOTS"}})
	opts := testOptions(t, tlsSrv.URL)
	asked := 0
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(200, func(p, said string) (string, bool) {
		switch {
		case strings.Contains(said, "This firmware did not do it"):
			asked++
			cam.SetIgnoredKeys(nil) // set in the web interface
			return "1", true        // check again
		case strings.Contains(said, "Step 10 of 22"):
			return stopTyping, true
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if asked != 1 || !strings.Contains(out, "does not honour") || !strings.Contains(out, "robots.txt disallows everything") {
		t.Fatalf("guided step (asked %d times, %+v):\n%s", asked, res, out[max(0, len(out)-3000):])
	}
}

// TestLineFaceRecognisesACameraHardenedBefore: the same choice through the
// line face; restoring ends the run with the camera as commissioned.
func TestLineFaceRecognisesACameraHardenedBefore(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	hardenedBefore(t, srv, &opts, hardened{reset: true})
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(40, func(p, said string) (string, bool) {
		if strings.Contains(said, "What now?") {
			return "1", true // restore
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if !res.Finished || !strings.Contains(out, "was hardened on") || !strings.Contains(out, "No step fails.") {
		t.Fatalf("recognised and restored (%+v):\n%s", res, out[max(0, len(out)-2500):])
	}
}

// TestLineFaceHardensTheNextCameraOfTheSite: after the first camera, the
// line face offers the next one with the same answers; "?" searches the
// network, the camera found is chosen, its whole plan is shown and applied
// on one confirmation, with its own secrets file.
func TestLineFaceHardensTheNextCameraOfTheSite(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 2, BootTime: 0})
	urls := srv.URLs()
	opts := testOptions(t, urls[0].HTTPS)
	ip := netip.MustParseAddr(urls[1].IP.String())
	opts.SearchRanges = []discover.Range{{From: ip, To: ip, Text: ip.String()}}
	opts.SearchPorts = []int{srv.Port(443)}
	second, searched := false, false
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(600, func(prompt, said string) (string, bool) {
		switch {
		case strings.HasPrefix(prompt, "Harden another camera"):
			if second {
				return "no", true
			}
			second = true
			return "yes", true
		case second && strings.HasPrefix(prompt, "Camera address") && !searched:
			searched = true
			return "?", true
		case strings.HasPrefix(prompt, "Which camera?"):
			return "1", true
		case second && strings.HasPrefix(prompt, "What now?"):
			return "1", true // apply the whole plan
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	for _, want := range []string{"1 MOBOTIX camera found", "Camera 2 of the site: M73", "Apply the whole plan to this camera", "Done: the camera is hardened"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out[max(0, len(out)-4000):])
		}
	}
	if !res.Finished || res.AddressAfter == "" || !strings.Contains(res.AddressAfter, urls[1].IP.String()) {
		t.Fatalf("the second camera's run: %+v", res)
	}
	if filepath.Dir(res.OutDir) != opts.OutDir {
		t.Errorf("the second camera's folder %s is not inside %s", res.OutDir, opts.OutDir)
	}
	if _, err := os.Stat(res.Files.Secrets); err != nil {
		t.Errorf("its secrets file: %v", err)
	}
}

// TestLineFaceReconnectsAfterAPowerCut: the line face offers the same
// reconnect when the camera lost power after step 3, and goes back to it.
func TestLineFaceReconnectsAfterAPowerCut(t *testing.T) {
	t.Parallel()
	cam, _, secure := camsimtest.New(t)
	opts := testOptions(t, secure.URL)
	cut, back := false, false
	_, u, err := runLineFace(t, context.Background(), opts, enterForEverything(120, func(prompt, said string) (string, bool) {
		switch {
		case strings.Contains(said, "Step 9: what now?") && !cut:
			cut = true
			cam.Reboot() // the power cut, after steps 1 to 8
			_ = cam.WaitReady(context.Background())
			return "1", true
		case strings.HasPrefix(prompt, "Reconnect now?"):
			return "yes", true
		case strings.Contains(said, "The camera lost what") && !back:
			back = true
			return stopTyping, true
		}
		return "", false
	}))
	if err != nil && !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "closed") {
		t.Logf("the face ended with: %v", err)
	}
	out := u.output()
	for _, want := range []string{"Reconnect now?", "Reconnected with the password given at the start", "The camera lost what steps 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q:\n%s", want, out[max(0, len(out)-3000):])
		}
	}
}

// TestLineFaceFindsTheEarlierRunWithoutOut: the same search through the
// line face: the earlier run's passphrase is asked for once, by name, and
// the camera is recognised from that run's folder.
func TestLineFaceFindsTheEarlierRunWithoutOut(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	earlier := hardenedBefore(t, srv, &opts, hardened{reset: true, withoutOut: true})
	var prompts []string
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(40, func(p, said string) (string, bool) {
		prompts = append(prompts, p)
		if strings.Contains(said, "What now?") {
			return "1", true // restore
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if !res.Finished || !strings.Contains(out, "was hardened before from this computer") || !strings.Contains(out, "No step fails.") {
		t.Fatalf("found the earlier run and restored (%+v):\n%s", res, out[max(0, len(out)-2500):])
	}
	for _, p := range prompts {
		if strings.HasPrefix(p, "The same passphrase again") {
			t.Fatalf("the passphrase of the earlier run was asked twice: %q", prompts)
		}
	}
	if res.OutDir != earlier {
		t.Fatalf("the files went to %s, not to the earlier run's folder %s", res.OutDir, earlier)
	}
}

// TestLineFaceMendsARefusedPasswordWithTheOneOnFile: the same through the
// line face: the refused login leads to the earlier run's passphrase and
// the password on file logs in.
func TestLineFaceMendsARefusedPasswordWithTheOneOnFile(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	hardenedBefore(t, srv, &opts, hardened{here: true, withoutOut: true})
	cam := srv.Cameras()[0]
	before := camsimtest.RefusedLogins(cam)
	_, lu, err := runLineFace(t, context.Background(), opts, enterForEverything(6, nil))
	out := lu.output()
	if !strings.Contains(out, "The camera refused the password given") || !strings.Contains(out, "Read-only check of the 22 steps") {
		t.Fatalf("the refused login was not mended with the password on file (%v):\n%s", err, out[max(0, len(out)-2500):])
	}
	if got := camsimtest.RefusedLogins(cam) - before; got != 1 {
		t.Fatalf("the camera refused %d logins, want 1", got)
	}
}

// TestLineFacePinsTheEarlierCertificateAgainAfterAReset: the same through
// the line face: the earlier certificate back after a reset is said, pinned
// again on the installer's choice, and the camera recognised.
func TestLineFacePinsTheEarlierCertificateAgainAfterAReset(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	hardenedBefore(t, srv, &opts, hardened{here: true, reset: true, factoryCert: true})
	res, u, err := runLineFace(t, context.Background(), opts, enterForEverything(40, func(p, said string) (string, bool) {
		switch {
		case strings.Contains(said, "Pin the received certificate?"):
			return "1", true // pin that certificate again
		case strings.Contains(said, "What now?"):
			return "1", true // restore
		}
		return "", false
	}))
	if err != nil {
		t.Fatal(err)
	}
	out := u.output()
	if !strings.Contains(flatText(out), "had before mxwizard installed its own") || !res.Finished || !strings.Contains(out, "No step fails.") {
		t.Fatalf("the earlier certificate pinned again and the camera restored (%+v):\n%s", res, out[max(0, len(out)-3000):])
	}
}
