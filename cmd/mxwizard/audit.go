package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
	"github.com/mxwizard/mxwizard/internal/steps"
)

func newAuditCmd() *cobra.Command {
	var (
		cf             cameraFlags
		format         string
		concurrency    int
		hostsFile      string
		secretsDir     string
		passphraseFile string
	)
	cmd := &cobra.Command{
		Use:   "audit [flags] ADDRESS...",
		Short: "Check cameras against the 22 steps, read-only",
		Long: `audit checks every camera step of the hardening guide on one or many cameras
at once and changes nothing. Each camera costs three requests: the login
challenge, its configuration and its web server log. The report is written
camera by camera as the checks finish, in the order given.

Exit status: 0 nothing fails, 1 a check fails, 2 a camera could not be checked,
130 interrupted (the report still names every camera, those not checked as such).`,
		Example: `  MXWIZARD_PASSWORD=... mxwizard audit --accept-new 192.168.1.10 192.168.1.11
  mxwizard audit --hosts cameras.txt --format json > audit.json
  mxwizard audit --hosts handover/site-handover.json --secrets handover/   # a site after apply`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(format, report.Formats) {
				return fmt.Errorf("--format %q: use one of %s", format, strings.Join(report.Formats, ", "))
			}
			if concurrency < 1 || concurrency > 1024 {
				return fmt.Errorf("--concurrency %d: use 1 to 1024", concurrency)
			}
			site, err := readSite(args, hostsFile, cmd.InOrStdin(), true)
			if err != nil {
				return err
			}
			addrs := make([]string, len(site))
			for i, c := range site {
				addrs[i] = c.Address
			}
			opts, err := auditLogins(cmd, &cf, secretsDir, passphraseFile)
			if err != nil {
				return err
			}
			aw, err := report.NewAuditWriter(cmd.OutOrStdout(), format)
			if err != nil {
				return err
			}
			err = auditAll(cmd.Context(), addrs, concurrency, func(addr string) (camera.Options, error) {
				o, err := opts(addr)
				o.Retries = 1 // a fleet audit moves on rather than waits
				return o, err
			}, aw.Camera)
			if err == nil {
				err = aw.Close()
			}
			if err != nil {
				return fmt.Errorf("writing the audit: %w", err)
			}
			if cmd.Context().Err() != nil {
				return withCode(exitCanceled, errors.New("interrupted: the report is complete, and names each camera that was not checked"))
			}
			return auditExit(aw.Outcome())
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json, markdown or html")
	cmd.Flags().IntVar(&concurrency, "concurrency", defaultAuditConcurrency, "cameras checked at the same time")
	cmd.Flags().StringVar(&hostsFile, "hosts", "", "hosts list: one camera address a line (a NAME after it is ignored), the JSON of mxwizard discover, or a site report (site-handover.json); - reads standard input")
	cmd.Flags().StringVar(&secretsDir, "secrets", "", "log in to each camera with the admin account of its secrets file in `DIR` (the --out of apply or the wizard); the password given is for cameras without one")
	cmd.Flags().StringVar(&passphraseFile, "passphrase-file", "", "with --secrets: read the backup passphrase from this file (else "+envPassphrase+", else a prompt)")
	return cmd
}

// auditLogins is how audit logs in to each camera: with the password
// given, or with --secrets the administrator account of the camera's
// secrets file in that folder (found by the host its run was on, opened
// once with the backup passphrase). With --secrets the password is only
// read when one is given (for cameras without a secrets file there).
func auditLogins(cmd *cobra.Command, cf *cameraFlags, secretsDir, passphraseFile string) (func(addr string) (camera.Options, error), error) {
	if secretsDir == "" {
		if passphraseFile != "" {
			return nil, errors.New("--passphrase-file is for --secrets DIR: without it audit needs no passphrase")
		}
		camOpts, err := cf.cameraOptions(cmd)
		if err != nil {
			return nil, err
		}
		return func(addr string) (camera.Options, error) { return camOpts(addr), nil }, nil
	}
	files := session.SecretsFiles(secretsDir)
	if len(files) == 0 {
		return nil, fmt.Errorf("--secrets %s: no run there left a secrets file (give the --out folder of apply or of the wizard)", secretsDir)
	}
	known, err := cf.known()
	if err != nil {
		return nil, err
	}
	var given secret.Secret
	if envSet(envPassword) || cf.passwordFile != "" {
		if given, err = cf.password(cmd); err != nil {
			return nil, err
		}
	}
	pass, err := readSecret("backup passphrase", envPassphrase, passphraseFile, "--passphrase-file", "Backup passphrase: ", cmd.InOrStdin(), cmd.ErrOrStderr())
	if err != nil {
		return nil, err
	}
	type login struct {
		once sync.Once
		user string
		pw   secret.Secret
		err  error
	}
	var mu sync.Mutex
	logins := map[string]*login{}
	return func(addr string) (camera.Options, error) {
		o := camera.Options{Address: addr, User: cf.user, Password: given, Known: known, AcceptNew: cf.acceptNew, AllowPlainHTTP: cf.allowPlainHTTP}
		u, err := camera.ParseAddress(addr)
		if err != nil {
			return o, err
		}
		path, ok := files[strings.ToLower(u.Hostname())]
		if !ok {
			if given.IsZero() {
				return o, fmt.Errorf("no secrets file of a run on %s in %s, and no password given (%s or --password-file)", u.Hostname(), secretsDir, envPassword)
			}
			return o, nil
		}
		mu.Lock()
		l, seen := logins[path]
		if !seen {
			l = &login{}
			logins[path] = l
		}
		mu.Unlock()
		l.once.Do(func() { l.user, l.pw, l.err = session.LoginOnFile(path, pass) })
		if l.err != nil {
			return o, l.err
		}
		o.Password = l.pw
		if l.user != "" {
			o.User = l.user
		}
		return o, nil
	}, nil
}

func validFormat(f string, allowed []string) bool {
	for _, a := range allowed {
		if f == a {
			return true
		}
	}
	return false
}

// defaultAuditConcurrency is how many cameras an audit checks at once: a
// camera costs 5 round trips and a TLS handshake, almost all of it waiting,
// so 128 keeps 1000 cameras at 50 ms latency under 3 s on two cores (2.5 s
// measured, 8.4 s with 32) with about 55 MB (docs/performance.md).
const defaultAuditConcurrency = 128

// auditAll checks the cameras, at most concurrency at once, and hands each
// result to emit in the order of addrs as soon as it and every camera before
// it are done. At most auditWindow(concurrency) results wait for an earlier,
// slower camera; past that no further camera is started, so memory stays
// the same for ten cameras or ten thousand. After emit fails the remaining
// cameras are not asked; auditAll returns emit's first error.
func auditAll(ctx context.Context, addrs []string, concurrency int, opts func(string) (camera.Options, error), emit func(report.AuditCamera) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	window := auditWindow(concurrency)
	ring := make([]chan report.AuditCamera, window)
	for i := range ring {
		ring[i] = make(chan report.AuditCamera, 1)
	}
	slots := make(chan struct{}, window)        // results started and not yet emitted
	running := make(chan struct{}, concurrency) // cameras being checked
	go func() {
		for i, addr := range addrs {
			slots <- struct{}{}
			running <- struct{}{}
			go func() {
				defer func() { <-running }()
				if ctx.Err() != nil {
					ring[i%window] <- report.AuditCamera{Address: addr, Checks: []report.Check{}, Error: "not checked: the audit was stopped before this camera"}
					return
				}
				o, err := opts(addr)
				if err != nil {
					// No way in for this camera (its secrets file does not
					// open): said in its place, the others go on.
					ring[i%window] <- report.AuditCamera{Address: addr, Checks: []report.Check{}, Error: err.Error()}
					return
				}
				ring[i%window] <- auditOne(ctx, addr, o)
			}()
		}
	}()
	var first error
	for i := range addrs {
		res := <-ring[i%window]
		<-slots
		if first != nil {
			continue
		}
		if err := emit(res); err != nil {
			first = err
			cancel()
		}
	}
	return first
}

// auditWindow is how many results may wait for an earlier camera: enough
// that one slow camera does not stall the others for long, bounded so that
// memory does not grow with the fleet.
func auditWindow(concurrency int) int { return 4 * concurrency }

func auditOne(ctx context.Context, addr string, o camera.Options) report.AuditCamera {
	res := report.AuditCamera{Address: addr, Checks: []report.Check{}}
	client, err := camera.New(o)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer client.Close()
	eng := &steps.Engine{Client: client, Password: o.Password}
	snap, err := eng.Snapshot(ctx, true)
	if err == nil {
		// What the camera does, not only what its configuration says:
		// two anonymous GETs (robots.txt, the live image); the challenge
		// the first request got is already in the snapshot.
		snap, err = eng.ObserveEffects(ctx, snap)
	}
	res.Requests = client.Requests()
	if err != nil {
		res.Error = secret.Redact(err.Error(), o.Password)
		return res
	}
	res.Model, res.Serial, res.Firmware = snap.Identity.Model, snap.Identity.Serial, snap.Identity.Firmware
	all := steps.All()
	for i, f := range steps.CheckAll(snap) {
		info := all[i].Info()
		res.Checks = append(res.Checks, report.Check{Step: info.Number, ID: info.ID, Title: info.Title, Status: string(f.Status), Detail: f.Detail})
	}
	return res
}

// auditExit is the audit's exit status: 2 when a camera could not be
// checked, 1 when a check fails, else 0.
func auditExit(o report.Outcome) error {
	switch {
	case o.Unchecked > 0:
		return silentExit(exitRefused)
	case o.Failing > 0:
		return silentExit(exitFailed)
	}
	return nil
}
