package steps

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// webServerPorts is step 11.
type webServerPorts struct{}

func (webServerPorts) Info() Info {
	return Info{
		11, "web-ports", "Change the default ports of the Web Server (for remote access)",
		"Admin Menu > Network Setup > Web Server (for experts)",
		"Scanners try ports 80 and 443 first; plain HTTP carries everything readable. Use HTTPS on a custom port.",
	}
}

func (webServerPorts) Check(s *Snapshot) Finding {
	v := func(k string) string { return s.Value(camera.SecWebServer, k) }
	httpOn := v(camera.KeyHTTPEnable) == "1"
	var problems []string
	if httpOn {
		problems = append(problems, "plain HTTP is on (ports "+v(camera.KeyHTTPPorts)+")")
	}
	if v(camera.KeyHTTPSEnable) != "1" {
		problems = append(problems, "HTTPS is off")
	}
	if v(camera.KeyHTTPSPort) == "443" {
		problems = append(problems, "HTTPS uses the default port 443")
	}
	if httpOn {
		for _, p := range splitList(v(camera.KeyHTTPPorts)) {
			if p == "80" {
				problems = append(problems, "HTTP uses the default port 80")
			}
		}
	}
	if e := s.Effects; e != nil && e.PortsProbed && len(e.StillAnswering) > 0 {
		if len(problems) == 0 {
			return notHonoured(webServerPorts{}.Info(), "HTTPS only on port "+v(camera.KeyHTTPSPort), "after the reboot the camera still answers on "+strings.Join(e.StillAnswering, ", "), "switch plain HTTP off and set the HTTPS port")
		}
		problems = append(problems, "still answers on "+strings.Join(e.StillAnswering, ", "))
	}
	if len(problems) > 0 {
		return fail("%s", strings.Join(problems, "; "))
	}
	if e := s.Effects; e != nil && e.PortsProbed {
		return pass("HTTPS only, on port %s; the ports it left no longer answer", v(camera.KeyHTTPSPort))
	}
	if portsPending(s) {
		// Set, not yet in force: the web server moves at the reboot.
		return pass("set: HTTPS only, on port %s, in force after the reboot at the end", v(camera.KeyHTTPSPort))
	}
	return pass("HTTPS only, on port %s", v(camera.KeyHTTPSPort))
}

// portsPending reports whether the web server settings differ from what
// this connection shows is running: the camera is reached on a scheme or
// port its configuration no longer has (the change waits for a reboot).
func portsPending(s *Snapshot) bool {
	if s.Base == nil {
		return false
	}
	v := func(k string) string { return s.Value(camera.SecWebServer, k) }
	reached := camera.PortOf(s.Base) - s.PortOffset
	switch s.Base.Scheme {
	case "https":
		return v(camera.KeyHTTPSEnable) != "1" || v(camera.KeyHTTPSPort) != strconv.Itoa(reached)
	case "http":
		return v(camera.KeyHTTPEnable) != "1" || !containsPort(splitList(v(camera.KeyHTTPPorts)), strconv.Itoa(reached))
	}
	return false
}

func containsPort(ports []string, p string) bool {
	for _, x := range ports {
		if x == p {
			return true
		}
	}
	return false
}

func (w webServerPorts) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: w.Info()}
	ws := p.WebServer
	reserved := map[int]bool{}
	for _, r := range splitList(s.Value(camera.SecWebServer, camera.KeyServicePorts)) {
		if n, err := strconv.Atoi(r); err == nil {
			reserved[n] = true
		}
	}
	// MxMessageSystem, when on, listens on its broadcast port and on its
	// multicast port and the port below it (doc, help msgdistri).
	if s.Value(camera.SecMxMessage, camera.KeyMxEnable) == "1" {
		if n, err := strconv.Atoi(s.Value(camera.SecMxMessage, camera.KeyMxBroadcastPort)); err == nil {
			reserved[n] = true
		}
		if n, err := strconv.Atoi(s.Value(camera.SecMxMessage, camera.KeyMxMulticastPort)); err == nil {
			reserved[n], reserved[n-1] = true, true
		}
	}
	check := func(name string, port int) error {
		if port < 1 || port > 65535 {
			return &GuardError{Step: 11, Reason: fmt.Sprintf("%s %d is not a port (1-65535)", name, port)}
		}
		if reserved[port] {
			return &GuardError{Step: 11, Reason: fmt.Sprintf("%s %d is used by another service of the camera", name, port), Hint: "pick another port, e.g. 8443"}
		}
		return nil
	}
	if err := check("HTTPS port", ws.HTTPSPort); err != nil {
		return nil, err
	}
	if ws.HTTP {
		if err := check("HTTP port", ws.HTTPPort); err != nil {
			return nil, err
		}
		if ws.HTTPPort == ws.HTTPSPort {
			return nil, &GuardError{Step: 11, Reason: fmt.Sprintf("HTTP and HTTPS cannot share port %d", ws.HTTPPort)}
		}
	}
	if !ws.HTTP && s.Base.Scheme != "https" {
		return nil, &GuardError{
			Step: 11, Reason: "switching HTTP off while connected over HTTP: HTTPS has not been proven to work from this computer",
			Hint: "connect to the camera with https:// first; mxwizard switches HTTP off only after HTTPS worked",
		}
	}
	want := []setting{{camera.KeyHTTPSEnable, "1"}, {camera.KeyHTTPSPort, strconv.Itoa(ws.HTTPSPort)}, {camera.KeyHTTPEnable, "0"}}
	if ws.HTTP {
		want = []setting{want[0], want[1], {camera.KeyHTTPPorts, strconv.Itoa(ws.HTTPPort)}, {camera.KeyHTTPEnable, "1"}}
	}
	pl.setDiffering(s, camera.SecWebServer, want...)
	if len(pl.Params) > 0 {
		pl.NeedsReboot = true
		note := fmt.Sprintf("after the reboot the camera answers on https://%s:%d only", s.Base.Hostname(), ws.HTTPSPort+s.PortOffset)
		if ws.HTTP {
			note = fmt.Sprintf("after the reboot the camera answers on https://%s:%d and http://%s:%d", s.Base.Hostname(), ws.HTTPSPort+s.PortOffset, s.Base.Hostname(), ws.HTTPPort+s.PortOffset)
		}
		if s.PortOffset != 0 {
			// The simulated camera, or a port forwarding: the port reached
			// is not the camera's own.
			note += fmt.Sprintf(" (the camera's own port %d: the address reached shifts every port, as a port forwarding or the simulated camera does)", ws.HTTPSPort)
		}
		pl.Notes = append(pl.Notes, note)
	}
	return pl, nil
}
