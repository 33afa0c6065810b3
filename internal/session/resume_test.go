package session

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// interruptedRun opens a run on addr, applies steps up to and including
// upTo and stops there, as a pulled cable would: the state file says where
// the run was, the secrets file holds what it set.
func interruptedRun(t *testing.T, ctx context.Context, o Options, upTo int) *Session {
	t.Helper()
	s, err := Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps.All()[:upTo] {
		if err := s.ApplyStep(ctx, st, nil, ""); err != nil {
			t.Fatalf("step %d: %v", st.Info().Number, err)
		}
	}
	return s
}

func resumeOptions(t *testing.T, addr, out string, known *camera.KnownCameras) Options {
	return Options{
		Camera:  camera.Options{Address: addr, Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true, Timeout: 5 * time.Second},
		Profile: exampleProfile(t), OutDir: out, Passphrase: secret.New("resume passphrase 1234"), Generate: generate,
		PollInterval: 20 * time.Millisecond, BootTimeout: 10 * time.Second,
	}
}

// TestResumeTalksOnlyToTheCameraNamed: an edited address_now in the state
// file never gets a password (neither the one given nor the one on file);
// a camera of another serial at the named host is refused; a resumed
// address is never pinned by --accept-new.
func TestResumeTalksOnlyToTheCameraNamed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	a := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	b := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	known := camera.NewKnownCamerasInMemory()
	out := t.TempDir()
	o := resumeOptions(t, a.URLs()[0].HTTPS, out, known)
	interruptedRun(t, ctx, o, 3)

	t.Run("edited address_now", func(t *testing.T) {
		st, _, err := LoadState(out)
		if err != nil {
			t.Fatal(err)
		}
		edited := st
		edited.AddressNow = b.URLs()[0].HTTPS
		if err := WriteState(out, edited); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = WriteState(out, st) }()
		before := b.Cameras()[0].Requests()
		_, _ = Open(ctx, o)
		if got := b.Cameras()[0].Requests() - before; got != 0 {
			t.Fatalf("the host written into the state file got %d requests", got)
		}
	})
	t.Run("another serial at the named host", func(t *testing.T) {
		st, _, _ := LoadState(out)
		edited := st
		edited.Serial = "00.03.c5.ff.ff.ff"
		if err := WriteState(out, edited); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = WriteState(out, st) }()
		_, err := Open(ctx, o)
		if err == nil || !strings.Contains(err.Error(), "this is another camera") {
			t.Fatalf("resume on another serial: %v", err)
		}
	})
	t.Run("no accept-new for a resumed address", func(t *testing.T) {
		fresh := o
		fresh.Camera.Known = camera.NewKnownCamerasInMemory()
		fresh.Camera.AcceptNew = true
		_, err := Open(ctx, fresh)
		if !errors.Is(err, camera.ErrUnknownCamera) || !strings.Contains(err.Error(), "never pins") {
			t.Fatalf("resume with an empty known-cameras file: %v", err)
		}
		if _, ok := fresh.Camera.Known.Lookup(a.URLs()[0].IP.String()); ok {
			t.Fatal("the resumed address was pinned")
		}
	})
	t.Run("a camera that answers and refuses", func(t *testing.T) {
		st, _, _ := LoadState(out)
		edited := st
		edited.SecretsFile = "" // no password on file to try
		if err := WriteState(out, edited); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = WriteState(out, st) }()
		wrong := o
		wrong.Camera.Password = secret.New("Not-The-Passw0rd!")
		_, err := Open(ctx, wrong)
		if !errors.Is(err, camera.ErrUnauthorized) || !strings.Contains(err.Error(), "refused the password given") || strings.Contains(err.Error(), "answers on none") {
			t.Fatalf("resume with a refused password: %v", err)
		}
	})
	t.Run("and the real resume still works", func(t *testing.T) {
		s, err := Open(ctx, o)
		if err != nil || !s.Resumed() {
			t.Fatalf("resume: %v", err)
		}
	})
}

// TestResumeAfterAFactoryResetTriesTheFactoryPassword: the run reset a
// camera whose password the installer gave, and was cut at the write of
// the new admin password. The camera now has neither the given password
// nor the one on file, but the factory one: the rerun must get in with it.
func TestResumeAfterAFactoryResetTriesTheFactoryPassword(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 10 * time.Millisecond})
	cam := srv.Cameras()[0]
	oldPW := "Old-Site-Passw0rd!"
	cam.RunScript("\nhelo\nwrite params\nusers/admin/password=" + camera.EncodeValue(oldPW) + "\nupdate\nstore\nquit\n\n")
	known := camera.NewKnownCamerasInMemory()
	out := t.TempDir()
	o := resumeOptions(t, srv.URLs()[0].HTTPS, out, known)
	o.Camera.Password = secret.New(oldPW)
	o.Profile.FactoryReset = true
	s := interruptedRun(t, ctx, o, 2) // firmware, factory reset
	cam.SetFaults(camsim.Faults{DropRequest: cam.Requests() + 1})
	st3, _ := steps.ByID("admin-password")
	if err := s.ApplyStep(ctx, st3, nil, ""); err == nil {
		t.Fatal("the cut write of the admin password did not fail")
	}
	cam.SetFaults(camsim.Faults{})
	s, err := Open(ctx, o)
	if err != nil {
		t.Fatalf("resume after the reset: %v", err)
	}
	if err := s.ApplyAll(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	assertSecretsTruth(t, ctx, cam, s.engine.Client.Address(), out, known, o.Passphrase)
}

// TestResumeOverPlainHTTPNeverOffersThePasswordOnFile: over http:// no
// certificate proves which camera answers, so a resume tries only the
// password given; the one on file is not sent, and the error says how to
// give it.
func TestResumeOverPlainHTTPNeverOffersThePasswordOnFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cam, plain, _ := camsimtest.New(t)
	out := t.TempDir()
	o := resumeOptions(t, plain.URL, out, camera.NewKnownCamerasInMemory())
	o.Camera.AllowPlainHTTP = true
	interruptedRun(t, ctx, o, 3) // the admin password is changed
	logins := func() (ok, refused int) {
		for _, e := range camera.ParseWebLog([]byte(cam.WebLog())) {
			switch {
			case e.Status == 401 && e.User != "":
				refused++
			case e.Status == 200 && e.User != "":
				ok++
			}
		}
		return ok, refused
	}
	okBefore, refusedBefore := logins()
	_, err := Open(ctx, o) // the factory password again
	if err == nil || !strings.Contains(err.Error(), "does not try the one on file") {
		t.Fatalf("resume over plain HTTP: %v", err)
	}
	okAfter, refusedAfter := logins()
	if okAfter != okBefore || refusedAfter-refusedBefore > 1 {
		t.Fatalf("logins during the resume: %d accepted, %d refused; want none accepted and one refused", okAfter-okBefore, refusedAfter-refusedBefore)
	}
}

// TestWithoutAPasswordAResumeTriesOnlyTheOneOnFileAndNeverOverPlainHTTP:
// the wizard gives no password when the camera refused the installer's
// already: over HTTPS the admin password on file logs in and the refused
// one is not sent again; over http:// nothing is sent at all.
func TestWithoutAPasswordAResumeTriesOnlyTheOneOnFileAndNeverOverPlainHTTP(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cam, _, tlsSrv := camsimtest.New(t)
	known := camera.NewKnownCamerasInMemory()
	out := t.TempDir()
	o := resumeOptions(t, tlsSrv.URL, out, known)
	interruptedRun(t, ctx, o, 3) // the admin password is changed
	before := camsimtest.RefusedLogins(cam)
	o.Camera.Password = secret.Secret{}
	s, err := Open(ctx, o)
	if err != nil {
		t.Fatalf("resume with the password on file only: %v", err)
	}
	s.Close()
	if got := camsimtest.RefusedLogins(cam) - before; got != 0 {
		t.Fatalf("the camera refused %d logins, want none", got)
	}

	other, plain, _ := camsimtest.New(t)
	p := resumeOptions(t, plain.URL, t.TempDir(), camera.NewKnownCamerasInMemory())
	p.Camera.AllowPlainHTTP = true
	interruptedRun(t, ctx, p, 3)
	p.Camera.Password = secret.Secret{}
	requests := other.Requests()
	_, err = Open(ctx, p)
	if err == nil || !strings.Contains(err.Error(), "over plain HTTP mxwizard does not try the one on file") || strings.Contains(err.Error(), "%!") {
		t.Fatalf("without a password over plain HTTP: %v", err)
	}
	if other.Requests() != requests {
		t.Fatalf("%d requests went to the camera over plain HTTP without a password", other.Requests()-requests)
	}
}

// TestFindCommissionedFindsTheNewestFinishedRunOfTheSerial: the folder of
// the newest finished run of the serial that left a secrets file, in the
// wizard's folders of any address without --out, and in --out, its
// apply folder by serial and its next-camera folders with it; unfinished
// runs, other serials and runs without a secrets file are passed over.
func TestFindCommissionedFindsTheNewestFinishedRunOfTheSerial(t *testing.T) {
	base := t.TempDir()
	day := time.Date(2026, 11, 3, 14, 5, 0, 0, time.UTC)
	run := func(dir, serial string, finished bool, secrets bool, updated time.Time) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := WriteState(dir, State{Camera: "https://10.1.2.3", Serial: serial, Finished: finished, Updated: updated}); err != nil {
			t.Fatal(err)
		}
		if secrets {
			if err := os.WriteFile(filepath.Join(dir, SafeName(serial)+"-secrets.json.age"), []byte("age"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	older := run(filepath.Join(base, "mxwizard-10.1.2.3-2026-11-03"), "10.8.0.123", true, true, day)
	newer := run(filepath.Join(base, "mxwizard-192.168.1.20-2026-11-10"), "10.8.0.123", true, true, day.AddDate(0, 0, 7))
	run(filepath.Join(base, "mxwizard-192.168.1.20-2026-11-20"), "10.8.0.123", false, true, day.AddDate(0, 0, 17)) // interrupted
	run(filepath.Join(base, "mxwizard-192.168.1.21-2026-11-21"), "10.8.0.124", true, true, day.AddDate(0, 0, 18))  // another camera
	run(filepath.Join(base, "mxwizard-192.168.1.20-2026-11-22"), "10.8.0.123", true, false, day.AddDate(0, 0, 19)) // no secrets file
	if err := os.WriteFile(filepath.Join(base, "mxwizard-notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, ok := FindCommissioned("", base, "10.8.0.123")
	if !ok || got.Dir != newer || !got.Finished.Equal(day.AddDate(0, 0, 7)) || got.SecretsFile != filepath.Join(newer, "10.8.0.123-secrets.json.age") {
		t.Fatalf("without --out: %+v %v, want %s (not %s)", got, ok, newer, older)
	}
	if _, ok := FindCommissioned("", base, "10.8.0.125"); ok {
		t.Fatal("a camera never hardened was found")
	}
	if _, ok := FindCommissioned("", base, ""); ok {
		t.Fatal("a camera without a serial was found")
	}

	site := t.TempDir()
	bySerial := run(filepath.Join(site, "10.8.0.123"), "10.8.0.123", true, true, day)
	if got, ok := FindCommissioned(site, base, "10.8.0.123"); !ok || got.Dir != bySerial {
		t.Fatalf("--out of an apply run: %+v %v, want %s (the base folder is not searched with --out)", got, ok, bySerial)
	}
	next := run(filepath.Join(site, "mxwizard-192.168.1.30-2026-11-12"), "10.8.0.130", true, true, day)
	if got, ok := FindCommissioned(site, base, "10.8.0.130"); !ok || got.Dir != next {
		t.Fatalf("--out with the next camera of a site: %+v %v, want %s", got, ok, next)
	}
	own := run(t.TempDir(), "10.8.0.123", true, true, day)
	if got, ok := FindCommissioned(own, base, "10.8.0.123"); !ok || got.Dir != own {
		t.Fatalf("--out of the camera's own run: %+v %v, want %s", got, ok, own)
	}
}

// TestFindInterruptedLooksWhereARunMayHaveLeftItsFiles: with --out, the
// folder itself and the camera folders inside it (apply's <serial>/, an
// earlier run's folder the wizard went on in) when their run was on the
// host; without it, the wizard's dated folders of any name whose run was
// on the host. A damaged state file is an error in --out or in a folder
// named after the host, and passed over in another camera's folder.
func TestFindInterruptedLooksWhereARunMayHaveLeftItsFiles(t *testing.T) {
	day := time.Date(2026, 11, 3, 14, 5, 0, 0, time.UTC)
	done := []report.HandoverStep{{Step: 1, ID: "firmware"}}
	run := func(dir, addr string, finished bool) string {
		t.Helper()
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := WriteState(dir, State{Camera: addr, AddressNow: addr, Serial: "10.8.0.123", Finished: finished, Updated: day, Steps: done}); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	out := t.TempDir()
	run(filepath.Join(out, "10.8.0.124"), "https://10.0.0.6", false) // another camera
	mine := run(filepath.Join(out, "10.8.0.123"), "https://10.0.0.5:8443", false)
	run(filepath.Join(out, "10.8.0.125"), "https://10.0.0.5", true) // finished
	if got, ok, err := FindInterrupted(out, "", "10.0.0.5"); err != nil || !ok || got.Dir != mine {
		t.Fatalf("with --out: %+v %v %v, want %s", got, ok, err, mine)
	}
	if _, ok, err := FindInterrupted(out, "", "10.0.0.7"); err != nil || ok {
		t.Fatalf("with --out, a camera without a run there: %v %v", ok, err)
	}

	base := t.TempDir()
	named := run(filepath.Join(base, "mxwizard-10.0.0.99-2026-11-03"), "https://10.0.0.5", false) // went on in an earlier run's folder
	if err := os.MkdirAll(filepath.Join(base, "mxwizard-10.0.0.6-2026-11-04"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "mxwizard-10.0.0.6-2026-11-04", "mxwizard-state.json"), []byte("{damaged"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := FindInterrupted("", base, "10.0.0.5"); err != nil || !ok || got.Dir != named {
		t.Fatalf("without --out: %+v %v %v, want %s (another camera's damaged state passed over)", got, ok, err, named)
	}
	if _, _, err := FindInterrupted("", base, "10.0.0.6"); err == nil {
		t.Fatal("a damaged state file in the host's own folder is not reported")
	}
}

// TestSecretsFilesIndexesTheNewestRunOfEachHost: by the host a run was on,
// the newest run's secrets file; a run whose addresses were on two hosts
// and a run without a secrets file are left out.
func TestSecretsFilesIndexesTheNewestRunOfEachHost(t *testing.T) {
	out := t.TempDir()
	day := time.Date(2026, 11, 3, 14, 5, 0, 0, time.UTC)
	run := func(name, camera, after string, updated time.Time, secrets bool) string {
		t.Helper()
		dir := filepath.Join(out, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		st := State{Camera: camera, AddressNow: camera, AddressAfterReboot: after, Serial: name, Updated: updated, Finished: true}
		if secrets {
			st.SecretsFile = name + "-secrets.json.age"
			if err := os.WriteFile(filepath.Join(dir, st.SecretsFile), []byte("age"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := WriteState(dir, st); err != nil {
			t.Fatal(err)
		}
		return filepath.Join(dir, st.SecretsFile)
	}
	run("old", "https://10.0.0.5", "", day, true)
	newer := run("new", "https://10.0.0.5:8443", "https://10.0.0.5:8443", day.AddDate(0, 0, 1), true)
	run("moved", "https://10.0.0.6", "https://10.0.0.99", day, true)
	run("none", "https://10.0.0.7", "", day, false)
	got := SecretsFiles(out)
	if len(got) != 1 || got["10.0.0.5"] != newer {
		t.Fatalf("SecretsFiles = %v, want only 10.0.0.5 -> %s", got, newer)
	}
}

// TestARunAgainTriesThePasswordOnFileFirstWhenTheRunEndedWithIt: a run
// that ended logged in with the admin password of its secrets file says so
// in its state (and holds no password); the same command again, given the
// factory password, logs in with the one on file first, so the camera
// refuses nothing (each refusal would count towards its intrusion
// threshold, and step 8's lock-out guard would refuse run after run).
func TestARunAgainTriesThePasswordOnFileFirstWhenTheRunEndedWithIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cam, _, tlsSrv := camsimtest.New(t)
	known := camera.NewKnownCamerasInMemory()
	out := t.TempDir()
	pass := secret.New("run again passphrase")
	first, err := runOnce(ctx, tlsSrv.URL, out, known, pass)
	if err != nil {
		t.Fatal(err)
	}
	adminPW, _ := first.KnownSecret(steps.AdminPassword)
	first.Close()
	st, ok, err := LoadState(out)
	if err != nil || !ok || !st.LoginOnFile {
		t.Fatalf("the state of a run that ended with the password on file: %+v %v", st, err)
	}
	raw, _ := os.ReadFile(filepath.Join(out, StateFile))
	if strings.Contains(string(raw), adminPW.Reveal()) {
		t.Fatal("the state file holds the admin password")
	}
	before := camsimtest.RefusedLogins(cam)
	again, err := runOnce(ctx, tlsSrv.URL, out, known, pass) // the factory password given, as before
	if err != nil {
		t.Fatalf("the same run again: %v", err)
	}
	if again.Failed() {
		t.Fatalf("a step fails in the run again: %+v", again.Results())
	}
	if got := camsimtest.RefusedLogins(cam) - before; got != 0 {
		t.Fatalf("the camera refused %d logins in the run again, want none", got)
	}
	again.Close()

	// A state that does not know it yet (written by an older mxwizard):
	// the stale password is refused once, and from then on known.
	st, _, _ = LoadState(out)
	st.LoginOnFile = false
	if err := WriteState(out, st); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 0} {
		before := camsimtest.RefusedLogins(cam)
		s, err := openExample(ctx, tlsSrv.URL, out, known, pass)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if got := camsimtest.RefusedLogins(cam) - before; got != want {
			t.Fatalf("open %d after the flag was lost: %d refused logins, want %d", i+1, got, want)
		}
	}
	if st, _, _ := LoadState(out); !st.LoginOnFile {
		t.Fatal("the state did not learn that the password on file logs in")
	}
}
