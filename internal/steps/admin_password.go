package steps

import (
	"fmt"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// adminPassword is step 3.
type adminPassword struct{}

func (adminPassword) Info() Info {
	return Info{
		3, "admin-password", "Change the default admin password",
		"Admin Menu > Security > Users and Passwords",
		"The factory password meinsm is printed in every manual; anyone on the network could take over the camera.",
	}
}

func (adminPassword) Check(s *Snapshot) Finding {
	users := s.Config.Keys(camera.SecUsers)
	admins := 0
	for _, u := range users {
		if camera.ParseProfile(s.Value(camera.SecUsers, u)).Get(camera.ProfGroup) == camera.AdminGroup {
			admins++
		}
	}
	if admins == 0 {
		return fail("no user is in the admins group")
	}
	switch {
	case s.FactoryPassword:
		return fail("user %s still has the factory password", s.User)
	case s.User == camera.FactoryUser || userGroup(s, s.User) == camera.AdminGroup:
		return pass("the admin account %s does not use the factory password", s.User)
	}
	return manual("logged in as %s: whether admin still has the factory password cannot be seen without trying it", s.User)
}

func (a adminPassword) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: a.Info()}
	if !s.FactoryPassword {
		return pl, nil
	}
	if p.Admin.User != "" && p.Admin.User != s.User {
		return nil, &GuardError{
			Step:   3,
			Reason: fmt.Sprintf("the profile names %s as the admin account (admin.user), but mxwizard is logged in as %s", p.Admin.User, s.User),
			Hint:   fmt.Sprintf("log in as %s (--user %s), or set admin.user: %s in the profile", p.Admin.User, p.Admin.User, s.User),
		}
	}
	pw, err := gen.Resolve(AdminPassword, p.Admin.Password)
	if err != nil {
		return nil, err
	}
	pl.Params = append(pl.Params, camera.Param{Section: camera.SecUsers, Profile: s.User, Key: camera.ProfPassword, Secret: pw})
	pl.Secrets = map[SecretName]secret.Secret{AdminPassword: pw}
	pl.NewPassword = &pw
	pl.Notes = append(pl.Notes, "the new password is saved in the encrypted secrets file before it is set; mxwizard then logs in with it and checks that the old one fails")
	return pl, nil
}
