// Command mxwizard guides an installer through hardening a MOBOTIX IP camera,
// audits fleets of cameras and applies a hardening profile without questions.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// Set by the release build (-ldflags "-X main.version=... -X main.commit=... -X main.date=...").
var (
	version = ""
	commit  = ""
	date    = ""
)

// Exit codes shared by every command (documented in the README).
const (
	exitOK       = 0   // everything asked for was done
	exitFailed   = 1   // a check or step failed, or a password was rejected
	exitRefused  = 2   // usage error, guard refusal, a camera could not be reached
	exitCanceled = 130 // the person interrupted (ctrl+c)
)

// exitError carries an exit code through cobra to main.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode wraps err so that main exits with code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// silentExit ends the command with code without printing anything more
// (the command already said what it had to say).
type silentExit int

func (s silentExit) Error() string { return fmt.Sprintf("exit %d", int(s)) }

// noCommit marks a version of a build that recorded no commit.
const noCommit = "no commit recorded"

// versionLine is what --version prints: the version, and for a build
// without a commit how to make one that has it.
func versionLine() string {
	v := versionString()
	if strings.Contains(v, noCommit) {
		v += "\n(go run and go build -buildvcs=false record none; go build -buildvcs=true in the git checkout does)"
	}
	return v
}

// versionString is the version as reports and the tool field name it.
func versionString() string {
	bi, _ := debug.ReadBuildInfo()
	return describeVersion(version, commit, date, bi)
}

// describeVersion is the version line: the release's (set by the release
// build), else the module version and the commit Go embedded from the git
// checkout (go build with VCS stamping), marked "modified" when the
// checkout had changes that were not committed; a build that recorded no
// commit says so.
func describeVersion(v, c, d string, bi *debug.BuildInfo) string {
	modified := false
	if v == "" {
		v = "devel"
		if bi != nil {
			if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
				v = bi.Main.Version
			}
			for _, s := range bi.Settings {
				switch s.Key {
				case "vcs.revision":
					if c == "" {
						c = s.Value
					}
				case "vcs.time":
					if d == "" {
						d = s.Value
					}
				case "vcs.modified":
					modified = s.Value == "true"
				}
			}
		}
	}
	out := v
	if c != "" {
		if len(c) > 12 {
			c = c[:12]
		}
		out += " (commit " + c
		if modified {
			out += ", modified"
		}
		if d != "" {
			out += ", built " + d
		}
		out += ")"
	} else if v == "devel" {
		// go run, and go build with -buildvcs=false (some machines set it
		// in GOFLAGS), record no commit: say so rather than look like a
		// version.
		out += " (" + noCommit + ")"
	}
	return out
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "mxwizard",
		Short: "Harden MOBOTIX IP cameras, step by step",
		Long: `mxwizard takes an installer through the 22 camera steps of the MOBOTIX
cyber-security hardening guide, then the video-management and storage
checklists. Nothing changes on a camera without the plan being shown first.`,
		Version:       versionLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("mxwizard {{.Version}}\n")
	root.AddCommand(subcommands()...)
	wireRootWizard(root)
	return root
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line on the given streams and returns the exit
// code: the one entry main and the tests share.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	var se silentExit
	if err != nil && !errors.As(err, &se) {
		fmt.Fprintln(stderr, "mxwizard:", err)
	}
	return exitCode(err)
}

// exitCode maps a command's error to the exit code: nil 0, a silentExit its
// value, an interruption (context.Canceled, however wrapped) 130, an
// exitError its code, anything else exitRefused (usage, guard, camera).
func exitCode(err error) int {
	var se silentExit
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &se):
		return int(se)
	case errors.Is(err, context.Canceled):
		return exitCanceled
	case errors.As(err, &ee):
		return ee.code
	}
	return exitRefused
}
