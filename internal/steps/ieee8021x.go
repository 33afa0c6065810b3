package steps

import (
	"fmt"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// dot1x is step 20.
type dot1x struct{}

func (dot1x) Info() Info {
	return Info{
		20, "ieee8021x", "Enable IEEE 802.1X (enterprise security level)",
		"Admin Menu > Network Setup > Ethernet Interface (for experts) > IEEE 802.1X",
		"With port-based access control a device plugged into the camera's socket gets no network.",
	}
}

func (dot1x) Check(s *Snapshot) Finding {
	if s.Value(camera.SecEthernet, camera.KeyDot1XEnable) == "1" {
		return pass("802.1X is on (%s)", s.Value(camera.SecEthernet, camera.KeyDot1XEAP))
	}
	return manual("802.1X is off: it needs a switch and a RADIUS server that support it; ask the network administrator")
}

func (d dot1x) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: d.Info()}
	if !p.Dot1X.Enabled {
		pl.Answer = answer(p, "ieee8021x", "the network does not use 802.1X")
		return pl, nil
	}
	switch p.Dot1X.EAP {
	case "PEAP", "TTLS", "TLS", "MD5":
	default:
		return nil, fmt.Errorf("ieee8021x.eap: %q is not PEAP, TTLS, TLS or MD5", p.Dot1X.EAP)
	}
	if s.Value(camera.SecEthernet, camera.KeyDot1XEnable) == "1" {
		return pl, nil
	}
	pw, err := gen.Resolve(Dot1xPassword, p.Dot1X.Password)
	if err != nil {
		return nil, err
	}
	pl.Params = append(pl.Params, param(camera.SecEthernet, camera.KeyDot1XEAP, p.Dot1X.EAP),
		param(camera.SecEthernet, camera.KeyDot1XIdent, p.Dot1X.Identity),
		camera.Param{Section: camera.SecEthernet, Key: camera.KeyDot1XPass, Secret: pw},
		param(camera.SecEthernet, camera.KeyDot1XEnable, "1"))
	pl.Secrets = map[SecretName]secret.Secret{Dot1xPassword: pw}
	pl.NeedsReboot = true
	pl.Notes = append(pl.Notes, "the switch port must be configured for 802.1X before the reboot, or the camera loses its network")
	return pl, nil
}
