package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/session"
)

func newProbeCmd() *cobra.Command {
	var (
		cf  cameraFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "probe [--out DIR] ADDRESS",
		Short: "Write a field report of what a camera shows of its interfaces (read-only)",
		Long: `probe asks a camera, read-only, what mxwizard needs to know to speak to it
correctly: the login schemes it offers, the shape of its configuration
answer, its sections and key names, which of the names mxwizard uses it has,
and which endpoints answer. It writes probe-<serial>.md and .json into --out.
The report holds no secret and no hash, and values only of harmless keys
(modes, switches, ports, versions): send it with a question about a camera
that names a setting differently.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := camera.ParseAddress(args[0]); err != nil {
				return err
			}
			camOpts, err := cf.cameraOptions(cmd)
			if err != nil {
				return err
			}
			o := camOpts(args[0])
			p, err := probeCamera(cmd.Context(), o)
			if err != nil {
				return fmt.Errorf("%s", secret.Redact(err.Error(), o.Password))
			}
			p.Tool = "mxwizard " + versionString()
			js, err := p.JSON()
			if err != nil {
				return err
			}
			name := p.Serial
			if name == "" {
				name = addressAsName(p.Address)
			}
			base := filepath.Join(out, "probe-"+session.SafeName(name))
			for ext, data := range map[string][]byte{".md": p.Markdown(), ".json": js} {
				clean := secret.Redact(string(data), o.Password)
				if err := atomicfile.Write(base+ext, []byte(clean), 0o600); err != nil {
					return err
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "probe of %s: %d of %d names found; report: %s.md and .json\n", p.Address, len(p.Found), len(p.Found)+len(p.Missing), base)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&out, "out", ".", "directory for probe-<serial>.md and .json")
	return cmd
}

// addressAsName is an address as a part of a file name.
func addressAsName(addr string) string { return strings.ReplaceAll(addr, "://", "-") }

// probeEndpoints are tried with and without login.
var probeEndpoints = []string{
	camera.PathRobots, camera.PathCameraInfo + "?text", camera.PathImage, camera.PathConfigFile,
	camera.PathMedia + "?file=" + camera.CertFileName, camera.PathWebLog + "?type=webserver", camera.PathControl + "?list",
}

func probeCamera(ctx context.Context, o camera.Options) (*report.Probe, error) {
	c, err := camera.New(o)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	cfg, raw, err := c.ReadConfigRaw(ctx)
	if err != nil {
		return nil, err
	}
	id := camera.IdentityOf(cfg)
	p := &report.Probe{Taken: time.Now().UTC(), Address: c.Address(), Model: id.Model, Serial: id.Serial, Firmware: id.Firmware, AuthSchemes: c.OfferedSchemes()}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	for i, l := range lines {
		if i < 4 || i >= len(lines)-3 {
			p.WrapperShape = append(p.WrapperShape, shape(l))
		}
	}
	status, body, err := c.Fetch(ctx, camera.PathAdminControl+"?list")
	if err != nil {
		return nil, err
	}
	p.AdminSectionsStatus = status
	if status == 200 {
		for _, l := range strings.Split(string(bytes.TrimSpace(body)), "\n") {
			if l = strings.TrimSpace(camera.CleanText(l)); l != "" && len(p.AdminSections) < 200 {
				p.AdminSections = append(p.AdminSections, l)
			}
		}
	}
	for _, sec := range cfg.Sections() {
		ps := report.ProbeSection{Name: camera.CleanText(sec)}
		keys := cfg.Keys(sec)
		if sec == camera.SecUsers || sec == camera.SecGroups {
			ps.Entries = len(keys)
		}
		for _, k := range keys {
			if ps.Entries > 0 {
				break
			}
			pk := report.ProbeKey{Name: camera.CleanText(k)}
			if camera.HarmlessKeys[sec+"/"+strings.ToUpper(k)] {
				pk.Value, pk.Shown = camera.CleanText(cfg.Value(sec, k)), true
			}
			ps.Keys = append(ps.Keys, pk)
		}
		p.Sections = append(p.Sections, ps)
	}
	for _, n := range camera.ExpectedKeys {
		name := n[0]
		has := cfg.HasSection(n[0])
		if n[1] != "" {
			name += "/" + n[1]
			_, has = cfg.Get(n[0], n[1])
		}
		if has {
			p.Found = append(p.Found, name)
		} else {
			p.Missing = append(p.Missing, name)
		}
	}
	for _, path := range probeEndpoints {
		e := report.ProbeEndpoint{Path: path}
		e.Anonymous, _, _ = c.Anonymous(ctx, path)
		e.LoggedIn, _, _ = c.Fetch(ctx, path)
		p.Endpoints = append(p.Endpoints, e)
	}
	slices.Sort(p.Found)
	slices.Sort(p.Missing)
	return p, nil
}

// shape keeps a line's form, not its content: letters become a, digits 9,
// punctuation and spaces stay.
func shape(line string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsLetter(r):
			return 'a'
		case unicode.IsDigit(r):
			return '9'
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, line)
}
