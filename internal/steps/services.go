package steps

import (
	"fmt"
	"net"
	"sort"
	"strconv"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// recordingKey is step 12.
type recordingKey struct{}

func (recordingKey) Info() Info {
	return Info{
		12, "recording-key", "Set an encryption key for recordings",
		"Admin Menu > Storage > Storage on External File Server / Flash Device",
		"A stolen SD card or a copied file-server share must not give away the recordings.",
	}
}

func (recordingKey) Check(s *Snapshot) Finding {
	if s.Value(camera.SecStorage, camera.KeyEncryptKey) == "" {
		return fail("recordings are stored unencrypted (no key set)")
	}
	return pass("recordings are encrypted (a key is set)")
}

func (r recordingKey) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: r.Info()}
	if s.Value(camera.SecStorage, camera.KeyEncryptKey) != "" {
		return pl, nil
	}
	key, err := gen.Resolve(RecordingKey, p.RecordingKey)
	if err != nil {
		return nil, err
	}
	pl.Params = append(pl.Params, camera.Param{Section: camera.SecStorage, Key: camera.KeyEncryptKey, Secret: key})
	pl.Secrets = map[SecretName]secret.Secret{RecordingKey: key}
	pl.NeedsReboot = true
	pl.Notes = append(pl.Notes, "without this key the recordings cannot be played back elsewhere: it goes into the encrypted secrets file")
	return pl, nil
}

// mxMessageKey is step 13.
type mxMessageKey struct{}

func (mxMessageKey) Info() Info {
	return Info{
		13, "mxmessage-key", "Change default password for MxMessage (only necessary if utilized)",
		"Admin Menu > MxMessageSystem > Network Distribution of Messages",
		"Messages between cameras trigger actions; with the factory key anybody on the network can send them.",
	}
}

func (mxMessageKey) Check(s *Snapshot) Finding {
	if s.Value(camera.SecMxMessage, camera.KeyMxEnable) != "1" {
		return pass("network distribution of messages is off")
	}
	if s.Value(camera.SecMxMessage, camera.KeyMxKey) == "" {
		return fail("network distribution is on with the factory key")
	}
	return pass("network distribution is on with an own key")
}

func (m mxMessageKey) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: m.Info()}
	on := s.Value(camera.SecMxMessage, camera.KeyMxEnable) == "1"
	if !p.MxMessage.Used {
		if on {
			pl.Params = append(pl.Params, param(camera.SecMxMessage, camera.KeyMxEnable, "0"))
			pl.Notes = append(pl.Notes, "the profile says MxMessageSystem is not used: network distribution is switched off")
		}
		return pl, nil
	}
	if s.Value(camera.SecMxMessage, camera.KeyMxKey) == "" {
		key, err := gen.Resolve(MxMessageKey, p.MxMessage.Key)
		if err != nil {
			return nil, err
		}
		if key.Len() < 6 {
			return nil, fmt.Errorf("mxmessage.key: the camera needs at least 6 characters")
		}
		pl.Params = append(pl.Params, camera.Param{Section: camera.SecMxMessage, Key: camera.KeyMxKey, Secret: key})
		pl.Secrets = map[SecretName]secret.Secret{MxMessageKey: key}
		pl.Notes = append(pl.Notes, "every camera that exchanges messages with this one needs the same key")
	}
	if !on {
		pl.Params = append(pl.Params, param(camera.SecMxMessage, camera.KeyMxEnable, "1"))
	}
	return pl, nil
}

// errorNotification is step 14.
type errorNotification struct{}

func (errorNotification) Info() Info {
	return Info{
		14, "error-notification", "Enable Error Notification",
		"Admin Menu > System Information > Error Notification",
		"A camera that reboots or fails silently is a blind spot; somebody must be told.",
	}
}

func (errorNotification) Check(s *Snapshot) Finding {
	if s.Value(camera.SecErrorNotify, camera.KeyENEnable) != "1" || s.Value(camera.SecErrorNotify, camera.KeyENMethods) == "" {
		return fail("errors and reboots are not reported")
	}
	return pass("errors are reported by %s", s.Value(camera.SecErrorNotify, camera.KeyENMethods))
}

func (e errorNotification) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: e.Info()}
	en := p.ErrorNotify
	if len(en.Methods) == 0 {
		return nil, fmt.Errorf("error_notification.methods: name at least one (email, ipnotify, phone, ftp, leds, audio, liveimage)")
	}
	if en.DeadTime < 1 || en.DeadTime > 999 {
		return nil, fmt.Errorf("error_notification.dead_time_minutes: %d is not from 1 to 999", en.DeadTime)
	}
	after := "0"
	if en.AfterReboot {
		after = "1"
	}
	pl.setDiffering(s, camera.SecErrorNotify, setting{camera.KeyENMethods, joinSorted(en.Methods)},
		setting{camera.KeyENDeadTime, strconv.Itoa(en.DeadTime)}, setting{camera.KeyENAfterBoot, after}, setting{camera.KeyENEnable, "1"})
	return pl, nil
}

// storageFailure is step 15.
type storageFailure struct{}

func (storageFailure) Info() Info {
	return Info{
		15, "storage-failure", "Enable Storage Failure Detection",
		"Admin Menu > Storage > Storage Failure Detection",
		"Recordings that silently stop are discovered only when they are needed.",
	}
}

func (storageFailure) Check(s *Snapshot) Finding {
	if s.Value(camera.SecStorageFailure, camera.KeySFEnable) != "1" {
		return fail("the recording target is not monitored")
	}
	return pass("monitored: %s", s.Value(camera.SecStorageFailure, camera.KeySFTests))
}

func (f storageFailure) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: f.Info()}
	sf := p.StorageFailure
	for _, t := range sf.Tests {
		if t != "ping" && t != "transfer" && t != "lostevents" {
			return nil, fmt.Errorf("storage_failure.tests: %q is not ping, transfer or lostevents", t)
		}
	}
	if len(sf.Tests) == 0 {
		return nil, fmt.Errorf("storage_failure.tests: choose at least one of ping, transfer, lostevents")
	}
	if sf.Sensitivity != "high" && sf.Sensitivity != "low" {
		return nil, fmt.Errorf("storage_failure.sensitivity: %q is not high or low", sf.Sensitivity)
	}
	enabled := s.Value(camera.SecStorageFailure, camera.KeySFEnable) == "1"
	pl.setDiffering(s, camera.SecStorageFailure, setting{camera.KeySFTests, joinSorted(sf.Tests)},
		setting{camera.KeySFSensitivity, sf.Sensitivity}, setting{camera.KeySFNotify, joinSorted(sf.Notify)}, setting{camera.KeySFEnable, "1"})
	if !enabled {
		pl.NeedsReboot = true
		pl.Notes = append(pl.Notes, "first enabling needs a reboot")
	}
	return pl, nil
}

// openVPN is step 17.
type openVPN struct{}

func (openVPN) Info() Info {
	return Info{
		17, "openvpn", "Configure OpenVPN client for remote connections",
		"Admin Menu > Network Setup > OpenVPN Client Settings",
		"Remote access belongs in an encrypted tunnel to a server you control, not on an open port.",
	}
}

func (openVPN) Check(s *Snapshot) Finding {
	if s.Value(camera.SecOpenVPN, camera.KeyVPNEnable) == "1" && s.Value(camera.SecOpenVPN, camera.KeyVPNServer) != "" {
		return pass("the OpenVPN client connects to %s", s.Value(camera.SecOpenVPN, camera.KeyVPNServer))
	}
	return manual("OpenVPN is off: needed only when the camera must be reached remotely")
}

func (o openVPN) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: o.Info()}
	if !p.OpenVPN.Needed {
		pl.Answer = answer(p, "openvpn", "remote access is not needed")
		return pl, nil
	}
	if p.OpenVPN.Server == "" {
		return nil, fmt.Errorf("openvpn.server: name the OpenVPN server (host name or address)")
	}
	port := p.OpenVPN.Port
	if port == 0 {
		port = 1194
	}
	proto := p.OpenVPN.Proto
	if proto == "" {
		proto = "udp"
	}
	pl.setDiffering(s, camera.SecOpenVPN, setting{camera.KeyVPNServer, p.OpenVPN.Server},
		setting{camera.KeyVPNPort, strconv.Itoa(port)}, setting{camera.KeyVPNProto, proto}, setting{camera.KeyVPNEnable, "1"})
	pl.Notes = append(pl.Notes, "the client certificate and keys for the tunnel are loaded in the web dialog (OpenVPN Client Settings): mxwizard does not handle them")
	return pl, nil
}

func answer(p *profile.Profile, id, fallback string) string {
	if a := strings.TrimSpace(p.Manual[id]); a != "" {
		return a
	}
	return fallback
}

// manualStep is a step that lives outside the camera: the installer is
// guided and the answer recorded.
type manualStep struct{ info Info }

func (m manualStep) Info() Info { return m.info }

func (m manualStep) Check(*Snapshot) Finding {
	return manual("outside the camera: confirm and record it")
}

func (m manualStep) Plan(_ *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	return &Plan{Step: m.info, Answer: answer(p, m.info.ID, "")}, nil
}

type (
	internetExposure struct{ manualStep }
	vlan             struct{ manualStep }
)

func (internetExposure) Info() Info {
	return Info{
		18, "internet-exposure", "Avoid to expose the camera to the Internet unless strictly necessary",
		"your router or firewall: port forwarding and NAT rules",
		"A camera reachable from the Internet is found by scanners within hours; keep it behind the firewall or the VPN.",
	}
}

func (i internetExposure) Plan(s *Snapshot, p *profile.Profile, g *Secrets) (*Plan, error) {
	return manualStep{i.Info()}.Plan(s, p, g)
}

func (vlan) Info() Info {
	return Info{
		19, "vlan", "Make use of VLANs to separate the CCTV network (enterprise security level)",
		"your network switches: VLAN configuration",
		"Cameras, recorders and VMS workstations on their own VLAN keep office malware and curious users away from them.",
	}
}

func (v vlan) Plan(s *Snapshot, p *profile.Profile, g *Secrets) (*Plan, error) {
	return manualStep{v.Info()}.Plan(s, p, g)
}

// dot1x is step 20.
type dot1x struct{}

func (dot1x) Info() Info {
	return Info{
		20, "ieee8021x", "Enable IEEE 802.1X (enterprise security level)",
		"Admin Menu > Network Setup > Ethernet Interface (for experts) > IEEE 802.1X",
		"With port-based access control a device plugged into the camera's socket gets no network.",
	}
}

func (dot1x) Check(s *Snapshot) Finding {
	if s.Value(camera.SecEthernet, camera.KeyDot1XEnable) == "1" {
		return pass("802.1X is on (%s)", s.Value(camera.SecEthernet, camera.KeyDot1XEAP))
	}
	return manual("802.1X is off: it needs a switch and a RADIUS server that support it; ask the network administrator")
}

func (d dot1x) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: d.Info()}
	if !p.Dot1X.Enabled {
		pl.Answer = answer(p, "ieee8021x", "the network does not use 802.1X")
		return pl, nil
	}
	switch p.Dot1X.EAP {
	case "PEAP", "TTLS", "TLS", "MD5":
	default:
		return nil, fmt.Errorf("ieee8021x.eap: %q is not PEAP, TTLS, TLS or MD5", p.Dot1X.EAP)
	}
	if s.Value(camera.SecEthernet, camera.KeyDot1XEnable) == "1" {
		return pl, nil
	}
	pw, err := gen.Resolve(Dot1xPassword, p.Dot1X.Password)
	if err != nil {
		return nil, err
	}
	pl.Params = append(pl.Params, param(camera.SecEthernet, camera.KeyDot1XEAP, p.Dot1X.EAP),
		param(camera.SecEthernet, camera.KeyDot1XIdent, p.Dot1X.Identity),
		camera.Param{Section: camera.SecEthernet, Key: camera.KeyDot1XPass, Secret: pw},
		param(camera.SecEthernet, camera.KeyDot1XEnable, "1"))
	pl.Secrets = map[SecretName]secret.Secret{Dot1xPassword: pw}
	pl.NeedsReboot = true
	pl.Notes = append(pl.Notes, "the switch port must be configured for 802.1X before the reboot, or the camera loses its network")
	return pl, nil
}

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
	if s.WebLog == nil {
		return manual("the log was not read")
	}
	if s.LogSinceReboot {
		// The camera deletes its log at every reboot: a log read right
		// after one says nothing about attacks yet.
		return manual("the camera deleted its log at the reboot a moment ago, so it holds only this session's requests and says nothing about attacks yet: review it in a few days at %s", w.Info().MenuPath)
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
