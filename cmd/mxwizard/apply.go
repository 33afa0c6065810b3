package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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
		concurrency    int
		hostsFile      string
	)
	cmd := &cobra.Command{
		Use:   "apply --profile FILE [flags] [ADDRESS...]",
		Short: "Harden cameras from a profile, without questions",
		Long: `apply hardens each camera as the profile says: it plans every step, saves
the secrets it is about to set (encrypted) before the first write, applies and
verifies step by step, stores to permanent memory, reboots when needed,
reconnects (possibly on a new port and scheme), verifies every step again, and
writes the encrypted configuration backup, the encrypted secrets file and the
handover report into --out/<serial>/ (also for one camera).

Cameras come as arguments and from --hosts: lines "ADDRESS [NAME]" (NAME
becomes the camera's name, ethernet/HOSTNAME, set with step 16) or the JSON
of mxwizard discover; "--hosts -" reads standard input. Every camera is first
connected; an address listed twice, or two addresses that are the same
camera (serial), are refused before anything is written. --concurrency
cameras are then hardened side by side, each with its own connection; one
that cannot be reached does not stop the others. The site report goes to
--out/site-handover.{json,md,html}. Run the same command again to finish
what was interrupted and re-verify what is done.

On a terminal, a board shows one line per camera (its step, state and time);
otherwise each step is a plain line naming the camera (text format only).

Exit status: 0 every camera hardened, 1 a step failed, 2 a camera was refused
(guard, usage, connection).`,
		Example: `  mxwizard profile example > site.yaml
  export MXWIZARD_PASSWORD MXWIZARD_BACKUP_PASSPHRASE   # set both first
  mxwizard apply --profile site.yaml --plan --accept-new 192.168.1.10
  mxwizard apply --profile site.yaml --out handover/ 192.168.1.10
  mxwizard discover 192.168.1.0/24 --format json | mxwizard apply --profile site.yaml --out handover/ --hosts -`,
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
			if concurrency < 1 || concurrency > 256 {
				return fmt.Errorf("--concurrency %d: use 1 to 256", concurrency)
			}
			site, err := readSite(args, hostsFile, cmd.InOrStdin(), false)
			if err != nil {
				return err
			}
			addrs := make([]string, len(site))
			for i, c := range site {
				addrs[i] = c.Address
			}
			if !cmd.Flags().Changed("user") && prof.Admin.User != "" {
				cf.user = prof.Admin.User // the profile's admin account logs in
			}
			camOpts, err := cf.cameraOptions(cmd)
			if err != nil {
				return err
			}
			if planOnly {
				return planCameras(cmd.Context(), cmd.OutOrStdout(), site, prof, camOpts)
			}
			if outDir == "" {
				return errors.New("--out DIR is required: each camera's backup, secrets file and report go to DIR/<serial>/, the site report to DIR")
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
			if err := os.MkdirAll(outDir, 0o700); err != nil {
				return fmt.Errorf("create the output folder %s: %w", outDir, err)
			}
			started := time.Now().UTC()
			var events session.SiteEvents = quietEvents{}
			var b *board
			if format == "text" {
				w := cmd.ErrOrStderr()
				if isTerminal(cmd.OutOrStdout()) {
					w = cmd.OutOrStdout()
				}
				b = newBoard(w, addrs)
				events = b
			}
			tool := "mxwizard " + versionString()
			run := session.Site{
				Cameras: addrs, Concurrency: concurrency, Events: events,
				Options: func(i int) session.Options {
					p := *prof
					p.CameraName = site[i].Name
					return session.Options{
						Camera: camOpts(addrs[i]), Profile: &p, OutDir: outDir, Passphrase: pass,
						Generate:    func() (secret.Secret, error) { return password.Generate(0) },
						BootTimeout: bootTimeout, Tool: tool, NewSecrets: newSecrets,
					}
				},
			}
			runs := run.Run(cmd.Context())
			if b != nil {
				b.Close()
			}
			results := make([]applyResult, len(runs))
			worst := 0
			names := make([]string, len(site))
			for i, r := range runs {
				names[i] = site[i].Name
				results[i] = applyOutcome(r)
				results[i].Error = secret.Redact(results[i].Error, camOpts(addrs[i]).Password, pass)
				worst = max(worst, results[i].code)
			}
			rep := session.SiteReport(runs, names, outDir, filepath.Base(profilePath), tool, started)
			if _, err := session.WriteSiteReport(outDir, rep, runs, camOpts("").Password, pass); err != nil {
				return fmt.Errorf("write the site report: %w", err)
			}
			if err := writeApplyResults(cmd.OutOrStdout(), results, format); err != nil {
				return err
			}
			if format == "text" {
				fmt.Fprintf(cmd.OutOrStdout(), "Site: %s. Site report: %s\n", rep.Summary(), filepath.Join(outDir, "site-handover.html"))
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
	cmd.Flags().IntVar(&concurrency, "concurrency", defaultApplyConcurrency, "cameras hardened at the same time (each keeps one connection)")
	cmd.Flags().StringVar(&hostsFile, "hosts", "", "hosts list: lines ADDRESS [NAME] (NAME becomes the camera's name), the JSON of mxwizard discover, or a site report (site-handover.json: the cameras where they answer now); - reads standard input")
	return cmd
}

// defaultApplyConcurrency is how many cameras apply hardens at once: a
// camera's run is mostly waiting (its reboot, about two minutes on a real
// camera), and the process runs one scrypt at a time whatever the number,
// so memory does not grow with it (docs/performance.md).
const defaultApplyConcurrency = 8

// quietEvents hears nothing: JSON output has no progress lines.
type quietEvents struct{}

func (quietEvents) Step(int, int, string) {}
func (quietEvents) State(int, string)     {}
func (quietEvents) Done(int, string)      {}

// applyOutcome is one camera's apply result and the exit code it asks for.
func applyOutcome(run session.SiteResult) applyResult {
	r := applyResult{ApplyCamera: report.ApplyCamera{Address: run.Address, Steps: []report.ApplyStep{}}}
	if run.OpenErr != nil {
		r.Error, r.code = run.OpenErr.Error(), exitRefused
		return r
	}
	s, err := run.Session, run.RunErr
	files := s.Files()
	r.AddressAfter, r.Requests = s.Address(), s.Requests()
	r.Backup, r.Secrets, r.Report, r.Kept = files.Backup, files.Secrets, files.Report, files.Kept
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
func planCameras(ctx context.Context, w io.Writer, site []siteCamera, base *profile.Profile, opts func(string) camera.Options) error {
	worst := 0
	for _, sc := range site {
		addr := sc.Address
		prof := *base
		prof.CameraName = sc.Name
		o := opts(addr)
		client, err := camera.New(o)
		if err != nil {
			return err
		}
		eng := &steps.Engine{
			Client: client, Password: o.Password, Profile: &prof, AllowPlainHTTP: o.AllowPlainHTTP,
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
				if p.Certificate != nil && prof.Certificate.Mode != "import" {
					// --plan writes nothing, so it keeps nothing either.
					ps.Notes = append(ps.Notes, "this plan's certificate is an example: the run generates its own (or reinstalls the one in the camera's secrets file), and its report names the fingerprint installed")
				}
				if len(p.Secrets) > 0 {
					ps.Notes = append(ps.Notes, "the run generates these secrets anew, or keeps those the camera's secrets file in --out holds (unless --new-secrets)")
				}
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
