package ui

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// updateScreens reports -update, which rewrites docs/screens from the
// wizard itself (the flag is teatest's golden-file flag, defined once for
// the test binary):
//
//	go test ./internal/ui -run TestScreensMatchTheDocs -update
func updateScreens() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	v, _ := f.Value.(flag.Getter).Get().(bool)
	return v
}

// What changes from run to run, each replaced by a fixed text of the same
// length (so that wrapping is the same as on the real screen).
var volatile = []struct {
	re   *regexp.Regexp
	with func(string) string
}{
	// the simulated camera's port (ephemeral ports have five digits)
	{regexp.MustCompile(`127\.0\.0\.1:\d{5}`), func(string) string { return "127.0.0.1:46175" }},
	// certificate fingerprints, whole or wrapped (the simulated camera
	// makes a new key each run)
	{regexp.MustCompile(`(?:[0-9A-F]{2}:){2,}[0-9A-F]{2}:?`), func(m string) string {
		return regexp.MustCompile(`[0-9A-F]{2}`).ReplaceAllString(m, "5E")
	}},
	{regexp.MustCompile(`(?m)SHA-256 [0-9A-F]{2}:$`), func(string) string { return "SHA-256 5E:" }},
	// the output folder of the run
	{regexp.MustCompile(`/tmp/mxwizard-demo-\d{8}`), func(string) string { return "/tmp/mxwizard-demo-20261201" }},
	// dates (validity of a new certificate)
	{regexp.MustCompile(`\b20\d\d-[01]\d-[0-3]\d\b`), func(string) string { return "2029-12-01" }},
	// a date with the time of day (when an earlier run wrote its files),
	// after the rule above made its date the fixed one
	{regexp.MustCompile(`\b2029-12-01 [0-2]\d:[0-5]\d\b`), func(string) string { return "2026-11-03 14:05" }},
}

func normalizeScreen(s string) string {
	for _, v := range volatile {
		s = v.re.ReplaceAllStringFunc(s, v.with)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n") + "\n"
}

// screensOptions are the demo's options with what a capture must not vary.
func screensOptions(t *testing.T, addr string) Options {
	opts := testOptions(t, addr)
	opts.Label = "demo"
	dir := fmt.Sprintf("/tmp/mxwizard-demo-%08d", rand.IntN(100000000))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Skipf("no /tmp for the captures: %v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	opts.OutDir = dir
	n := 0
	opts.Generate = func() (secret.Secret, error) {
		n++
		return secret.New(fmt.Sprintf("Demo-Key-%d-ReadAloud", n)), nil
	}
	return opts
}

// TestScreensMatchTheDocs renders the screens docs/screens shows (and the
// README quotes) with the test driver and compares them with the files, so
// the captures cannot drift from the program. -update rewrites them.
func TestScreensMatchTheDocs(t *testing.T) {
	captures := map[string]string{}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		w, h := size[0], size[1]
		d := newDriver(t, screensOptions(t, fakeCamera(t)), w, h)
		suffix := fmt.Sprintf("-%dx%d.txt", w, h)
		d.expectText("Camera address")
		if w == 80 {
			captures["connect"+suffix] = d.screen()
		}
		d.key("enter")
		d.key("enter")
		d.key("enter")
		d.waitText("First connection to")
		if w == 80 {
			captures["fingerprint"+suffix] = d.screen()
		}
		d.key("enter")
		d.waitText("Backup passphrase")
		if w == 80 {
			captures["passphrase"+suffix] = d.screen()
		}
		d.typeText(testPassphrase)
		d.key("enter")
		d.typeText(testPassphrase)
		d.key("enter")
		d.waitText("Read-only check of the 22 camera steps")
		captures["overview"+suffix] = d.screen()
		d.gotoStep(4)
		d.key("enter")
		d.waitText("Plan: exactly this will be written")
		captures["step-plan"+suffix] = d.screen()
		if w == 80 {
			d.gotoStep(3)
			d.typeOwnPassword()
			d.typeText("mobotix2qwe")
			d.waitText("of 4)") // the meter's verdict, after the typing pause
			captures["password-step"+suffix] = d.screen()
			d.gotoStep(12)
			d.expectText("Generate a strong one")
			d.key("enter")
			d.waitText("Write it down now")
			captures["generated-passwords"+suffix] = d.screen()
		}
	}
	matchDocs(t, captures)
	// The README quotes two of them: they must be the same screens.
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"overview-80x24.txt", "step-plan-80x24.txt"} {
		if !strings.Contains(string(readme), normalizeScreen(captures[name])) {
			t.Errorf("the README's copy of %s differs from the wizard's screen:\n%s", name, normalizeScreen(captures[name]))
		}
	}
}

// matchDocs compares each capture with its file in docs/screens (-update
// rewrites them).
func matchDocs(t *testing.T, captures map[string]string) {
	t.Helper()
	dir := filepath.Join("..", "..", "docs", "screens")
	for name, scr := range captures {
		got := normalizeScreen(scr)
		path := filepath.Join(dir, name)
		if updateScreens() {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%s: %v (run go test ./internal/ui -run TestScreensMatchTheDocs -update)", name, err)
		}
		if string(want) != got {
			t.Errorf("docs/screens/%s differs from the wizard's screen (run go test ./internal/ui -run 'TestScreensMatchTheDocs|TestReHardeningScreens' -update):\n%s", name, got)
		}
	}
}

// TestReHardeningScreensMatchTheDocs captures the way back to a camera
// this computer hardened and somebody reset since (its factory certificate
// back): the changed certificate recognised as the camera's earlier one,
// the earlier run's passphrase, the choice between restore, the same
// secrets and new ones.
func TestReHardeningScreensMatchTheDocs(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond, IP: net.IPv4(127, 0, 0, 1)})
	opts := screensOptions(t, srv.URLs()[0].HTTPS)
	hardenedBefore(t, srv, &opts, hardened{here: true, reset: true, factoryCert: true})
	d := newDriver(t, opts, 80, 24)
	captures := map[string]string{}
	d.submitConnect()
	d.waitText("presents another certificate than the one pinned")
	captures["certificate-back-80x24.txt"] = d.screen()
	d.key("enter")
	d.waitText("Backup passphrase of the earlier run")
	captures["passphrase-earlier-run-80x24.txt"] = d.screen()
	d.typeText(testPassphrase)
	d.key("enter")
	d.waitText("This camera was hardened before")
	captures["hardened-before-80x24.txt"] = d.screen()
	matchDocs(t, captures)
}
