package camera

import (
	"strconv"
	"strings"
	"time"
)

// LogEntry is one line of the camera's web server log.
type LogEntry struct {
	Time    time.Time
	Address string
	User    string // "" for no user
	Method  string
	Path    string
	Status  int
}

// ParseWebLog reads the web server log leniently: lines it cannot read are
// skipped (the format on real cameras is provisional, see docs/protocol.md).
// A line is `<RFC 3339 time> <address> <user|-> <method> <path> <status>`.
func ParseWebLog(data []byte) []LogEntry {
	var out []LogEntry
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(CleanText(line))
		if len(f) != 6 {
			continue
		}
		t, err := time.Parse(time.RFC3339, f[0])
		if err != nil {
			continue
		}
		status, err := strconv.Atoi(f[5])
		if err != nil {
			continue
		}
		user := f[2]
		if user == "-" {
			user = ""
		}
		out = append(out, LogEntry{Time: t, Address: f[1], User: user, Method: f[3], Path: f[4], Status: status})
	}
	return out
}
