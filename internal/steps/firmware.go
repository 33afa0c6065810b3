package steps

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/mxwizard/mxwizard/internal/profile"
)

//go:embed firmware.json
var firmwareFS embed.FS

// FirmwareLine is one model line of the bundled firmware list.
type FirmwareLine struct {
	Name     string   `json:"name"`
	Prefixes []string `json:"model_prefixes"`
	Current  string   `json:"current"`
}

// FirmwareList is the bundled list of current firmware per model line.
type FirmwareList struct {
	AsOf  string         `json:"as_of"`
	Lines []FirmwareLine `json:"lines"`
}

// BundledFirmware is the firmware list shipped in the binary, read once.
func BundledFirmware() FirmwareList { return bundledFirmware() }

var bundledFirmware = sync.OnceValue(func() FirmwareList {
	data, err := firmwareFS.ReadFile("firmware.json")
	if err != nil {
		panic(err) // embedded at build time
	}
	var l FirmwareList
	if err := json.Unmarshal(data, &l); err != nil {
		panic(fmt.Sprintf("bundled firmware.json: %v", err))
	}
	return l
})

// CompareFirmware compares two versions like MX-V7.3.5.35 part by part.
// ok is false when either is not such a version.
func CompareFirmware(a, b string) (cmp int, ok bool) {
	pa, oka := parseFirmware(a)
	pb, okb := parseFirmware(b)
	if !oka || !okb {
		return 0, false
	}
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			if x < y {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

var firmwareRE = regexp.MustCompile(`^MX-V(\d+(?:\.\d+)*)`)

func parseFirmware(v string) ([]int, bool) {
	m := firmwareRE.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return nil, false
	}
	var out []int
	for _, p := range strings.Split(m[1], ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// firmware is step 1.
type firmware struct{}

func (firmware) Info() Info {
	return Info{
		1, "firmware", "Keep the firmware of the cameras up-to-date",
		"www.mobotix.com > Support > Download Center",
		"Old firmware carries publicly known vulnerabilities; updates are free.",
	}
}

func (firmware) Check(s *Snapshot) Finding {
	fw, model := s.Identity.Firmware, s.Identity.Model
	list := BundledFirmware()
	for _, line := range list.Lines {
		for _, p := range line.Prefixes {
			if !strings.HasPrefix(model, p) {
				continue
			}
			cmp, ok := CompareFirmware(fw, line.Current)
			switch {
			case !ok:
				return manual("cannot read the firmware version %q; compare it with %s by hand", fw, line.Current)
			case cmp < 0:
				return fail("%s runs %s; %s is current for %s (list of %s): update it (Download Center, Mx_CG_FirmwareUpdate.pdf)", model, fw, line.Current, line.Name, list.AsOf)
			default:
				return pass("%s runs %s, current for %s (list of %s)", model, fw, line.Name, list.AsOf)
			}
		}
	}
	return manual("model %q is not in the bundled firmware list (%s): check the Download Center for %s", model, list.AsOf, fw)
}

func (f firmware) Plan(s *Snapshot, _ *profile.Profile, _ *Secrets) (*Plan, error) {
	p := &Plan{Step: f.Info()}
	if f.Check(s).Status == Fail {
		p.Notes = append(p.Notes, "mxwizard does not update firmware: update it with the camera's web interface (Admin Menu > Update System Software), then run mxwizard again")
	}
	return p, nil
}
