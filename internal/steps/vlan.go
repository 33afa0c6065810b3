package steps

import "github.com/mxwizard/mxwizard/internal/profile"

// vlan is step 19: outside the camera, the installer's answer is recorded.
type vlan struct{ manualStep }

func (vlan) Info() Info {
	return Info{
		19, "vlan", "Make use of VLANs to separate the CCTV network (enterprise security level)",
		"your network switches: VLAN configuration",
		"Cameras, recorders and VMS workstations on their own VLAN keep office malware and curious users away from them.",
	}
}

func (v vlan) Plan(s *Snapshot, p *profile.Profile, g *Secrets) (*Plan, error) {
	return manualStep{v.Info()}.Plan(s, p, g)
}
