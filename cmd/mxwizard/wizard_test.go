package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// runCmd runs cmd with args, no terminal on stdin, and returns the exit
// code main would use and what was printed.
func runCmd(t *testing.T, cmd *cobra.Command, args ...string) (code int, out, errOut string) {
	t.Helper()
	var o, e bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(""))
	cmd.SetOut(&o)
	cmd.SetErr(&e)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(context.Background())
	if err != nil {
		e.WriteString(err.Error())
	}
	return exitCode(err), o.String(), e.String()
}

// TestAccessibleModeRunsOnPlainInput: the line face reads plain lines from
// any input (a screen reader's pipe); input that ends at once leaves
// cleanly, says so, and exits 130. The full-screen wizard still needs a
// terminal.
func TestAccessibleModeRunsOnPlainInput(t *testing.T) {
	code, out, _ := runCmd(t, newDemoCmd(), "--accessible")
	if code != exitCanceled || !strings.Contains(out, "Camera address") || !strings.Contains(out, "Leaving; nothing was changed") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	if !ttyAvailable() {
		code, _, errOut := runCmd(t, newWizardCmd(), "192.168.1.10")
		if code != exitRefused || !strings.Contains(errOut, "needs a terminal") {
			t.Fatalf("full-screen without a terminal: exit %d, stderr %q", code, errOut)
		}
	}
}

func TestWizardRefusesAnAddressWithAPassword(t *testing.T) {
	code, _, errOut := runCmd(t, newWizardCmd(), "https://admin:meinsm@192.168.1.10")
	if code != exitRefused || !strings.Contains(errOut, "holds a user name or password") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(errOut, "meinsm") {
		t.Fatal("the password from the address was printed")
	}
}

func TestWizardHasTheFlagsOfTheIssue(t *testing.T) {
	cmd := newWizardCmd()
	for _, name := range []string{"out", "known-cameras", "user", "accessible", "allow-plain-http"} {
		if cmd.Flags().Lookup(name) == nil {
			t.Errorf("wizard has no --%s", name)
		}
	}
	if newDemoCmd().Flags().Lookup("out") == nil {
		t.Error("demo has no --out")
	}
}

func TestRootWithoutCommandRunsTheWizard(t *testing.T) {
	root := &cobra.Command{Use: "mxwizard"}
	wireRootWizard(root)
	if root.RunE == nil || root.Flags().Lookup("accessible") == nil {
		t.Fatal("the root does not run the wizard")
	}
	code, out, _ := runCmd(t, root, "--accessible") // the line face; the input ends at once
	if code != exitCanceled || !strings.Contains(out, "Camera address") {
		t.Fatalf("exit %d, output %q", code, out)
	}
	code, _, errOut := runCmd(t, newRootCmd(), "aduit")
	if code != exitRefused || !strings.Contains(errOut, `unknown command "aduit"`) {
		t.Fatalf("a mistyped command: exit %d, stderr %q", code, errOut)
	}
	code, _, _ = runCmd(t, newWizardCmd(), "a", "b")
	if code != exitRefused {
		t.Fatalf("two addresses: exit %d", code)
	}
}

func TestDemoCameraIsFactoryNewOnFreeLoopbackPorts(t *testing.T) {
	srv, err := startDemoCamera(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	u := srv.URLs()[0]
	if u.HTTPS == "" || !strings.HasPrefix(u.HTTPS, "https://127.0.0.1:") {
		t.Fatalf("endpoints %+v", u)
	}
	c, err := camera.New(camera.Options{Address: u.HTTPS, Password: secret.New(camera.FactoryPassword), AcceptNew: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	id, err := c.Identity(context.Background())
	if err != nil {
		t.Fatalf("the demo camera does not take the factory password: %v", err)
	}
	if id.Model == "" || id.Serial == "" {
		t.Fatalf("identity %+v", id)
	}
}
