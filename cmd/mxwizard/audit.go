package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

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
at once and changes nothing. Each camera costs two requests: its
configuration and its web server log.

Exit status: 0 nothing fails, 1 a check fails, 2 a camera could not be checked.`,
		Example: `  MXWIZARD_PASSWORD=... mxwizard audit --accept-new 192.168.1.10 192.168.1.11
  mxwizard audit --hosts cameras.txt --format json > audit.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validFormat(format, report.Formats) {
				return withCode(exitRefused, fmt.Errorf("--format %q: use one of %s", format, strings.Join(report.Formats, ", ")))
			}
			if concurrency < 1 || concurrency > 1024 {
				return withCode(exitRefused, fmt.Errorf("--concurrency %d: use 1 to 1024", concurrency))
			}
			addrs, err := readAddresses(args, hostsFile)
			if err != nil {
				return withCode(exitRefused, err)
			}
			camOpts, err := cf.cameraOptions(cmd)
			if err != nil {
				return withCode(exitRefused, err)
			}
			a := auditAll(cmd.Context(), addrs, concurrency, func(addr string) camera.Options {
				o := camOpts(addr)
				o.Retries = 1 // a fleet audit moves on rather than waits
				return o
			})
			if err := report.WriteAudit(cmd.OutOrStdout(), a, format); err != nil {
				return withCode(exitRefused, err)
			}
			if code := a.ExitCode(); code != 0 {
				return silentExit(code)
			}
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json, markdown or html")
	cmd.Flags().IntVar(&concurrency, "concurrency", 32, "cameras checked at the same time")
	cmd.Flags().StringVar(&hostsFile, "hosts", "", "file with one camera address a line")
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

// auditAll checks the cameras with at most concurrency at once, keeping
// the order of addrs in the result.
func auditAll(ctx context.Context, addrs []string, concurrency int, opts func(string) camera.Options) *report.Audit {
	out := &report.Audit{Cameras: make([]report.AuditCamera, len(addrs))}
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out.Cameras[i] = auditOne(ctx, addr, opts(addr))
		}()
	}
	wg.Wait()
	return out
}

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
