package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/ui"
)

// wizardFlags are the flags of `mxwizard wizard` (and of mxwizard without
// a command).
type wizardFlags struct {
	out            string
	knownCameras   string
	user           string
	accessible     bool
	allowPlainHTTP bool
	bootTimeout    time.Duration
}

func (f *wizardFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.out, "out", "", "directory for the encrypted backup, the encrypted secrets file, the report and the resume state (default ./mxwizard-<camera>-<date>)")
	cmd.Flags().StringVar(&f.knownCameras, "known-cameras", "", "trust-on-first-use file of camera certificate fingerprints (default: in your configuration directory)")
	cmd.Flags().StringVar(&f.user, "user", camera.FactoryUser, "user name on the camera")
	cmd.Flags().BoolVar(&f.accessible, "accessible", false, "plain prompts for screen readers instead of the full-screen wizard (needs a terminal)")
	cmd.Flags().BoolVar(&f.allowPlainHTTP, "allow-plain-http", false, "consent up front to sending credentials and new secrets over plain HTTP (only on a trusted network)")
	cmd.Flags().DurationVar(&f.bootTimeout, "boot-timeout", 5*time.Minute, "how long to wait for the camera to come back after the reboot at the end")
}

const wizardLong = `The wizard takes you through hardening one MOBOTIX camera: connect (the
camera's certificate is shown and pinned only when you accept it), choose the
backup passphrase, see all 22 steps of the hardening guide checked read-only,
then step by step: why it matters, what was found, your answers, the exact
plan, apply and verify (or skip with a reason). At the end mxwizard stores to
permanent memory, reboots if needed, verifies again and writes the encrypted
backup, the encrypted secrets file and the handover report.

An interrupted session (closed terminal, flat battery, camera rebooted) is
offered for resuming the next time you connect to the same camera.

Keys: enter confirms, esc goes back, ctrl+s skips a step, ctrl+c leaves (it
asks first when changes are not stored yet). NO_COLOR is respected.
Exit status: 0 hardened, 1 a step still fails, 2 refused, 130 left early.`

func newWizardCmd() *cobra.Command {
	var f wizardFlags
	cmd := &cobra.Command{
		Use:   "wizard [ADDRESS]",
		Short: "Harden one camera interactively, step by step",
		Long:  wizardLong,
		Example: `  mxwizard wizard 192.168.1.10
  mxwizard wizard --out handover/cam1 https://cam1.example.com:8443
  mxwizard demo      # try it on a simulated camera`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return f.run(cmd, args) },
	}
	f.register(cmd)
	return cmd
}

// wireRootWizard makes `mxwizard` without a command start the wizard, with
// the wizard's flags. Call it from newRootCmd. The root takes no address (a
// mistyped command must not be taken for a camera): `mxwizard wizard
// ADDRESS` does.
func wireRootWizard(root *cobra.Command) {
	var f wizardFlags
	f.register(root)
	root.Args = cobra.NoArgs
	root.RunE = func(cmd *cobra.Command, args []string) error { return f.run(cmd, args) }
}

func (f *wizardFlags) run(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return errors.New("give at most one camera address")
	}
	addr := ""
	if len(args) == 1 {
		if _, err := camera.ParseAddress(args[0]); err != nil {
			return err
		}
		addr = args[0]
	}
	if err := needTerminal(cmd.InOrStdin(), f.accessible); err != nil {
		return err
	}
	known, err := (&cameraFlags{knownCameras: f.knownCameras}).known()
	if err != nil {
		return err
	}
	pw := secret.New(camera.FactoryPassword) // offered for a new camera
	if v, ok := os.LookupEnv(envPassword); ok && v != "" {
		pw = secret.New(v)
	}
	opts := ui.Options{
		Address: addr, User: f.user, Password: pw, Known: known, AllowPlainHTTP: f.allowPlainHTTP,
		OutDir: f.out, Profile: nil, Tool: "mxwizard " + versionString(), BootTimeout: f.bootTimeout,
		NoColor: noColor(),
	}
	return runUI(cmd, opts, f.accessible)
}

// runUI runs the full-screen or the accessible wizard and maps the result
// to an exit code.
func runUI(cmd *cobra.Command, opts ui.Options, accessible bool) error {
	var res ui.Result
	var err error
	if accessible {
		res, err = ui.RunAccessible(cmd.Context(), opts, cmd.InOrStdin(), cmd.OutOrStdout())
	} else {
		res, err = ui.Run(cmd.Context(), opts)
	}
	if err != nil {
		return err
	}
	if !accessible {
		ui.WriteSummary(cmd.OutOrStdout(), res)
	}
	switch {
	case res.Canceled:
		return silentExit(exitCanceled)
	case res.Err != nil:
		fmt.Fprintln(cmd.ErrOrStderr(), "mxwizard:", res.Err)
		return silentExit(exitRefused)
	case res.Failed:
		return silentExit(exitFailed)
	}
	return nil
}

// needTerminal refuses to start the full-screen wizard without a terminal
// to draw on. The accessible mode reads plain lines from any input (on a
// terminal, passwords without echo), so it runs on a screen reader's pipe
// too.
func needTerminal(stdin io.Reader, accessible bool) error {
	if !accessible && !isTerminal(stdin) && !ttyAvailable() {
		return errors.New("the wizard needs a terminal; for scripts use `mxwizard apply --profile FILE`, for plain line prompts `--accessible`")
	}
	return nil
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// ttyAvailable reports whether the controlling terminal can be opened
// (bubbletea reads keys from it when stdin is redirected).
func ttyAvailable() bool {
	f, err := os.Open("/dev/tty")
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// noColor follows https://no-color.org: any non-empty NO_COLOR.
func noColor() bool { return os.Getenv("NO_COLOR") != "" }
