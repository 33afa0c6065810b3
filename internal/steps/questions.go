package steps

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// QuestionKind says how the wizard asks a question.
type QuestionKind string

// The kinds of question.
const (
	AskConfirm     QuestionKind = "confirm"     // yes or no; Value is "yes" or "no"
	AskSelect      QuestionKind = "select"      // one of Options
	AskMultiSelect QuestionKind = "multiselect" // some of Options, comma-separated
	AskText        QuestionKind = "text"        // free text (one line; lists comma-separated)
	AskSecret      QuestionKind = "secret"      // a new password or key: typed (with strength meter) or generated
)

// Question is something the installer answers for a step. Steps describe
// their questions as data; the wizard renders them, and Set writes the
// answer into the profile. An AskSecret answer is passed, under SecretName, to
// Engine.PlanTentative and joins the run when the plan is applied.
type Question struct {
	ID      string
	Prompt  string
	Help    string
	Kind    QuestionKind
	Options []string
	// Default is the current answer as text (from the profile).
	Default string
	// Strong marks a confirm that needs typing the camera's serial number.
	Strong bool
	// SecretName is the secrets-file name an AskSecret answer is stored under.
	SecretName SecretName
	// Set validates and stores an answer (not for AskSecret).
	Set func(p *profile.Profile, value string) error
	// When, if set, hides the question unless it returns true for the
	// profile as answered so far (e.g. a server name only when OpenVPN is needed).
	When func(p *profile.Profile) bool
}

func yes(v string) bool { return v == "yes" || v == "true" || v == "y" }

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func list(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Questions returns what the installer is asked for a step, given what the
// check found. Steps without questions return nil.
func Questions(stepID string, s *Snapshot, p *profile.Profile) []Question {
	switch stepID {
	case "firmware":
		return nil
	case "factory-reset":
		if s != nil && s.FactoryPassword {
			return nil
		}
		return []Question{{
			ID: "factory_reset", Kind: AskConfirm, Strong: true, Default: yesNo(p.FactoryReset),
			Prompt: "Reset this camera to factory defaults?",
			Help:   "Everything is lost (users, passwords, recording and event settings) except the network settings, kept so that the camera stays at this address. Only for cameras of unknown history.",
			Set:    func(p *profile.Profile, v string) error { p.FactoryReset = yes(v); return nil },
		}}
	case "admin-password":
		if s != nil && !s.FactoryPassword {
			return nil
		}
		return []Question{{
			ID: "admin_password", Kind: AskSecret, SecretName: AdminPassword,
			Prompt: "New password for admin",
			Help:   "8-99 characters, upper and lower case, a digit and a special character; not a common word. Keep it safe: a lost admin password means sending the camera to MOBOTIX.",
		}}
	case "user-groups":
		var cur []string
		for _, g := range p.Groups {
			cur = append(cur, g.Name+"="+strings.Join(g.Rights, "+"))
		}
		return []Question{{
			ID: "groups", Kind: AskText, Default: strings.Join(cur, ", "),
			Prompt: "Groups to create (name=right+right, comma-separated)",
			Help:   "Rights: " + strings.Join(camera.AllRights, ", ") + ". Example: operators=live+player+events, viewers=live",
			Set: func(p *profile.Profile, v string) error {
				var gs []profile.Group
				for _, item := range list(v) {
					name, rights, ok := strings.Cut(item, "=")
					if !ok {
						return fmt.Errorf("%q: write name=right+right", item)
					}
					name = strings.TrimSpace(name)
					if !validName.MatchString(name) {
						return fmt.Errorf("group name %q: 3 to 16 of A-Z a-z 0-9 . - _", name)
					}
					g := profile.Group{Name: name}
					for _, r := range strings.Split(rights, "+") {
						if r = strings.TrimSpace(r); r != "" {
							if !knownRight(r) {
								return fmt.Errorf("unknown right %q", r)
							}
							g.Rights = append(g.Rights, r)
						}
					}
					gs = append(gs, g)
				}
				p.Groups = gs
				return nil
			},
		}}
	case "personal-users":
		var cur []string
		for _, u := range p.Users {
			cur = append(cur, u.Name+"="+u.Group)
		}
		return []Question{{
			ID: "users", Kind: AskText, Default: strings.Join(cur, ", "),
			Prompt: "One user per person (name=group, comma-separated)",
			Help:   "Passwords are generated, shown once, and stored in the encrypted secrets file. Example: anna=operators, ben=viewers",
			Set: func(p *profile.Profile, v string) error {
				var us []profile.User
				for _, item := range list(v) {
					name, group, ok := strings.Cut(item, "=")
					name, group = strings.TrimSpace(name), strings.TrimSpace(group)
					if !ok || group == "" {
						return fmt.Errorf("%q: write name=group", item)
					}
					if !validName.MatchString(name) {
						return fmt.Errorf("user name %q: 3 to 16 of A-Z a-z 0-9 . - _", name)
					}
					us = append(us, profile.User{Name: name, Group: group, Password: "generate"})
				}
				p.Users = us
				return nil
			},
		}}
	case "public-access":
		opts := []string{camera.RightLive, camera.RightPlayer, camera.RightMultiView, camera.RightGuest, camera.RightEvents, camera.RightInfo, camera.RightImage}
		return []Question{{
			ID: "public_access", Kind: AskMultiSelect, Options: opts, Default: strings.Join(p.PublicAccess, ","),
			Prompt: "What may stay public without login? (the guide: nothing)",
			Set:    func(p *profile.Profile, v string) error { p.PublicAccess = list(v); return nil },
		}}
	case "ip-access":
		inst, def := "", strings.Join(p.IPAccess.Rules, ", ")
		if s != nil && s.SeenAs != nil {
			inst = " This computer (" + s.SeenAs.String() + ") is added automatically when the rules would lock it out."
			if def == "" {
				// A starting point the installer sees and edits: this
				// computer's local network, where recorder and VMS usually are.
				if v4 := s.SeenAs.To4(); v4 != nil {
					def = "allow " + v4.Mask(net.CIDRMask(24, 32)).String() + "/255.255.255.0"
				}
			}
		}
		return []Question{
			{
				ID: "ip_rules", Kind: AskText, Default: def,
				Prompt: "Allowed addresses (e.g. allow 192.168.1.0/255.255.255.0, allow 10.0.0.5)",
				Help:   "Recorder, VMS and workstations. Actions: allow, tempallow, deny, tempdeny." + inst,
				Set: func(p *profile.Profile, v string) error {
					rules := list(v)
					for _, r := range rules {
						if _, err := ParseIPRule(r); err != nil {
							return err
						}
					}
					p.IPAccess.Rules = rules
					return nil
				},
			},
			{
				ID: "ip_nomatch", Kind: AskSelect, Options: []string{"deny", "allow"}, Default: p.IPAccess.NoMatch,
				Prompt: "Everybody else:", Set: func(p *profile.Profile, v string) error { p.IPAccess.NoMatch = v; return nil },
			},
		}
	case "intrusion-detection":
		return []Question{
			{
				ID: "intr_threshold", Kind: AskText, Default: strconv.Itoa(p.Intrusion.Threshold),
				Prompt: "Block an address after how many failed logins? (3-100)",
				Set: func(p *profile.Profile, v string) error {
					n, err := strconv.Atoi(strings.TrimSpace(v))
					if err != nil || n < 3 || n > 100 {
						return fmt.Errorf("give a number from 3 to 100")
					}
					p.Intrusion.Threshold = n
					return nil
				},
			},
			{
				ID: "intr_lockout", Kind: AskText, Default: ShortDuration(p.Intrusion.Lockout),
				Prompt: "Block for how long? (e.g. 10m)",
				Set: func(p *profile.Profile, v string) error {
					d, err := time.ParseDuration(strings.TrimSpace(v))
					if err != nil || d < time.Second {
						return fmt.Errorf("give a duration such as 10m or 1h")
					}
					p.Intrusion.Lockout = d
					return nil
				},
			},
			{
				ID: "intr_notify", Kind: AskMultiSelect, Options: []string{"email", "ipnotify", "phone"}, Default: strings.Join(p.Intrusion.Notify, ","),
				Prompt: "Notify by", Help: NotifyHelp,
				Set: func(p *profile.Profile, v string) error {
					if len(list(v)) == 0 {
						return fmt.Errorf("choose at least one")
					}
					p.Intrusion.Notify = list(v)
					return nil
				},
			},
		}
	case "web-crawling":
		return []Question{{
			ID: "robots", Kind: AskSelect, Options: []string{"forbid", "allow"}, Default: p.WebCrawling,
			Prompt: "Web crawling:", Set: func(p *profile.Profile, v string) error { p.WebCrawling = v; return nil },
		}}
	case "digest-auth":
		return []Question{{
			ID: "auth", Kind: AskSelect, Options: []string{"digest", "basic"}, Default: p.Authentication,
			Prompt: "Authentication:", Set: func(p *profile.Profile, v string) error { p.Authentication = v; return nil },
		}}
	case "web-ports":
		return []Question{
			{
				ID: "https_port", Kind: AskText, Default: strconv.Itoa(p.WebServer.HTTPSPort),
				Prompt: "HTTPS port (1-65535, not 443)",
				Set: func(p *profile.Profile, v string) error {
					n, err := strconv.Atoi(strings.TrimSpace(v))
					switch {
					case err != nil || n < 1 || n > 65535:
						return fmt.Errorf("give a port from 1 to 65535")
					case n == 443:
						return fmt.Errorf("443 is the port scanners try first: choose another one, e.g. 8443")
					}
					p.WebServer.HTTPSPort = n
					return nil
				},
			},
			{
				ID: "http_on", Kind: AskConfirm, Default: yesNo(p.WebServer.HTTP),
				Prompt: "Keep plain HTTP on?", Help: "Recommended: no. mxwizard switches HTTP off only when this connection already uses HTTPS.",
				Set: func(p *profile.Profile, v string) error { p.WebServer.HTTP = yes(v); return nil },
			},
			{
				ID: "http_port", Kind: AskText, Default: strconv.Itoa(p.WebServer.HTTPPort),
				Prompt: "HTTP port (1-65535, not 80, not the HTTPS port)", When: func(p *profile.Profile) bool { return p.WebServer.HTTP },
				Set: func(p *profile.Profile, v string) error {
					n, err := strconv.Atoi(strings.TrimSpace(v))
					switch {
					case err != nil || n < 1 || n > 65535:
						return fmt.Errorf("give a port from 1 to 65535")
					case n == 80:
						return fmt.Errorf("80 is the port scanners try first: choose another one, e.g. 8080")
					case n == p.WebServer.HTTPSPort:
						return fmt.Errorf("%d is the HTTPS port already: HTTP needs another one, e.g. 8080", n)
					}
					p.WebServer.HTTPPort = n
					return nil
				},
			},
		}
	case "recording-key":
		return []Question{{
			ID: "recording_key", Kind: AskSecret, SecretName: RecordingKey,
			Prompt: "Encryption key for recordings",
			Help:   "Without it recordings cannot be played elsewhere: it goes into the encrypted secrets file.",
		}}
	case "mxmessage-key":
		return []Question{
			{
				ID: "mx_used", Kind: AskConfirm, Default: yesNo(p.MxMessage.Used),
				Prompt: "Do cameras exchange MxMessages over the network?", Help: "If not, network distribution is switched off.",
				Set: func(p *profile.Profile, v string) error { p.MxMessage.Used = yes(v); return nil },
			},
			{
				ID: "mxmessage_key", Kind: AskSecret, SecretName: MxMessageKey, Prompt: "MxMessageSystem key (at least 6 characters)",
				When: func(p *profile.Profile) bool { return p.MxMessage.Used },
			},
		}
	case "error-notification":
		return []Question{{
			ID: "en_methods", Kind: AskMultiSelect, Options: []string{"email", "ipnotify", "phone", "ftp", "leds", "audio", "liveimage"}, Default: strings.Join(p.ErrorNotify.Methods, ","),
			Prompt: "Report errors and reboots by", Help: NotifyHelp,
			Set: func(p *profile.Profile, v string) error {
				if len(list(v)) == 0 {
					return fmt.Errorf("choose at least one")
				}
				p.ErrorNotify.Methods = list(v)
				return nil
			},
		}}
	case "storage-failure":
		return []Question{{
			ID: "sf_tests", Kind: AskMultiSelect, Options: []string{"ping", "transfer", "lostevents"}, Default: strings.Join(p.StorageFailure.Tests, ","),
			Prompt: "Tests of the recording target",
			Set: func(p *profile.Profile, v string) error {
				if len(list(v)) == 0 {
					return fmt.Errorf("choose at least one")
				}
				p.StorageFailure.Tests = list(v)
				return nil
			},
		}, {
			ID: "sf_notify", Kind: AskMultiSelect, Options: []string{"email", "ipnotify", "phone", "leds", "audio"}, Default: strings.Join(p.StorageFailure.Notify, ","),
			Prompt: "Report a failing recording target by", Help: NotifyHelp,
			Set: func(p *profile.Profile, v string) error {
				if len(list(v)) == 0 {
					return fmt.Errorf("choose at least one")
				}
				p.StorageFailure.Notify = list(v)
				return nil
			},
		}}
	case "certificate":
		mode := p.Certificate.Mode
		if s != nil && (certificate{}).Check(s).Status == Pass {
			mode = "keep" // the camera already has its own certificate
		}
		return []Question{
			{
				ID: "cert_mode", Kind: AskSelect, Options: []string{"self-signed", "import", "keep"}, Default: mode,
				Prompt: "Certificate:", Help: "self-signed: generated here and pinned; import: your CA's certificate and key; keep: leave it.",
				Set: func(p *profile.Profile, v string) error { p.Certificate.Mode = v; return nil },
			},
			{
				ID: "cert_key", Kind: AskSelect, Options: []string{"rsa2048", "rsa4096", "ecdsa-p256"}, Default: p.Certificate.KeyType,
				Prompt: "Key type:", When: func(p *profile.Profile) bool { return p.Certificate.Mode == "self-signed" },
				Set: func(p *profile.Profile, v string) error { p.Certificate.KeyType = v; return nil },
			},
			{
				ID: "cert_files", Kind: AskText, Default: strings.TrimPrefix(p.Certificate.CertFile+","+p.Certificate.KeyFile, ","),
				Prompt: "Certificate file, key file (PEM, comma-separated)", When: func(p *profile.Profile) bool { return p.Certificate.Mode == "import" },
				Set: func(p *profile.Profile, v string) error {
					f := list(v)
					if len(f) != 2 {
						return fmt.Errorf("give two paths: certificate, key")
					}
					p.Certificate.CertFile, p.Certificate.KeyFile = f[0], f[1]
					return nil
				},
			},
		}
	case "openvpn":
		return []Question{
			{
				ID: "vpn_needed", Kind: AskConfirm, Default: yesNo(p.OpenVPN.Needed), Prompt: "Must the camera be reached remotely?",
				Set: func(p *profile.Profile, v string) error { p.OpenVPN.Needed = yes(v); return nil },
			},
			{
				ID: "vpn_server", Kind: AskText, Default: p.OpenVPN.Server, Prompt: "OpenVPN server (host or address)",
				When: func(p *profile.Profile) bool { return p.OpenVPN.Needed },
				Set:  func(p *profile.Profile, v string) error { p.OpenVPN.Server = strings.TrimSpace(v); return nil },
			},
		}
	case "internet-exposure", "vlan":
		prompt := map[string]string{
			"internet-exposure": "Is the camera reachable from the Internet? Describe (router, port forwarding, VPN)",
			"vlan":              "Which VLAN is the camera on? Describe the separation",
		}[stepID]
		return []Question{{
			ID: stepID, Kind: AskText, Default: p.Manual[stepID], Prompt: prompt,
			Help: "Recorded in the handover report.",
			Set: func(p *profile.Profile, v string) error {
				if strings.TrimSpace(v) == "" {
					return fmt.Errorf("write a short answer for the report")
				}
				if p.Manual == nil {
					p.Manual = map[string]string{}
				}
				p.Manual[stepID] = strings.TrimSpace(v)
				return nil
			},
		}}
	case "ieee8021x":
		return []Question{
			{
				ID: "dot1x_on", Kind: AskConfirm, Default: yesNo(p.Dot1X.Enabled), Prompt: "Does the switch port use IEEE 802.1X?",
				Help: "Only when the network administrator says so: a wrong setting cuts the camera off after the reboot.",
				Set:  func(p *profile.Profile, v string) error { p.Dot1X.Enabled = yes(v); return nil },
			},
			{
				ID: "dot1x_eap", Kind: AskSelect, Options: []string{"PEAP", "TTLS", "TLS", "MD5"}, Default: p.Dot1X.EAP, Prompt: "EAP method:",
				When: func(p *profile.Profile) bool { return p.Dot1X.Enabled },
				Set:  func(p *profile.Profile, v string) error { p.Dot1X.EAP = v; return nil },
			},
			{
				ID: "dot1x_identity", Kind: AskText, Default: p.Dot1X.Identity, Prompt: "802.1X identity",
				When: func(p *profile.Profile) bool { return p.Dot1X.Enabled },
				Set:  func(p *profile.Profile, v string) error { p.Dot1X.Identity = strings.TrimSpace(v); return nil },
			},
			{
				ID: "dot1x_password", Kind: AskSecret, SecretName: Dot1xPassword, Prompt: "802.1X password",
				When: func(p *profile.Profile) bool { return p.Dot1X.Enabled },
			},
		}
	}
	return nil
}
