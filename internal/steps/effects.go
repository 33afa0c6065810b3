package steps

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// Effects is what the camera does, observed from this computer, as opposed
// to what its configuration says: a real camera may store a key it does not
// know and go on as before. The checks of steps 6, 9 and 10 judge by the
// effect when it was observed.
type Effects struct {
	// Schemes are the login schemes the camera's 401 challenge offered
	// (basic, digest); nil when no challenge was seen.
	Schemes []string
	// RobotsStatus and Robots are the answer to an anonymous GET of
	// /robots.txt.
	RobotsStatus int
	Robots       []byte
	// PublicStatus is the answer to an anonymous GET of the live image,
	// what public access would expose first.
	PublicStatus int
	// PortsProbed is set when, after the reboot that activates the web
	// server settings, the ports that must be closed were tried;
	// StillAnswering lists those that answered anyway ("http port 80").
	PortsProbed    bool
	StillAnswering []string
	// BasicTried is set when a Basic login was tried (after the Digest
	// switch, over HTTPS); BasicRefused says whether the camera refused it.
	BasicTried, BasicRefused bool
}

// robotsForbidsAll reports whether robots.txt disallows everything for
// every crawler.
func (e *Effects) robotsForbidsAll() bool {
	if e.RobotsStatus != http.StatusOK {
		return false
	}
	all := false
	sc := bufio.NewScanner(bytes.NewReader(e.Robots))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		switch k {
		case "user-agent":
			all = v == "*"
		case "disallow":
			if all && v == "/" {
				return true
			}
		}
	}
	return false
}

// digestOnly reports whether the challenge offered Digest and not Basic.
func (e *Effects) digestOnly() bool {
	return slices.Contains(e.Schemes, "digest") && !slices.Contains(e.Schemes, "basic")
}

// probeClosedPorts tries, after the reboot, every port the final web
// server settings close: the address the run used before the reboot and
// the HTTP ports when HTTP is off (one anonymous GET each, none when
// nothing moved).
func (e *Engine) probeClosedPorts(ctx context.Context, s *Snapshot, before *url.URL) *Snapshot {
	cfg := s.Config
	open := map[string]bool{}
	if cfg.Value(camera.SecWebServer, camera.KeyHTTPSEnable) == "1" {
		open["https:"+strconv.Itoa(configuredPort(cfg, "https")+s.PortOffset)] = true
	}
	httpOn := cfg.Value(camera.SecWebServer, camera.KeyHTTPEnable) == "1"
	var candidates [][2]string
	for _, p := range splitList(cfg.Value(camera.SecWebServer, camera.KeyHTTPPorts)) {
		n, err := strconv.Atoi(p)
		if err != nil {
			continue
		}
		if httpOn {
			open["http:"+strconv.Itoa(n+s.PortOffset)] = true
		} else {
			candidates = append(candidates, [2]string{"http", strconv.Itoa(n + s.PortOffset)})
		}
	}
	if before != nil {
		candidates = append(candidates, [2]string{before.Scheme, strconv.Itoa(camera.PortOf(before))})
	}
	eff := &Effects{}
	if s.Effects != nil {
		*eff = *s.Effects
	}
	eff.PortsProbed, eff.StillAnswering = true, nil
	seen := map[string]bool{}
	for _, c := range candidates {
		key := c[0] + ":" + c[1]
		if open[key] || seen[key] {
			continue
		}
		seen[key] = true
		port, _ := strconv.Atoi(c[1])
		if e.Client.AnswersAt(ctx, c[0], port) {
			eff.StillAnswering = append(eff.StillAnswering, c[0]+" port "+c[1])
		}
	}
	ns := *s
	ns.Effects = eff
	return &ns
}

// notAnsweringAt records that after the reboot the camera answered at its
// old address, not at the one its new settings name.
func (e *Engine) notAnsweringAt(s *Snapshot, moved, old *url.URL) *Snapshot {
	eff := &Effects{}
	if s.Effects != nil {
		*eff = *s.Effects
	}
	eff.PortsProbed = true
	eff.StillAnswering = []string{old.Scheme + " port " + strconv.Itoa(camera.PortOf(old)) + " (and not on " + moved.Scheme + " port " + strconv.Itoa(camera.PortOf(moved)) + ")"}
	ns := *s
	ns.Effects = eff
	return &ns
}

// ObserveEffects looks at what the camera does, read-only and without a
// password: the challenge its last 401 offered (free: the first request of
// every connection gets one), and two anonymous GETs (robots.txt, the live
// image). It returns the snapshot with the effects (the snapshot itself is
// not changed).
func (e *Engine) ObserveEffects(ctx context.Context, s *Snapshot) (*Snapshot, error) {
	eff := &Effects{Schemes: e.Client.OfferedSchemes()}
	var err error
	if eff.RobotsStatus, eff.Robots, err = e.Client.Anonymous(ctx, camera.PathRobots); err != nil {
		return s, err
	}
	if eff.PublicStatus, _, err = e.Client.Anonymous(ctx, camera.PathImage); err != nil {
		return s, err
	}
	ns := *s
	ns.Effects = eff
	return &ns, nil
}
