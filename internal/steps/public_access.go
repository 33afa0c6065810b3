package steps

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// publicAccess is step 6.
type publicAccess struct{}

func (publicAccess) Info() Info {
	return Info{
		6, "public-access", "Disable Public Access",
		"Admin Menu > Security > Group Access Control Lists",
		"With public access on, anyone on the network sees the live image and recordings without a password (the factory default).",
	}
}

func (a publicAccess) Check(s *Snapshot) Finding {
	pub := splitList(s.Value(camera.SecAccess, camera.KeyPublic))
	if e := s.Effects; e != nil && e.PublicStatus != 0 {
		switch {
		case e.PublicStatus == http.StatusUnauthorized && len(pub) == 0:
			return pass("nothing is public: the live image asks for a login (checked without one)")
		case e.PublicStatus == http.StatusUnauthorized:
			return fail("public without login: %s (the live image itself asks for a login)", strings.Join(pub, ", "))
		case e.PublicStatus == http.StatusOK && len(pub) == 0:
			return notHonoured(a.Info(), camera.SecAccess+"/"+camera.KeyPublic+" is empty", "the live image is still served without a login", "remove every tick in the Public Access row")
		case e.PublicStatus == http.StatusOK:
			return fail("public without login: %s (the live image is served to anybody)", strings.Join(pub, ", "))
		}
	}
	if len(pub) > 0 {
		return fail("public without login: %s", strings.Join(pub, ", "))
	}
	return pass("nothing is public: every screen needs a login")
}

func (a publicAccess) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: a.Info()}
	for _, r := range p.PublicAccess {
		if r == camera.RightAdmin || r == camera.RightSetup || r == camera.RightControl {
			return nil, fmt.Errorf("public_access: %q must never be public", r)
		}
		if !knownRight(r) {
			return nil, fmt.Errorf("public_access: unknown right %q", r)
		}
	}
	want := joinSorted(p.PublicAccess)
	if !sameList(s.Value(camera.SecAccess, camera.KeyPublic), want) {
		pl.Params = append(pl.Params, param(camera.SecAccess, camera.KeyPublic, want))
	}
	return pl, nil
}
