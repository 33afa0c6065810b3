package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
)

// newSimulateCmd is `mxwizard simulate`: simulated MOBOTIX cameras on
// loopback addresses, to try mxwizard (and other tools) without a camera.
func newSimulateCmd() *cobra.Command {
	var (
		ipFlag     string
		count      int
		offset     int
		stateDir   string
		bootTime   time.Duration
		latency    time.Duration
		requestLog string
		faultSpecs []string
	)
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run simulated MOBOTIX cameras on this computer",
		Long: `simulate runs one or more simulated MOBOTIX cameras on loopback addresses
(127.0.0.1, 127.0.0.2, ...) until you press ctrl+c. Each speaks the camera's
HTTP interfaces: remote configuration, configuration file, store and reboot,
certificate upload, web server log. Camera port P listens on P plus the port
offset (80 on 10080, 443 on 10443 by default); a port changed on the camera
moves there after its reboot.

Without --state everything is forgotten at exit; with it, each camera keeps
its flash and certificate in DIR/<ip>/ and comes back as after a power cycle.`,
		Example: `  mxwizard simulate
  mxwizard simulate --count 3 --state ./cams --boot-time 2s
  mxwizard simulate --fault drop-request=3 --fault 5xx-request=5 --request-log requests.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ip := net.ParseIP(ipFlag)
			if ip == nil || ip.To4() == nil || !ip.IsLoopback() {
				return fmt.Errorf("--ip %q: simulated cameras listen only on loopback addresses (127.0.0.1 to 127.255.255.254), never on a network", ipFlag)
			}
			if count < 1 || count > 1000 {
				return fmt.Errorf("--count %d: simulate 1 to 1000 cameras", count)
			}
			if _, err := camsim.CameraIP(ip, count-1); err != nil {
				return fmt.Errorf("--ip %s --count %d: %w", ip, count, err)
			}
			if offset < 0 || offset > 65000 {
				return fmt.Errorf("--port-offset %d: use 0 (the cameras' real ports, which may need privileges) to 65000", offset)
			}
			if bootTime < 0 || latency < 0 {
				return errors.New("--boot-time and --latency cannot be negative")
			}
			var faults camsim.Faults
			for _, spec := range faultSpecs {
				f, err := camsim.ParseFault(spec)
				if err != nil {
					return fmt.Errorf("--fault: %w", err)
				}
				faults = faults.Merge(f)
			}
			var logw io.Writer
			if requestLog != "" {
				f, err := os.OpenFile(requestLog, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
				if err != nil {
					return fmt.Errorf("--request-log: %w", err)
				}
				defer f.Close()
				logw = f
			}
			portOffset := offset
			if offset == 0 {
				portOffset = camsim.RealPorts
			}
			srv := camsim.NewServer(camsim.ServerOptions{
				IP: ip, Count: count, PortOffset: portOffset, StateDir: stateDir,
				BootTime: bootTime, Latency: latency, RequestLog: logw, Faults: faults,
			})
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			if err := srv.Start(ctx); err != nil {
				return fmt.Errorf("start the simulated cameras: %w\n  try: another --port-offset, another --ip (e.g. 127.0.0.2), or stop the program that holds the port", err)
			}
			defer func() { _ = srv.Close() }()
			printCameras(cmd.OutOrStdout(), srv, offset, stateDir, faults)
			watchPortMoves(ctx, cmd.OutOrStdout(), srv)
			fmt.Fprintln(cmd.OutOrStdout(), "stopping the simulated cameras")
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&ipFlag, "ip", "127.0.0.1", "loopback `IP` of the first camera; the others get the next addresses")
	f.IntVar(&count, "count", 1, "number of cameras (`N`)")
	f.IntVar(&offset, "port-offset", camsim.DefaultPortOffset, "camera port P listens on P+`N` (0: the real ports)")
	f.StringVar(&stateDir, "state", "", "keep each camera's flash and certificate in `DIR`/<ip>/ (survives a restart)")
	f.DurationVar(&bootTime, "boot-time", 5*time.Second, "how long a reboot keeps a camera away (`D`)")
	f.DurationVar(&latency, "latency", 0, "delay every answer by `D`")
	f.StringVar(&requestLog, "request-log", "", "append one JSON line per request to `FILE`")
	f.StringArrayVar(&faultSpecs, "fault", nil, "inject a fault, e.g. drop-request=3, 5xx-request=2, stall-request=4, garbage-request=5 (`SPEC`; repeatable, per camera)")
	return cmd
}

func printCameras(w io.Writer, srv *camsim.Server, offset int, stateDir string, faults camsim.Faults) {
	cams := srv.Cameras()
	fmt.Fprintf(w, "%d simulated MOBOTIX camera(s); factory login %s / %s; ctrl+c stops them\n", len(cams), camera.FactoryUser, camera.FactoryPassword)
	for i, u := range srv.URLs() {
		cfg := cams[i].ActiveConfig()
		fmt.Fprintf(w, "\ncamera %d: %s %s, serial %s, %s\n", i+1,
			cfg.Value(camera.SecSystem, camera.KeyModel), cfg.Value(camera.SecEthernet, camera.KeyHostname),
			cfg.Value(camera.SecSystem, camera.KeySerial), cfg.Firmware())
		printURLs(w, u)
		if leaf := cams[i].Certificate(); leaf != nil && u.HTTPS != "" {
			fmt.Fprintf(w, "  certificate SHA-256 %s\n", camera.FingerprintSHA256(leaf.Raw))
		}
	}
	fmt.Fprintln(w)
	if offset != 0 {
		fmt.Fprintf(w, "camera port P listens on P+%d (a camera moved to port 8443 answers on %d after its reboot)\n", offset, 8443+offset)
	}
	if stateDir != "" {
		fmt.Fprintf(w, "state: %s (flash and certificates survive a restart; a stored password replaces the factory one)\n", stateDir)
	} else {
		fmt.Fprintln(w, "state: memory only (everything is forgotten at exit)")
	}
	if s := faults.String(); s != "" {
		fmt.Fprintf(w, "faults per camera: %s\n", s)
	}
}

func printURLs(w io.Writer, u camsim.Endpoints) {
	for _, h := range u.HTTP {
		fmt.Fprintf(w, "  %s\n", h)
	}
	if u.HTTPS != "" {
		fmt.Fprintf(w, "  %s\n", u.HTTPS)
	}
	if len(u.HTTP) == 0 && u.HTTPS == "" {
		fmt.Fprintln(w, "  (listening nowhere: check the camera's web server ports)")
	}
}

// watchPortMoves reports cameras whose listeners moved after a reboot,
// until ctx ends.
func watchPortMoves(ctx context.Context, w io.Writer, srv *camsim.Server) {
	last := srv.URLs()
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := srv.URLs()
		for i := range now {
			if i < len(last) && (now[i].HTTPS != last[i].HTTPS || !slices.Equal(now[i].HTTP, last[i].HTTP)) {
				fmt.Fprintf(w, "camera %d (%s) now answers on:\n", i+1, now[i].IP)
				printURLs(w, now[i])
			}
		}
		last = now
	}
}
