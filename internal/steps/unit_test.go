package steps

import (
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/certs"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

func TestAllHasTheGuidesStepsInOrderWithUniqueIDs(t *testing.T) {
	all := All()
	if len(all) != 22 {
		t.Fatalf("%d steps, want 22", len(all))
	}
	seen := map[string]bool{}
	for i, st := range all {
		info := st.Info()
		if info.Number != i+1 {
			t.Errorf("step at position %d says it is number %d", i+1, info.Number)
		}
		if info.ID == "" || seen[info.ID] {
			t.Errorf("step %d: ID %q empty or repeated", info.Number, info.ID)
		}
		seen[info.ID] = true
		if info.Title == "" || info.MenuPath == "" || info.Why == "" {
			t.Errorf("step %d lacks title, menu path or why: %+v", info.Number, info)
		}
	}
}

func TestCompareFirmwareOrdersVersionsPartByPart(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"MX-V7.3.5.35", "MX-V7.3.5.35", 0},
		{"MX-V7.3.5.9", "MX-V7.3.5.35", -1},
		{"MX-V7.10.0.0", "MX-V7.9.9.9", 1},
		{"MX-V5.2.0.61", "MX-V7.3.5.35", -1},
	} {
		got, ok := CompareFirmware(c.a, c.b)
		if !ok || got != c.want {
			t.Errorf("CompareFirmware(%s, %s) = %d, %v; want %d", c.a, c.b, got, ok, c.want)
		}
	}
	if _, ok := CompareFirmware("7.3", "MX-V7.3"); ok {
		t.Error("a version without MX-V was accepted")
	}
}

func TestBundledFirmwareListNamesACurrentVersionPerLine(t *testing.T) {
	l := BundledFirmware()
	if l.AsOf == "" || len(l.Lines) == 0 {
		t.Fatal("the bundled firmware list is empty")
	}
	for _, line := range l.Lines {
		if _, ok := parseFirmware(line.Current); !ok || len(line.Prefixes) == 0 {
			t.Errorf("line %s: current %q or prefixes unusable", line.Name, line.Current)
		}
	}
}

func TestIPRulesFollowTheCamerasOrder(t *testing.T) {
	var rules []IPRule
	for _, txt := range []string{"allow 192.168.1.0/255.255.255.0", "deny 192.168.1.66", "allow 10.0.0.5"} {
		r, err := ParseIPRule(txt)
		if err != nil {
			t.Fatal(err)
		}
		rules = append(rules, r)
	}
	for ip, want := range map[string]bool{
		"192.168.1.20": true,
		"192.168.1.66": true, // allow rules are processed first
		"10.0.0.5":     true,
		"10.0.0.6":     false,
	} {
		if got := Admits(rules, "deny", net.ParseIP(ip)); got != want {
			t.Errorf("Admits(%s) = %v, want %v", ip, got, want)
		}
	}
	if !Admits(nil, "allow", net.ParseIP("1.2.3.4")) {
		t.Error("no rules and allow policy must admit")
	}
}

func TestParseIPRuleRefusesNonsense(t *testing.T) {
	for _, txt := range []string{"", "allow", "permit 1.2.3.4", "allow 1.2.3.4/33", "allow 1.2.3.0/255.0.255.0", "allow a b", "deny ,x"} {
		if _, err := ParseIPRule(txt); err == nil {
			t.Errorf("ParseIPRule(%q) accepted nonsense", txt)
		}
	}
}

func TestPlanLinesMaskSecrets(t *testing.T) {
	pw := "S3cret!Value#x"
	p := &Plan{Params: []camera.Param{
		{Section: "users", Profile: "admin", Key: "password", Secret: secret.New(pw)},
		{Section: "webserver", Key: "AUTH", Value: "digest"},
	}, NeedsReboot: true}
	text := strings.Join(p.Lines(), "\n")
	if strings.Contains(text, pw) {
		t.Fatalf("plan shows the secret: %s", text)
	}
	if !strings.Contains(text, "users/admin/password = "+secret.Mask) || !strings.Contains(text, "webserver/AUTH = digest") {
		t.Fatalf("plan lines incomplete: %s", text)
	}
}

func TestSummarizeLogTellsFailedLoginsFromChallenges(t *testing.T) {
	now := time.Now()
	entries := []camera.LogEntry{
		{Time: now, Address: "127.0.0.1", Status: 401}, // challenge, no user
		{Time: now, Address: "127.0.0.1", User: "admin", Status: 200},
		{Time: now, Address: "10.1.1.9", User: "admin", Status: 401}, // a real failed login
		{Time: now, Address: "10.1.1.9", User: "root", Status: 401},
		{Time: now, Address: "192.168.1.5", User: "op", Status: 200},
	}
	rules := []IPRule{{Action: "allow", Target: "192.168.1.0/255.255.255.0"}}
	sum := SummarizeLog(entries, rules, net.ParseIP("127.0.0.1"))
	if sum.FailedByAddr["10.1.1.9"] != 2 || sum.FailedByAddr["127.0.0.1"] != 0 {
		t.Fatalf("failed logins = %v", sum.FailedByAddr)
	}
	if len(sum.UnknownClients) != 1 || sum.UnknownClients[0] != "10.1.1.9" {
		t.Fatalf("unknown clients = %v", sum.UnknownClients)
	}
}

func TestQuestionsWriteTheirAnswersIntoTheProfile(t *testing.T) {
	p := profile.Default()
	snap := &Snapshot{FactoryPassword: true}
	for _, st := range All() {
		for _, q := range Questions(st.Info().ID, snap, p) {
			if q.Kind == AskSecret {
				if q.SecretName == "" {
					t.Errorf("%s: secret question without a name", q.ID)
				}
				continue
			}
			if q.Set == nil {
				t.Errorf("%s: question without a setter", q.ID)
			}
		}
	}
	qs := Questions("user-groups", snap, p)
	if err := qs[0].Set(p, "operators=live+player, viewers=live"); err != nil {
		t.Fatal(err)
	}
	if len(p.Groups) != 2 || p.Groups[0].Name != "operators" || strings.Join(p.Groups[0].Rights, ",") != "live,player" {
		t.Fatalf("groups = %+v", p.Groups)
	}
	if err := qs[0].Set(p, "x=live"); err == nil {
		t.Error("a 1-character group name was accepted")
	}
	if err := Questions("intrusion-detection", snap, p)[0].Set(p, "1"); err == nil {
		t.Error("a threshold of 1 was accepted")
	}
}

func TestTentativePlansLeaveNoSecretUntilApplied(t *testing.T) {
	n := 0
	gen := NewSecrets(func() (secret.Secret, error) {
		n++
		return secret.New("Gen-Secret-" + string(rune('A'+n)) + "9!x"), nil
	})
	eng := &Engine{Profile: profile.Default(), Secrets: gen}
	s := &Snapshot{Config: mustConfig(t, "SECTION users\nadmin=group=admins:pwhash=x\nENDSECTION users\n"), User: "admin", FactoryPassword: true}
	typed := secret.New("Typed-Pass-42!zq")
	p, err := eng.PlanTentative(adminPassword{}, s, map[SecretName]secret.Secret{AdminPassword: typed})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Secrets[AdminPassword].Equal(typed) {
		t.Fatal("the plan does not carry the typed password")
	}
	if _, ok := gen.Get(AdminPassword); ok {
		t.Fatal("a tentative plan put its secret into the run")
	}
	if _, err := eng.PlanTentative(recordingKey{}, &Snapshot{Config: mustConfig(t, "")}, nil); err != nil {
		t.Fatal(err)
	}
	if len(gen.Names()) != 0 {
		t.Fatalf("a generated secret of a tentative plan joined the run: %v", gen.Names())
	}
}

func mustConfig(t *testing.T, text string) *camera.Config {
	t.Helper()
	c, err := camera.ParseConfig([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestChecksJudgeDatesAtTheSnapshotsTime: one snapshot gives one verdict:
// the certificate check judges validity at the time the snapshot was
// taken, not at the moment the check happens to run.
func TestChecksJudgeDatesAtTheSnapshotsTime(t *testing.T) {
	key, err := certs.GenerateKey(certs.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c, _, err := certs.SelfSigned(key, certs.Subject{DNSNames: []string{"cam1"}, Organization: "site"}, 365*24*time.Hour, issued)
	if err != nil {
		t.Fatal(err)
	}
	s := &Snapshot{Certificate: c, Taken: issued.Add(24 * time.Hour)}
	if f := (certificate{}).Check(s); f.Status != Pass {
		t.Fatalf("a day after issue: %s %s", f.Status, f.Detail)
	}
	s.Taken = issued.Add(400 * 24 * time.Hour)
	if f := (certificate{}).Check(s); f.Status != Fail || !strings.Contains(f.Detail, "expired") {
		t.Fatalf("after expiry: %s %s", f.Status, f.Detail)
	}
}

// TestTheWizardsQuestionsSayWhatTheyTake: step 11 refuses the default
// ports it warns about and asks the HTTP port when HTTP stays on; step 16
// suggests keeping a certificate the camera already passes with.
func TestTheWizardsQuestionsSayWhatTheyTake(t *testing.T) {
	p := profile.Default()
	byID := func(qs []Question, id string) *Question {
		for i := range qs {
			if qs[i].ID == id {
				return &qs[i]
			}
		}
		return nil
	}
	qs := Questions("web-ports", nil, p)
	if err := byID(qs, "https_port").Set(p, "443"); err == nil || !strings.Contains(err.Error(), "8443") {
		t.Errorf("HTTPS port 443: %v", err)
	}
	hp := byID(qs, "http_port")
	if hp == nil || hp.When(p) {
		t.Fatal("the HTTP port is asked while HTTP is off, or not at all")
	}
	p.WebServer.HTTP, p.WebServer.HTTPSPort = true, 8443
	if !hp.When(p) {
		t.Error("the HTTP port is not asked while HTTP stays on")
	}
	for v, want := range map[string]string{"80": "8080", "8443": "HTTPS port already"} {
		if err := hp.Set(p, v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("HTTP port %s: %v", v, err)
		}
	}
	if err := hp.Set(p, "8081"); err != nil || p.WebServer.HTTPPort != 8081 {
		t.Errorf("HTTP port 8081: %v, %d", err, p.WebServer.HTTPPort)
	}

	key, _ := certs.GenerateKey(certs.ECDSAP256)
	c, _, _ := certs.SelfSigned(key, certs.Subject{DNSNames: []string{"cam1"}, Organization: "site"}, 365*24*time.Hour, time.Now())
	own := &Snapshot{Certificate: c, Taken: time.Now()}
	if q := byID(Questions("certificate", own, profile.Default()), "cert_mode"); q == nil || q.Default != "keep" {
		t.Errorf("a camera with its own certificate: default %v", q)
	}
}

// TestNotificationsSayWhatIsNotDelivered: steps 8, 14 and 15 set methods
// that need a delivery profile mxwizard cannot set or check; the plan and
// the check say so instead of implying somebody is told.
func TestNotificationsSayWhatIsNotDelivered(t *testing.T) {
	if n := deliveryNote([]string{"leds", "audio"}); n != "" {
		t.Errorf("methods on the camera itself got a note: %q", n)
	}
	n := deliveryNote([]string{"email", "leds"})
	if !strings.Contains(n, "e-mail notifications are delivered only once the camera's e-mail profile is set up") || !strings.Contains(n, "until then nothing is delivered") {
		t.Errorf("note %q", n)
	}
	if d := deliveryDetail("email,ipnotify"); d != " (delivery by e-mail, IP Notify needs the camera's profiles for them, not checked)" {
		t.Errorf("detail %q", d)
	}
	p := profile.Default()
	p.ErrorNotify.Methods = []string{"email"}
	p.StorageFailure.Notify = []string{"phone"}
	p.Intrusion.Notify = []string{"ipnotify"}
	for _, id := range []string{"intrusion-detection", "error-notification", "storage-failure"} {
		st, ok := ByID(id)
		if !ok {
			t.Fatalf("no step %s", id)
		}
		pl, err := st.Plan(&Snapshot{Config: mustConfig(t, "")}, p, NewSecrets(nil))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !strings.Contains(strings.Join(pl.Notes, " "), "nothing is delivered") {
			t.Errorf("%s: the plan does not say that nothing is delivered yet: %q", id, pl.Notes)
		}
		if len(pl.ToDo) != 1 || !strings.Contains(pl.ToDo[0], "set up and test the camera's") {
			t.Errorf("%s: no manual item for the report: %q", id, pl.ToDo)
		}
	}
	for _, id := range []string{"intrusion-detection", "error-notification", "storage-failure"} {
		found := false
		for _, q := range Questions(id, nil, p) {
			if q.Help == NotifyHelp {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: the methods question does not say what they need", id)
		}
	}
}

// TestStep11SaysWhenThePortIsNotYetInForce: written but not rebooted, the
// check says the port is set and in force after the reboot; reached on it,
// it says it is in force.
func TestStep11SaysWhenThePortIsNotYetInForce(t *testing.T) {
	cfg := "SECTION webserver\nHTTPS_ENABLE=1\nHTTPS_PORT=8443\nHTTP_ENABLE=0\nHTTP_PORTS=80\nENDSECTION webserver\n"
	before, _ := url.Parse("https://10.0.0.5:20443")
	s := &Snapshot{Config: mustConfig(t, cfg), Base: before, PortOffset: 20000}
	if f := (webServerPorts{}).Check(s); f.Status != Pass || !strings.Contains(f.Detail, "in force after the reboot") {
		t.Errorf("before the reboot: %s %s", f.Status, f.Detail)
	}
	s.Base, _ = url.Parse("https://10.0.0.5:28443")
	if f := (webServerPorts{}).Check(s); f.Status != Pass || strings.Contains(f.Detail, "after the reboot") {
		t.Errorf("after the reboot: %s %s", f.Status, f.Detail)
	}
}

func TestStep8SaysTheLockOutItLeavesUnchanged(t *testing.T) {
	cfg := "SECTION intrusion\nENABLE=0\nTHRESHOLD=10\nWINDOW=60\nLOCKOUT=0\nLOCKOUT_TIME=600\nNOTIFY=\nENDSECTION intrusion\n"
	p := profile.Default()
	p.Intrusion.Threshold, p.Intrusion.Window, p.Intrusion.Lockout, p.Intrusion.Notify = 5, time.Minute, 10*time.Minute, []string{"leds"}
	pl, err := (intrusionDetection{}).Plan(&Snapshot{Config: mustConfig(t, cfg)}, p, NewSecrets(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(pl.Notes, "; "), "the camera already counts failed logins over 1m and blocks for 10m: unchanged") {
		t.Errorf("notes %q", pl.Notes)
	}
	if got := ShortDuration(90 * time.Minute); got != "1h30m" {
		t.Errorf("ShortDuration(90m) = %q", got)
	}
}
