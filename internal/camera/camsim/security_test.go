package camsim_test

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

func TestNoPasswordOrSecretIsKeptOrShownInPlainText(t *testing.T) {
	reqLog := &camsimtest.LogBuffer{}
	dir := t.TempDir()
	cam, plain, _ := camsimtest.New(t, camsim.Options{Log: reqLog, StateDir: dir})
	const (
		pw     = "Plain-Secret-77"
		recKey = "RecordingKey-xyz"
		mxKey  = "MxMessage-abc"
	)
	mustScript(t, plain.URL, "\nhelo\nwrite params\n"+
		"users/operator/group=users\n"+
		"users/operator/password="+camera.EncodeValue(pw)+"\n"+
		"storage/ENCRYPT_KEY="+camera.EncodeValue(recKey)+"\n"+
		"mxmessage/KEY="+camera.EncodeValue(mxKey)+"\n"+
		"update\nstore\nquit\n")
	// log in once with it, once wrongly
	loginStatus(t, plain.URL, "operator", pw)
	loginStatus(t, plain.URL, "operator", pw+"x")

	view := script(t, plain.URL, viewConfigScript).body
	file := call{url: plain.URL + camera.PathConfigFile, user: "admin", pass: "meinsm"}.do(t).body
	weblog := call{url: plain.URL + camera.PathWebLog + "?type=webserver", user: "admin", pass: "meinsm"}.do(t).body
	flash, err := os.ReadFile(filepath.Join(dir, "flash.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	places := map[string]string{
		"view configfile": view, "m1cam.cfg": file, "web server log": weblog,
		"system log": strings.Join(cam.SystemLog(), "\n"), "request log": reqLog.String(), "flash.cfg": string(flash),
	}
	for where, text := range places {
		for _, s := range []string{pw, recKey, mxKey, camera.FactoryPassword} {
			if strings.Contains(text, s) {
				t.Errorf("%s holds a secret in plain text", where)
			}
		}
	}
	cfg, _ := camera.ParseConfig([]byte(file))
	if got := camera.ParseProfile(cfg.Value(camera.SecUsers, "operator")).Get(camera.ProfPasswordHash); got != camsim.PasswordHash("operator", pw) {
		t.Errorf("pwhash %q, want {camsim-HA1}md5(operator:realm:password)", got)
	}
	for _, sk := range [][2]string{{camera.SecStorage, camera.KeyEncryptKey}, {camera.SecMxMessage, camera.KeyMxKey}} {
		if v := cfg.Value(sk[0], sk[1]); !strings.HasPrefix(v, "{SSHA256}") || !strings.Contains(v, "$") {
			t.Errorf("%s/%s = %q, want {SSHA256}<salt>$<hex>", sk[0], sk[1], v)
		}
	}
	seen := map[int]bool{}
	for _, e := range camera.ParseWebLog([]byte(weblog)) {
		if e.User == "operator" && e.Path == camera.PathConfigFile {
			seen[e.Status] = true
		}
	}
	if !seen[403] || !seen[401] {
		t.Errorf("web server log misses the good and the failed login:\n%s", weblog)
	}
}

func TestValuesCannotInjectCommands(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	res := script(t, plain.URL, "\nhelo\nwrite params\n"+
		"users/admin/password=Abcdefgh%0Aquit%0Areset%20configfile\n"+
		"ethernet/HOSTNAME=x%0D%0Aupdate\n"+
		"users/admin/password="+camera.EncodeValue("Pa&ss=w%rd:1+")+"\n"+
		"update\nquit\n")
	reply, err := camera.ParseReply([]byte(res.body))
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, c := range reply.Commands {
		cmds = append(cmds, c.Command)
	}
	if strings.Join(cmds, "|") != "helo|write params|update|quit" {
		t.Errorf("commands run: %v (a value started a command?)", cmds)
	}
	w, _ := reply.Command("write params")
	if len(w.Errors) != 2 || len(w.Done) != 1 {
		t.Errorf("want the two values with line breaks refused and the third taken: %+v", w)
	}
	if strings.Contains(res.body, "Abcdefgh") || strings.Contains(res.body, "Pa&ss") {
		t.Error("the reply echoes a value")
	}
	if s := loginStatus(t, plain.URL, "admin", "Pa&ss=w%rd:1+"); s != http.StatusOK {
		t.Errorf("the password with & = %% : + was not taken as data: login %d", s)
	}
	if h := cam.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname); h != "mx10-8-0-123" {
		t.Errorf("HOSTNAME=%q", h)
	}
	// An unknown command that looks like a parameter is never echoed with its value.
	res = scriptAs(t, plain.URL, "admin", "Pa&ss=w%rd:1+", "\nhelo\nupdate\nusers/admin/password=Leaked-Value-1\nquit\n")
	if strings.Contains(res.body, "Leaked-Value-1") || !strings.Contains(res.body, "#ERR users/admin/password: unknown command") {
		t.Errorf("unknown command reply:\n%s", res.body)
	}
}

func TestPublicAccessAndGroupRights(t *testing.T) {
	_, plain, _ := camsimtest.New(t)
	anon := func(path string) int { return call{url: plain.URL + path}.do(t).status }
	// Factory: most screens public, admin and setup never.
	for path, want := range map[string]int{
		"/": 200, "/control/userimage.html": 200, "/control/player": 200, "/control/multiview": 200,
		"/cgi-bin/guestimage.html": 200, "/record/current.jpg": 200, camera.PathCameraInfo + "?text": 200,
		camera.PathRobots: 200, camera.PathConfigFile: 401, camera.PathControl + "?list": 401, "/control/rcontrol?action=x": 401,
	} {
		if got := anon(path); got != want {
			t.Errorf("factory, anonymous GET %s: %d, want %d", path, got, want)
		}
	}
	info := call{url: plain.URL + camera.PathCameraInfo + "?text"}.do(t)
	if !strings.Contains(info.body, camera.MobotixSignature) || !strings.Contains(info.body, "Model: M73") {
		t.Errorf("camera info:\n%s", info.body)
	}
	r := call{url: plain.URL + camera.PathConfigFile}.do(t)
	if got := r.header.Get("WWW-Authenticate"); got != `Basic realm="MOBOTIX Camera User"` {
		t.Errorf("challenge %q", got)
	}

	mustScript(t, plain.URL, "\nhelo\nwrite params\naccess/PUBLIC=\ngroups/watchers=live,guest\n"+
		"users/guard/group=watchers\nusers/guard/password=Guard-Pass-1\nupdate\nquit\n")
	if got := anon("/"); got != http.StatusUnauthorized {
		t.Errorf("public access off, anonymous live page: %d, want 401", got)
	}
	if got := anon(camera.PathRobots); got != http.StatusOK {
		t.Errorf("robots.txt must stay public: %d", got)
	}
	for path, want := range map[string]int{
		"/": 200, "/cgi-bin/guestimage.html": 200, "/control/player": 403, camera.PathConfigFile: 403,
	} {
		if got := (call{url: plain.URL + path, user: "guard", pass: "Guard-Pass-1"}).do(t).status; got != want {
			t.Errorf("user guard (live,guest) GET %s: %d, want %d", path, got, want)
		}
	}
	if got := scriptAs(t, plain.URL, "guard", "Guard-Pass-1", viewConfigScript); got.status != http.StatusForbidden {
		t.Errorf("user without admin right posts a script: %d, want 403", got.status)
	}
}

func TestIPLevelAccessControlClosesDeniedConnections(t *testing.T) {
	cam, plain, secure := camsimtest.New(t)
	other := httpClient(net.IPv4(127, 0, 0, 2))
	get := func(base string, hc *http.Client) result {
		return call{url: base + camera.PathConfigFile, user: "admin", pass: "meinsm", client: hc}.do(t)
	}
	if r := get(plain.URL, other); r.status != http.StatusOK {
		t.Fatalf("from 127.0.0.2 with access control off: %d %v", r.status, r.err)
	}
	mustScript(t, plain.URL, "\nhelo\nwrite params\nipaccess/RULES=allow%20127.0.0.1,tempallow%20127.0.0.3\nipaccess/NOMATCH=deny\nipaccess/ENABLE=1\nupdate\nstore\nquit\n")
	for _, base := range []string{plain.URL, secure.URL} {
		if r := get(base, other); !closedWithoutAnswer(r) {
			t.Errorf("%s from 127.0.0.2 (no rule, no match = deny): status %d, want the connection closed", base, r.status)
		}
		if r := get(base, nil); r.status != http.StatusOK {
			t.Errorf("%s from 127.0.0.1 (allowed): %d %v", base, r.status, r.err)
		}
	}
	if r := get(plain.URL, httpClient(net.IPv4(127, 0, 0, 3))); r.status != http.StatusOK {
		t.Errorf("tempallow 127.0.0.3: %d", r.status)
	}
	// Allow rules come first, deny rules beat the no-match policy, masks work.
	mustScript(t, plain.URL, "\nhelo\nwrite params\nipaccess/RULES=deny%20127.0.0.0/255.255.255.0,allow%20localhost,tempdeny%20127.0.0.3\nipaccess/NOMATCH=allow\nupdate\nquit\n")
	if r := get(plain.URL, nil); r.status != http.StatusOK {
		t.Errorf("localhost allowed before the deny mask: %d", r.status)
	}
	if r := get(plain.URL, other); !closedWithoutAnswer(r) {
		t.Errorf("127.0.0.2 in a denied mask: %d", r.status)
	}
	if r := get(plain.URL, httpClient(net.IPv4(127, 0, 1, 9))); r.status != http.StatusOK {
		t.Errorf("127.0.1.9 outside the mask, no match = allow: %d", r.status)
	}
	logged := false
	for _, l := range cam.SystemLog() {
		if strings.Contains(l, "connection from 127.0.0.2 refused") {
			logged = true
		}
	}
	if !logged {
		t.Error("the refusal is not in the system log")
	}
	// Temporary rules last until the reboot (the stored ones had tempallow .3).
	reboot(t, cam, plain.URL)
	if rules := cam.ActiveConfig().Value(camera.SecIPAccess, camera.KeyIPRules); rules != "allow 127.0.0.1" {
		t.Errorf("after reboot RULES=%q, want the temporary rule gone", rules)
	}
	if r := get(plain.URL, httpClient(net.IPv4(127, 0, 0, 3))); !closedWithoutAnswer(r) {
		t.Errorf("127.0.0.3 after its temporary allow vanished: %d", r.status)
	}
}

func TestIntrusionDetectionLocksOutAfterThreshold(t *testing.T) {
	clk := newClock()
	cam, plain, _ := camsimtest.New(t, camsim.Options{Now: clk.Now})
	mustScript(t, plain.URL, "\nhelo\nwrite params\nintrusion/ENABLE=1\nintrusion/THRESHOLD=3\nintrusion/WINDOW=60\n"+
		"intrusion/LOCKOUT=1\nintrusion/LOCKOUT_TIME=600\nintrusion/NOTIFY=email,ipnotify\nupdate\nquit\n")
	attacker := httpClient(net.IPv4(127, 0, 0, 2))
	try := func(pass string, hc *http.Client) result {
		return call{url: plain.URL + camera.PathConfigFile, user: "admin", pass: pass, client: hc}.do(t)
	}
	for i := 0; i < 2; i++ {
		if r := try("wrong-guess", attacker); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	clk.Advance(61 * time.Second) // the first two fall out of the window
	for i := 0; i < 2; i++ {
		try("wrong-guess", attacker)
	}
	if r := try("meinsm", attacker); r.status != http.StatusOK {
		t.Fatalf("2 failures in the window (threshold 3) must not lock: %d", r.status)
	}
	try("wrong-guess", attacker) // the third within 60 s
	r := try("meinsm", attacker)
	if r.status != http.StatusForbidden || !strings.Contains(r.body, "intrusion") {
		t.Fatalf("locked-out address with good credentials: %d %q, want 403 (intrusion detection)", r.status, r.body)
	}
	if r := try("meinsm", nil); r.status != http.StatusOK {
		t.Errorf("another address is not locked out: %d", r.status)
	}
	var detected, notified bool
	for _, l := range cam.SystemLog() {
		detected = detected || strings.Contains(l, "intrusion detection: 3 failed logins from 127.0.0.2") && strings.Contains(l, "locked out for 600 s")
		notified = notified || strings.HasPrefix(l[strings.Index(l, " ")+1:], "notification (email,ipnotify)")
	}
	if !detected || !notified {
		t.Errorf("system log misses the intrusion (%v) or the notification (%v):\n%s", detected, notified, strings.Join(cam.SystemLog(), "\n"))
	}
	clk.Advance(599 * time.Second)
	if r := try("meinsm", attacker); r.status != http.StatusForbidden {
		t.Errorf("still within the lock-out time: %d", r.status)
	}
	clk.Advance(2 * time.Second)
	if r := try("meinsm", attacker); r.status != http.StatusOK {
		t.Errorf("after the lock-out time: %d", r.status)
	}
}

func TestIntrusionDetectionWithoutLockoutOnlyLogs(t *testing.T) {
	clk := newClock()
	cam, plain, _ := camsimtest.New(t, camsim.Options{Now: clk.Now})
	mustScript(t, plain.URL, "\nhelo\nwrite params\nintrusion/ENABLE=1\nintrusion/THRESHOLD=2\nupdate\nquit\n")
	for i := 0; i < 3; i++ {
		call{url: plain.URL + camera.PathConfigFile, user: "admin", pass: "bad-guess"}.do(t)
	}
	if s := loginStatus(t, plain.URL, "admin", "meinsm"); s != http.StatusOK {
		t.Errorf("LOCKOUT=0 locked out: %d", s)
	}
	if !strings.Contains(strings.Join(cam.SystemLog(), "\n"), "intrusion detection: 2 failed logins") {
		t.Error("the intrusion is not logged")
	}
}

func TestDigestAndBasicAuthentication(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	cam.RunScript("\nhelo\nwrite params\nwebserver/AUTH=digest\nupdate\nquit\n")
	r := call{url: plain.URL + camera.PathConfigFile}.do(t)
	chal, err := digest.FindChallenge(r.header)
	if r.status != http.StatusUnauthorized || err != nil {
		t.Fatalf("digest challenge: %d %v %q", r.status, err, r.header.Get("WWW-Authenticate"))
	}
	if chal.Realm != camsim.Realm || !chal.SupportsQOP("auth") || chal.Algorithm != "MD5" || chal.Nonce == "" {
		t.Errorf("challenge %+v", chal)
	}
	digestClient := func(user, pass string) *http.Client {
		return &http.Client{Transport: &digest.Transport{Username: user, Password: pass, Transport: &http.Transport{DisableKeepAlives: true}}}
	}
	res := call{url: plain.URL + camera.PathRemoteConfig, body: viewConfigScript, client: digestClient("admin", "meinsm")}.do(t)
	if res.status != http.StatusOK || !strings.HasPrefix(res.body, camera.ReplyPrefix) {
		t.Fatalf("digest POST: %d %q", res.status, res.body)
	}
	if r := (call{url: plain.URL + camera.PathConfigFile, client: digestClient("admin", "wrong-pass")}).do(t); r.status != http.StatusUnauthorized {
		t.Errorf("digest with a wrong password: %d", r.status)
	}
	if s := loginStatus(t, plain.URL, "admin", "meinsm"); s != http.StatusUnauthorized {
		t.Errorf("Basic in digest mode: %d, want refused", s)
	}
	cam.RunScript("\nhelo\nwrite params\nwebserver/AUTH=auto\nupdate\nquit\n")
	if s := loginStatus(t, plain.URL, "admin", "meinsm"); s != http.StatusOK {
		t.Errorf("Basic in auto mode: %d, want accepted", s)
	}
	if r := (call{url: plain.URL + camera.PathRemoteConfig, body: viewConfigScript, client: digestClient("admin", "meinsm")}).do(t); r.status != http.StatusOK {
		t.Errorf("Digest in auto mode: %d, want accepted", r.status)
	}
	mustScript(t, plain.URL, "\nhelo\nwrite params\nwebserver/AUTH=digest\nupdate\nquit\n")

	// Nonce counts must grow; an unknown nonce is stale, not a failed login.
	send := func(c *digest.Challenge, nc int, pass string) result {
		cred, err := digest.Digest(c, digest.Options{Method: http.MethodGet, URI: camera.PathConfigFile, Count: nc, Username: "admin", Password: pass})
		if err != nil {
			t.Fatal(err)
		}
		return call{url: plain.URL + camera.PathConfigFile, header: http.Header{"Authorization": {cred.String()}}}.do(t)
	}
	fresh, _ := digest.FindChallenge(call{url: plain.URL + camera.PathConfigFile}.do(t).header)
	if r := send(fresh, 1, "meinsm"); r.status != http.StatusOK {
		t.Fatalf("nc=1: %d", r.status)
	}
	r = send(fresh, 1, "meinsm")
	if again, err := digest.FindChallenge(r.header); r.status != http.StatusUnauthorized || err != nil || !again.Stale {
		t.Errorf("replayed nc=1: %d stale=%v", r.status, err == nil && again.Stale)
	}
	if r := send(fresh, 2, "meinsm"); r.status != http.StatusOK {
		t.Errorf("nc=2: %d", r.status)
	}
	unknown := *fresh
	unknown.Nonce = "00112233445566778899aabbccddeeff"
	r = send(&unknown, 1, "meinsm")
	if again, err := digest.FindChallenge(r.header); r.status != http.StatusUnauthorized || err != nil || !again.Stale {
		t.Errorf("unknown nonce: %d, want 401 stale=true", r.status)
	}
	if r := send(fresh, 3, "wrong-pass"); r.status != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", r.status)
	}
	_ = cam
}

func TestRobotsTxtFollowsPageOptions(t *testing.T) {
	_, plain, _ := camsimtest.New(t)
	if r := (call{url: plain.URL + camera.PathRobots}).do(t); r.body != "User-agent: *\nAllow: /\n" {
		t.Errorf("factory robots.txt %q", r.body)
	}
	mustScript(t, plain.URL, "\nhelo\nwrite params\npageoptions/ROBOTS=forbid\nquit\n")
	if r := (call{url: plain.URL + camera.PathRobots}).do(t); r.body != "User-agent: *\nAllow: /\n" {
		t.Errorf("written, not updated: robots.txt already changed: %q", r.body)
	}
	mustScript(t, plain.URL, "\nhelo\nupdate\nquit\n")
	if r := (call{url: plain.URL + camera.PathRobots}).do(t); r.body != "User-agent: *\nDisallow: /\n" {
		t.Errorf("ROBOTS=forbid: robots.txt %q", r.body)
	}
}

func TestUnknownPathsAre404(t *testing.T) {
	_, plain, _ := camsimtest.New(t)
	for _, p := range []string{"/admin", "/etc/passwd", "/admin/remoteconfig/x", "/favicon.ico"} {
		if r := (call{url: plain.URL + p, user: "admin", pass: "meinsm"}).do(t); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, r.status)
		}
	}
	if r := (call{url: plain.URL + camera.PathRemoteConfig, user: "admin", pass: "meinsm"}).do(t); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET remoteconfig: %d, want 405", r.status)
	}
}
