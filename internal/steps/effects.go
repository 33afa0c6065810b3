package steps

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"slices"
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
