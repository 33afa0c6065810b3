package session

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// TestASiteRunAgainFinishesWhatWasInterrupted: two cameras whose 14th
// request fails (a 500 in the middle of the steps): the first site run
// stops both partway, with their state in
// out/<serial>/; the same run again takes each camera's state over from
// its folder, and both end hardened.
func TestASiteRunAgainFinishesWhatWasInterrupted(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 2, BootTime: 20 * time.Millisecond, Faults: camsim.Faults{FailRequest: 14}})
	var addrs []string
	for _, u := range srv.URLs() {
		addrs = append(addrs, u.HTTPS)
	}
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		t.Fatal(err)
	}
	known := camera.NewKnownCamerasInMemory()
	out := t.TempDir()
	site := Site{Cameras: addrs, Concurrency: 2, Options: func(i int) Options {
		return Options{
			Camera:  camera.Options{Address: addrs[i], Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true, Retries: 0},
			Profile: prof, OutDir: out, Passphrase: secret.New("site test passphrase"), Generate: generate,
			PollInterval: 20 * time.Millisecond, BootTimeout: 20 * time.Second,
		}
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	first := site.Run(ctx)
	for _, r := range first {
		if r.Verdict() == report.VerdictHardened {
			t.Fatalf("%s was hardened although its 14th request failed", r.Address)
		}
		if r.Session == nil {
			t.Fatalf("%s did not open: %v", r.Address, r.OpenErr)
		}
		serial := r.Session.Identity().Serial
		if _, err := os.Stat(filepath.Join(out, SafeName(serial), StateFile)); err != nil {
			t.Fatalf("no state in the camera's folder: %v", err)
		}
	}
	second := site.Run(ctx)
	for _, r := range second {
		if r.Verdict() != report.VerdictHardened {
			t.Fatalf("%s after the second run: %s (%v %v)", r.Address, r.Verdict(), r.OpenErr, r.RunErr)
		}
		if !r.Session.Resumed() {
			t.Errorf("%s: the second run did not take over the first one's state", r.Address)
		}
	}
}
