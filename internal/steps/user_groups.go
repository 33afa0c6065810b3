package steps

import (
	"fmt"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// userGroups is step 4.
type userGroups struct{}

func (userGroups) Info() Info {
	return Info{
		4, "user-groups", "Create different user groups with different user rights",
		"Admin Menu > Security > Group Access Control Lists",
		"Not everybody needs every right: an operator watching live video must not be able to reconfigure the camera.",
	}
}

func (userGroups) Check(s *Snapshot) Finding {
	var own []string
	for _, g := range s.Config.Keys(camera.SecGroups) {
		if !presetGroups[g] {
			own = append(own, g)
		}
	}
	if len(own) == 0 {
		return fail("only the preset groups exist (admins, users, guests)")
	}
	return pass("groups with their own rights: %s", strings.Join(own, ", "))
}

func (g userGroups) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: g.Info()}
	existing := len(s.Config.Keys(camera.SecGroups))
	for _, grp := range p.Groups {
		if !validName.MatchString(grp.Name) {
			return nil, fmt.Errorf("group name %q: use 3 to 16 of A-Z a-z 0-9 . - _", grp.Name)
		}
		if grp.Name == camera.AdminGroup {
			return nil, fmt.Errorf("group %q is preset and always has every right: choose another name", grp.Name)
		}
		for _, r := range grp.Rights {
			if !knownRight(r) {
				return nil, fmt.Errorf("group %s: unknown right %q (known: %s)", grp.Name, r, strings.Join(camera.AllRights, ", "))
			}
		}
		want := joinSorted(grp.Rights)
		cur, ok := s.Config.Get(camera.SecGroups, grp.Name)
		if ok && sameList(cur, want) {
			continue
		}
		if !ok {
			existing++
			if existing > 25 {
				return nil, fmt.Errorf("group %s: the camera holds at most 25 groups", grp.Name)
			}
		}
		pl.Params = append(pl.Params, param(camera.SecGroups, grp.Name, want))
	}
	return pl, nil
}
