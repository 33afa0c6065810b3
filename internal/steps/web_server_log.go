package steps

import (
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// LogSummary condenses the web server log for step 21.
type LogSummary struct {
	Requests       int            `json:"requests"`
	FailedByAddr   map[string]int `json:"failed_logins_by_address"`
	UnknownClients []string       `json:"unknown_clients"`
}

// IsFailedLogin tells a rejected login (credentials sent and refused) from
// the 401 challenge every client gets before it sends credentials: only the
// first names a user.
func IsFailedLogin(e camera.LogEntry) bool { return e.Status == 401 && e.User != "" }

// SummarizeLog counts failed logins per address and lists clients that the
// camera's IP rules do not name (the installer's own address excepted).
func SummarizeLog(entries []camera.LogEntry, rules []IPRule, installer net.IP) LogSummary {
	sum := LogSummary{FailedByAddr: map[string]int{}}
	seen := map[string]bool{}
	for _, e := range entries {
		n := max(e.Count, 1)
		sum.Requests += n
		if IsFailedLogin(e) {
			sum.FailedByAddr[e.Address] += n
		}
		ip := net.ParseIP(e.Address)
		if ip == nil || seen[e.Address] || (installer != nil && ip.Equal(installer)) {
			continue
		}
		seen[e.Address] = true
		named := false
		for _, r := range rules {
			if (r.Action == camera.ActionAllow || r.Action == camera.ActionTempAllow) && r.Matches(ip) {
				named = true
			}
		}
		if !named {
			sum.UnknownClients = append(sum.UnknownClients, e.Address)
		}
	}
	sort.Strings(sum.UnknownClients)
	return sum
}

// webServerLog is step 21.
type webServerLog struct{}

func (webServerLog) Info() Info {
	return Info{
		21, "web-server-log", "Check the Web Server log file on a regular basis",
		"Admin Menu > Security > Web Server Logfile",
		"Failed logins from unknown addresses are the first sign of an attack.",
	}
}

func (w webServerLog) Check(s *Snapshot) Finding {
	if s.LogSinceReboot {
		// The camera deletes its log at every reboot: a log read right
		// after one says nothing about attacks yet.
		return manual("the camera deleted its log at the reboot a moment ago, so it says nothing about attacks yet: review it in a few days at %s", w.Info().MenuPath)
	}
	if s.WebLog == nil {
		return manual("the log was not read")
	}
	var rules []IPRule
	for _, txt := range splitList(s.Value(camera.SecIPAccess, camera.KeyIPRules)) {
		if r, err := ParseIPRule(txt); err == nil {
			rules = append(rules, r)
		}
	}
	sum := SummarizeLog(s.WebLog, rules, s.InstallerIP)
	var suspicious []string
	for addr, n := range sum.FailedByAddr {
		if s.InstallerIP != nil && net.ParseIP(addr).Equal(s.InstallerIP) {
			continue
		}
		suspicious = append(suspicious, fmt.Sprintf("%s: %d", addr, n))
	}
	sort.Strings(suspicious)
	detail := fmt.Sprintf("%d requests reviewed", sum.Requests)
	if len(sum.UnknownClients) > 0 {
		detail += "; clients not named by the IP rules: " + strings.Join(sum.UnknownClients, ", ")
	}
	if len(suspicious) > 0 {
		return fail("%s; failed logins from other addresses: %s", detail, strings.Join(suspicious, ", "))
	}
	return pass("%s; no failed logins from other addresses", detail)
}

func (w webServerLog) Plan(*Snapshot, *profile.Profile, *Secrets) (*Plan, error) {
	return &Plan{Step: w.Info(), Notes: []string{"review the log regularly (Admin Menu > Security > Web Server Logfile) or run mxwizard audit"}}, nil
}
