package camsim_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

func TestMalformedScriptsGetErrorLinesNeverAPanic(t *testing.T) {
	cases := []struct {
		name, script string
		wantIn       []string
		wantNot      []string
	}{
		{
			"no helo: nothing runs", "write params\nethernet/HOSTNAME=nohelo\nupdate\nquit\n",
			[]string{"#read::\n#ERR helo: script must start with helo\n"},
			[]string{"OK update"},
		},
		{"empty body", "", []string{"#ERR helo: script must start with helo"}, nil},
		{
			"no quit: runs, then complains", "helo\nwrite params\nethernet/HOSTNAME=noquit\n",
			[]string{"OK ethernet/HOSTNAME", "#ERR quit: script must end with quit"},
			nil,
		},
		{
			"binary garbage", "\nhelo\n\x00\xff\xfe\x01garbage\n=/=\n/=\nSECTION\nENDSECTION\nquit\n",
			[]string{"unknown command", "#quit"},
			nil,
		},
		{
			"unknown view", "helo\nview everything\nview section nosuch\nquit\n",
			[]string{"#ERR view:", "#ERR nosuch: no such section"},
			[]string{"OK view"},
		},
		{
			"bad reset and restore", "helo\nreset\nrestore everything\nreset section nosuch\nquit\n",
			[]string{"#ERR reset:", "#ERR restore:", "#ERR nosuch: no such section"},
			[]string{"OK reset", "OK restore"},
		},
		{
			"bare write without ENDSECTION", "helo\nwrite\nSECTION audio\nMICRO=off\nquit\n",
			[]string{"#ERR audio: SECTION without ENDSECTION"},
			[]string{"OK audio"},
		},
		{
			"bare write with nesting", "helo\nwrite\nSECTION audio\nSECTION logo\nENDSECTION logo\nENDSECTION audio\nquit\n",
			[]string{"#ERR audio:"},
			[]string{"OK write"},
		},
		{
			"bare write with both web servers off", "helo\nwrite\nSECTION webserver\nHTTP_ENABLE=0\nHTTP_PORTS=80\nHTTPS_ENABLE=0\nHTTPS_PORT=443\nAUTH=basic\nENDSECTION webserver\nquit\n",
			[]string{"#ERR webserver: HTTP and HTTPS cannot both be off"},
			nil,
		},
		{
			"bare write of users without an admin", "helo\nwrite\nSECTION users\nbob=group=users\nENDSECTION users\nquit\n",
			[]string{"#ERR users: the last member of admins"},
			nil,
		},
		{
			"bare write with a plain line", "helo\nwrite\nSECTION audio\nthis is not a key\nENDSECTION audio\nquit\n",
			[]string{"#ERR audio: a line inside the section is not KEY=value"},
			nil,
		},
		{
			"write params ends at a non-parameter line", "helo\nwrite params\naudio/MICRO=off\nhelp\nquit\n",
			[]string{"OK audio/MICRO", "OK write params", "#help", "OK help"},
			nil,
		},
		{
			"crlf line ends", "\r\nhelo\r\nview section audio\r\nquit \r\n\r\n",
			[]string{"SECTION audio\nMICRO=on", "OK quit"},
			[]string{"\r"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cam, plain, _ := camsimtest.New(t)
			before := cam.ActiveConfig().Bytes()
			res := script(t, plain.URL, tc.script)
			if res.status != http.StatusOK || !strings.HasPrefix(res.body, camera.ReplyPrefix) {
				t.Fatalf("status %d, body %q", res.status, res.body)
			}
			for _, w := range tc.wantIn {
				if !strings.Contains(res.body, w) {
					t.Errorf("reply lacks %q:\n%s", w, res.body)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(res.body, w) {
					t.Errorf("reply holds %q:\n%s", w, res.body)
				}
			}
			if strings.Contains(tc.name, "nothing runs") && string(cam.ActiveConfig().Bytes()) != string(before) {
				t.Error("a script without helo changed the camera")
			}
			if _, err := camera.ParseReply([]byte(res.body)); err != nil {
				t.Errorf("reply does not parse: %v", err)
			}
		})
	}
}

func TestBareWriteReplacesWholeSectionsVerbatim(t *testing.T) {
	cam, plain, _ := camsimtest.New(t)
	reply := mustScript(t, plain.URL, "\nhelo\nwrite\n#:MX-V7.3.5.35\nSECTION audio\nMICRO=off\nVOLUME_CURVE=a:b=c\nENDSECTION audio\n\nSECTION system\nMODEL=Q71\nENDSECTION system\nSECTION users\nadmin=group=admins:password=Bare-Write-1\nENDSECTION users\nupdate\nquit\n")
	if c, _ := reply.Command("write"); !c.OK || strings.Join(c.Done, ",") != "audio,system,users" {
		t.Fatalf("bare write: %+v", c)
	}
	cfg := cam.ActiveConfig()
	if cfg.SectionText("audio") != "SECTION audio\nMICRO=off\nVOLUME_CURVE=a:b=c\nENDSECTION audio\n" {
		t.Errorf("audio section:\n%s", cfg.SectionText("audio"))
	}
	if cfg.Value(camera.SecSystem, camera.KeyModel) != "M73" {
		t.Error("a bare write changed the read-only model")
	}
	if u := cfg.Value(camera.SecUsers, "admin"); strings.Contains(u, "Bare-Write-1") || !strings.Contains(u, camsim.PasswordHash("admin", "Bare-Write-1")) {
		t.Errorf("a plain password in a bare write is kept as %q", u)
	}
}

func TestHugeScriptsAreRefusedWith413(t *testing.T) {
	_, plain, _ := camsimtest.New(t)
	huge := "\nhelo\n" + strings.Repeat("# padding line\n", (1<<20)/15+1) + "quit\n"
	if r := script(t, plain.URL, huge); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("%d bytes: %d, want 413", len(huge), r.status)
	}
	fits := "\nhelo\n" + strings.Repeat("# padding line\n", (1<<20)/15-10) + "quit\n"
	if r := script(t, plain.URL, fits); r.status != http.StatusOK {
		t.Errorf("%d bytes: %d, want 200", len(fits), r.status)
	}
}

func TestHelpListsTheCommands(t *testing.T) {
	cam := camsim.New(camsim.Options{})
	defer cam.Close()
	out := cam.RunScript("helo\nhelp\nquit\n")
	for _, c := range []string{"view configfile", "write params", "update", "store", "restore", "reset", "reboot", "quit"} {
		if !strings.Contains(out, "\n"+c) {
			t.Errorf("help lacks %q", c)
		}
	}
}

func TestZeroCameraIsUsable(t *testing.T) {
	var cam camsim.Camera
	defer cam.Close()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, camera.PathRemoteConfig, strings.NewReader(viewConfigScript))
	req.SetBasicAuth("admin", "meinsm")
	cam.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "#read::\n#helo\nOK helo\n#view configfile\n#:MX-V7.3.5.35\n") {
		t.Errorf("zero Camera: %d %q", rec.Code, rec.Body.String()[:min(80, rec.Body.Len())])
	}
}

func FuzzScript(f *testing.F) {
	for _, seed := range []string{
		viewConfigScript,
		"\nhelo\nwrite params\nusers/admin/password=%0Aquit\nethernet/HOSTNAME=%zz\nupdate\nstore\nquit\n",
		"helo\nwrite\nSECTION a\nk=v\nENDSECTION a\nSECTION\nquit",
		"helo\nreset exceptsection users\nrestore section webserver\nview section users timestamp\nreboot\nquit\n",
		"helo\nwrite params\ngroups/xyz=live\nusers/abc/group=xyz\nusers/abc/password=Abcdefgh1\ngroups/xyz=\nusers/abc=\nquit\n",
		"\x00\nhelo\x00\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cam := camsim.New(camsim.Options{})
		defer cam.Close()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, camera.PathRemoteConfig, strings.NewReader(s))
		req.SetBasicAuth("admin", "meinsm")
		cam.ServeHTTP(rec, req)
		if len(s) > 1<<20 {
			return
		}
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), camera.ReplyPrefix) {
			t.Fatalf("script %q: %d %q", s, rec.Code, rec.Body.String())
		}
		if _, err := camera.ParseReply(rec.Body.Bytes()); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
	})
}

// TestARawHashStartsACommentAndValuesAreTrimmed: as MOBOTIX's parser reads
// a line, a raw '#' ends the value and spaces around it do not count.
func TestARawHashStartsACommentAndValuesAreTrimmed(t *testing.T) {
	cam := camsim.New(camsim.Options{})
	out := cam.RunScript("\nhelo\nwrite params\npageoptions/ROBOTS= forbid # no crawlers\nethernet/HOSTNAME=lobby-cam#ignored\nupdate\nquit\n\n")
	if strings.Contains(out, "#ERR") {
		t.Fatalf("the script was refused:\n%s", out)
	}
	cfg := cam.RAMConfig()
	if got := cfg.Value(camera.SecPageOptions, camera.KeyRobots); got != "forbid" {
		t.Errorf("ROBOTS = %q, want forbid", got)
	}
	if got := cfg.Value(camera.SecEthernet, camera.KeyHostname); got != "lobby-cam" {
		t.Errorf("HOSTNAME = %q, want lobby-cam", got)
	}
}
