package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/report"
)

// TestProbeWritesAFieldReportWithoutASecret: a camera with a changed admin
// password, a user, a recording key and one section the firmware lacks.
// The report names sections, keys, the names found and missing, the
// login schemes and the endpoints, and holds no password, key, hash or
// user name.
func TestProbeWritesAFieldReportWithoutASecret(t *testing.T) {
	cam, _, tlsSrv := camsimtest.New(t, camsim.Options{MissingSections: []string{camera.SecIntrusion}})
	const adminPW, userPW, recKey = "Probe-Admin-Pw-31", "Probe-User-Pw-27", "probe-recording-key-19"
	cam.RunScript("\nhelo\nwrite params\nusers/anna.smith/group=users\nusers/anna.smith/password=" + userPW +
		"\nstorage/ENCRYPT_KEY=" + recKey + "\nusers/admin/password=" + adminPW + "\nupdate\nquit\n\n")
	t.Setenv(envPassword, adminPW)
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"probe", "--accept-new", "--known-cameras", filepath.Join(out, "known"), "--out", out, tlsSrv.URL},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("probe exited %d: %s", code, stderr.String())
	}
	md, err := os.ReadFile(filepath.Join(out, "probe-10.8.0.123.md"))
	if err != nil {
		t.Fatal(err)
	}
	js, err := os.ReadFile(filepath.Join(out, "probe-10.8.0.123.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{string(md), string(js), stdout.String(), stderr.String()} {
		for _, bad := range []string{adminPW, userPW, recKey, "HA1}", "{SSHA256}", "pwhash", "anna.smith"} {
			if strings.Contains(text, bad) {
				t.Errorf("the report shows %q", bad)
			}
		}
	}
	var p report.Probe
	if err := json.Unmarshal(js, &p); err != nil {
		t.Fatal(err)
	}
	has := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	if !has(p.Found, "webserver/AUTH") || !has(p.Missing, "intrusion/ENABLE") || has(p.Found, "intrusion/ENABLE") {
		t.Errorf("found %v, missing %v", p.Found, p.Missing)
	}
	if len(p.AuthSchemes) == 0 || p.AdminSectionsStatus != 200 || len(p.WrapperShape) != 7 || len(p.Endpoints) == 0 {
		t.Errorf("schemes %v, admin sections %d, wrapper %d lines, %d endpoints", p.AuthSchemes, p.AdminSectionsStatus, len(p.WrapperShape), len(p.Endpoints))
	}
	for _, s := range p.Sections {
		if s.Name == camera.SecUsers && s.Entries != 2 {
			t.Errorf("users: %d entries, want 2 (admin and the user), names not listed", s.Entries)
		}
		if s.Name == camera.SecWebServer {
			for _, k := range s.Keys {
				if k.Name == camera.KeyHTTPSPort && (!k.Shown || k.Value != "443") {
					t.Errorf("a harmless value is not shown: %+v", k)
				}
			}
		}
		if s.Name == camera.SecStorage {
			for _, k := range s.Keys {
				if k.Name == camera.KeyEncryptKey && (k.Shown || k.Value != "") {
					t.Errorf("the recording key's value is shown: %+v", k)
				}
			}
		}
	}
}
