package steps

import (
	"fmt"
	"strconv"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// openVPN is step 17.
type openVPN struct{}

func (openVPN) Info() Info {
	return Info{
		17, "openvpn", "Configure OpenVPN client for remote connections",
		"Admin Menu > Network Setup > OpenVPN Client Settings",
		"Remote access belongs in an encrypted tunnel to a server you control, not on an open port.",
	}
}

func (openVPN) Check(s *Snapshot) Finding {
	if s.Value(camera.SecOpenVPN, camera.KeyVPNEnable) == "1" && s.Value(camera.SecOpenVPN, camera.KeyVPNServer) != "" {
		return pass("the OpenVPN client connects to %s", s.Value(camera.SecOpenVPN, camera.KeyVPNServer))
	}
	return manual("OpenVPN is off: needed only when the camera must be reached remotely")
}

func (o openVPN) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: o.Info()}
	if !p.OpenVPN.Needed {
		pl.Answer = answer(p, "openvpn", "remote access is not needed")
		return pl, nil
	}
	if p.OpenVPN.Server == "" {
		return nil, fmt.Errorf("openvpn.server: name the OpenVPN server (host name or address)")
	}
	port := p.OpenVPN.Port
	if port == 0 {
		port = 1194
	}
	proto := p.OpenVPN.Proto
	if proto == "" {
		proto = "udp"
	}
	pl.setDiffering(s, camera.SecOpenVPN, setting{camera.KeyVPNServer, p.OpenVPN.Server},
		setting{camera.KeyVPNPort, strconv.Itoa(port)}, setting{camera.KeyVPNProto, proto}, setting{camera.KeyVPNEnable, "1"})
	pl.Notes = append(pl.Notes, "the client certificate and keys for the tunnel are loaded in the web dialog (OpenVPN Client Settings): mxwizard does not handle them")
	return pl, nil
}
