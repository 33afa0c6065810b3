package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// siteCamera is one camera of a site as the hosts list names it: where it
// answers now and, optionally, the name it is to get.
type siteCamera struct {
	Address string
	Name    string
	Where   string // where it was listed: "line 3", "camera 2 of the list", "" for an argument
}

// cameraName is what a MOBOTIX camera takes as its name (ethernet/HOSTNAME):
// a host name label.
var cameraName = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$`)

// maxHostsList bounds a hosts list read into memory (a site of many
// thousand cameras is a few hundred kilobytes).
const maxHostsList = 8 << 20

// readSite joins the arguments and a hosts list: a file, or "-" for
// standard input. A list is either lines `ADDRESS [NAME]` (# comments) or
// the JSON mxwizard discover writes. Every address is checked; unless
// twiceOK (a read-only audit), an address given twice is refused before any
// camera is contacted.
func readSite(args []string, hostsFile string, stdin io.Reader, twiceOK bool) ([]siteCamera, error) {
	var cams []siteCamera
	for _, a := range args {
		cams = append(cams, siteCamera{Address: a})
	}
	if hostsFile != "" {
		var data []byte
		var err error
		if hostsFile == "-" {
			data, err = io.ReadAll(io.LimitReader(stdin, maxHostsList+1))
		} else {
			data, err = readLimited(hostsFile)
		}
		if err != nil {
			return nil, fmt.Errorf("read the hosts list: %w", err)
		}
		if len(data) > maxHostsList {
			return nil, fmt.Errorf("the hosts list is larger than %d MiB: split the site", maxHostsList>>20)
		}
		listed, err := parseHostsList(data)
		if err != nil {
			return nil, fmt.Errorf("hosts list %s: %w", hostsFile, err)
		}
		cams = append(cams, listed...)
	}
	if len(cams) == 0 {
		return nil, errors.New("no camera address: give addresses as arguments, use --hosts FILE, or --hosts - with mxwizard discover --format json piped in")
	}
	seen := map[string]siteCamera{}
	for _, c := range cams {
		u, err := camera.ParseAddress(c.Address)
		if err != nil {
			return nil, atLine(c, err)
		}
		key := strings.ToLower(u.Hostname()) + ":" + fmt.Sprint(camera.PortOf(u))
		if first, ok := seen[key]; ok && !twiceOK {
			return nil, atLine(c, fmt.Errorf("%s is listed twice (also %s): a camera must be hardened by one run; remove one of them", c.Address, where(first)))
		}
		seen[key] = c
	}
	return cams, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxHostsList+1))
}

func atLine(c siteCamera, err error) error {
	if c.Where != "" {
		return fmt.Errorf("%s: %w", c.Where, err)
	}
	return err
}

func where(c siteCamera) string {
	if c.Where != "" {
		return c.Where
	}
	return "as an argument"
}

// parseHostsList reads the lines or the discover JSON of a hosts list.
func parseHostsList(data []byte) ([]siteCamera, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if t := bytes.TrimSpace(data); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return parseDiscoverJSON(t)
	}
	var out []siteCamera
	for i, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		fields := strings.Fields(line)
		switch len(fields) {
		case 0:
			continue
		case 1, 2:
		default:
			return nil, fmt.Errorf("line %d: %d words; a line is ADDRESS [NAME]", i+1, len(fields))
		}
		c := siteCamera{Address: fields[0], Where: fmt.Sprintf("line %d", i+1)}
		if len(fields) == 2 {
			c.Name = fields[1]
			if !cameraName.MatchString(c.Name) {
				return nil, fmt.Errorf("line %d: the camera name %q is not a valid name: use letters, digits and inner hyphens, at most 63 characters", i+1, camera.CleanText(c.Name))
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// listedCamera is a camera of a JSON hosts list: of mxwizard discover
// (address), or of the site report apply writes (address_after, where the
// camera answers since the run; address_before when it was not reached).
type listedCamera struct {
	Address       string `json:"address"`
	AddressAfter  string `json:"address_after"`
	AddressBefore string `json:"address_before"`
}

// parseDiscoverJSON takes the cameras of mxwizard discover --format json
// (its object, or a bare list of found cameras), or of a site report
// (site-handover.json: the cameras where they answer after the run, so
// that the site can be audited again).
func parseDiscoverJSON(data []byte) ([]siteCamera, error) {
	var found []listedCamera
	if data[0] == '{' {
		var d struct {
			Cameras []listedCamera `json:"cameras"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, fmt.Errorf("not the JSON of mxwizard discover or of a site report: %v", err)
		}
		found = d.Cameras
	} else if err := json.Unmarshal(data, &found); err != nil {
		return nil, fmt.Errorf("not the JSON of mxwizard discover or of a site report: %v", err)
	}
	var out []siteCamera
	for i, f := range found {
		addr := cmp.Or(f.Address, f.AddressAfter, f.AddressBefore)
		if addr == "" {
			return nil, fmt.Errorf("camera %d of the list has no address", i+1)
		}
		out = append(out, siteCamera{Address: addr, Where: fmt.Sprintf("camera %d of the list", i+1)})
	}
	return out, nil
}
