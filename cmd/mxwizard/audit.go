package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

func newAuditCmd() *cobra.Command {
	var (
		cf          cameraFlags
		format      string
		concurrency int
		hostsFile   string
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
  mxwizard audit --hosts cameras.txt --format json > audit.json`,
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
			camOpts, err := cf.cameraOptions(cmd)
			if err != nil {
				return err
			}
			aw, err := report.NewAuditWriter(cmd.OutOrStdout(), format)
			if err != nil {
				return err
			}
			err = auditAll(cmd.Context(), addrs, concurrency, func(addr string) camera.Options {
				o := camOpts(addr)
				o.Retries = 1 // a fleet audit moves on rather than waits
				return o
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
	cmd.Flags().StringVar(&hostsFile, "hosts", "", "hosts list: one camera address a line (a NAME after it is ignored), or the JSON of mxwizard discover; - reads standard input")
	return cmd
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
func auditAll(ctx context.Context, addrs []string, concurrency int, opts func(string) camera.Options, emit func(report.AuditCamera) error) error {
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
				ring[i%window] <- auditOne(ctx, addr, opts(addr))
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
