package steps

import (
	"slices"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// digestAuth is step 10.
type digestAuth struct{}

func (digestAuth) Info() Info {
	return Info{
		10, "digest-auth", "Enable Digest Authentication",
		"Admin Menu > Network Setup > Web Server (for experts) > Web Server",
		"With Basic authentication the password crosses the network readable by anyone who listens; Digest never sends it.",
	}
}

func (d digestAuth) Check(s *Snapshot) Finding {
	set := strings.EqualFold(s.Value(camera.SecWebServer, camera.KeyAuthMethod), "digest")
	if e := s.Effects; e != nil && len(e.Schemes) > 0 {
		switch {
		case e.BasicTried && !e.BasicRefused && set:
			return notHonoured(d.Info(), camera.SecWebServer+"/"+camera.KeyAuthMethod+"=digest", "it still accepts a Basic login", "choose Digest (not Basic, not Auto) as the authentication method")
		case e.BasicTried && !e.BasicRefused:
			return fail("the camera accepts a Basic login: passwords can travel Base64-encoded, readable by anyone on the path")
		case e.digestOnly() && e.BasicTried:
			return pass("Digest authentication only: the challenge offers Digest and no Basic, and a Basic login is refused")
		case e.digestOnly():
			return pass("Digest authentication only: the camera's challenge offers Digest and no Basic")
		case set:
			return notHonoured(d.Info(), camera.SecWebServer+"/"+camera.KeyAuthMethod+"=digest", "the camera still offers "+strings.Join(e.Schemes, " and "), "choose Digest (not Basic, not Auto) as the authentication method")
		}
		if slices.Contains(e.Schemes, "digest") {
			return fail("the camera offers Basic besides Digest (Auto): a client may still send the password Base64-encoded, readable by anyone on the path")
		}
		return fail("the camera asks for Basic authentication: passwords travel Base64-encoded, readable by anyone on the path")
	}
	if set {
		return pass("Digest authentication is on")
	}
	return fail("the camera asks for Basic authentication: passwords travel Base64-encoded, readable by anyone on the path")
}

func (d digestAuth) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: d.Info()}
	if !strings.EqualFold(s.Value(camera.SecWebServer, camera.KeyAuthMethod), p.Authentication) {
		pl.Params = append(pl.Params, param(camera.SecWebServer, camera.KeyAuthMethod, p.Authentication))
	}
	return pl, nil
}
