package steps

import (
	"fmt"
	"net"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
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
