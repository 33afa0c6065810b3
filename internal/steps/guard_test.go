package steps

import (
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

func snapshotOf(t *testing.T, cfg string, base string) *Snapshot {
	t.Helper()
	c, err := camera.ParseConfig([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	return &Snapshot{Config: c, Base: u, InstallerIP: net.ParseIP("192.0.2.50"), SeenAs: net.ParseIP("192.0.2.50"), User: "admin", FactoryPassword: true}
}

const baseConfig = "SECTION webserver\nHTTP_ENABLE=1\nHTTP_PORTS=80\nHTTPS_ENABLE=1\nHTTPS_PORT=443\nRESERVED_PORTS=21,22,554\nENDSECTION webserver\n" +
	"SECTION users\nadmin=group=admins:pwhash=x\nENDSECTION users\nSECTION groups\nadmins=admin\nusers=live\nENDSECTION groups\n"

func gen() *Secrets {
	return NewSecrets(func() (secret.Secret, error) { return secret.New("Gen3rated-Pass!x"), nil })
}

func wantGuard(t *testing.T, err error, text string) {
	t.Helper()
	var g *GuardError
	if !errors.As(err, &g) || !strings.Contains(err.Error(), text) {
		t.Fatalf("got %v; want a guard refusal saying %q", err, text)
	}
}

func TestWebServerGuards(t *testing.T) {
	https := snapshotOf(t, baseConfig, "https://192.0.2.10")
	for name, c := range map[string]struct {
		ws   profile.WebServer
		snap *Snapshot
		want string
	}{
		"port 0":                           {profile.WebServer{HTTPSPort: 0}, https, "is not a port"},
		"port 70000":                       {profile.WebServer{HTTPSPort: 70000}, https, "is not a port"},
		"a port of another service":        {profile.WebServer{HTTPSPort: 554}, https, "used by another service"},
		"HTTP and HTTPS on one port":       {profile.WebServer{HTTP: true, HTTPPort: 8443, HTTPSPort: 8443}, https, "cannot share port"},
		"HTTP off over an HTTP connection": {profile.WebServer{HTTPSPort: 8443}, snapshotOf(t, baseConfig, "http://192.0.2.10"), "HTTPS has not been proven"},
	} {
		t.Run(name, func(t *testing.T) {
			p := profile.Default()
			p.WebServer = c.ws
			_, err := webServerPorts{}.Plan(c.snap, p, gen())
			wantGuard(t, err, c.want)
		})
	}
	p := profile.Default()
	plan, err := webServerPorts{}.Plan(https, p, gen())
	if err != nil || !plan.NeedsReboot || len(plan.Params) == 0 {
		t.Fatalf("a good change over HTTPS: %v %+v", err, plan)
	}
}

func TestIPRulesNeverLockOutTheInstaller(t *testing.T) {
	s := snapshotOf(t, baseConfig, "https://192.0.2.10")
	p := profile.Default()
	p.IPAccess.Rules = []string{"allow 10.0.0.0/255.0.0.0", "deny 192.0.2.50"}
	plan, err := ipAccess{}.Plan(s, p, gen())
	if err != nil {
		t.Fatal(err)
	}
	var rules []IPRule
	for _, prm := range plan.Params {
		if prm.Key == camera.KeyIPRules {
			for _, txt := range splitList(prm.Value) {
				r, _ := ParseIPRule(txt)
				rules = append(rules, r)
			}
		}
	}
	if !Admits(rules, "deny", s.InstallerIP) {
		t.Fatalf("the planned rules lock out the installer: %v", rules)
	}
	if len(plan.Notes) == 0 || !strings.Contains(plan.Notes[0], "192.0.2.50") {
		t.Fatalf("the plan does not say it added the installer: %q", plan.Notes)
	}
	p.IPAccess.Rules = nil
	s.InstallerIP = nil
	_, err = ipAccess{}.Plan(s, p, gen())
	wantGuard(t, err, "no permanent allow rule admits anybody")
}

func TestIntrusionDetectionThatWouldLockOutIsRefused(t *testing.T) {
	s := snapshotOf(t, baseConfig, "https://192.0.2.10")
	p := profile.Default()
	p.Intrusion.Threshold = 2
	_, err := intrusionDetection{}.Plan(s, p, gen())
	wantGuard(t, err, "threshold 2")
	p.Intrusion.Threshold = 3
	now := time.Now()
	s.WebLog = []camera.LogEntry{
		{Time: now, Address: "192.0.2.50", User: "admin", Status: 401},
		{Time: now, Address: "192.0.2.50", User: "admin", Status: 401},
	}
	_, err = intrusionDetection{}.Plan(s, p, gen())
	wantGuard(t, err, "2 failed logins")
}

func TestNamesFollowTheCamerasLimits(t *testing.T) {
	s := snapshotOf(t, baseConfig, "https://192.0.2.10")
	for _, bad := range []string{"ab", "seventeen-chars-x", "sp ace", "semi;colon", "ümlaut"} {
		p := profile.Default()
		p.Groups = []profile.Group{{Name: bad, Rights: []string{"live"}}}
		if _, err := (userGroups{}).Plan(s, p, gen()); err == nil {
			t.Errorf("group name %q accepted", bad)
		}
		p.Groups = nil
		p.Users = []profile.User{{Name: bad, Group: "users", Password: "generate"}}
		if _, err := (personalUsers{}).Plan(s, p, gen()); err == nil {
			t.Errorf("user name %q accepted", bad)
		}
	}
	p := profile.Default()
	p.Users = []profile.User{{Name: "admin", Group: "users"}}
	s.User = "operator" // logged in with another account: the last-admin rule still holds
	_, err := personalUsers{}.Plan(s, p, gen())
	wantGuard(t, err, "last member of admins")
	s.User = "admin"

	var many strings.Builder
	many.WriteString("SECTION groups\n")
	for i := 0; i < 25; i++ {
		many.WriteString("g" + strings.Repeat("x", 2) + string(rune('a'+i)) + "=live\n")
	}
	many.WriteString("ENDSECTION groups\n")
	full := snapshotOf(t, many.String(), "https://192.0.2.10")
	p = profile.Default()
	p.Groups = []profile.Group{{Name: "onemore", Rights: []string{"live"}}}
	if _, err := (userGroups{}).Plan(full, p, gen()); err == nil || !strings.Contains(err.Error(), "at most 25") {
		t.Errorf("a 26th group: %v", err)
	}
}

// plannedRules reads the IP rules a plan writes.
func plannedRules(plan *Plan) []IPRule {
	var rules []IPRule
	for _, prm := range plan.Params {
		if prm.Key == camera.KeyIPRules {
			for _, txt := range splitList(prm.Value) {
				r, _ := ParseIPRule(txt)
				rules = append(rules, r)
			}
		}
	}
	return rules
}

// TestIPRulesAreJudgedAsAfterTheReboot covers the lock-outs the guard used
// to miss: temporary rules that end at the reboot, a plan that admits only
// the installer, deny rules the camera never applies, and an address the
// camera sees differently from this computer.
func TestIPRulesAreJudgedAsAfterTheReboot(t *testing.T) {
	plan := func(t *testing.T, s *Snapshot, noMatch string, rules ...string) (*Plan, error) {
		t.Helper()
		p := profile.Default()
		p.IPAccess.Rules, p.IPAccess.NoMatch = rules, noMatch
		return ipAccess{}.Plan(s, p, gen())
	}
	t.Run("only temporary rules", func(t *testing.T) {
		s := snapshotOf(t, baseConfig, "https://192.0.2.10")
		_, err := plan(t, s, "deny", "tempallow 10.0.0.0/255.0.0.0", "tempallow 192.0.2.50")
		wantGuard(t, err, "temporary rules end at the reboot")
	})
	t.Run("installer admitted only by a temporary rule", func(t *testing.T) {
		s := snapshotOf(t, baseConfig, "https://192.0.2.10")
		p, err := plan(t, s, "deny", "allow 10.0.0.0/255.0.0.0", "tempallow 192.0.2.50")
		if err != nil {
			t.Fatal(err)
		}
		if !Admits(permanentRules(plannedRules(p)), "deny", s.SeenAs) {
			t.Fatalf("after the reboot the installer is locked out: %v", plannedRules(p))
		}
		if !strings.Contains(strings.Join(p.Notes, " "), "ends at the reboot") {
			t.Fatalf("the plan does not say why it added the installer: %q", p.Notes)
		}
	})
	t.Run("empty rules and deny", func(t *testing.T) {
		s := snapshotOf(t, baseConfig, "https://192.0.2.10")
		_, err := plan(t, s, "deny")
		wantGuard(t, err, "no permanent allow rule admits anybody but this computer")
	})
	t.Run("deny of the installer is explained", func(t *testing.T) {
		s := snapshotOf(t, baseConfig, "https://192.0.2.10")
		p, err := plan(t, s, "deny", "deny 192.0.2.50", "allow 10.0.0.0/255.0.0.0")
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(p.Notes, " ")
		if !strings.Contains(notes, `"deny 192.0.2.50" covers this computer`) || !strings.Contains(notes, "whatever their order") {
			t.Fatalf("contradicting rules not explained: %q", p.Notes)
		}
	})
	t.Run("a deny an allow overrides", func(t *testing.T) {
		s := snapshotOf(t, baseConfig, "https://192.0.2.10")
		p, err := plan(t, s, "deny", "allow 10.0.0.0/255.0.0.0", "deny 10.1.2.3")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(p.Notes, " "), `"deny 10.1.2.3" has no effect`) {
			t.Fatalf("dead deny rule not explained: %q", p.Notes)
		}
	})
	t.Run("camera sees another address", func(t *testing.T) {
		s := snapshotOf(t, baseConfig, "https://192.0.2.10")
		s.SeenAs = net.ParseIP("198.51.100.7")
		_, err := plan(t, s, "deny", "allow 10.0.0.0/255.0.0.0")
		wantGuard(t, err, "the camera sees this computer as 198.51.100.7")
	})
	t.Run("address the camera sees unknown", func(t *testing.T) {
		s := snapshotOf(t, baseConfig, "https://192.0.2.10")
		s.SeenAs = nil
		_, err := plan(t, s, "deny", "allow 10.0.0.0/255.0.0.0")
		wantGuard(t, err, "cannot tell which address the camera sees")
	})
}

// TestTheLoggedInAccountStaysAdmin: a profile that moves the account in use
// out of admins is refused even when another admin exists.
func TestTheLoggedInAccountStaysAdmin(t *testing.T) {
	cfg := strings.Replace(baseConfig, "admin=group=admins:pwhash=x\n", "admin=group=admins:pwhash=x\nboss=group=admins:pwhash=y\n", 1)
	s := snapshotOf(t, cfg, "https://192.0.2.10")
	p := profile.Default()
	p.Users = []profile.User{{Name: "admin", Group: "users", Password: "generate"}}
	_, err := personalUsers{}.Plan(s, p, gen())
	wantGuard(t, err, "the account mxwizard is logged in with")
}

// TestAdminUserOfTheProfileIsHonoured: admin.user names the account whose
// password step 3 changes; logged in as another, the step is refused
// instead of changing the wrong account's password.
func TestAdminUserOfTheProfileIsHonoured(t *testing.T) {
	s := snapshotOf(t, baseConfig, "https://192.0.2.10")
	p := profile.Default()
	p.Admin.User = "root"
	_, err := adminPassword{}.Plan(s, p, gen())
	wantGuard(t, err, "names root as the admin account")
	p.Admin.User = "admin"
	plan, err := adminPassword{}.Plan(s, p, gen())
	if err != nil || plan.NewPassword == nil {
		t.Fatalf("admin.user = the account logged in: %v", err)
	}
}

// TestALockOutAlreadyInForceIsNotGuardedAgain: on a camera that already
// blocks after 5 failures in a minute (hardened before), recent failed
// logins of this computer do not stop a plan that keeps those terms
// (nothing it writes can block anybody the camera does not block now);
// a lower threshold or a longer window is judged by the guard again.
func TestALockOutAlreadyInForceIsNotGuardedAgain(t *testing.T) {
	cfg := baseConfig + "SECTION intrusion\nENABLE=1\nLOCKOUT=1\nTHRESHOLD=5\nWINDOW=60\nLOCKOUT_TIME=600\nNOTIFY=email\nENDSECTION intrusion\n"
	s := snapshotOf(t, cfg, "https://192.0.2.10")
	s.WebLog = []camera.LogEntry{{Time: time.Now(), Address: "192.0.2.50", User: "admin", Status: 401, Count: 7}}
	p := profile.Default()
	pl, err := intrusionDetection{}.Plan(s, p, gen())
	if err != nil {
		t.Fatalf("a plan that keeps the lock-out in force: %v", err)
	}
	if len(pl.Params) != 0 {
		t.Fatalf("the camera already has the profile's intrusion settings, yet the plan writes %v", pl.Params)
	}
	p.Intrusion.Threshold = 4
	_, err = intrusionDetection{}.Plan(s, p, gen())
	wantGuard(t, err, "7 failed logins")
	p.Intrusion.Threshold, p.Intrusion.Window = 5, 2*time.Minute
	_, err = intrusionDetection{}.Plan(s, p, gen())
	wantGuard(t, err, "7 failed logins")
	s2 := snapshotOf(t, strings.Replace(cfg, "LOCKOUT=1", "LOCKOUT=0", 1), "https://192.0.2.10")
	s2.WebLog = s.WebLog
	p.Intrusion.Window = time.Minute
	_, err = intrusionDetection{}.Plan(s2, p, gen())
	wantGuard(t, err, "7 failed logins")
}

// TestTheWebServerLogRightAfterARebootProvesNothing: the camera deletes its
// log at every reboot; step 21 read right after one is a manual step, not
// "no failed logins"; rows count as many failed logins as they say.
func TestTheWebServerLogRightAfterARebootProvesNothing(t *testing.T) {
	s := snapshotOf(t, baseConfig, "https://192.0.2.10")
	s.WebLog = []camera.LogEntry{{Time: time.Now(), Address: "198.51.100.9", User: "admin", Path: "/admin/remoteconfig", Status: 401, Count: 7}}
	if f := (webServerLog{}).Check(s); f.Status != Fail || !strings.Contains(f.Detail, "198.51.100.9: 7") {
		t.Fatalf("a row of 7 failed logins: %s %s", f.Status, f.Detail)
	}
	s.WebLog, s.LogSinceReboot = []camera.LogEntry{}, true
	if f := (webServerLog{}).Check(s); f.Status != Manual || !strings.Contains(f.Detail, "deleted its log") {
		t.Fatalf("right after a reboot: %s %s", f.Status, f.Detail)
	}
	p := profile.Default()
	p.Intrusion.Threshold = 5
	s.WebLog = []camera.LogEntry{{Time: time.Now(), Address: "192.0.2.50", User: "admin", Status: 401, Count: 4}}
	_, err := intrusionDetection{}.Plan(s, p, gen())
	wantGuard(t, err, "4 failed logins")
}

// TestWebPortsKeepClearOfMxMessageSystem: with MxMessageSystem on, its
// broadcast port, its multicast port and the port below that are taken.
func TestWebPortsKeepClearOfMxMessageSystem(t *testing.T) {
	cfg := baseConfig + "SECTION mxmessage\nENABLE=1\nBROADCAST_PORT=8750\nMULTICAST_PORT=8752\nENDSECTION mxmessage\n"
	s := snapshotOf(t, cfg, "https://192.0.2.10")
	for _, port := range []int{8750, 8751, 8752} {
		p := profile.Default()
		p.WebServer.HTTPSPort = port
		_, err := webServerPorts{}.Plan(s, p, gen())
		wantGuard(t, err, "used by another service")
	}
	p := profile.Default()
	p.WebServer.HTTPSPort = 8753
	if _, err := (webServerPorts{}).Plan(s, p, gen()); err != nil {
		t.Fatalf("a free port: %v", err)
	}
}

// TestAMissingKeyIsUnsupportedNotFailed: a section that lacks a key a step
// needs makes the step unsupported, naming section/KEY, and its plan has
// nothing to write; an effect observed to pass still passes.
func TestAMissingKeyIsUnsupportedNotFailed(t *testing.T) {
	s := snapshotOf(t, baseConfig, "https://192.0.2.10") // webserver without AUTH
	f := CheckStep(digestAuth{}, s)
	if f.Status != Unsupported || !strings.Contains(f.Detail, "webserver/AUTH") || !strings.Contains(f.Detail, "Web Server") {
		t.Fatalf("step 10 without webserver/AUTH: %s %q", f.Status, f.Detail)
	}
	eng := &Engine{Profile: profile.Default(), Secrets: gen()}
	p, err := eng.PlanStep(digestAuth{}, s)
	if err != nil || !p.Empty() || len(p.Notes) == 0 {
		t.Fatalf("the plan: %+v %v", p, err)
	}
	s.Effects = &Effects{Schemes: []string{"digest"}}
	if f := CheckStep(digestAuth{}, s); f.Status != Pass {
		t.Fatalf("Digest only, observed: %s %q", f.Status, f.Detail)
	}
}
