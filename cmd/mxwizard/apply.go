package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/password"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// applyResult is one camera's run and the exit code it asks for.
type applyResult struct {
	report.ApplyCamera
	code int
}

func newApplyCmd() *cobra.Command {
	var (
		cf             cameraFlags
		profilePath    string
		planOnly       bool
		outDir         string
		format         string
		passphraseFile string
		bootTimeout    time.Duration
		newSecrets     bool
	)
	cmd := &cobra.Command{
		Use:   "apply --profile FILE [flags] ADDRESS...",
		Short: "Harden cameras from a profile, without questions",
		Long: `apply hardens each camera as the profile says: it plans every step, saves
the secrets it is about to set (encrypted) before the first write, applies and
verifies step by step, stores to permanent memory, reboots when needed,
reconnects (possibly on a new port and scheme), verifies every step again, and
writes into --out the encrypted configuration backup, the encrypted secrets
file and the handover report.

Exit status: 0 every camera hardened, 1 a step failed, 2 a camera was refused
(guard, usage, connection).`,
		Example: `  mxwizard profile example > site.yaml
  export MXWIZARD_PASSWORD MXWIZARD_BACKUP_PASSPHRASE   # set both first
  mxwizard apply --profile site.yaml --plan --accept-new 192.168.1.10
  mxwizard apply --profile site.yaml --out handover/ 192.168.1.10`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if profilePath == "" {
				return errors.New("--profile FILE is required (mxwizard profile example prints one)")
			}
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: use text or json", format)
			}
			prof, err := profile.Load(profilePath)
			if err != nil {
				return err
			}
			addrs, err := readAddresses(args, "")
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("user") && prof.Admin.User != "" {
				cf.user = prof.Admin.User // the profile's admin account logs in
			}
			camOpts, err := cf.cameraOptions(cmd)
			if err != nil {
				return err
			}
			if planOnly {
				return planCameras(cmd.Context(), cmd.OutOrStdout(), addrs, prof, camOpts)
			}
			if outDir == "" {
				return errors.New("--out DIR is required: the backup, secrets file and report go there")
			}
			pass, err := readSecret("backup passphrase", envPassphrase, passphraseFile, "--passphrase-file", "Backup passphrase: ", cmd.InOrStdin(), cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			// Checked before any camera is touched, and said as the fixed
			// sentence it is (never through a redactor that would mask a
			// short passphrase where it occurs in the sentence).
			if err := backup.CheckPassphrase(pass); err != nil {
				return err
			}
			var results []applyResult
			worst := 0
			for _, addr := range addrs {
				dir := outDir
				if len(addrs) > 1 {
					dir = filepath.Join(outDir, session.SafeName(addr))
				}
				progress := func(msg string) {
					if format == "text" {
						fmt.Fprintf(cmd.ErrOrStderr(), "%s: %s\n", addr, msg)
					}
				}
				r := applyCamera(cmd.Context(), session.Options{
					Camera: camOpts(addr), Profile: prof, OutDir: dir, Passphrase: pass,
					Generate:    func() (secret.Secret, error) { return password.Generate(0) },
					BootTimeout: bootTimeout, Progress: progress, Tool: "mxwizard " + versionString(),
					NewSecrets: newSecrets,
				})
				r.Error = secret.Redact(r.Error, camOpts(addr).Password, pass)
				results = append(results, r)
				if r.code > worst {
					worst = r.code
				}
			}
			if err := writeApplyResults(cmd.OutOrStdout(), results, format); err != nil {
				return err
			}
			if worst != 0 {
				return silentExit(worst)
			}
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&profilePath, "profile", "", "site profile (YAML); see: mxwizard profile example")
	cmd.Flags().BoolVar(&planOnly, "plan", false, "print the complete change set and write nothing")
	cmd.Flags().StringVar(&outDir, "out", "", "directory for the encrypted backup, the encrypted secrets file and the report")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&passphraseFile, "passphrase-file", "", "read the backup passphrase from this file (else "+envPassphrase+", else a prompt)")
	cmd.Flags().BoolVar(&newSecrets, "new-secrets", false, "generate new passwords and keys even where the camera's secrets file in --out holds those of an earlier run (VMS accounts and recordings using the old ones stop working)")
	cmd.Flags().DurationVar(&bootTimeout, "boot-timeout", 5*time.Minute, "how long to wait for a camera to come back after a reboot")
	return cmd
}

func applyCamera(ctx context.Context, o session.Options) applyResult {
	r := applyResult{ApplyCamera: report.ApplyCamera{Address: o.Camera.Address, Steps: []report.ApplyStep{}}}
	s, err := session.Open(ctx, o)
	if err != nil {
		r.Error, r.code = err.Error(), exitRefused
		return r
	}
	err = s.ApplyAll(ctx)
	if err == nil {
		_, err = s.Finish(ctx)
	}
	files := s.Files()
	r.AddressAfter, r.Requests = s.Address(), s.Requests()
	r.Backup, r.Secrets, r.Report = files.Backup, files.Secrets, files.Report
	for _, st := range s.Results() {
		res := st.After.Status
		if st.Skipped != "" {
			res = "skipped"
		}
		r.Steps = append(r.Steps, report.ApplyStep{Step: st.Step, ID: st.ID, Result: res, Detail: st.After.Detail})
	}
	var guard *steps.GuardError
	switch {
	case errors.As(err, &guard):
		r.Error, r.code = err.Error(), exitRefused
	case err != nil:
		r.Error, r.code = err.Error(), exitFailed
	case s.Failed():
		r.code = exitFailed
	}
	return r
}

func writeApplyResults(w io.Writer, results []applyResult, format string) error {
	cams := make([]report.ApplyCamera, len(results))
	for i, r := range results {
		cams[i] = r.ApplyCamera
	}
	return report.WriteApply(w, cams, format)
}

// planCameras prints every camera's complete change set; nothing is written.
func planCameras(ctx context.Context, w io.Writer, addrs []string, prof *profile.Profile, opts func(string) camera.Options) error {
	worst := 0
	for _, addr := range addrs {
		o := opts(addr)
		client, err := camera.New(o)
		if err != nil {
			return err
		}
		eng := &steps.Engine{
			Client: client, Password: o.Password, Profile: prof, AllowPlainHTTP: o.AllowPlainHTTP,
			Secrets: steps.NewSecrets(func() (secret.Secret, error) { return password.Generate(0) }),
		}
		snap, err := eng.Snapshot(ctx, true)
		if err != nil {
			fmt.Fprintf(w, "%s: %s\n\n", addr, secret.Redact(err.Error(), o.Password))
			worst = exitRefused
			continue
		}
		pc := report.PlanCamera{Address: addr, Model: snap.Identity.Model, Serial: snap.Identity.Serial, Firmware: snap.Identity.Firmware}
		for _, st := range steps.All() {
			info := st.Info()
			ps := report.PlanStep{Step: info.Number, Title: info.Title}
			p, err := eng.PlanStep(st, snap)
			if err != nil {
				ps.Refused = err.Error()
				worst = exitRefused
			} else {
				ps.Changes, ps.Answer, ps.Notes = p.Lines(), p.Answer, p.Notes
			}
			pc.Steps = append(pc.Steps, ps)
		}
		pc.Requests = client.Requests()
		if err := report.WritePlan(w, pc); err != nil {
			return err
		}
		client.Close()
	}
	if worst != 0 {
		return silentExit(worst)
	}
	return nil
}
