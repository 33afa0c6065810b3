package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/discover"
)

// discoveredCamera is one camera of mxwizard discover's JSON.
type discoveredCamera = discover.Camera

// discoverReport is the JSON mxwizard discover writes; apply and audit read
// it back as a hosts list (--hosts FILE, or --hosts - from a pipe).
type discoverReport struct {
	Searched []string           `json:"searched"`
	Ports    []int              `json:"ports"`
	Took     string             `json:"took"`
	Cameras  []discoveredCamera `json:"cameras"`
	Hint     string             `json:"hint,omitempty"`
}

func newDiscoverCmd() *cobra.Command {
	var (
		format       string
		knownCameras string
		portList     string
		force        bool
		timeout      time.Duration
		concurrency  int
	)
	cmd := &cobra.Command{
		Use:   "discover [flags] [RANGE...]",
		Short: "Find MOBOTIX cameras on the network, without logging in",
		Long: `discover finds MOBOTIX cameras in address ranges without logging in: no
credentials are sent, so no camera counts the search as an attack. A camera is
recognised by "MOBOTIX AG, Germany" on its camera info page or by the realm
"MOBOTIX Camera User" of the login it asks for. For each it reports the address,
scheme and port, model, serial and firmware when the camera shows them without
a login, the certificate's SHA-256 fingerprint, and whether that is still the
factory certificate.

A RANGE is a network (192.168.1.0/24), a range (192.168.1.10-192.168.1.50 or
192.168.1.10-50) or one address. Without a range, the IPv4 networks of this
computer are searched. More than a /16 is refused without --force.

The JSON output is a hosts list for apply and audit (--hosts FILE, or
--hosts - to read it from a pipe).`,
		Example: `  mxwizard discover
  mxwizard discover 192.168.1.0/24 --format json > site.json
  mxwizard discover 192.168.1.0/24 --format json | mxwizard audit --hosts -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: use text or json", format)
			}
			ports, err := parsePorts(portList)
			if err != nil {
				return err
			}
			if concurrency < 1 || concurrency > 4096 {
				return fmt.Errorf("--concurrency %d: use 1 to 4096", concurrency)
			}
			var ranges []discover.Range
			for _, a := range args {
				r, err := discover.ParseRange(a)
				if err != nil {
					return err
				}
				if err := discover.CheckSize(r, force); err != nil {
					return err
				}
				ranges = append(ranges, r)
			}
			local := len(ranges) == 0
			if local {
				nets, err := discover.LocalNetworks()
				if err != nil {
					return fmt.Errorf("list this computer's networks: %w", err)
				}
				for _, r := range nets {
					if err := discover.CheckSize(r, force); err != nil {
						return fmt.Errorf("this computer's network %w", err)
					}
				}
				if len(nets) == 0 {
					return errors.New("this computer has no IPv4 network to search: connect it to the cameras' network, or give a range; " + discover.FactoryHint)
				}
				ranges = nets
			}
			start := time.Now()
			progress := func(done, total int) {}
			if format == "text" && isTerminal(cmd.ErrOrStderr()) {
				last := time.Time{}
				progress = func(done, total int) {
					if time.Since(last) > 200*time.Millisecond || done == total {
						last = time.Now()
						fmt.Fprintf(cmd.ErrOrStderr(), "\r\x1b[2Ksearching: %d of %d probes", done, total)
						if done == total {
							fmt.Fprint(cmd.ErrOrStderr(), "\r\x1b[2K")
						}
					}
				}
			}
			found, err := discover.Search(cmd.Context(), ranges, discover.Options{Ports: ports, Timeout: timeout, Concurrency: concurrency, Force: force}, progress)
			if err != nil {
				return withCode(exitCanceled, fmt.Errorf("the search was interrupted: %w", err))
			}
			if known, err := loadKnown(knownCameras); err != nil {
				// The search stands without it: said, not fatal.
				fmt.Fprintf(cmd.ErrOrStderr(), "mxwizard: %v; the certificates seen are not compared with it\n", err)
			} else {
				discover.ComparePins(found, known)
			}
			rep := discoverReport{Ports: ports, Took: time.Since(start).Round(time.Millisecond).String(), Cameras: found}
			if rep.Cameras == nil {
				rep.Cameras = []discoveredCamera{}
			}
			for _, r := range ranges {
				rep.Searched = append(rep.Searched, r.Text)
			}
			if len(found) == 0 || local {
				rep.Hint = discover.FactoryHint
			}
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rep)
			}
			return writeDiscoverText(cmd.OutOrStdout(), rep)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json (a hosts list for apply and audit)")
	cmd.Flags().StringVar(&portList, "ports", "443,80", "ports to try on every address, comma-separated")
	cmd.Flags().StringVar(&knownCameras, "known-cameras", "", "compare the certificates seen with this trust-on-first-use file (default: in your configuration directory); nothing is pinned")
	cmd.Flags().BoolVar(&force, "force", false, "search ranges larger than a /16")
	cmd.Flags().DurationVar(&timeout, "timeout", 1500*time.Millisecond, "how long to wait for an address to answer")
	cmd.Flags().IntVar(&concurrency, "concurrency", 256, "addresses asked at the same time")
	return cmd
}

func parsePorts(list string) ([]int, error) {
	var ports []int
	seen := map[int]bool{}
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := strconv.Atoi(f)
		if err != nil || p < 1 || p > 65535 {
			return nil, fmt.Errorf("--ports: %q is not a port 1-65535 (e.g. --ports 443,80,8443)", f)
		}
		if !seen[p] {
			seen[p] = true
			ports = append(ports, p)
		}
	}
	if len(ports) == 0 {
		return nil, errors.New("--ports: give at least one port (e.g. --ports 443,80)")
	}
	return ports, nil
}

func writeDiscoverText(w io.Writer, rep discoverReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Searched %s on port %s without logging in (%s).\n", strings.Join(rep.Searched, ", "), joinInts(rep.Ports), rep.Took)
	switch len(rep.Cameras) {
	case 0:
		b.WriteString("No MOBOTIX camera answered.\n")
	case 1:
		b.WriteString("1 MOBOTIX camera found:\n")
	default:
		fmt.Fprintf(&b, "%d MOBOTIX cameras found:\n", len(rep.Cameras))
	}
	for _, c := range rep.Cameras {
		fmt.Fprintf(&b, "\n  %s\n", c.Address)
		if c.LoginRequired {
			b.WriteString("    model, serial and firmware shown only after a login (public access is off)\n")
		} else {
			fmt.Fprintf(&b, "    %s, serial %s, firmware %s", orUnknown(c.Model), orUnknown(c.Serial), orUnknown(c.Firmware))
			if c.Name != "" {
				fmt.Fprintf(&b, ", named %s", c.Name)
			}
			b.WriteString("\n")
		}
		if len(c.AlsoAt) > 0 {
			fmt.Fprintf(&b, "    also answers at %s\n", strings.Join(c.AlsoAt, ", "))
		}
		switch {
		case c.Certificate == "":
			b.WriteString("    plain HTTP: no certificate\n")
		case c.FactoryCertificate:
			fmt.Fprintf(&b, "    factory certificate, SHA-256 %s\n", c.Certificate)
		default:
			fmt.Fprintf(&b, "    own certificate, SHA-256 %s\n", c.Certificate)
		}
		switch c.Pin {
		case discover.PinSame:
			b.WriteString("    the certificate this computer pinned for it\n")
		case discover.PinEarlier:
			b.WriteString("    the certificate it had before mxwizard installed its own: reset to factory defaults? (the wizard offers to pin it again)\n")
		case discover.PinChanged:
			b.WriteString("    NOT the certificate this computer pinned for this address: someone may be intercepting, or it got a new one outside mxwizard\n")
		}
	}
	if rep.Hint != "" {
		fmt.Fprintf(&b, "\nNot found? %s.\n", rep.Hint)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
