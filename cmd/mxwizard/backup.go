package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// newBackupCmd returns the "backup" command group, which opens the encrypted
// files mxwizard writes at the end of a run.
func newBackupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Open the encrypted backups mxwizard writes",
		Long: `At the end of a run mxwizard writes the camera's configuration and a
secrets file, both encrypted with age to the backup passphrase. These commands
open them. The standard age tool opens them as well: age -d FILE.`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	cmd.AddCommand(newBackupDecryptCmd())
	return cmd
}

// newBackupDecryptCmd returns "backup decrypt FILE [-o OUT] [--passphrase-file F]".
func newBackupDecryptCmd() *cobra.Command {
	var output, passphraseFile string
	cmd := &cobra.Command{
		Use:   "decrypt FILE",
		Short: "Decrypt a backup or secrets file",
		Long: `Decrypt an encrypted backup or secrets file written by mxwizard (binary or
ASCII-armored age format) and write the plaintext to standard output, or to
the file given with -o (created with mode 0600, replaced atomically).

The passphrase comes from the environment variable ` + envPassphrase + `,
else from the first line of the file given with --passphrase-file. There is
deliberately no flag that takes the passphrase itself: command lines end up
in shell history and process lists.`,
		Example: `  mxwizard backup decrypt --passphrase-file ~/.mxwizard-pass -o camera.cfg camera.cfg.age
  ` + envPassphrase + `=... mxwizard backup decrypt secrets.json.age`,
		Args:          cobra.ExactArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackupDecrypt(cmd, args[0], output, passphraseFile)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the plaintext to this `file` (mode 0600) instead of standard output")
	cmd.Flags().StringVar(&passphraseFile, "passphrase-file", "", "read the passphrase from the first line of this `file`")
	return cmd
}

func runBackupDecrypt(cmd *cobra.Command, input, output, passphraseFile string) error {
	passphrase, err := readSecret("backup passphrase", envPassphrase, passphraseFile, "--passphrase-file", "Backup passphrase: ", cmd.InOrStdin(), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if output != "" && output != "-" && sameFile(input, output) {
		return fmt.Errorf("refusing to write the plaintext over the encrypted file %s: choose another -o", input)
	}
	plain, err := backup.ReadFile(input, passphrase)
	if err != nil {
		return err
	}
	if output == "" || output == "-" {
		if _, err := cmd.OutOrStdout().Write(plain); err != nil {
			return fmt.Errorf("write to standard output: %w", err)
		}
		return nil
	}
	if err := atomicfile.Write(output, plain, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "decrypted %s to %s\n", input, output)
	return nil
}

// readSecretFile returns the first line of path, without its line ending
// and without the byte order mark some Windows editors put first.
func readSecretFile(what, path string) (secret.Secret, error) {
	f, err := os.Open(path)
	if err != nil {
		return secret.Secret{}, fmt.Errorf("read the %s file: %w", what, err)
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 64*1024)).ReadString('\n')
	if err != nil && err != io.EOF {
		return secret.Secret{}, fmt.Errorf("read the %s file %s: %w", what, path, err)
	}
	line = strings.TrimPrefix(line, "\ufeff")
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	if line == "" {
		return secret.Secret{}, fmt.Errorf("the %s file %s is empty: put it on the first line", what, path)
	}
	return secret.New(line), nil
}

// sameFile reports whether a and b name the same existing file.
func sameFile(a, b string) bool {
	ai, err := os.Stat(a)
	if err != nil {
		return false
	}
	bi, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(ai, bi)
}
