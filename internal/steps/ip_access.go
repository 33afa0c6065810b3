package steps

import (
	"fmt"
	"net"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

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
