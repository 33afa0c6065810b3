package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/discover"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

func TestMain(m *testing.M) {
	restore := backup.SetWorkFactorForTests(10)
	code := m.Run()
	restore()
	os.Exit(code)
}

const (
	testPassphrase = "correct horse battery staple"
	// testAdminPassword is typed for step 3; no screen may ever show it.
	testAdminPassword = "Vq7#mLp2!xRt9zKw"
)

// fakeCamera is a factory-new simulated camera behind HTTPS (and HTTP);
// it returns the HTTPS address.
func fakeCamera(t *testing.T) string {
	t.Helper()
	_, _, secure := camsimtest.New(t)
	return secure.URL
}

func testOptions(t *testing.T, addr string) Options {
	return Options{
		Address: addr, Password: secret.New(camera.FactoryPassword), Known: camera.NewKnownCamerasInMemory(),
		OutDir: t.TempDir(), NoResume: true, PollInterval: 20 * time.Millisecond, BootTimeout: 20 * time.Second,
		Tool: "mxwizard test",
	}
}

// connect takes a fresh driver from the connect screen to the overview.
func (d *driver) connect() {
	d.t.Helper()
	d.connect2()
	d.waitText("Read-only check of the 22 camera steps")
}

// connect2 is connect up to the page after the passphrase, whatever it is.
func (d *driver) connect2() {
	d.t.Helper()
	d.toPassphrase()
	d.typeText(testPassphrase)
	d.key("enter")
	d.typeText(testPassphrase)
	d.key("enter")
}

// toPassphrase takes a fresh driver from the connect screen (pinning the
// certificate) to the backup passphrase.
func (d *driver) toPassphrase() {
	d.t.Helper()
	d.submitConnect()
	d.waitText("First connection to")
	d.key("enter") // accept and pin
	d.waitText("Backup passphrase")
}

// submitConnect takes the connect screen as it is filled in (address,
// user, the factory password).
func (d *driver) submitConnect() {
	d.t.Helper()
	d.expectText("Camera address")
	d.key("enter")
	d.key("enter")
	d.key("enter")
}

// connectEarlier is connect2 for a camera hardened before from this
// computer: the passphrase of that run is asked for once.
func (d *driver) connectEarlier() {
	d.t.Helper()
	d.toPassphrase()
	d.waitText("Backup passphrase of the earlier run")
	d.typeText(testPassphrase)
	d.key("enter")
}

// gotoStep opens step n (1-based) directly.
func (d *driver) gotoStep(n int) {
	d.t.Helper()
	d.run(d.m.w.show(newStepPage(d.m.w, n-1)))
	d.render()
	d.settle()
	d.waitText("Step " + strconv.Itoa(n) + " of 22 ·")
}

func TestConnectPageRefusesAnAddressThatIsNoHost(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, "")
	d := newDriver(t, opts, 80, 24)
	d.typeText("cam_one")
	d.key("enter")
	d.expectText("neither an IP address nor a valid host name")
	if _, ok := d.m.page.(*connectPage); !ok {
		t.Fatalf("left the connect page with an invalid address:\n%s", d.screen())
	}
}

func TestConnectPageSaysWhyTheCameraCannotBeReached(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, "https://127.0.0.1:1")
	d := newDriver(t, opts, 80, 24)
	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("cannot be reached")
	d.expectText("Camera address", "check the address")
}

func TestFingerprintIsShownAndPinnedOnlyWhenAccepted(t *testing.T) {
	t.Parallel()
	addr := fakeCamera(t)
	opts := testOptions(t, addr)
	d := newDriver(t, opts, 80, 24)
	host := d.m.w.host()

	// The fingerprint the camera really presents, seen by another client.
	probe, err := camera.New(camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), AcceptNew: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := probe.Identity(context.Background()); err != nil {
		t.Fatal(err)
	}
	fp := probe.Fingerprint()

	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("First connection to " + host)
	for _, half := range strings.Split(formatFingerprint(fp), "\n") {
		d.expectText(half)
	}
	if _, ok := opts.Known.Lookup(host); ok {
		t.Fatal("pinned before the installer accepted")
	}

	d.key("down")
	d.key("enter") // reject
	d.waitText("not accepted; nothing was sent")
	if _, ok := opts.Known.Lookup(host); ok {
		t.Fatal("pinned although the installer rejected the certificate")
	}

	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("First connection to")
	d.key("enter") // accept
	d.waitText("Backup passphrase")
	if got, ok := opts.Known.Lookup(host); !ok || got != fp {
		t.Fatalf("after accepting, the pin is %q (%v), want %s", got, ok, fp)
	}
}

func TestChangedFingerprintIsRefusedWithBothFingerprints(t *testing.T) {
	t.Parallel()
	addr := fakeCamera(t)
	opts := testOptions(t, addr)
	d := newDriver(t, opts, 80, 24)
	pinned := strings.TrimSuffix(strings.Repeat("AB:", 32), ":")
	if err := opts.Known.Pin(d.m.w.host(), pinned); err != nil {
		t.Fatal(err)
	}
	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("another certificate than the one pinned")
	d.expectText("Pinned (SHA-256):", "Received (SHA-256):", strings.Split(formatFingerprint(pinned), "\n")[0])
	if got, _ := opts.Known.Lookup(d.m.w.host()); got != pinned {
		t.Fatalf("the pin changed to %s", got)
	}
}

func TestPlainHTTPNeedsExplicitConsent(t *testing.T) {
	t.Parallel()
	_, plain, _ := camsimtest.New(t)
	opts := testOptions(t, plain.URL)
	d := newDriver(t, opts, 80, 24)
	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("This connection is plain HTTP")
	if d.m.w.plainOK {
		t.Fatal("plain HTTP allowed without asking")
	}
	d.key("3") // back
	d.waitText("Camera address")
	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("This connection is plain HTTP")
	d.key("2") // yes, trusted network
	d.waitText("Backup passphrase")
	if !d.m.w.plainOK || !d.m.w.cameraOptions().AllowPlainHTTP {
		t.Fatal("consent given but not passed to the camera client")
	}
}

func TestPassphraseIsAskedTwiceAndMustBeLongEnough(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("First connection")
	d.key("enter")
	d.waitText("Backup passphrase")
	d.expectText("before it sets any new password or key (write-ahead)")
	d.typeText("short")
	d.key("enter")
	// Said at the first field, before the second is asked.
	d.waitText("too short")
	if !focused(d.screen(), "Backup passphrase") || focused(d.screen(), "The same passphrase again") {
		t.Fatal("a too short passphrase moved on to the second field")
	}
	d.clearField()
	d.typeText(testPassphrase)
	d.key("enter")
	d.typeText(testPassphrase + "x")
	d.key("enter")
	d.waitText("the two entries differ")
	d.typeText(testPassphrase)
	d.key("enter")
	d.typeText(testPassphrase)
	d.key("enter")
	d.waitText("Read-only check")
	d.neverShown(testPassphrase)
}

func TestOverviewShowsTheCameraAndAllStepsBeforeAnyChange(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 120, 40)
	d.connect()
	d.expectText("MOBOTIX M73", "serial 10.8.0.123", "firmware MX-V7.3.5.35", "nothing has been changed")
	for _, st := range steps.All() {
		d.expectText(truncate(st.Info().Title, 40)[:20])
	}
	d.expectText("✗ fail", "✓ pass", "enter: start with step 1")
	d.key("enter")
	d.waitText("Step 1 of 22 ·")
}

func TestStepPageShowsTheStepTheMenuPathAndAMaskedPlan(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(3)
	d.expectText("Step 3 of 22 · Change the default admin password",
		"Admin Menu > Security > Users and Passwords", "Why:", "Found:", "factory password")
	d.typeOwnPassword()
	d.typeText(testAdminPassword)
	d.key("enter")
	d.typeText(testAdminPassword)
	d.key("enter")
	d.waitText("Plan: exactly this will be written")
	d.expectText("set users/admin/password = "+secret.Mask, "Apply these changes")
	d.key("enter")
	d.waitText("Now:")
	d.expectText("✓ pass")
	d.neverShown(testAdminPassword)
	if !fileExists(d.m.w.sess.Files().Secrets) {
		t.Fatal("no secrets file was written before the password was set")
	}
	if sec := secretsOnFile(t, d.m.w.sess.Files().Secrets); sec.AdminPassword.Reveal() != testAdminPassword {
		t.Fatal("the typed password is not the admin password in the secrets file")
	}
}

func TestGeneratedSecretIsShownOnceWithAWarning(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(12)
	d.expectText("Generate a strong one")
	d.key("enter")
	d.waitText("Write it down now")
	v, ok := d.m.page.(*stepPage)
	if !ok || v.entry == nil || v.entry.value.IsZero() {
		t.Fatal("no generated key")
	}
	key := v.entry.value.Reveal()
	d.expectText(key, "Write it down now or rely on the encrypted secrets file")
	first := len(d.screens)
	d.key("enter")
	d.waitText("Plan: exactly this will be written")
	d.key("enter")
	d.waitText("Now:")
	d.key("enter")
	d.waitText("Step 13 of 22")
	for _, scr := range d.screens[first:] {
		if strings.Contains(scr, key) {
			t.Fatalf("the generated key was shown again:\n%s", scr)
		}
	}
	if sec := secretsOnFile(t, d.m.w.sess.Files().Secrets); sec.RecordingKey.Reveal() != key {
		t.Fatal("the generated key is not the recording key in the secrets file")
	}
}

func TestStrengthMeterExplainsItselfAndDropsStaleResults(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(3)
	d.typeOwnPassword()
	// What the camera takes is said before the first key.
	d.expectText("printable ASCII only (no spaces, no accents")
	d.typeText("mobotix2024")
	d.waitText("Strength:")
	d.waitText("add an upper-case letter")
	d.expectText("not yet")
	e := d.m.page.(*stepPage).entry
	before := *e.meter
	// A result for an older entry arrives late: it must not replace the meter.
	d.send(strengthMsg{seq: e.seq - 1, result: password.Result{OK: true, Score: 4, Strength: "very strong"}})
	if e.meter.Strength != before.Strength || e.meter.OK {
		t.Fatalf("a stale strength result replaced the meter: %+v", e.meter)
	}
	d.clearField()
	d.typeText(testAdminPassword)
	d.waitText("meets the policy")
	d.neverShown(testAdminPassword)
}

func TestSkipRecordsTheReasonForTheReport(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, fakeCamera(t))
	d := newDriver(t, opts, 80, 24)
	d.connect()
	d.gotoStep(4)
	d.key("ctrl+s")
	d.waitText("Why is this step skipped?")
	d.key("enter") // empty: not accepted
	d.expectText("Why is this step skipped?")
	d.typeText("done by the network team")
	d.key("enter")
	d.waitText("Step 5 of 22 ·")
	d.expectText("Step 4 skipped: done by the network team")
	st, ok, err := session.LoadState(opts.OutDir)
	if err != nil || !ok {
		t.Fatalf("no state file: %v", err)
	}
	found := false
	for _, r := range st.Steps {
		if r.ID == "user-groups" && r.Skipped == "done by the network team" {
			found = true
		}
	}
	if !found {
		t.Fatalf("the skip reason is not recorded: %+v", st.Steps)
	}
	if !d.m.w.outcomes[3].skipped {
		t.Fatal("the progress does not show step 4 as skipped")
	}
}

func TestGuardRefusalIsExplainedBeforeAnythingIsWritten(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(7)
	d.clearField()
	d.typeText("tempallow 10.0.0.0/255.0.0.0")
	d.key("enter")
	d.key("enter") // everybody else: deny
	d.waitText("mxwizard will not do this")
	d.expectText("temporary rules end at the reboot", "Nothing was written to the camera", "Change the answers")
	d.key("enter") // change the answers
	d.waitText("Allowed addresses")
}

func TestCtrlCAsksBeforeLeavingWithUnsavedChanges(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.key("ctrl+c")
	if !d.quit {
		t.Fatal("ctrl+c without changes did not leave")
	}

	d = newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(9) // web crawling: a one-question step
	d.key("enter")
	d.waitText("Apply these changes")
	d.key("enter")
	d.waitText("Now:")
	d.key("ctrl+c")
	d.expectText("Leave mxwizard?", "Changes not stored to permanent memory are lost at the next reboot", "Stay and continue", "Leave now")
	if d.quit {
		t.Fatal("left without asking")
	}
	d.key("enter") // stay
	d.expectText("Now:")
	d.key("ctrl+c")
	d.key("2") // leave
	if !d.quit || !d.m.Result().Canceled || !d.m.Result().Unsaved {
		t.Fatalf("leave did not end the program as canceled with unsaved changes: %+v", d.m.Result())
	}
}

func TestResizingKeepsEveryScreenInsideTheTerminal(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 120, 40)
	d.connect()
	for _, size := range [][2]int{{80, 24}, {100, 30}, {80, 24}} {
		d.send(windowSize(size[0], size[1]))
		d.expectText("Read-only check")
	}
	d.gotoStep(14) // a multi-select
	d.send(windowSize(120, 40))
	d.send(windowSize(80, 24))
	d.expectText("Report errors and reboots by", "email", "liveimage")
	d.gotoStep(7)
	d.send(windowSize(70, 20))
	d.expectText("Allowed addresses")
}

func TestResumeOffersTheInterruptedSessionAndContinuesThere(t *testing.T) {
	t.Parallel()
	addr := fakeCamera(t)
	base := t.TempDir()
	opts := testOptions(t, addr)
	opts.OutDir, opts.BaseDir, opts.NoResume = "", base, false
	d := newDriver(t, opts, 80, 24)
	d.connect()
	d.key("enter") // step 1
	d.waitText("Step 1 of 22 ·")
	d.key("enter") // nothing to change
	d.waitText("Step 2 of 22 ·")
	d.key("enter")
	d.waitText("Step 3 of 22 ·")
	d.applyOwnAdminPassword()
	// A typed answer of a manual step, recorded.
	d.gotoStep(19)
	d.waitText("Which VLAN is the camera on")
	d.clearField()
	d.typeText("CCTV VLAN 20")
	d.key("enter")
	d.waitText("Record the answer and continue")
	d.key("enter")
	d.waitText("Step 20 of 22 ·")
	d.key("ctrl+c")
	d.key("2") // leave with unsaved changes: the camera keeps running with them

	// The next start: same camera, same directory.
	opts2 := opts
	d2 := newDriver(t, opts2, 80, 24)
	d2.key("enter")
	d2.key("enter")
	d2.key("enter")
	d2.waitText("An earlier session of this camera did not finish")
	d2.expectText("Continue at step 4")
	if strings.Contains(d2.screen(), "…") {
		t.Errorf("the resume screen cuts a text:\n%s", d2.screen())
	}
	d2.key("enter")
	d2.waitText("passphrase of the earlier session")
	d2.typeText(testPassphrase)
	d2.key("enter")
	d2.waitText("Resumed:")
	d2.expectText("enter: continue at step 4")
	d2.key("enter")
	d2.waitText("Step 4 of 22 ·")
	if !d2.m.w.outcomes[2].applied {
		t.Fatal("step 3 of the earlier session is not taken over")
	}
	d2.neverShown(testAdminPassword)
	// The answers typed before the interruption are still the answers.
	if got := d2.m.w.prof.Manual["vlan"]; got != "CCTV VLAN 20" {
		t.Errorf("the resumed wizard lost the typed VLAN answer: %q", got)
	}
	dirs, _ := filepath.Glob(filepath.Join(base, "mxwizard-*"))
	if len(dirs) != 1 {
		t.Fatalf("want the one directory of the interrupted run, got %v", dirs)
	}

	// The camera reboots without the changes being stored: the next start
	// names step 3 as done before but failing now, and offers to redo it.
	d2.key("ctrl+c")
	d2.key("2")
	c, err := camera.New(camera.Options{Address: addr, Password: secret.New(testAdminPassword), Known: opts.Known})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Reboot(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.Close()
	d3 := newDriver(t, opts, 80, 24)
	d3.key("enter")
	d3.key("enter")
	d3.key("enter")
	d3.waitText("An earlier session of this camera did not finish")
	d3.key("enter")
	d3.waitText("passphrase of the earlier session")
	d3.typeText(testPassphrase)
	d3.key("enter")
	d3.waitText("Done before, failing now: step 3")
	d3.expectText("Continue at step 4", "Redo step 3 first")
	d3.key("2")
	d3.waitText("Step 3 of 22 ·")
}

func TestFactoryResetNeedsTheSerialNumberTyped(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(3)
	d.applyOwnAdminPassword()

	// The camera no longer has the factory password: step 2 asks.
	d.gotoStep(2)
	d.expectText("Reset this camera to factory defaults?", "type the camera's serial number")
	d.expectText("> No") // the choice is marked without colour
	d.key("up")
	d.expectText("> Yes")
	d.key("enter")
	d.waitText("Type the camera's serial number (10.8.0.123) to confirm")
	d.typeText("10.8.0.12")
	d.key("enter")
	d.waitText("the serial number typed does not match 10.8.0.123")
	d.expectText("> Yes")
	d.key("enter")
	d.waitText("Type the camera's serial number")
	d.typeText("10.8.0.123")
	d.key("enter")
	d.waitText("Plan: exactly this will be written")
	d.expectText("reset the whole configuration to factory defaults", "ALL settings are lost")
	d.key("esc") // back to the answers: nothing was reset
	d.waitText("Reset this camera to factory defaults?")
	if d.m.w.outcomes[1].applied {
		t.Fatal("the reset was applied without confirming the plan")
	}
}

// secretsOnFile opens a secrets file the wizard wrote with the test
// passphrase.
func secretsOnFile(t *testing.T, path string) backup.Secrets {
	t.Helper()
	data, err := backup.ReadFile(path, secret.New(testPassphrase))
	if err != nil {
		t.Fatal(err)
	}
	sec, err := backup.UnmarshalSecrets(data)
	if err != nil {
		t.Fatal(err)
	}
	return sec
}

// TestAStepTheFirmwareIgnoresBecomesAGuidedManualStep: the camera stores
// the robots setting but keeps serving "Allow"; after applying, the step is
// unsupported and says what to set where; once it is set in the camera's
// web interface, "check again" looks at the effect and passes.
func TestAStepTheFirmwareIgnoresBecomesAGuidedManualStep(t *testing.T) {
	t.Parallel()
	cam, _, tlsSrv := camsimtest.New(t, camsim.Options{IgnoredKeys: []string{"pageoptions/ROBOTS"}})
	d := newDriver(t, testOptions(t, tlsSrv.URL), 80, 24)
	d.connect()
	d.gotoStep(9)
	d.key("enter") // keep the suggested answer
	d.waitText("Plan: exactly this will be written")
	d.key("enter") // apply
	d.waitText("Now:")
	d.expectText("does not honour", "pageoptions/ROBOTS", "c: check again")
	cam.SetIgnoredKeys(nil) // the installer sets it in the web interface
	d.key("c")
	d.waitText("robots.txt disallows everything")
	for _, r := range d.m.w.sess.Results() {
		if r.Step == 9 && r.After.Status != string(steps.Pass) {
			t.Fatalf("step 9 after checking again: %s %s", r.After.Status, r.After.Detail)
		}
	}
}

// hardened says how a camera was hardened before (hardenedBefore).
type hardened struct {
	here        bool // from this computer: opts.Known pins what the run installed
	reset       bool // reset to factory defaults since (reset configfile, store, reboot)
	factoryCert bool // the reset put the factory certificate back
	withoutOut  bool // the wizard starts again without --out: the run's folder is a dated one of a base folder
}

// hardenedBefore hardens the camera of srv with the example profile and
// the test passphrase into opts.OutDir (or, withoutOut, into a dated folder
// named after another address in a new base folder, which opts then
// searches instead of an --out), as h says, and points opts at the camera
// where it answers now. It returns the run's folder.
func hardenedBefore(t *testing.T, srv *camsim.Server, opts *Options, h hardened) string {
	t.Helper()
	var base string
	if h.withoutOut {
		base = t.TempDir()
		opts.OutDir = filepath.Join(base, "mxwizard-10.0.0.99-2026-11-03")
	}
	earlier := opts.OutDir
	known := camera.NewKnownCamerasInMemory() // another computer's
	if h.here {
		known = opts.Known
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		t.Fatal(err)
	}
	s, err := session.Open(ctx, session.Options{
		Camera:  camera.Options{Address: srv.URLs()[0].HTTPS, Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true},
		Profile: prof, OutDir: earlier, Passphrase: secret.New(testPassphrase),
		Generate: func() (secret.Secret, error) {
			return secret.New("Commission-Pw-" + strconv.Itoa(rand.IntN(1e6)) + "xQ"), nil
		},
		PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ApplyAll(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	opts.Address = s.Address()
	s.Close()
	if h.reset {
		cam := srv.Cameras()[0]
		cam.RunScript("\nhelo\nreset configfile\nstore\nreboot\nquit\n\n")
		camsimtest.WaitReady(t, cam, 5*time.Second)
		if h.factoryCert {
			cam.RestoreFactoryCertificate()
		}
		opts.Address = srv.URLs()[0].HTTPS // its factory ports again
	}
	if h.withoutOut {
		opts.OutDir, opts.BaseDir, opts.NoResume = "", base, false
	}
	return earlier
}

// TestTheWizardRecognisesACameraHardenedBeforeAndRestoresIt: --out holds
// the files of a commissioning and the camera is at factory settings: the
// wizard says so and offers restore, the same secrets or new ones;
// restoring brings the camera back with no step failing.
func TestTheWizardRecognisesACameraHardenedBeforeAndRestoresIt(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	hardenedBefore(t, srv, &opts, hardened{reset: true})
	d := newDriver(t, opts, 80, 24)
	d.connectEarlier()
	d.waitText("This camera was hardened before")
	d.expectText("Restore the backup of the commissioning", "Harden again with the same passwords", "Start afresh with new passwords")
	// What shows the factory state, as observed: this reset kept the
	// certificate step 16 installed, so the factory one is not claimed.
	if flat := flatText(d.screen()); !strings.Contains(flat, "the factory password works, its web server is on the factory ports 443 and 80") || strings.Contains(flat, "factory certificate") {
		t.Fatalf("the signs of the factory state are not as observed:\n%s", d.screen())
	}
	d.key("enter") // restore
	d.waitText("Restored from the backup")
	d.expectText("No step fails.")
	if !d.m.Result().Finished {
		t.Fatal("the run does not count as finished after the restore")
	}
}

// TestHardeningAgainKeepsTheCommissionedPassword: the same camera, chosen
// "harden again with the same passwords": step 3 offers to keep the admin
// password of the commissioning, and keeping it sets that very password
// (the secrets file is unchanged and it logs in).
func TestHardeningAgainKeepsTheCommissionedPassword(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	hardenedBefore(t, srv, &opts, hardened{reset: true})
	files, _ := filepath.Glob(filepath.Join(opts.OutDir, "*-secrets.json.age"))
	if len(files) != 1 {
		t.Fatalf("secrets files: %v", files)
	}
	before := secretsOnFile(t, files[0])
	d := newDriver(t, opts, 80, 24)
	d.connectEarlier()
	d.waitText("This camera was hardened before")
	d.key("down")
	d.key("enter") // harden again with the same passwords and keys
	d.waitText("Read-only check of the 22 camera steps")
	d.gotoStep(3)
	d.expectText("Keep the one set before")
	d.key("enter") // keep
	d.waitText("Plan: exactly this will be written")
	d.key("enter")
	d.waitText("Now:")
	d.neverShown(before.AdminPassword.Reveal())
	after := secretsOnFile(t, files[0])
	if !after.AdminPassword.Equal(before.AdminPassword) {
		t.Fatal("keeping the password changed it in the secrets file")
	}
	c, _ := camera.New(camera.Options{Address: d.m.w.sess.Address(), Password: before.AdminPassword, Known: opts.Known})
	defer c.Close()
	if _, err := c.Identity(context.Background()); err != nil {
		t.Fatalf("the commissioned admin password after keeping it: %v", err)
	}
}

// TestWithoutOutTheWizardFindsTheEarlierRunOfTheCamera: the camera was
// hardened from this computer into a dated folder of the base folder
// (named after the address it had then) and reset since; started again
// without --out, the wizard finds that run by the camera's serial, asks
// for that run's passphrase once (a wrong one is said and asked again),
// recognises the camera and goes on in the same folder with its secrets
// file, instead of starting a new folder that knows nothing.
func TestWithoutOutTheWizardFindsTheEarlierRunOfTheCamera(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	earlier := hardenedBefore(t, srv, &opts, hardened{reset: true, withoutOut: true})
	d := newDriver(t, opts, 160, 40)
	d.toPassphrase()
	d.waitText("Backup passphrase of the earlier run")
	d.expectText("This camera (serial 10.8.0.123) was hardened before from this computer", earlier)
	if strings.Contains(d.screen(), "The same passphrase again") {
		t.Fatalf("the passphrase of an earlier run is asked twice:\n%s", d.screen())
	}
	d.typeText("not the passphrase of that run")
	d.key("enter")
	d.waitText("This passphrase does not open the secrets file of the earlier run")
	d.typeText(testPassphrase)
	d.key("enter")
	d.waitText("This camera was hardened before")
	d.expectText(earlier)
	d.key("down")
	d.key("enter") // harden again with the same passwords and keys
	d.waitText("Read-only check of the 22 camera steps")
	if d.m.w.outDir != earlier {
		t.Fatalf("the run goes into %s, not into the earlier run's folder %s", d.m.w.outDir, earlier)
	}
	files, _ := filepath.Glob(filepath.Join(opts.BaseDir, "*", "*-secrets.json.age"))
	if len(files) != 1 {
		t.Fatalf("secrets files in the base folder: %v, want the earlier run's only", files)
	}
}

// TestARefusedPasswordIsMendedWithThePasswordOnFile: the camera was
// hardened from this computer (its admin password is no longer the
// factory one the connect screen offers); the refused login leads to the
// earlier run's passphrase, and the wizard logs in with the password on
// file, without sending the refused one again.
func TestARefusedPasswordIsMendedWithThePasswordOnFile(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	earlier := hardenedBefore(t, srv, &opts, hardened{here: true, withoutOut: true})
	cam := srv.Cameras()[0]
	refusedBefore := camsimtest.RefusedLogins(cam)
	d := newDriver(t, opts, 160, 40)
	d.submitConnect() // the factory password: refused
	d.waitText("The camera refused the password given")
	d.expectText("Backup passphrase of the earlier run", earlier)
	d.typeText(testPassphrase)
	d.key("enter")
	d.waitText("Read-only check of the 22 camera steps")
	d.expectText("3 ✓ pass    Change the default admin password")
	if got := camsimtest.RefusedLogins(cam) - refusedBefore; got != 1 {
		t.Fatalf("the camera refused %d logins, want 1 (the factory password, once)", got)
	}
	if d.m.w.outDir != earlier {
		t.Fatalf("the run goes into %s, not into the earlier run's folder %s", d.m.w.outDir, earlier)
	}
}

// TestAResetThatBringsTheFactoryCertificateBackIsRecognised: this computer
// hardened the camera (its known-cameras store pins the certificate step
// 16 installed); a factory reset puts the factory certificate back. The
// wizard says it is the camera's earlier certificate and offers to pin it
// again first; then the earlier run is found and the camera recognised.
func TestAResetThatBringsTheFactoryCertificateBackIsRecognised(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	opts := testOptions(t, "")
	hardenedBefore(t, srv, &opts, hardened{here: true, reset: true, factoryCert: true})
	cam := srv.Cameras()[0]
	d := newDriver(t, opts, 100, 40)
	d.submitConnect()
	d.waitText("presents another certificate than the one pinned")
	d.expectText("the one this camera had before mxwizard installed its own", "› 1. Pin that certificate again and connect")
	d.key("enter")
	d.waitText("Backup passphrase of the earlier run")
	d.typeText(testPassphrase)
	d.key("enter")
	d.waitText("This camera was hardened before")
	u, _ := camera.ParseAddress(opts.Address)
	if pinned, _ := opts.Known.Lookup(u.Hostname()); pinned != camera.FingerprintSHA256(cam.Certificate().Raw) {
		t.Fatalf("the factory certificate is not pinned again: %s", pinned)
	}
}

// TestACertificateThatOnlyLooksLikeAFactoryOneIsNotTheDefault: a changed
// certificate that is not the camera's earlier one but looks like a
// MOBOTIX factory certificate (anybody can make one) may be pinned only as
// the second choice, after a warning; the first choice goes back.
func TestACertificateThatOnlyLooksLikeAFactoryOneIsNotTheDefault(t *testing.T) {
	t.Parallel()
	addr := fakeCamera(t)
	opts := testOptions(t, addr)
	u, _ := camera.ParseAddress(addr)
	if err := opts.Known.Pin(u.Hostname(), strings.Repeat("AB:", 31)+"AB"); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, opts, 100, 40)
	d.submitConnect()
	d.waitText("presents another certificate than the one pinned")
	d.expectText("anybody can make one that looks like it", "› 1. Back to the connection screen", "2. I reset this camera myself: pin the new certificate")
	d.key("down")
	d.key("enter")
	d.waitText("Backup passphrase")
	if pinned, _ := opts.Known.Lookup(u.Hostname()); pinned == strings.Repeat("AB:", 31)+"AB" {
		t.Fatal("the deliberate choice did not pin the new certificate")
	}
}

// TestAnAnswerIsJudgedWhenItsFieldIsLeft: a threshold of 2 is refused at
// its own field, before the next question is asked.
func TestAnAnswerIsJudgedWhenItsFieldIsLeft(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(8)
	d.expectText("Block an address after how many failed logins?")
	d.clearField()
	d.typeText("2")
	d.key("enter")
	d.waitText("give a number from 3 to 100")
	if strings.Contains(d.screen(), "Block for how long?") {
		t.Fatalf("the next question came before the threshold was corrected:\n%s", d.screen())
	}
}

// TestAnotherCameraOfTheSiteGetsTheSameAnswersAndOneConfirmation: after
// the summary, n connects to the next camera (found by the search of the
// network); its whole plan is shown, Apply is offered only once the end of
// the plan has been on screen, and the camera is hardened with its own
// secrets in its own folder.
func TestAnotherCameraOfTheSiteGetsTheSameAnswersAndOneConfirmation(t *testing.T) {
	t.Parallel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 2, BootTime: 10 * time.Millisecond})
	urls := srv.URLs()
	opts := testOptions(t, urls[0].HTTPS)
	ip := netip.MustParseAddr(urls[1].IP.String())
	opts.SearchRanges = []discover.Range{{From: ip, To: ip, Text: ip.String()}}
	opts.SearchPorts = []int{srv.Port(443)}
	// The answers given for the first camera (its walk is not the point):
	// the recorder's network is allowed in step 7.
	opts.Profile = wizardProfile()
	opts.Profile.IPAccess.Rules = []string{"allow 127.0.0.0/255.0.0.0"}
	opts.Profile.Users = []profile.User{{Name: "operator1", Group: "operators", Password: "generate"}}
	d := newDriver(t, opts, 80, 24)
	d.connect()
	// The first camera's run is not the point here: on to its summary.
	d.run(d.m.w.show(newSummaryPage(d.m.w)))
	d.render()
	d.waitText("Another camera of this site? Press n")
	d.key("n")
	d.waitText("Camera 2 of the site")
	d.key("ctrl+f")
	d.waitText("1 MOBOTIX camera found")
	d.expectText(urls[1].HTTPS)
	d.key("enter")
	d.waitText("Camera address")
	if d.m.w.address != urls[1].HTTPS {
		t.Fatalf("choosing the found camera filled in %q", d.m.w.address)
	}
	d.key("enter")
	d.key("enter")
	d.key("enter")
	d.waitText("First connection to")
	d.key("enter") // accept and pin; the passphrase is kept
	d.waitText("Camera 2 of the site: M73")
	if contains(d.screen(), "Apply the whole plan") {
		t.Fatalf("Apply is offered before the plan was seen to its end:\n%s", d.screen())
	}
	for i := 0; i < 40 && !contains(d.screen(), "Apply the whole plan"); i++ {
		d.key("pgdown")
	}
	d.expectText("Apply the whole plan to this camera")
	if !strings.HasPrefix(strings.TrimSpace(menuLine(d.screen())), "› 1. Apply") {
		t.Fatalf("Apply is not the chosen item:\n%s", d.screen())
	}
	d.key("enter")
	d.waitText("Final check of the 22 steps")
	d.expectText("Done: the camera is hardened")
	second := d.m.w.outDir
	if second == opts.OutDir || filepath.Dir(second) != opts.OutDir {
		t.Errorf("the second camera's files went to %s, want a folder of its own inside %s", second, opts.OutDir)
	}
	files, _ := filepath.Glob(filepath.Join(second, "*-secrets.json.age"))
	if len(files) != 1 {
		t.Fatalf("secrets files of the second camera: %v", files)
	}
	sec := secretsOnFile(t, files[0])
	if sec.Serial != srv.Cameras()[1].ActiveConfig().Value(camera.SecSystem, camera.KeySerial) || sec.AdminPassword.IsZero() {
		t.Fatalf("the second camera's secrets file: serial %s", sec.Serial)
	}
	d.neverShown(sec.AdminPassword.Reveal())
	c, _ := camera.New(camera.Options{Address: d.m.w.sess.Address(), Password: sec.AdminPassword, Known: opts.Known})
	defer c.Close()
	if _, err := c.Identity(context.Background()); err != nil {
		t.Fatalf("the second camera's admin password on file: %v", err)
	}
}

// menuLine is the screen's line of the chosen menu item.
func menuLine(scr string) string {
	for _, l := range strings.Split(scr, "\n") {
		if strings.Contains(l, "› ") {
			return l[strings.Index(l, "› "):]
		}
	}
	return ""
}

// TestAtASmallTerminalNothingIsAppliedUnseenAndTheSecretStaysOnScreen: at
// 60x20 step 16's plan does not fit: Apply is offered only once its end
// has been on screen. At 50x14 the password generated for a user is on the
// screen that shows it once.
func TestAtASmallTerminalNothingIsAppliedUnseenAndTheSecretStaysOnScreen(t *testing.T) {
	t.Parallel()
	opts := testOptions(t, fakeCamera(t))
	opts.Profile = wizardProfile()
	opts.Profile.Users = []profile.User{{Name: "operator1", Group: "operators", Password: "generate"}}
	d := newDriver(t, opts, 60, 20)
	d.connect()
	d.gotoStep(16)
	for i := 0; i < 10 && !contains(d.screen(), "Plan: exactly this"); i++ {
		d.key("enter") // keep the suggested answers
	}
	d.waitText("Plan: exactly this will be written")
	d.expectText("Read the rest of the plan (pgdn) before applying")
	if contains(d.screen(), "Apply these changes") {
		t.Fatalf("Apply is offered with the plan's end below the fold:\n%s", d.screen())
	}
	for i := 0; i < 20 && !contains(d.screen(), "Apply these changes"); i++ {
		d.key("pgdown")
	}
	d.expectText("Apply these changes", "↑ more: pgup")

	d.send(windowSize(50, 14))
	applyStep := func(n int) {
		d.gotoStep(n)
		for i := 0; i < 10 && !contains(d.screen(), "Plan: exactly this") && !contains(d.screen(), "Read the rest"); i++ {
			d.key("enter")
		}
		for i := 0; i < 20 && !contains(d.screen(), "Apply these changes"); i++ {
			d.key("pgdown")
		}
		d.key("enter") // apply
		d.waitText(fmt.Sprintf("enter: on to step %d", n+1))
	}
	applyStep(4) // the groups the user goes into
	applyStep(5)
	d.expectText("Generated and set:")
	p, ok := d.m.page.(*stepPage)
	if !ok || len(p.reveal) != 1 {
		t.Fatalf("no generated password to show: %T", d.m.page)
	}
	d.expectText(p.reveal[0].value, "will not be shown again")
}

// TestTheLeaveDialogKnowsWhenTheChangesAreStored: during the final
// reboot the changes are in permanent memory; leaving then must not warn
// that they are lost.
func TestTheLeaveDialogKnowsWhenTheChangesAreStored(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	w, m := d.m.w, d.m
	w.unsaved = true
	m.quit = newMenu(menuItem{id: "stay", label: "Stay and continue"}, menuItem{id: "leave", label: "Leave now"})
	w.busy = "storing, rebooting and verifying"
	m.Update(progressMsg("storing the configuration in permanent memory"))
	if v := m.quitView(80); !strings.Contains(v, "Changes not stored to permanent memory are lost") {
		t.Fatalf("before the store the leave dialog does not warn:\n%s", v)
	}
	m.Update(progressMsg(steps.ProgressStored))
	m.Update(progressMsg("rebooting the camera (this takes a while on a real camera)"))
	v := m.quitView(80)
	if strings.Contains(v, "Changes not stored") || !strings.Contains(v, "mxwizard is busy") {
		t.Fatalf("after the store the leave dialog says:\n%s", v)
	}
	w.busy = ""
}

// TestLockOutWordsSayWhenAndForHowLong: once step 8 set a threshold of 3
// and a lock-out of 10 minutes, a refused login says how close the next
// one comes to the lock-out, and the lock-out itself says how long it
// lasts.
func TestLockOutWordsSayWhenAndForHowLong(t *testing.T) {
	w := newWizard(context.Background(), testOptions(t, "https://10.0.0.5"))
	for i, st := range w.all {
		if st.Info().ID == "intrusion-detection" {
			w.outcomes[i].applied = true
		}
	}
	w.prof.Intrusion.Threshold, w.prof.Intrusion.Lockout = 3, 10*time.Minute
	refused := &camera.Error{Camera: "https://10.0.0.5", Op: "login", Kind: camera.ErrUnauthorized}
	first := w.issueOf(refused).text
	if !strings.Contains(first, "Careful: 1 failed login so far; the camera blocks this computer for 10 minutes after 3 (step 8): 2 more wrong passwords and it does.") {
		t.Errorf("first refusal: %s", first)
	}
	second := w.issueOf(refused).text
	if !strings.Contains(second, "The next wrong password locks mxwizard out for 10 minutes") {
		t.Errorf("second refusal: %s", second)
	}
	locked := w.issueOf(&camera.Error{Camera: "https://10.0.0.5", Op: "login", Kind: camera.ErrLockedOut}).text
	if !strings.Contains(locked, "The lock-out mxwizard set in step 8 lasts 10 minutes") {
		t.Errorf("lock-out: %s", locked)
	}
	if got := spokenDuration(90 * time.Second); got != "90 seconds" {
		t.Errorf("90 s said as %q", got)
	}
}

// TestAfterAPowerCutTheWizardReconnectsAndSaysWhatWasLost: step 3 set a
// new admin password, not stored; the camera loses power. Step 4 fails;
// the wizard offers to reconnect, gets in with the password given, checks
// every step again, and step 3 is to do again (not shown as done).
func TestAfterAPowerCutTheWizardReconnectsAndSaysWhatWasLost(t *testing.T) {
	t.Parallel()
	cam, _, secure := camsimtest.New(t)
	d := newDriver(t, testOptions(t, secure.URL), 80, 24)
	d.connect()
	d.gotoStep(3)
	d.applyOwnAdminPassword()
	cam.Reboot() // the power cut
	if err := cam.WaitReady(context.Background()); err != nil {
		t.Fatal(err)
	}
	d.gotoStep(9)
	for i := 0; i < 5 && !contains(d.screen(), "Apply these changes"); i++ {
		d.key("enter")
	}
	for i := 0; i < 3 && !contains(d.screen(), "› 1. Reconnect"); i++ {
		d.key("enter") // apply (or plan again after a broken connection)
		d.waitFor("the step's outcome", func(s string) bool {
			return contains(s, "Applying failed") || contains(s, "Now:") || contains(s, "Plan:")
		})
		if contains(d.screen(), "Applying failed") && !contains(d.screen(), "Reconnect") {
			d.key("enter") // plan again
			d.waitText("Plan:")
		}
	}
	d.expectText("› 1. Reconnect", "tries the passwords it knows")
	d.key("enter")
	d.waitText("Reconnected with the password given at the start")
	d.expectText("The camera lost what step 3 set", "enter: continue at step 3", "Fresh check of all 22 steps, just now")
	if d.m.w.outcomes[2].applied {
		t.Error("step 3 is still counted as done")
	}
	d.key("enter")
	d.waitText("Step 3 of 22 ·")
}

// TestACharacterTheCameraCannotTakeIsNotTyped: in a password field, a
// character outside printable ASCII (an accent, a space, another script)
// never enters the field, so the mask counts the characters typed, and
// the installer is told why at once.
func TestACharacterTheCameraCannotTakeIsNotTyped(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 80, 24)
	d.connect()
	d.gotoStep(3)
	d.typeOwnPassword()
	d.typeText("Pä日 ss") // the accent, the ideogram and the space are not taken
	d.typeText("é")
	d.waitText("Printable ASCII only: that character was not taken")
	e := d.m.page.(*stepPage).entry
	if got := e.pw.Get(); got != "Pss" {
		t.Fatalf("the field holds %d characters, want the 3 printable ASCII ones", len([]rune(got)))
	}
	d.expectText("> ***")
	if contains(d.screen(), "> ****") {
		t.Errorf("the mask shows more characters than were taken:\n%s", d.screen())
	}
}

// TestAFinishThatStoppedDoesNotTickWhatFailed: the store was refused: its
// line is not shown as done.
func TestAFinishThatStoppedDoesNotTickWhatFailed(t *testing.T) {
	w := newWizard(context.Background(), testOptions(t, "https://10.0.0.5"))
	p := newFinishPage(w)
	p.phase = finishFailed
	w.progress = []string{"storing the configuration in permanent memory"}
	v := ansi.Strip(p.progressView(80))
	if strings.Contains(v, "✓ storing") || !strings.Contains(v, "✗ storing") {
		t.Errorf("the failed store is shown as:\n%s", v)
	}
	w.progress = append([]string{"writing the secrets file"}, w.progress...)
	if v := ansi.Strip(p.progressView(80)); !strings.Contains(v, "✓ writing the secrets file") {
		t.Errorf("the work done before is not ticked:\n%s", v)
	}
}

// TestNarrowScreensWrapInsteadOfCutting: at 50 columns the camera line of
// the overview, the notice about the step before and the finish page's
// progress lines (an address at their end) are wrapped, never cut with
// "…".
func TestNarrowScreensWrapInsteadOfCutting(t *testing.T) {
	t.Parallel()
	d := newDriver(t, testOptions(t, fakeCamera(t)), 50, 30)
	d.connect()
	id := d.m.w.identity
	d.expectText("firmware " + id.Firmware)
	d.m.w.notice = "Step 1: nothing to change (pass); the firmware list of 2026-11-01 was used for the check."
	d.gotoStep(2)
	d.expectText("the firmware list of 2026-11-01 was used for the check.")
	long := "waiting for the camera to come back at https://192.168.100.200:8443 (a reboot takes about two minutes)"
	d.m.w.progress = []string{long, "checking all 22 steps again at https://192.168.100.200:8443"}
	p := newFinishPage(d.m.w)
	p.phase = finishFailed
	got := p.progressView(50)
	if strings.Contains(got, "…") || !strings.Contains(flatText(got), flatText(long)) || !strings.Contains(got, "https://192.168.100.200:8443") {
		t.Fatalf("the finish progress at 50 columns:\n%s", got)
	}
	for _, line := range strings.Split(got, "\n") {
		if ansi.StringWidth(line) > 50 {
			t.Fatalf("a line wider than the screen: %q", line)
		}
	}
	if strings.Contains(d.screen(), "…") {
		t.Fatalf("a cut line at 50 columns:\n%s", d.screen())
	}
	d.m.w.files = session.Files{
		Backup: "/srv/site/10.8.0.123-config.cfg.age", Secrets: "/srv/site/10.8.0.123-secrets.json.age", Report: "/srv/site/10.8.0.123-handover.md",
		Kept: []string{"/srv/site/10.8.0.123-config-2026-11-03-1405.cfg.age", "/srv/site/10.8.0.123-handover-2026-11-03-1405.md"},
	}
	d.m.w.finished = true
	summary := newSummaryPage(d.m.w).view(50, 80)
	wants := []string{
		"10.8.0.123-config.cfg.age", "10.8.0.123-secrets.json.age", "10.8.0.123-handover.md", "(encrypted with your passphrase)", "(also .json and .html)",
		"Enable the Intrusion Detection with notification and block of offending IP address", "Change default password for MxMessage (only necessary if utilized)",
		"The earlier run's report and backup stay beside them under dated names: 10.8.0.123-config-2026-11-03-1405.cfg.age and 1 more.",
	}
	for _, want := range wants {
		if !strings.Contains(flatText(summary), want) {
			t.Fatalf("the summary at 50 columns lacks %q:\n%s", want, summary)
		}
	}
	for _, line := range strings.Split(summary, "\n") {
		if ansi.StringWidth(line) > 50 || strings.Contains(line, "…") {
			t.Fatalf("the summary at 50 columns has a line cut or wider than the screen: %q", line)
		}
	}
}

// flatText is text with its line breaks and indentation collapsed to
// single spaces, to compare wrapped text with the sentence it came from.
func flatText(s string) string { return strings.Join(strings.Fields(ansi.Strip(s)), " ") }

// TestASearchResultSaysWhetherItsCertificateIsTheOnePinned: the cameras a
// search lists say whether this computer pinned their certificate, had it
// as theirs before mxwizard installed its own, or pinned another one.
func TestASearchResultSaysWhetherItsCertificateIsTheOnePinned(t *testing.T) {
	for pin, want := range map[string]string{
		discover.PinSame:    "own certificate (pinned here)",
		discover.PinEarlier: "factory certificate (its certificate before mxwizard's: reset?)",
		discover.PinChanged: "own certificate (NOT the certificate pinned here)",
		"":                  "own certificate",
	} {
		c := discover.Camera{Address: "https://10.0.0.5", LoginRequired: true, Certificate: "AA", FactoryCertificate: pin == discover.PinEarlier, Pin: pin}
		if got := foundLabel(c); !strings.HasSuffix(got, want) {
			t.Errorf("pin %q: %q, want it to end in %q", pin, got, want)
		}
	}
}
