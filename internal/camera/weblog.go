package camera

import (
	"strconv"
	"strings"
	"time"
)

// LogEntry is one row of the web server log: a host, an object (URL), the
// answer's status and the user, how often and when last (MOBOTIX's help
// describes one row per host and object with a count).
type LogEntry struct {
	Time    time.Time // the last time
	Address string
	User    string // "" for no user
	Method  string // "" in the table form, which has no method
	Path    string
	Status  int
	Count   int // requests the row stands for (1 in the line form)
}

// ParseWebLog reads the web server log leniently: lines it cannot read are
// skipped (the format on real cameras is provisional, see docs/protocol.md).
// Two forms are read: the table of the camera's help, a header line naming
// "Host Name", then tab-separated rows `<host> <URL> <status> <user|-> <count>
// <date>` (RFC 3339 or "2006-01-02 15:04:05"); and one line per request,
// `<RFC 3339 time> <address> <user|-> <method> <path> <status>`.
func ParseWebLog(data []byte) []LogEntry {
	var out []LogEntry
	table := false
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.Contains(line, "Host Name") {
			table = true
			continue
		}
		if table {
			if e, ok := parseLogRow(line); ok {
				out = append(out, e)
			}
			continue
		}
		if e, ok := parseLogLine(line); ok {
			out = append(out, e)
		}
	}
	return out
}

func parseLogRow(line string) (LogEntry, bool) {
	f := strings.Split(line, "\t")
	if len(f) != 6 {
		return LogEntry{}, false
	}
	for i := range f {
		f[i] = strings.TrimSpace(CleanText(f[i]))
	}
	status, err1 := strconv.Atoi(f[2])
	count, err2 := strconv.Atoi(f[4])
	t, err3 := time.Parse(time.RFC3339, f[5])
	if err3 != nil {
		t, err3 = time.ParseInLocation("2006-01-02 15:04:05", f[5], time.Local)
	}
	if err1 != nil || err2 != nil || err3 != nil || count < 1 {
		return LogEntry{}, false
	}
	user := f[3]
	if user == "-" {
		user = ""
	}
	return LogEntry{Time: t, Address: f[0], User: user, Path: f[1], Status: status, Count: count}, true
}

func parseLogLine(line string) (LogEntry, bool) {
	f := strings.Fields(CleanText(line))
	if len(f) != 6 {
		return LogEntry{}, false
	}
	t, err := time.Parse(time.RFC3339, f[0])
	if err != nil {
		return LogEntry{}, false
	}
	status, err := strconv.Atoi(f[5])
	if err != nil {
		return LogEntry{}, false
	}
	user := f[2]
	if user == "-" {
		user = ""
	}
	return LogEntry{Time: t, Address: f[1], User: user, Method: f[3], Path: f[4], Status: status, Count: 1}, true
}
