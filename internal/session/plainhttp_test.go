package session

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// TestApplyOverPlainHTTPSendsNoSecret: a camera with Digest on, reached
// over http://. Digest protects the login, not the script that sets new
// passwords and keys: without --allow-plain-http the run is refused before
// the first write, and the refusal names the flag. With the flag, the
// certificate step is planned as not possible (no private key over HTTP).
func TestApplyOverPlainHTTPSendsNoSecret(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	cam.RunScript("\nhelo\nwrite params\nwebserver/AUTH=digest\nupdate\nstore\nquit\n\n")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := Options{
		Camera:  camera.Options{Address: plain.URL, Password: secret.New(camera.FactoryPassword), Known: camera.NewKnownCamerasInMemory()},
		Profile: exampleProfile(t), OutDir: t.TempDir(), Passphrase: secret.New("plain passphrase 1234"), Generate: generate,
	}
	s, err := Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	before := string(cam.RAMConfig().Bytes())
	err = s.ApplyAll(ctx)
	var guard *steps.GuardError
	if !errors.As(err, &guard) || !strings.Contains(err.Error(), "--allow-plain-http") {
		t.Fatalf("apply over plain HTTP with Digest: %v", err)
	}
	if string(cam.RAMConfig().Bytes()) != before {
		t.Fatal("something was written before the refusal")
	}

	opts.Camera.AllowPlainHTTP = true
	s, err = Open(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := steps.ByID("certificate")
	p, err := s.PlanStep(cert)
	if err != nil {
		t.Fatal(err)
	}
	if p.Certificate != nil || !strings.Contains(strings.Join(p.Notes, " "), "not possible without HTTPS") {
		t.Fatalf("certificate step over HTTP: upload %v, notes %q", p.Certificate != nil, p.Notes)
	}
}
