package steps_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// TestStepInvariants checks, for every one of the 22 steps on a factory-new
// simulated camera: Check never writes; Apply writes exactly the plan, after
// which the step's check passes (or stays manual), a second Plan is empty,
// and no secret appears in any plan's text.
func TestStepInvariants(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client, err := camera.New(camera.Options{Address: tlsSrv.URL, Password: secret.New(camera.FactoryPassword), AcceptNew: true})
	if err != nil {
		t.Fatal(err)
	}
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		t.Fatal(err)
	}
	gen := steps.NewSecrets(func() (secret.Secret, error) { return password.Generate(0) })
	eng := &steps.Engine{Client: client, Password: secret.New(camera.FactoryPassword), Profile: prof, Secrets: gen}
	snap, err := eng.Snapshot(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range steps.All() {
		info := st.Info()
		t.Run(info.ID, func(t *testing.T) {
			before := string(cam.RAMConfig().Bytes())
			flash := string(cam.FlashConfig().Bytes())
			st.Check(snap)
			if string(cam.RAMConfig().Bytes()) != before || string(cam.FlashConfig().Bytes()) != flash {
				t.Fatal("Check changed the camera")
			}
			plan, err := eng.PlanStep(st, snap)
			if err != nil {
				t.Fatalf("plan: %v", err)
			}
			text := strings.Join(append(plan.Lines(), plan.Notes...), "\n")
			for _, s := range gen.All() {
				if strings.Contains(text, s.Reveal()) {
					t.Fatalf("the plan shows a secret:\n%s", text)
				}
			}
			var f steps.Finding
			snap, f, err = eng.Apply(ctx, st, snap, plan)
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if !plan.Empty() && f.Status != steps.Pass {
				t.Errorf("after apply the check says %s: %s", f.Status, f.Detail)
			}
			// What the camera now holds must match the snapshot's read-back.
			fresh, err := eng.Snapshot(ctx, true)
			if err != nil {
				t.Fatal(err)
			}
			fresh.PendingCertificate = snap.PendingCertificate
			if g, w := st.Check(fresh).Status, st.Check(snap).Status; g != w {
				t.Errorf("read-back snapshot says %s, a fresh read says %s", w, g)
			}
			snap = fresh
			again, err := eng.PlanStep(st, snap)
			if err != nil {
				t.Fatalf("second plan: %v", err)
			}
			if !again.Empty() {
				t.Errorf("a second plan is not empty: %q", again.Lines())
			}
		})
	}
	if cam.Requests() == 0 {
		t.Fatal("the camera saw no requests")
	}
}
