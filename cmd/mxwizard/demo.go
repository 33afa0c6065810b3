package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/discover"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/ui"
)

// demoBootTime is how long the simulated camera takes to reboot: long
// enough to see the wait, short enough not to bore.
const demoBootTime = 2 * time.Second

func newDemoCmd() *cobra.Command {
	var (
		out        string
		accessible bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try the wizard on a simulated, factory-new camera",
		Long: `demo starts a simulated MOBOTIX camera inside mxwizard, on this computer's
loopback address (free ports are picked), factory new, and runs the wizard
against it: every screen, check, plan, reboot and file is real, and nothing
leaves this machine. The files go to a temporary directory unless --out is
given; the certificate is pinned in memory only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := needTerminal(cmd.InOrStdin(), accessible); err != nil {
				return err
			}
			srv, err := startDemoCamera(cmd.Context(), demoBootTime)
			if err != nil {
				return err
			}
			defer func() { _ = srv.Close() }()
			dir := out
			if dir == "" {
				if dir, err = os.MkdirTemp("", "mxwizard-demo-"); err != nil {
					return fmt.Errorf("create a temporary directory for the demo's files: %w", err)
				}
			}
			opts := ui.Options{
				Address: srv.URLs()[0].HTTPS, User: camera.FactoryUser, Password: secret.New(camera.FactoryPassword),
				Known: camera.NewKnownCamerasInMemory(), OutDir: dir, Label: "demo", NoResume: true,
				Tool: "mxwizard " + versionString() + " (demo)", BootTimeout: time.Minute, PollInterval: 300 * time.Millisecond,
				NoColor: noColor(),
				// "search this network" finds the demo's own camera.
				SearchRanges: []discover.Range{{From: netip.MustParseAddr("127.0.0.1"), To: netip.MustParseAddr("127.0.0.1"), Text: "127.0.0.1 (the demo camera)"}},
				SearchPorts:  []int{srv.Port(443), srv.Port(80), srv.Port(8443), srv.Port(8080)},
			}
			return runUI(cmd, opts, accessible)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "directory for the demo's backup, secrets file and report (default: a new temporary directory, kept)")
	cmd.Flags().BoolVar(&accessible, "accessible", false, "plain prompts for screen readers instead of the full-screen wizard (needs a terminal)")
	return cmd
}

// startDemoCamera starts one simulated camera on 127.0.0.1 with a port
// offset whose ports (80, 443 now; 8080, 8443 after the wizard moves them)
// are free.
func startDemoCamera(ctx context.Context, boot time.Duration) (*camsim.Server, error) {
	var last error
	for attempt := 0; attempt < 30; attempt++ {
		offset := 20000 + rand.IntN(30000)
		if !portsFree(offset, 80, 443, 8080, 8443) {
			continue
		}
		srv := camsim.NewServer(camsim.ServerOptions{IP: net.IPv4(127, 0, 0, 1), PortOffset: offset, BootTime: boot})
		if err := srv.Start(ctx); err != nil {
			last = err
			continue
		}
		return srv, nil
	}
	if last == nil {
		last = errors.New("no free ports found")
	}
	return nil, fmt.Errorf("start the simulated camera: %w", last)
}

func portsFree(offset int, ports ...int) bool {
	for _, p := range ports {
		ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(p+offset)))
		if err != nil {
			return false
		}
		ln.Close()
	}
	return true
}
