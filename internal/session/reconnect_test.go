package session

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// TestReconnectAfterThePowerCutBringsTheRunBack: step 3 set a new admin
// password, not stored; the camera loses power and comes back with the
// factory password. The next step is refused; Reconnect gets in with the
// password given at the start, finds step 3 lost (its fresh check fails)
// and no longer counts it as done; step 3 applied again works.
func TestReconnectAfterThePowerCutBringsTheRunBack(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	s, err := openExample(ctx, srv.URLs()[0].HTTPS, t.TempDir(), camera.NewKnownCamerasInMemory(), secret.New("reconnect test passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all := steps.All()
	for _, st := range all[:3] {
		if err := s.ApplyStep(ctx, st, nil, ""); err != nil {
			t.Fatalf("step %d: %v", st.Info().Number, err)
		}
	}
	cam := srv.Cameras()[0]
	cam.Reboot() // the power cut: what was not stored is gone
	if err := cam.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	// Requests may meet the connection the power cut broke, or the camera
	// before its listeners are back; then one is refused: the camera has
	// the factory password again.
	deadline := time.Now().Add(20 * time.Second)
	for {
		err = s.ApplyStep(ctx, all[3], nil, "")
		if errors.Is(err, camera.ErrUnauthorized) {
			break
		}
		if !errors.Is(err, camera.ErrUnreachable) || time.Now().After(deadline) {
			t.Fatalf("step 4 after the power cut: %v, want a refused login", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	r, err := s.Reconnect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.With != "the password given at the start" || !slices.Contains(r.Lost, 3) {
		t.Fatalf("reconnected %+v, want with the password given and step 3 lost", r)
	}
	for _, rec := range s.Results() {
		if rec.Step == 3 {
			t.Fatal("step 3 is still recorded as done")
		}
	}
	if err := s.ApplyStep(ctx, all[2], nil, ""); err != nil {
		t.Fatalf("step 3 again: %v", err)
	}
	if err := s.ApplyStep(ctx, all[3], nil, ""); err != nil {
		t.Fatalf("step 4 after reconnecting: %v", err)
	}
}
