package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
)

func newRestoreCmd() *cobra.Command {
	var (
		cf             cameraFlags
		backupFile     string
		secretsFile    string
		passphraseFile string
		outDir         string
		force, plan    bool
		bootTimeout    time.Duration
	)
	cmd := &cobra.Command{
		Use:   "restore --backup FILE [flags] ADDRESS",
		Short: "Put an encrypted configuration backup back on a camera (after a factory reset)",
		Long: `restore brings a camera back as it was commissioned, from the encrypted
backup mxwizard wrote then: it refuses a backup of another firmware version
(unless --force) or of another camera, shows which sections change, writes
the whole file as MOBOTIX's restore tools do, stores it, installs the
certificate of the commissioning again when the camera lost it (the key is
in the secrets file next to the backup), reboots, logs in where the
restored configuration says with the admin password of the secrets file,
and checks all 22 steps. It writes <serial>-restore.{md,json,html}.

The camera password is the one it has now (after a factory reset: the
factory password, offered when none is set). Exit status: 0 restored and
no step fails, 1 a step fails, 2 refused.`,
		Example: `  mxwizard restore --backup handover/10.8.0.123-config.cfg.age --plan 10.8.0.123
  mxwizard restore --backup handover/10.8.0.123-config.cfg.age 10.8.0.123`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if backupFile == "" {
				return fmt.Errorf("--backup FILE is required: the encrypted <serial>-config.cfg.age of the commissioning")
			}
			if _, err := camera.ParseAddress(args[0]); err != nil {
				return err
			}
			known, err := cf.known()
			if err != nil {
				return err
			}
			pw := secret.New(camera.FactoryPassword)
			if cf.passwordFile != "" || envSet(envPassword) {
				if pw, err = cf.password(cmd); err != nil {
					return err
				}
			}
			pass, err := readSecret("backup passphrase", envPassphrase, passphraseFile, "--passphrase-file", "Backup passphrase: ", cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			if err := backup.CheckPassphrase(pass); err != nil {
				return err
			}
			res, err := session.Restore(cmd.Context(), session.RestoreOptions{
				Camera: camera.Options{Address: args[0], User: cf.user, Password: pw, Known: known, AcceptNew: cf.acceptNew, AllowPlainHTTP: cf.allowPlainHTTP},
				Backup: backupFile, Secrets: secretsFile, Passphrase: pass, Force: force, PlanOnly: plan, OutDir: outDir,
				BootTimeout: bootTimeout, Tool: "mxwizard " + versionString(),
				Progress: func(m string) { fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", args[0], m) },
			})
			if err != nil {
				return fmt.Errorf("%s", secret.Redact(err.Error(), pw, pass))
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "backup of firmware %s, camera runs %s\n", res.BackupFirmware, res.CameraFirmware)
			if len(res.Differ) == 0 {
				fmt.Fprintln(w, "no section changes: the camera's configuration is the backup's")
			} else {
				fmt.Fprintf(w, "sections that change: %s\n", strings.Join(res.Differ, ", "))
			}
			if res.Certificate {
				fmt.Fprintln(w, "the certificate of the commissioning is installed again")
			}
			if res.MovesTo != "" {
				fmt.Fprintf(w, "the backup's network settings move the camera to %s at the reboot: this computer must reach that address\n", res.MovesTo)
			}
			if plan {
				fmt.Fprintln(w, "nothing was written (--plan)")
				return nil
			}
			fmt.Fprintf(w, "restored; the camera answers at %s (%d requests)\n", res.AddressAfter, res.Requests)
			for _, r := range res.Steps {
				fmt.Fprintf(w, "  %-11s %2d %s: %s\n", strings.ToUpper(r.After.Status), r.Step, r.ID, r.After.Detail)
			}
			fmt.Fprintf(w, "  report:  %s\n", res.Files.Report)
			if res.Failed {
				return silentExit(exitFailed)
			}
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&backupFile, "backup", "", "the encrypted configuration backup (<serial>-config.cfg.age)")
	cmd.Flags().StringVar(&secretsFile, "secrets", "", "the camera's secrets file (default: <serial>-secrets.json.age next to the backup)")
	cmd.Flags().StringVar(&passphraseFile, "passphrase-file", "", "read the backup passphrase from this file (else "+envPassphrase+", else a prompt)")
	cmd.Flags().StringVar(&outDir, "out", "", "directory for the restore report (default: the backup's)")
	cmd.Flags().BoolVar(&force, "force", false, "restore a backup taken on another firmware version")
	cmd.Flags().BoolVar(&plan, "plan", false, "show what would change and write nothing")
	cmd.Flags().DurationVar(&bootTimeout, "boot-timeout", 5*time.Minute, "how long to wait for the camera to come back after the reboot")
	return cmd
}
