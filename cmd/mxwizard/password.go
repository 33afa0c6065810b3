package main

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// maxPasswordLine is the longest line `password check` reads; longer lines
// stop the command (a password has at most password.MaxLength characters, so
// such a line is not a password list).
const maxPasswordLine = 64 * 1024

// newPasswordCmd builds `mxwizard password` with its subcommands check and
// generate.
func newPasswordCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "password",
		Short: "Check passwords against the hardening policy, or generate one",
		Long: fmt.Sprintf(`Check candidate passwords against the policy of step 3 of the MOBOTIX
hardening guide, or generate a password that satisfies it.

A password is accepted when it has %d to %d characters, only printable ASCII
without spaces, an upper-case letter, a lower-case letter, a digit and a
special character (%s), is not the user name,
and is hard to guess (zxcvbn strength %d of 4 or more). The camera's own words
(mobotix, meinsm, admin) and the user name count as known to an attacker and
add no strength.

Passwords are read from standard input, never from arguments: arguments end
up in the shell history and the process list.`,
			password.MinLength, password.MaxLength, password.Specials, password.MinScore),
		Example: `  mxwizard password check --user admin < candidates.txt
  mxwizard password generate --length 20`,
		Args:          cobra.ArbitraryArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return errors.New(
					"unknown password command: use 'check' or 'generate' (passwords go on standard input, never on the command line)")
			}
			return cmd.Help()
		},
	}
	// Flag errors can quote what was typed ("-pSecret"); keep only the part
	// that names the flag.
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		msg, _, _ := strings.Cut(err.Error(), " in -")
		return fmt.Errorf("%s (see '%s --help')", msg, c.CommandPath())
	})
	cmd.AddCommand(newPasswordCheckCmd(), newPasswordGenerateCmd())
	return cmd
}

// noPasswordArgs refuses positional arguments without repeating them: they
// may be a password typed in the wrong place.
func noPasswordArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf(
			"%s takes no arguments: passwords go on standard input, never on the command line (it ends up in the shell history)",
			cmd.CommandPath())
	}
	return nil
}

func newPasswordCheckCmd() *cobra.Command {
	var user string
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check passwords read from standard input, one per line",
		Long: `Check each line of standard input as a password (only a trailing line
break is removed, spaces stay part of the password) and print one line per
password, in the same order: "ok", or "rejected:" followed by what to change.
The passwords themselves are never printed.

Exit status: 0 when every password is accepted, 1 when at least one is
rejected, 2 when there is nothing to read.`,
		Example: `  # one password, from a variable (printf is a shell builtin: no process list)
  printf '%s\n' "$NEW_PASSWORD" | mxwizard password check --user admin

  # a list, one per line
  mxwizard password check < candidates.txt`,
		Args:          noPasswordArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPasswordCheck(cmd, password.Inputs{User: user})
		},
	}
	cmd.Flags().StringVar(&user, "user", "", "user name the passwords are for (a password may not equal it)")
	return cmd
}

// runPasswordCheck evaluates each line of standard input and prints one
// verdict per line.
func runPasswordCheck(cmd *cobra.Command, in password.Inputs) error {
	out := cmd.OutOrStdout()
	sc := bufio.NewScanner(cmd.InOrStdin()) // ScanLines strips "\n" and a "\r" before it, nothing else
	sc.Buffer(make([]byte, 0, 4096), maxPasswordLine)
	lines, rejected := 0, 0
	for sc.Scan() {
		lines++
		r := password.Evaluate(secret.New(sc.Text()), in)
		verdict := "ok"
		if !r.OK {
			rejected++
			verdict = "rejected: " + strings.Join(r.Reasons, "; ")
		}
		if _, err := fmt.Fprintln(out, verdict); err != nil {
			return fmt.Errorf("write the verdict: %w", err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf(
				"line %d of standard input is longer than %d bytes: pipe one password per line", lines+1, maxPasswordLine)
		}
		return fmt.Errorf("read standard input: %w", err)
	}
	if lines == 0 {
		return errors.New("no password on standard input: pipe one password per line")
	}
	if rejected > 0 {
		return silentExit(exitFailed)
	}
	return nil
}

func newPasswordGenerateCmd() *cobra.Command {
	var length int
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Print a random password that satisfies the policy",
		Long: fmt.Sprintf(`Print a random password (from the operating system's secure random source)
that satisfies the policy, followed by a line break.

It is easy to read aloud and to type: groups of four letters and digits joined
by "-" (e.g. Kx7m-Pq3r-Tn8w-Hc4v), without look-alike characters such as 0 O 1
l I, starting with a letter. The default has %.1f bits of entropy.
Length: %d to %d characters, %d by default.`,
			password.GeneratedBits, password.MinGenerateLength, password.MaxLength, password.DefaultGenerateLength),
		Example: `  mxwizard password generate
  mxwizard password generate --length 24 > lobby-camera.pw`,
		Args:          noPasswordArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pw, err := password.Generate(length)
			if err != nil {
				return err
			}
			// Printing the password is the purpose of this command.
			if _, err := fmt.Fprintln(cmd.OutOrStdout(), pw.Reveal()); err != nil {
				return fmt.Errorf("write the password: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&length, "length", password.DefaultGenerateLength,
		fmt.Sprintf("number of characters, %d to %d", password.MinGenerateLength, password.MaxLength))
	return cmd
}
