package steps

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// namesOf names the configuration sections and keys each step reads and
// writes (the names of internal/camera/keys.go; a "" key means the section
// alone, for sections of names such as users). Steps whose check is the
// installer's answer (17 to 20) or that read no section are not listed.
var namesOf = map[string][][2]string{
	"admin-password": {{camera.SecUsers, ""}},
	"user-groups":    {{camera.SecGroups, ""}},
	"personal-users": {{camera.SecUsers, ""}, {camera.SecGroups, ""}},
	"public-access":  {{camera.SecAccess, camera.KeyPublic}},
	"ip-access":      {{camera.SecIPAccess, camera.KeyIPEnable}, {camera.SecIPAccess, camera.KeyIPNoMatch}, {camera.SecIPAccess, camera.KeyIPRules}},
	"intrusion-detection": {
		{camera.SecIntrusion, camera.KeyIntrEnable},
		{camera.SecIntrusion, camera.KeyIntrThreshold},
		{camera.SecIntrusion, camera.KeyIntrWindow},
		{camera.SecIntrusion, camera.KeyIntrLockout},
		{camera.SecIntrusion, camera.KeyIntrLockoutTime},
		{camera.SecIntrusion, camera.KeyIntrNotify},
	},
	"web-crawling": {{camera.SecPageOptions, camera.KeyRobots}},
	"digest-auth":  {{camera.SecWebServer, camera.KeyAuthMethod}},
	"web-ports": {
		{camera.SecWebServer, camera.KeyHTTPEnable},
		{camera.SecWebServer, camera.KeyHTTPPorts},
		{camera.SecWebServer, camera.KeyHTTPSEnable},
		{camera.SecWebServer, camera.KeyHTTPSPort},
	},
	"recording-key": {{camera.SecStorage, camera.KeyEncryptKey}},
	"mxmessage-key": {{camera.SecMxMessage, camera.KeyMxEnable}, {camera.SecMxMessage, camera.KeyMxKey}},
	"error-notification": {
		{camera.SecErrorNotify, camera.KeyENEnable},
		{camera.SecErrorNotify, camera.KeyENDeadTime},
		{camera.SecErrorNotify, camera.KeyENMethods},
		{camera.SecErrorNotify, camera.KeyENAfterBoot},
	},
	"storage-failure": {
		{camera.SecStorageFailure, camera.KeySFEnable},
		{camera.SecStorageFailure, camera.KeySFTests},
		{camera.SecStorageFailure, camera.KeySFSensitivity},
		{camera.SecStorageFailure, camera.KeySFNotify},
	},
}

// missingSections lists the names (section, or section/KEY) step st needs
// that the camera's configuration does not have.
func missingSections(st Step, s *Snapshot) []string {
	if s == nil || s.Config == nil {
		return nil
	}
	var out []string
	for _, n := range namesOf[st.Info().ID] {
		switch {
		case !s.Config.HasSection(n[0]):
			if !slices.Contains(out, n[0]) {
				out = append(out, n[0])
			}
		case n[1] != "":
			if _, ok := s.Config.Get(n[0], n[1]); !ok {
				out = append(out, n[0]+"/"+n[1])
			}
		}
	}
	return out
}

// unsupportedByFirmware is the finding for a step whose sections the
// camera's configuration lacks: never a "fail" for a setting the firmware
// does not expose, and what to do instead.
func unsupportedByFirmware(info Info, missing []string) Finding {
	return Finding{Unsupported, fmt.Sprintf(
		"this firmware does not expose %s through the remote configuration (it has no %s): set it in the web interface at %s",
		strings.ToLower(info.Title), strings.Join(missing, ", "), info.MenuPath)}
}

// planWithinFirmware keeps a plan from writing into sections the camera
// does not have: such a step becomes a manual one, planned with nothing to
// write, before anything of the run is written.
func planWithinFirmware(p *Plan, s *Snapshot, st Step) *Plan {
	missing := missingSections(st, s)
	if p == nil || len(missing) == 0 || p.Empty() {
		return p
	}
	return &Plan{Step: p.Step, Notes: []string{unsupportedByFirmware(p.Step, missing).Detail}}
}
