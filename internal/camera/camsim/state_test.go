package camsim_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

func loginStatus(t *testing.T, base, user, pass string) int {
	t.Helper()
	return call{url: base + camera.PathConfigFile, user: user, pass: pass}.do(t).status
}

func reboot(t *testing.T, cam *camsim.Camera, base string) {
	t.Helper()
	r := call{method: http.MethodPost, url: base + camera.PathRControl + "?action=reboot", user: camera.FactoryUser, pass: camera.FactoryPassword}.do(t)
	if r.status != http.StatusOK || !strings.Contains(r.body, "OK - Reboot") {
		t.Fatalf("reboot: %d %q", r.status, r.body)
	}
	camsimtest.WaitReady(t, cam, 5*time.Second)
}

func TestWrittenIsEnforcedOnlyAfterUpdate(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	mustScript(t, plain.URL, "\nhelo\nwrite params\nusers/admin/password=New-Pass-2026\nquit\n")
	if got := cam.RAMConfig().Value(camera.SecUsers, "admin"); !strings.Contains(got, camsim.PasswordHash("admin", "New-Pass-2026")) {
		t.Errorf("RAM does not hold the new hash: %q", got)
	}
	if s := loginStatus(t, plain.URL, "admin", camera.FactoryPassword); s != http.StatusOK {
		t.Errorf("before update the old password gets %d, want 200 (written is not active)", s)
	}
	mustScript(t, plain.URL, "\nhelo\nupdate\nquit\n")
	if s := loginStatus(t, plain.URL, "admin", camera.FactoryPassword); s != http.StatusUnauthorized {
		t.Errorf("after update the old password gets %d, want 401", s)
	}
	if s := loginStatus(t, plain.URL, "admin", "New-Pass-2026"); s != http.StatusOK {
		t.Errorf("after update the new password gets %d, want 200", s)
	}
}

func TestRebootKeepsOnlyWhatWasStored(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	mustScript(t, plain.URL, "\nhelo\nwrite params\nethernet/HOSTNAME=unstored\nupdate\nquit\n")
	reboot(t, cam, plain.URL)
	if got := cam.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname); got != "mx10-8-0-123" {
		t.Errorf("a change that was not stored survived the reboot: HOSTNAME=%q", got)
	}

	mustScript(t, plain.URL, "\nhelo\nwrite params\nethernet/HOSTNAME=stored\nupdate\nstore\nquit\n")
	reboot(t, cam, plain.URL)
	if got := cam.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname); got != "stored" {
		t.Errorf("a stored change was lost at reboot: HOSTNAME=%q", got)
	}

	// mxpgm's example: write params, store, reboot (no update): store saves
	// the written configuration, so the change is there after the reboot.
	mustScript(t, plain.URL, "\nhelo\nwrite params\nethernet/HOSTNAME=Cam01\nstore\nreboot\nquit\n")
	camsimtest.WaitReady(t, cam, 5*time.Second)
	if got := cam.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname); got != "Cam01" {
		t.Errorf("write params + store + reboot: HOSTNAME=%q, want Cam01", got)
	}
}

func TestRestoreBringsTheFlashBack(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	mustScript(t, plain.URL, "\nhelo\nwrite params\npageoptions/ROBOTS=forbid\nethernet/HOSTNAME=lost\nupdate\nquit\n")
	reply := mustScript(t, plain.URL, "\nhelo\nrestore section pageoptions\nquit\n")
	if c, _ := reply.Command("restore section"); !c.OK {
		t.Fatalf("restore section: %+v", c)
	}
	if cam.ActiveConfig().Value(camera.SecPageOptions, camera.KeyRobots) != "allow" || cam.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname) != "lost" {
		t.Error("restore section pageoptions did not restore only that section")
	}
	mustScript(t, plain.URL, "\nhelo\nrestore configfile\nquit\n")
	if string(cam.ActiveConfig().Bytes()) != string(cam.FlashConfig().Bytes()) || string(cam.RAMConfig().Bytes()) != string(cam.FlashConfig().Bytes()) {
		t.Error("restore configfile: RAM and active differ from flash")
	}
}

func TestResetBringsFactoryDefaultsUntilReboot(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	mustScript(t, plain.URL, "\nhelo\nwrite params\nusers/admin/password=Stored-Pass-1\nethernet/HOSTNAME=site\nupdate\nstore\nquit\n")
	r := scriptAs(t, plain.URL, "admin", "Stored-Pass-1", "\nhelo\nreset exceptsection ethernet\nquit\n")
	if r.status != http.StatusOK || strings.Contains(r.body, "#ERR") {
		t.Fatalf("reset exceptsection: %d %q", r.status, r.body)
	}
	if s := loginStatus(t, plain.URL, camera.FactoryUser, camera.FactoryPassword); s != http.StatusOK {
		t.Errorf("after reset admin/meinsm gets %d, want 200", s)
	}
	if got := cam.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname); got != "site" {
		t.Errorf("reset exceptsection ethernet changed ethernet: %q", got)
	}
	mustScript(t, plain.URL, "\nhelo\nreset configfile\nquit\n")
	if string(cam.ActiveConfig().Bytes()) != string(cam.FactoryConfig().Bytes()) {
		t.Error("reset configfile: active is not the factory configuration")
	}
	// Not stored: the reboot brings the stored password back.
	reboot(t, cam, plain.URL)
	if s := loginStatus(t, plain.URL, "admin", "Stored-Pass-1"); s != http.StatusOK {
		t.Errorf("after reboot the stored password gets %d, want 200", s)
	}
}

func TestRControlStoreconfig(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	mustScript(t, plain.URL, "\nhelo\nwrite params\nethernet/HOSTNAME=viarcontrol\nupdate\nquit\n")
	r := call{url: plain.URL + camera.PathRControl + "?action=storeconfig", user: "admin", pass: "meinsm"}.do(t)
	if r.status != http.StatusOK || r.body != "OK - storeconfig\n" {
		t.Fatalf("storeconfig: %d %q", r.status, r.body)
	}
	if cam.FlashConfig().Value(camera.SecEthernet, camera.KeyHostname) != "viarcontrol" {
		t.Error("storeconfig did not save to flash")
	}
	if r := (call{url: plain.URL + camera.PathRControl + "?action=selfdestruct", user: "admin", pass: "meinsm"}).do(t); r.status != http.StatusBadRequest {
		t.Errorf("unknown action: %d", r.status)
	}
}

func TestRequestsDuringBootAreClosedWithoutAnswer(t *testing.T) {
	cam, plain, secure := camsimtest.New(t, camsim.Options{BootTime: 300 * time.Millisecond})
	r := call{method: http.MethodPost, url: plain.URL + camera.PathRControl + "?action=reboot", user: "admin", pass: "meinsm"}.do(t)
	if r.status != http.StatusOK || !strings.Contains(r.body, "OK - Reboot") {
		t.Fatalf("reboot: %d %q", r.status, r.body)
	}
	if !cam.Booting() {
		t.Fatal("the camera is not booting right after the reboot reply")
	}
	for _, base := range []string{plain.URL, secure.URL} {
		if res := script(t, base, viewConfigScript); !closedWithoutAnswer(res) {
			t.Errorf("%s during boot: status %d, want the connection closed", base, res.status)
		}
	}
	camsimtest.WaitReady(t, cam, 5*time.Second)
	if res := script(t, plain.URL, viewConfigScript); res.status != http.StatusOK {
		t.Errorf("after boot: %d %v", res.status, res.err)
	}
	// The camera deletes its web server log at every reboot (doc): what
	// was refused while it booted is gone, what came after is there.
	var refused, after int
	for _, e := range camera.ParseWebLog([]byte(cam.WebLog())) {
		switch {
		case e.Status == 0:
			refused += e.Count
		case e.Status == http.StatusOK && e.Path == camera.PathRemoteConfig:
			after += e.Count
		}
	}
	if refused != 0 || after == 0 {
		t.Errorf("the web server log after the reboot: %d refused rows from the boot, %d requests since:\n%s", refused, after, cam.WebLog())
	}
}

func TestSwitchedOffHTTPClosesPlainRequestsAfterReboot(t *testing.T) {
	cam, plain, secure := camsimtest.New(t)
	mustScript(t, plain.URL, "\nhelo\nwrite params\nwebserver/HTTP_ENABLE=0\nupdate\nstore\nquit\n")
	// Port and switch changes take effect at reboot.
	if res := script(t, plain.URL, viewConfigScript); res.status != http.StatusOK {
		t.Fatalf("HTTP before the reboot: %d %v", res.status, res.err)
	}
	reboot(t, cam, secure.URL)
	if res := script(t, plain.URL, viewConfigScript); !closedWithoutAnswer(res) {
		t.Errorf("HTTP after the reboot: status %d, want closed", res.status)
	}
	if res := script(t, secure.URL, viewConfigScript); res.status != http.StatusOK {
		t.Errorf("HTTPS after the reboot: %d %v", res.status, res.err)
	}
	if h, s := cam.ListenPorts(); len(h) != 0 || s != 443 {
		t.Errorf("ListenPorts = %v, %d", h, s)
	}
}

func TestValidationRefusesBadWrites(t *testing.T) {
	cases := []struct {
		name, line, wantErr string
	}{
		{"both web servers off", "webserver/HTTPS_ENABLE=0\nwebserver/HTTP_ENABLE=0", "webserver/HTTP_ENABLE: HTTP and HTTPS cannot both be off"},
		{"port out of range", "webserver/HTTPS_PORT=70000", "webserver/HTTPS_PORT: port"},
		{"ports not distinct", "webserver/HTTPS_PORT=80", "given twice"},
		{"three HTTP ports", "webserver/HTTP_PORTS=81,82,83", "one or two"},
		{"reserved port", "webserver/HTTP_PORTS=8554", "taken by another service"},
		{"no-match policy", "ipaccess/NOMATCH=maybe", "ipaccess/NOMATCH"},
		{"rule with CIDR", "ipaccess/RULES=allow%20192.168.1.0/24", "dotted form"},
		{"rule action", "ipaccess/RULES=permit%20192.168.1.1", "action"},
		{"unknown right", "groups/operators=live,fly", "unknown right"},
		{"group name too short", "groups/op=live", "3 to 16"},
		{"admins without admin", "groups/admins=live", "admin right"},
		{"admins removed", "groups/admins=", "cannot be removed"},
		{"last admin removed", "users/admin=", "last member of admins"},
		{"last admin moved", "users/admin/group=users", "last member of admins"},
		{"short password", "users/admin/password=short", "8 to 99"},
		{"password with space", "users/admin/password=with%20a%20space", "without spaces"},
		{"password for nobody", "users/nobody/password=Long-Enough-1", "no such user"},
		{"user in unknown group", "users/newbie/group=nowhere", "no such group"},
		{"public admin", "access/PUBLIC=live,admin", "never be public"},
		{"read-only model", "system/MODEL=Q71", "read-only"},
		{"unknown key", "webserver/TURBO=1", "unknown key"},
		{"unknown section", "nosuch/KEY=1", "no such section"},
		{"bad escape", "ethernet/HOSTNAME=ab%zz", "percent"},
		{"mxmessage key too short", "mxmessage/KEY=12345", "at least 6"},
		{"robots", "pageoptions/ROBOTS=maybe", "pageoptions/ROBOTS"},
		{"public public", "access/PUBLIC=nonsense", "unknown right"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cam, plain, _ := camsimtest.New(t)
			before := cam.RAMConfig().Bytes()
			res := script(t, plain.URL, "\nhelo\nwrite params\n"+tc.line+"\nquit\n")
			if !strings.Contains(res.body, "#ERR ") || !strings.Contains(res.body, tc.wantErr) {
				t.Fatalf("want an error containing %q, got\n%s", tc.wantErr, res.body)
			}
			if strings.Contains(res.body, "OK write params") {
				t.Error("the write params command closed with OK despite a refused line")
			}
			if strings.Count(tc.line, "\n") == 0 && string(cam.RAMConfig().Bytes()) != string(before) {
				t.Error("a refused line changed the configuration")
			}
		})
	}
}

func TestUserAndGroupLimits(t *testing.T) {
	cam, _, _ := camsimtest.New(t)
	var b strings.Builder
	b.WriteString("\nhelo\nwrite params\n")
	for i := 0; i < 100; i++ {
		b.WriteString("users/user" + string(rune('a'+i/26)) + string(rune('a'+i%26)) + "/group=users\n")
	}
	for i := 0; i < 22; i++ {
		b.WriteString("groups/group" + string(rune('a'+i)) + "=live\n")
	}
	b.WriteString("quit\n")
	out := cam.RunScript(b.String())
	if n := len(cam.RAMConfig().Keys(camera.SecUsers)); n != 100 {
		t.Errorf("%d users, want the limit 100", n)
	}
	if n := len(cam.RAMConfig().Keys(camera.SecGroups)); n != 25 {
		t.Errorf("%d groups, want the limit 25", n)
	}
	if strings.Count(out, "at most 100 users") != 1 || strings.Count(out, "at most 25 groups") != 1 {
		t.Errorf("want one refusal each for the 101st user and the 26th group:\n%s", out)
	}
	// Deleting a group moves its users to undefined.
	out = cam.RunScript("\nhelo\nwrite params\nusers/useraa/group=groupa\ngroups/groupa=\nquit\n")
	if !strings.Contains(out, "OK groups/groupa") {
		t.Fatalf("delete group: %s", out)
	}
	if g := camera.ParseProfile(cam.RAMConfig().Value(camera.SecUsers, "useraa")).Get(camera.ProfGroup); g != "undefined" {
		t.Errorf("a user of a deleted group is in %q, want undefined", g)
	}
}
