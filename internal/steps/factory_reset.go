package steps

import "github.com/mxwizard/mxwizard/internal/profile"

// factoryReset is step 2.
type factoryReset struct{}

func (factoryReset) Info() Info {
	return Info{
		2, "factory-reset", "Reset the configuration to factory defaults",
		"Admin Menu > Configuration > Reset configuration to factory defaults",
		"A camera from stock or from another site may carry settings nobody remembers; hardening starts from a known state.",
	}
}

func (factoryReset) Check(s *Snapshot) Finding {
	if s.FactoryPassword {
		return pass("the camera still has the factory password: it is in factory state or close to it")
	}
	return manual("only the installer knows whether this camera's configuration is trustworthy; a reset loses users, passwords, network and recording settings")
}

func (r factoryReset) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: r.Info()}
	if p.FactoryReset && !s.FactoryPassword {
		pl.FactoryReset = true
		pl.Notes = append(pl.Notes,
			"ALL settings are lost: users and passwords (admin/meinsm again), groups, recording and event settings",
			"except the network settings (address, name, DHCP, 802.1X): kept, so that the camera still answers at this address after the reboot; check them at Admin Menu > Ethernet Interface",
			"the reset is not stored until the end of the run: pulling the cable before that brings the old configuration back")
	}
	return pl, nil
}
