package steps

import (
	"fmt"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// sectionsOf names the configuration sections each step reads and writes
// (the names of internal/camera/keys.go). Steps whose check is the
// installer's answer (17 to 20) or that read no section are not listed.
var sectionsOf = map[string][]string{
	"admin-password":      {camera.SecUsers},
	"user-groups":         {camera.SecGroups},
	"personal-users":      {camera.SecUsers, camera.SecGroups},
	"public-access":       {camera.SecAccess},
	"ip-access":           {camera.SecIPAccess},
	"intrusion-detection": {camera.SecIntrusion},
	"web-crawling":        {camera.SecPageOptions},
	"digest-auth":         {camera.SecWebServer},
	"web-ports":           {camera.SecWebServer},
	"recording-key":       {camera.SecStorage},
	"mxmessage-key":       {camera.SecMxMessage},
	"error-notification":  {camera.SecErrorNotify},
	"storage-failure":     {camera.SecStorageFailure},
}

// missingSections lists the sections step st needs that the camera's
// configuration does not have.
func missingSections(st Step, s *Snapshot) []string {
	if s == nil || s.Config == nil {
		return nil
	}
	var out []string
	for _, sec := range sectionsOf[st.Info().ID] {
		if !s.Config.HasSection(sec) {
			out = append(out, sec)
		}
	}
	return out
}

// unsupportedByFirmware is the finding for a step whose sections the
// camera's configuration lacks: never a "fail" for a setting the firmware
// does not expose, and what to do instead.
func unsupportedByFirmware(info Info, missing []string) Finding {
	return Finding{Unsupported, fmt.Sprintf(
		"this firmware does not expose %s through the remote configuration (no section %s): set it in the web interface at %s",
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
