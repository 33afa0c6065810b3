package main

import (
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// Environment variables that carry secrets (never flags: argv is visible to
// every user of the machine and lands in shell history).
const (
	envPassword   = "MXWIZARD_PASSWORD"
	envPassphrase = "MXWIZARD_BACKUP_PASSPHRASE"
)

// readSecret takes a secret from the environment, else from a file (first
// line), else from a terminal prompt without echo.
func readSecret(what, envName, file, fileFlag, prompt string, stdin io.Reader, stderr io.Writer) (secret.Secret, error) {
	if v, ok := os.LookupEnv(envName); ok && v != "" {
		return secret.New(v), nil
	}
	if file != "" {
		return readSecretFile(what, file)
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		fmt.Fprint(stderr, prompt)
		b, err := term.ReadPassword(f.Fd())
		fmt.Fprintln(stderr)
		if err != nil {
			return secret.Secret{}, fmt.Errorf("read the %s: %w", what, err)
		}
		if len(b) == 0 {
			return secret.Secret{}, fmt.Errorf("no %s entered", what)
		}
		return secret.New(string(b)), nil
	}
	return secret.Secret{}, fmt.Errorf("no %s: set %s, or use %s FILE, or run in a terminal to be asked", what, envName, fileFlag)
}

// cameraFlags are the connection flags shared by audit, apply and the wizard.
type cameraFlags struct {
	user           string
	passwordFile   string
	knownCameras   string
	acceptNew      bool
	allowPlainHTTP bool
}

func (f *cameraFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.user, "user", camera.FactoryUser, "user name on the camera")
	cmd.Flags().StringVar(&f.passwordFile, "password-file", "", "read the camera password from this file (else "+envPassword+", else a prompt)")
	cmd.Flags().StringVar(&f.knownCameras, "known-cameras", "", "trust-on-first-use file of camera certificate fingerprints (default: in your configuration directory)")
	cmd.Flags().BoolVar(&f.acceptNew, "accept-new", false, "pin the certificate of cameras seen for the first time without asking")
	cmd.Flags().BoolVar(&f.allowPlainHTTP, "allow-plain-http", false, "allow sending Basic credentials over plain HTTP (only on a trusted network)")
}

// cameraOptions reads the known-cameras file and the password once and
// returns the connection options for any camera address.
func (f *cameraFlags) cameraOptions(cmd *cobra.Command) (func(addr string) camera.Options, error) {
	known, err := f.known()
	if err != nil {
		return nil, err
	}
	pw, err := f.password(cmd)
	if err != nil {
		return nil, err
	}
	return func(addr string) camera.Options {
		return camera.Options{Address: addr, User: f.user, Password: pw, Known: known, AcceptNew: f.acceptNew, AllowPlainHTTP: f.allowPlainHTTP}
	}, nil
}

func (f *cameraFlags) known() (*camera.KnownCameras, error) { return loadKnown(f.knownCameras) }

// loadKnown loads the known-cameras file at path, or the default one.
func loadKnown(path string) (*camera.KnownCameras, error) {
	if path == "" {
		p, err := camera.DefaultKnownCamerasPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	return camera.LoadKnownCameras(path)
}

func (f *cameraFlags) password(cmd *cobra.Command) (secret.Secret, error) {
	return readSecret("camera password", envPassword, f.passwordFile, "--password-file", "Camera password for "+f.user+": ", cmd.InOrStdin(), cmd.ErrOrStderr())
}

// envSet reports whether the environment variable is set and not empty.
func envSet(name string) bool {
	v, ok := os.LookupEnv(name)
	return ok && v != ""
}
