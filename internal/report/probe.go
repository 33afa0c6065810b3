package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Probe is the field report of `mxwizard probe`: what a real camera shows
// of its interfaces, for correcting the provisional names of
// internal/camera/keys.go. It holds names, shapes and status codes; no
// value except those of harmless keys, and never a secret or a hash.
type Probe struct {
	Tool     string    `json:"tool"`
	Taken    time.Time `json:"taken"`
	Address  string    `json:"address"`
	Model    string    `json:"model"`
	Serial   string    `json:"serial"`
	Firmware string    `json:"firmware"`
	// AuthSchemes are the login schemes the camera's challenge offered.
	AuthSchemes []string `json:"auth_schemes"`
	// WrapperShape is the shape of the lines around the configuration in
	// the answer to `view configfile` (letters a, digits 9, punctuation
	// kept): the first four and the last three lines.
	WrapperShape []string `json:"wrapper_shape"`
	// AdminSections is what /admin/control?list answered (status and lines).
	AdminSectionsStatus int      `json:"admin_sections_status"`
	AdminSections       []string `json:"admin_sections,omitempty"`
	// Sections are the configuration's sections with their key names.
	Sections []ProbeSection `json:"sections"`
	// Found and Missing are the names mxwizard uses (keys.go), by whether
	// this camera has them.
	Found   []string `json:"found"`
	Missing []string `json:"missing"`
	// Endpoints are the paths tried and the status each answered (0: no
	// answer), with and without login.
	Endpoints []ProbeEndpoint `json:"endpoints"`
}

// ProbeSection is one configuration section: its keys by name, with the
// value where the key is harmless.
type ProbeSection struct {
	Name string     `json:"name"`
	Keys []ProbeKey `json:"keys"`
	// Entries counts the keys of a section of names (users, groups), whose
	// names are people's and are not listed.
	Entries int `json:"entries,omitempty"`
}

// ProbeKey is a key of a section; Value is "" unless the key is harmless.
type ProbeKey struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
	Shown bool   `json:"shown"`
}

// ProbeEndpoint is one path and what it answered.
type ProbeEndpoint struct {
	Path      string `json:"path"`
	Anonymous int    `json:"anonymous"`
	LoggedIn  int    `json:"logged_in"`
}

// JSON renders the probe.
func (p *Probe) JSON() ([]byte, error) { return json.MarshalIndent(p, "", "  ") }

// Markdown renders the probe for people (and for the issue it is sent with).
func (p *Probe) Markdown() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# mxwizard probe: %s\n\n", mdEscape(p.Address))
	fmt.Fprintf(&b, "Model %s, serial %s, firmware %s; taken %s by %s. Names, shapes and status codes only: no secret, no hash, values only of harmless keys.\n\n",
		mdEscape(p.Model), mdEscape(p.Serial), mdEscape(p.Firmware), p.Taken.Format(time.RFC3339), mdEscape(p.Tool))
	fmt.Fprintf(&b, "## Login\n\nThe challenge offers: %s\n\n", mdEscape(strings.Join(p.AuthSchemes, ", ")))
	b.WriteString("## `view configfile`: the lines around the file (shape)\n\n```text\n")
	for _, l := range p.WrapperShape {
		b.WriteString(l + "\n")
	}
	b.WriteString("```\n\n")
	fmt.Fprintf(&b, "## `/admin/control?list` (HTTP %d)\n\n", p.AdminSectionsStatus)
	for _, l := range p.AdminSections {
		fmt.Fprintf(&b, "- %s\n", mdEscape(l))
	}
	b.WriteString("\n## Names mxwizard uses\n\n")
	fmt.Fprintf(&b, "Found (%d): %s\n\nMissing (%d): %s\n\n", len(p.Found), mdEscape(strings.Join(p.Found, ", ")), len(p.Missing), mdEscape(strings.Join(p.Missing, ", ")))
	b.WriteString("## Sections and keys\n\n")
	for _, s := range p.Sections {
		if s.Entries > 0 {
			fmt.Fprintf(&b, "- **%s**: %d entries (names not shown)\n", mdEscape(s.Name), s.Entries)
			continue
		}
		var keys []string
		for _, k := range s.Keys {
			if k.Shown {
				keys = append(keys, mdEscape(k.Name)+"="+mdEscape(k.Value))
			} else {
				keys = append(keys, mdEscape(k.Name))
			}
		}
		fmt.Fprintf(&b, "- **%s**: %s\n", mdEscape(s.Name), strings.Join(keys, ", "))
	}
	b.WriteString("\n## Endpoints\n\n| path | without login | logged in |\n|---|---|---|\n")
	for _, e := range p.Endpoints {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", mdEscape(e.Path), e.Anonymous, e.LoggedIn)
	}
	return []byte(b.String())
}
