package steps

import (
	"fmt"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// personalUsers is step 5.
type personalUsers struct{}

func (personalUsers) Info() Info {
	return Info{
		5, "personal-users", "Create different users and assign them to the right groups",
		"Admin Menu > Security > Users and Passwords",
		"One account per person makes the web server log say who did what; a shared login says nothing.",
	}
}

func (personalUsers) Check(s *Snapshot) Finding {
	users := s.Config.Keys(camera.SecUsers)
	if len(users) <= 1 {
		return fail("only %d user exists: create one user per person", len(users))
	}
	return pass("%d users: %s", len(users), strings.Join(users, ", "))
}

func (u personalUsers) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: u.Info()}
	count := len(s.Config.Keys(camera.SecUsers))
	groups := map[string]bool{}
	for _, g := range s.Config.Keys(camera.SecGroups) {
		groups[g] = true
	}
	for _, g := range p.Groups {
		groups[g.Name] = true
	}
	for _, usr := range p.Users {
		if !validName.MatchString(usr.Name) {
			return nil, fmt.Errorf("user name %q: use 3 to 16 of A-Z a-z 0-9 . - _", usr.Name)
		}
		if !groups[usr.Group] {
			return nil, fmt.Errorf("user %s: group %q does not exist on the camera or in the profile", usr.Name, usr.Group)
		}
		cur, exists := s.Config.Get(camera.SecUsers, usr.Name)
		if exists && camera.ParseProfile(cur).Get(camera.ProfGroup) == usr.Group {
			continue
		}
		if exists && usr.Name == s.User && userGroup(s, usr.Name) == camera.AdminGroup && usr.Group != camera.AdminGroup {
			return nil, &GuardError{
				Step: 5, Reason: "user " + usr.Name + " is the account mxwizard is logged in with: moving it out of admins would take away the rights the rest of the run needs, and the way back in",
				Hint: "keep " + usr.Name + " in admins, or run mxwizard with another admin account (--user) and move it then",
			}
		}
		if exists && userGroup(s, usr.Name) == camera.AdminGroup && usr.Group != camera.AdminGroup && adminCount(s) <= 1 {
			return nil, &GuardError{Step: 5, Reason: "user " + usr.Name + " is the last member of admins", Hint: "keep at least one user in admins"}
		}
		pl.Params = append(pl.Params, camera.Param{Section: camera.SecUsers, Profile: usr.Name, Key: camera.ProfGroup, Value: usr.Group})
		if !exists {
			count++
			if count > 100 {
				return nil, fmt.Errorf("user %s: the camera holds at most 100 users", usr.Name)
			}
			pw, err := gen.Resolve(UserPassword(usr.Name), usr.Password)
			if err != nil {
				return nil, err
			}
			pl.Params = append(pl.Params, camera.Param{Section: camera.SecUsers, Profile: usr.Name, Key: camera.ProfPassword, Secret: pw})
			if pl.Secrets == nil {
				pl.Secrets = map[SecretName]secret.Secret{}
			}
			pl.Secrets[UserPassword(usr.Name)] = pw
		}
	}
	return pl, nil
}
