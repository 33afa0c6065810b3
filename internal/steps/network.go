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

// IPRule is one rule of the camera's IP-level access control.
type IPRule struct {
	Action string // allow, tempallow, deny, tempdeny, inactive
	Target string // IP, IP/MASK (dotted), host name or .domain suffix
}

// String is the rule as the camera stores it.
func (r IPRule) String() string { return r.Action + " " + r.Target }

// ParseIPRule reads "allow 192.168.1.0/255.255.255.0" and the like.
func ParseIPRule(s string) (IPRule, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return IPRule{}, fmt.Errorf("IP rule %q: want \"<allow|tempallow|deny|tempdeny|inactive> <address>\"", s)
	}
	r := IPRule{Action: strings.ToLower(f[0]), Target: f[1]}
	switch r.Action {
	case camera.ActionAllow, camera.ActionTempAllow, camera.ActionDeny, camera.ActionTempDeny, camera.ActionInactive:
	default:
		return IPRule{}, fmt.Errorf("IP rule %q: action %q is not allow, tempallow, deny, tempdeny or inactive", s, f[0])
	}
	if addr, mask, ok := strings.Cut(r.Target, "/"); ok {
		ip, m := net.ParseIP(addr).To4(), net.ParseIP(mask).To4()
		if ip == nil || m == nil {
			return IPRule{}, fmt.Errorf("IP rule %q: %q is not ADDRESS/MASK in dotted form, e.g. 192.168.1.0/255.255.255.0", s, r.Target)
		}
		if ones, _ := net.IPMask(m).Size(); ones == 0 && !m.Equal(net.IPv4zero.To4()) {
			return IPRule{}, fmt.Errorf("IP rule %q: mask %s is not contiguous", s, mask)
		}
		return r, nil
	}
	if net.ParseIP(r.Target) != nil {
		return r, nil
	}
	name := strings.TrimPrefix(r.Target, ".")
	if name == "" || strings.ContainsAny(name, " ,/\\:@") {
		return IPRule{}, fmt.Errorf("IP rule %q: %q is not an address, ADDRESS/MASK, host name or .domain", s, r.Target)
	}
	return r, nil
}

// Matches reports whether the rule's target covers ip (names cannot be
// judged without DNS and never match here).
func (r IPRule) Matches(ip net.IP) bool {
	if addr, mask, ok := strings.Cut(r.Target, "/"); ok {
		a, m := net.ParseIP(addr).To4(), net.ParseIP(mask).To4()
		v4 := ip.To4()
		if a == nil || m == nil || v4 == nil {
			return false
		}
		return a.Mask(net.IPMask(m)).Equal(v4.Mask(net.IPMask(m)))
	}
	if t := net.ParseIP(r.Target); t != nil {
		return t.Equal(ip)
	}
	return r.Target == "localhost" && ip.IsLoopback()
}

// Admits reports whether rules and the no-match policy let ip in, the way
// the camera decides: allow rules first, then deny rules, then the policy.
func Admits(rules []IPRule, noMatch string, ip net.IP) bool {
	for _, r := range rules {
		if (r.Action == camera.ActionAllow || r.Action == camera.ActionTempAllow) && r.Matches(ip) {
			return true
		}
	}
	for _, r := range rules {
		if (r.Action == camera.ActionDeny || r.Action == camera.ActionTempDeny) && r.Matches(ip) {
			return false
		}
	}
	return noMatch != "deny"
}

// ipAccess is step 7.
type ipAccess struct{}

func (ipAccess) Info() Info {
	return Info{
		7, "ip-access", "Enable IP Access Control List",
		"Admin Menu > Security > IP-Level Access Control",
		"Only known computers (recorder, VMS, installer) should reach the camera at all; the check comes before any password.",
	}
}

func (ipAccess) Check(s *Snapshot) Finding {
	if s.Value(camera.SecIPAccess, camera.KeyIPEnable) != "1" {
		return fail("IP-level access control is off: every address may try to log in")
	}
	rules := splitList(s.Value(camera.SecIPAccess, camera.KeyIPRules))
	if s.Value(camera.SecIPAccess, camera.KeyIPNoMatch) != "deny" {
		return fail("IP-level access control is on, but addresses no rule matches are allowed")
	}
	return pass("on: %d rules, everything else denied", len(rules))
}

func (a ipAccess) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: a.Info()}
	var rules []IPRule
	for _, txt := range p.IPAccess.Rules {
		r, err := ParseIPRule(txt)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	noMatch := p.IPAccess.NoMatch
	if noMatch == "" {
		noMatch = "deny"
	}
	me, err := addressSeenByCamera(s, rules, noMatch)
	if err != nil {
		return nil, err
	}
	pl.Notes = append(pl.Notes, explainRules(rules, me)...)
	// The rules are judged as they stand after the final reboot: temporary
	// rules end there.
	permanent := permanentRules(rules)
	if me != nil && !Admits(permanent, noMatch, me) {
		why := "this computer's address as the camera sees it"
		if Admits(rules, noMatch, me) {
			why += "; the temporary rule that admits it now ends at the reboot"
		}
		rules = append([]IPRule{{Action: camera.ActionAllow, Target: me.String()}}, rules...)
		permanent = append([]IPRule{rules[0]}, permanent...)
		pl.Notes = append(pl.Notes, fmt.Sprintf("added \"allow %s\" (%s), so the rules do not lock you out; it is permanent: remove it at handover only if another allow rule admits the computer that manages the camera", me, why))
	}
	if me != nil && !Admits(permanent, noMatch, me) {
		return nil, &GuardError{Step: 7, Reason: "the rules would block this computer (" + me.String() + ")", Hint: "add an allow rule for this computer's address"}
	}
	if noMatch == "deny" && !admitsAnyoneElse(permanent, me) {
		return nil, &GuardError{
			Step:   7,
			Reason: "after the reboot no permanent allow rule admits anybody but this computer (temporary rules end at the reboot): the recorder and VMS could not reach the camera, and removing the installer's rule would lock everybody out",
			Hint:   "list the recorder, VMS and workstation addresses as allow rules in ip_access.rules",
		}
	}
	var txt []string
	for _, r := range rules {
		txt = append(txt, r.String())
	}
	want := strings.Join(txt, ",")
	pl.setDiffering(s, camera.SecIPAccess, setting{camera.KeyIPRules, want},
		setting{camera.KeyIPNoMatch, noMatch}, setting{camera.KeyIPEnable, "1"})
	if len(pl.Params) == 0 {
		pl.Notes = nil
	}
	return pl, nil
}

// addressSeenByCamera is the address the rules must keep admitting: the
// source address the camera logged for this session. When it cannot be
// told, or differs from this computer's own address (NAT, VPN, port
// forwarding), rules that could deny anybody are refused: a guard that
// protects the wrong address protects nobody.
func addressSeenByCamera(s *Snapshot, rules []IPRule, noMatch string) (net.IP, error) {
	canDeny := noMatch == "deny"
	for _, r := range rules {
		canDeny = canDeny || r.Action == camera.ActionDeny || r.Action == camera.ActionTempDeny
	}
	if !canDeny {
		return s.SeenAs, nil
	}
	switch {
	case s.SeenAs == nil:
		return nil, &GuardError{
			Step:   7,
			Reason: "cannot tell which address the camera sees this computer as (its web server log shows no request of this session), so rules that deny could lock you out",
			Hint:   "set IP-level access control in the camera's web interface (Admin Menu > Security > IP-Level Access Control) and check it from this computer afterwards",
		}
	case s.InstallerIP != nil && !s.SeenAs.Equal(s.InstallerIP):
		return nil, &GuardError{
			Step:   7,
			Reason: fmt.Sprintf("the camera sees this computer as %s, not as %s (NAT, a VPN or a port forward lies between them): an allow rule for either could miss the address the camera will see next time", s.SeenAs, s.InstallerIP),
			Hint:   "run this step from a computer on the camera's own network, or set the rules in the camera's web interface (Admin Menu > Security > IP-Level Access Control)",
		}
	}
	return s.SeenAs, nil
}

// permanentRules drops the temporary rules, which end at the next reboot.
func permanentRules(rules []IPRule) []IPRule {
	var out []IPRule
	for _, r := range rules {
		if r.Action == camera.ActionAllow || r.Action == camera.ActionDeny {
			out = append(out, r)
		}
	}
	return out
}

// admitsAnyoneElse reports whether an allow rule admits somebody other
// than me (a network, a name, or another address).
func admitsAnyoneElse(rules []IPRule, me net.IP) bool {
	for _, r := range rules {
		if r.Action != camera.ActionAllow {
			continue
		}
		if ip := net.ParseIP(r.Target); ip != nil && me != nil && ip.Equal(me) {
			continue
		}
		return true
	}
	return false
}

// explainRules says where the rules do not do what their order or words
// suggest: the camera processes every allow rule before any deny rule.
func explainRules(rules []IPRule, me net.IP) []string {
	var notes []string
	isAllow := func(r IPRule) bool { return r.Action == camera.ActionAllow || r.Action == camera.ActionTempAllow }
	isDeny := func(r IPRule) bool { return r.Action == camera.ActionDeny || r.Action == camera.ActionTempDeny }
	denyBeforeAllow := false
	for i, r := range rules {
		if !isDeny(r) {
			continue
		}
		for _, a := range rules[i+1:] {
			denyBeforeAllow = denyBeforeAllow || isAllow(a)
		}
		if me != nil && r.Matches(me) {
			notes = append(notes, fmt.Sprintf("rule \"%s\" covers this computer (%s): it never applies to it, because mxwizard keeps an allow rule for this computer and the camera processes allow rules first", r, me))
			continue
		}
		if ip := net.ParseIP(r.Target); ip != nil {
			for _, a := range rules {
				if isAllow(a) && a.Matches(ip) {
					notes = append(notes, fmt.Sprintf("rule \"%s\" has no effect: \"%s\" admits that address and the camera processes allow rules first", r, a))
					break
				}
			}
		}
	}
	if denyBeforeAllow {
		notes = append(notes, "the camera processes every allow rule before any deny rule, whatever their order in the list: a deny rule listed first does not block what a later allow rule admits")
	}
	return notes
}

// intrusionDetection is step 8.
type intrusionDetection struct{}

func (intrusionDetection) Info() Info {
	return Info{
		8, "intrusion-detection", "Enable the Intrusion Detection with notification and block of offending IP address",
		"Admin Menu > Network Setup > Web Server (for experts) > Intrusion Detection Settings",
		"Password guessing is stopped after a few tries: the offending address is blocked and somebody is told.",
	}
}

func (intrusionDetection) Check(s *Snapshot) Finding {
	v := func(k string) string { return s.Value(camera.SecIntrusion, k) }
	switch {
	case v(camera.KeyIntrEnable) != "1":
		return fail("intrusion detection is off")
	case v(camera.KeyIntrLockout) != "1":
		return fail("intrusion detection is on but does not block the offending address")
	case v(camera.KeyIntrNotify) == "":
		return fail("intrusion detection blocks but notifies nobody")
	}
	return pass("after %s failed logins in %s s the address is blocked for %s s; notify: %s",
		v(camera.KeyIntrThreshold), v(camera.KeyIntrWindow), v(camera.KeyIntrLockoutTime), v(camera.KeyIntrNotify))
}

func (d intrusionDetection) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: d.Info()}
	in := p.Intrusion
	if in.Threshold < 3 || in.Threshold > 100 {
		return nil, &GuardError{Step: 8, Reason: fmt.Sprintf("threshold %d: with fewer than 3 attempts a single typo (or mxwizard's own check that the old password fails) blocks the installer", in.Threshold), Hint: "use a threshold from 3 to 100 (5 is usual)"}
	}
	if in.Window < time.Second || in.Lockout < time.Second {
		return nil, fmt.Errorf("intrusion: window and lockout must be at least 1s (e.g. window: 1m, lockout: 10m)")
	}
	if len(in.Notify) == 0 {
		return nil, fmt.Errorf("intrusion.notify: name at least one method (email, ipnotify, ...)")
	}
	if s.InstallerIP != nil {
		failures := 0
		cutoff := s.now().Add(-in.Window)
		for _, e := range s.WebLog {
			if IsFailedLogin(e) && e.Time.After(cutoff) && net.ParseIP(e.Address).Equal(s.InstallerIP) {
				failures += max(e.Count, 1) // a row's time is its last request: counted whole, on the safe side
			}
		}
		if failures+1 >= in.Threshold {
			return nil, &GuardError{Step: 8, Reason: fmt.Sprintf("this computer had %d failed logins in the last %s: enabling the lock-out now would block it", failures, in.Window), Hint: "wait for the window to pass, then run the step again"}
		}
	}
	pl.setDiffering(s, camera.SecIntrusion,
		setting{camera.KeyIntrThreshold, strconv.Itoa(in.Threshold)},
		setting{camera.KeyIntrWindow, strconv.Itoa(int(in.Window / time.Second))},
		setting{camera.KeyIntrLockoutTime, strconv.Itoa(int(in.Lockout / time.Second))},
		setting{camera.KeyIntrNotify, joinSorted(in.Notify)},
		setting{camera.KeyIntrLockout, "1"},
		setting{camera.KeyIntrEnable, "1"})
	return pl, nil
}

// webServerPorts is step 11.
type webServerPorts struct{}

func (webServerPorts) Info() Info {
	return Info{
		11, "web-ports", "Change the default ports of the Web Server (for remote access)",
		"Admin Menu > Network Setup > Web Server (for experts)",
		"Scanners try ports 80 and 443 first; plain HTTP carries everything readable. Use HTTPS on a custom port.",
	}
}

func (webServerPorts) Check(s *Snapshot) Finding {
	v := func(k string) string { return s.Value(camera.SecWebServer, k) }
	httpOn := v(camera.KeyHTTPEnable) == "1"
	var problems []string
	if httpOn {
		problems = append(problems, "plain HTTP is on (ports "+v(camera.KeyHTTPPorts)+")")
	}
	if v(camera.KeyHTTPSEnable) != "1" {
		problems = append(problems, "HTTPS is off")
	}
	if v(camera.KeyHTTPSPort) == "443" {
		problems = append(problems, "HTTPS uses the default port 443")
	}
	if httpOn {
		for _, p := range splitList(v(camera.KeyHTTPPorts)) {
			if p == "80" {
				problems = append(problems, "HTTP uses the default port 80")
			}
		}
	}
	if e := s.Effects; e != nil && e.PortsProbed && len(e.StillAnswering) > 0 {
		if len(problems) == 0 {
			return notHonoured(webServerPorts{}.Info(), "HTTPS only on port "+v(camera.KeyHTTPSPort), "after the reboot the camera still answers on "+strings.Join(e.StillAnswering, ", "), "switch plain HTTP off and set the HTTPS port")
		}
		problems = append(problems, "still answers on "+strings.Join(e.StillAnswering, ", "))
	}
	if len(problems) > 0 {
		return fail("%s", strings.Join(problems, "; "))
	}
	if e := s.Effects; e != nil && e.PortsProbed {
		return pass("HTTPS only, on port %s; the ports it left no longer answer", v(camera.KeyHTTPSPort))
	}
	return pass("HTTPS only, on port %s", v(camera.KeyHTTPSPort))
}

func (w webServerPorts) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: w.Info()}
	ws := p.WebServer
	reserved := map[int]bool{}
	for _, r := range splitList(s.Value(camera.SecWebServer, camera.KeyServicePorts)) {
		if n, err := strconv.Atoi(r); err == nil {
			reserved[n] = true
		}
	}
	// MxMessageSystem, when on, listens on its broadcast port and on its
	// multicast port and the port below it (doc, help msgdistri).
	if s.Value(camera.SecMxMessage, camera.KeyMxEnable) == "1" {
		if n, err := strconv.Atoi(s.Value(camera.SecMxMessage, camera.KeyMxBroadcastPort)); err == nil {
			reserved[n] = true
		}
		if n, err := strconv.Atoi(s.Value(camera.SecMxMessage, camera.KeyMxMulticastPort)); err == nil {
			reserved[n], reserved[n-1] = true, true
		}
	}
	check := func(name string, port int) error {
		if port < 1 || port > 65535 {
			return &GuardError{Step: 11, Reason: fmt.Sprintf("%s %d is not a port (1-65535)", name, port)}
		}
		if reserved[port] {
			return &GuardError{Step: 11, Reason: fmt.Sprintf("%s %d is used by another service of the camera", name, port), Hint: "pick another port, e.g. 8443"}
		}
		return nil
	}
	if err := check("HTTPS port", ws.HTTPSPort); err != nil {
		return nil, err
	}
	if ws.HTTP {
		if err := check("HTTP port", ws.HTTPPort); err != nil {
			return nil, err
		}
		if ws.HTTPPort == ws.HTTPSPort {
			return nil, &GuardError{Step: 11, Reason: fmt.Sprintf("HTTP and HTTPS cannot share port %d", ws.HTTPPort)}
		}
	}
	if !ws.HTTP && s.Base.Scheme != "https" {
		return nil, &GuardError{
			Step: 11, Reason: "switching HTTP off while connected over HTTP: HTTPS has not been proven to work from this computer",
			Hint: "connect to the camera with https:// first; mxwizard switches HTTP off only after HTTPS worked",
		}
	}
	want := []setting{{camera.KeyHTTPSEnable, "1"}, {camera.KeyHTTPSPort, strconv.Itoa(ws.HTTPSPort)}, {camera.KeyHTTPEnable, "0"}}
	if ws.HTTP {
		want = []setting{want[0], want[1], {camera.KeyHTTPPorts, strconv.Itoa(ws.HTTPPort)}, {camera.KeyHTTPEnable, "1"}}
	}
	pl.setDiffering(s, camera.SecWebServer, want...)
	if len(pl.Params) > 0 {
		pl.NeedsReboot = true
		pl.Notes = append(pl.Notes, fmt.Sprintf("after the reboot the camera answers on https://%s:%d only", s.Base.Hostname(), ws.HTTPSPort+s.PortOffset))
	}
	return pl, nil
}
