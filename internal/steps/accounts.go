package steps

import (
	"regexp"

	"github.com/mxwizard/mxwizard/internal/camera"
)

func userGroup(s *Snapshot, user string) string {
	v, ok := s.Config.Get(camera.SecUsers, user)
	if !ok {
		return ""
	}
	return camera.ParseProfile(v).Get(camera.ProfGroup)
}

// validName is the camera's rule for user and group names.
var validName = regexp.MustCompile(`^[A-Za-z0-9._-]{3,16}$`)

var presetGroups = map[string]bool{"admins": true, "users": true, "guests": true, "undefined": true}

func knownRight(r string) bool {
	for _, k := range camera.AllRights {
		if r == k {
			return true
		}
	}
	return false
}

func adminCount(s *Snapshot) int {
	n := 0
	for _, u := range s.Config.Keys(camera.SecUsers) {
		if userGroup(s, u) == camera.AdminGroup {
			n++
		}
	}
	return n
}
