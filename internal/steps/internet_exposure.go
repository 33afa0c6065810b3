package steps

import "github.com/mxwizard/mxwizard/internal/profile"

// internetExposure is step 18: outside the camera, the installer's answer
// is recorded.
type internetExposure struct{ manualStep }

func (internetExposure) Info() Info {
	return Info{
		18, "internet-exposure", "Avoid to expose the camera to the Internet unless strictly necessary",
		"your router or firewall: port forwarding and NAT rules",
		"A camera reachable from the Internet is found by scanners within hours; keep it behind the firewall or the VPN.",
	}
}

func (i internetExposure) Plan(s *Snapshot, p *profile.Profile, g *Secrets) (*Plan, error) {
	return manualStep{i.Info()}.Plan(s, p, g)
}
