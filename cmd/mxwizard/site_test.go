package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
)

func runCLIInput(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, strings.NewReader(stdin), &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// TestASiteFoundByDiscoverIsHardenedSideBySide is a site as an installer
// runs it: discover three simulated cameras and pipe the list into apply
// with one more, unreachable, address; the three are hardened side by side
// into --out/<serial>/, the unreachable one does not stop them, the
// progress names camera and step, and the site report has a row for each
// and no secret. The same command run again re-verifies every camera and
// changes no secret.
func TestASiteFoundByDiscoverIsHardenedSideBySide(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 3, BootTime: 200 * time.Millisecond})
	urls := srv.URLs()
	dir := t.TempDir()
	known := filepath.Join(dir, "known")
	t.Setenv(envPassword, "meinsm")
	t.Setenv(envPassphrase, "cli test passphrase 1")
	ip := urls[0].IP.To4()
	rangeArg := fmt.Sprintf("%d.%d.%d.%d-%d", ip[0], ip[1], ip[2], ip[3], int(ip[3])+2)
	found, errOut, code := runCLI(t, "discover", "--format", "json", "--ports", fmt.Sprint(srv.Port(443)), rangeArg)
	if code != exitOK {
		t.Fatalf("discover: exit %d\n%s", code, errOut)
	}
	var rep discoverReport
	if err := json.Unmarshal([]byte(found), &rep); err != nil || len(rep.Cameras) != 3 {
		t.Fatalf("discover found %d cameras (%v):\n%s", len(rep.Cameras), err, found)
	}
	profilePath := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(profilePath, exampleProfile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	unreachable := fmt.Sprintf("https://%d.%d.%d.%d:%d", ip[0], ip[1], ip[2], int(ip[3])+3, srv.Port(443))
	args := []string{"apply", "--profile", profilePath, "--out", out, "--accept-new", "--known-cameras", known, "--boot-timeout", "20s", "--hosts", "-", unreachable}
	stdout, stderr, code := runCLIInput(t, found, args...)
	if code != exitRefused {
		t.Fatalf("apply of a site with an unreachable camera: exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	// Plain progress lines name the camera and the step.
	if !strings.Contains(stderr, rep.Cameras[0].Address+": step 3 (Change the default admin password)") {
		t.Errorf("the progress does not name camera and step:\n%s", stderr)
	}
	var site struct {
		Profile string
		Cameras []struct {
			Serial, Model, Firmware, Verdict, Error string
			AddressBefore                           string `json:"address_before"`
			AddressAfter                            string `json:"address_after"`
			Certificate                             string `json:"certificate_sha256"`
			Files                                   []string
		}
		Totals struct {
			Cameras, Hardened int
			NotHardened       int `json:"not_hardened"`
		}
	}
	data, err := os.ReadFile(filepath.Join(out, "site-handover.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &site); err != nil {
		t.Fatal(err)
	}
	if site.Totals.Cameras != 4 || site.Totals.Hardened != 3 || site.Totals.NotHardened != 1 || site.Profile != "site.yaml" {
		t.Fatalf("site totals %+v, profile %q", site.Totals, site.Profile)
	}
	// Arguments come first, then the hosts list.
	if c := site.Cameras[0]; c.Verdict != "not hardened" || c.AddressBefore != unreachable || c.Error == "" {
		t.Errorf("the unreachable camera's row: %+v", c)
	}
	for i, c := range site.Cameras[1:] {
		serial := srv.Cameras()[i].ActiveConfig().Value(camera.SecSystem, camera.KeySerial)
		if c.Serial != serial || c.Verdict != "hardened" || c.AddressBefore != rep.Cameras[i].Address || c.AddressAfter == c.AddressBefore || c.Certificate == "" || len(c.Files) != 5 {
			t.Errorf("row %d: %+v", i, c)
		}
		for _, f := range c.Files {
			if !strings.HasPrefix(f, serial+"/") {
				t.Errorf("row %d: file %s is not in the camera's folder", i, f)
			}
			if _, err := os.Stat(filepath.Join(out, f)); err != nil {
				t.Error(err)
			}
		}
	}
	// No secret of any camera in the site report.
	secretsOf := func() map[string]string {
		vals := map[string]string{}
		for _, c := range site.Cameras[1:] {
			plain, err := backup.ReadFile(filepath.Join(out, c.Serial, c.Serial+"-secrets.json.age"), secret.New("cli test passphrase 1"))
			if err != nil {
				t.Fatal(err)
			}
			sec, err := backup.UnmarshalSecrets(plain)
			if err != nil {
				t.Fatal(err)
			}
			vals[c.Serial+" admin"] = sec.AdminPassword.Reveal()
			vals[c.Serial+" recording"] = sec.RecordingKey.Reveal()
		}
		return vals
	}
	before := secretsOf()
	for _, ext := range []string{".json", ".md", ".html"} {
		data, err := os.ReadFile(filepath.Join(out, "site-handover"+ext))
		if err != nil {
			t.Fatal(err)
		}
		for name, v := range before {
			if v == "" || strings.Contains(string(data), v) {
				t.Errorf("site-handover%s holds %s (or it is empty)", ext, name)
			}
		}
	}
	// The same command again: the cameras are found through their folders
	// at their new addresses, re-verified, and keep their secrets.
	stdout, stderr, code = runCLIInput(t, found, args...)
	if code != exitRefused {
		t.Fatalf("apply again: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "3 of 4 cameras hardened") {
		t.Errorf("the second run's summary:\n%s", stdout)
	}
	after := secretsOf()
	for name, v := range before {
		if after[name] != v {
			t.Errorf("%s changed in the second run", name)
		}
	}

	// Audited afterwards from its own site report: each camera where it
	// answers now, logged in with the admin account of its secrets file
	// (no password given); the unreachable one is said in its place.
	t.Setenv(envPassword, "")
	auditArgs := []string{"audit", "--known-cameras", known, "--hosts", filepath.Join(out, "site-handover.json"), "--secrets", out}
	stdout, stderr, code = runCLI(t, auditArgs...)
	if code != exitRefused || !strings.Contains(stdout, "4 cameras checked: 3 hardened (no step fails), 0 with findings, 1 could not be checked.") ||
		!strings.Contains(stdout, "no secrets file of a run on") {
		t.Fatalf("audit --secrets of the site: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for name, v := range after {
		if strings.Contains(stdout+stderr, v) {
			t.Errorf("the audit's output holds %s", name)
		}
	}
	t.Setenv(envPassphrase, "not the site passphrase")
	stdout, _, code = runCLI(t, auditArgs...)
	if code != exitRefused || strings.Count(stdout, "does not open") != 3 || !strings.Contains(stdout, "0 hardened") {
		t.Fatalf("audit --secrets with a wrong passphrase: exit %d\n%s", code, stdout)
	}
}

func TestTheHostsListIsCheckedBeforeAnyCamera(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, fmt.Sprintf("hosts-%d.txt", len(body)))
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for body, want := range map[string]string{
		"10.0.0.5 lobby\n10.0.0.6\n# spare\n10.0.0.5:443 again\n": "line 4: 10.0.0.5:443 is listed twice (also line 1)",
		"10.0.0.5 bad_name\n":                "line 1: the camera name \"bad_name\" is not a valid name",
		"10.0.0.5 a b\n":                     "line 1: 3 words",
		"ftp://10.0.0.5\n":                   "scheme \"ftp\" is not http or https",
		`{"cameras": [{"scheme": "https"}]}`: "camera 1 of the list has no address",
	} {
		_, err := readSite(nil, write(body), strings.NewReader(""), false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
	cams, err := readSite([]string{"10.0.0.9"}, "-", strings.NewReader("\uFEFF10.0.0.5 lobby-1  # the lobby\n"), false)
	if err != nil || len(cams) != 2 || cams[1].Name != "lobby-1" || cams[1].Address != "10.0.0.5" {
		t.Fatalf("%+v %v", cams, err)
	}
	if _, err := readSite([]string{"10.0.0.5", "10.0.0.5"}, "", nil, true); err != nil {
		t.Errorf("an audit may list a camera twice: %v", err)
	}
}

// TestTheSameCameraUnderTwoAddressesIsRefusedBeforeAnyWrite: one camera
// listed by its HTTPS and its HTTP address.
func TestTheSameCameraUnderTwoAddressesIsRefusedBeforeAnyWrite(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{})
	u := srv.URLs()[0]
	dir := t.TempDir()
	t.Setenv(envPassword, "meinsm")
	t.Setenv(envPassphrase, "cli test passphrase 1")
	profilePath := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(profilePath, exampleProfile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	before := string(srv.Cameras()[0].RAMConfig().Bytes())
	stdout, stderr, code := runCLI(t, "apply", "--profile", profilePath, "--out", filepath.Join(dir, "out"), "--accept-new", "--allow-plain-http",
		"--known-cameras", filepath.Join(dir, "known"), u.HTTPS, u.HTTP[0])
	if code != exitRefused {
		t.Fatalf("exit %d, want 2\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "are one camera (serial") || !strings.Contains(stdout, "list it once") {
		t.Errorf("the refusal does not say what is wrong and what to do:\n%s", stdout)
	}
	if after := string(srv.Cameras()[0].RAMConfig().Bytes()); after != before {
		t.Error("the camera listed twice was written to")
	}
}

func TestANameInTheHostsListNamesTheCamera(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{BootTime: 100 * time.Millisecond})
	dir := t.TempDir()
	t.Setenv(envPassword, "meinsm")
	t.Setenv(envPassphrase, "cli test passphrase 1")
	profilePath := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(profilePath, exampleProfile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	hosts := filepath.Join(dir, "hosts.txt")
	if err := os.WriteFile(hosts, []byte(srv.URLs()[0].HTTPS+" lobby-cam\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "apply", "--profile", profilePath, "--out", filepath.Join(dir, "out"), "--accept-new",
		"--known-cameras", filepath.Join(dir, "known"), "--hosts", hosts)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	cam := srv.Cameras()[0]
	if got := cam.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname); got != "lobby-cam" {
		t.Errorf("the camera is named %q, want lobby-cam", got)
	}
	cert := cam.Certificate()
	if cert.Subject.CommonName != "lobby-cam" || !strings.Contains(strings.Join(cert.DNSNames, " "), "lobby-cam") {
		t.Errorf("the certificate names %s %v, want lobby-cam", cert.Subject.CommonName, cert.DNSNames)
	}
}

// TestApplyPlanSaysWhatTheRunDecidesItself: --plan writes nothing and so
// keeps no secret: it says that the run's certificate and secrets are its
// own, instead of showing a fingerprint as the one to be installed.
func TestApplyPlanSaysWhatTheRunDecidesItself(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{})
	dir := t.TempDir()
	t.Setenv(envPassword, "meinsm")
	profilePath := filepath.Join(dir, "site.yaml")
	if err := os.WriteFile(profilePath, exampleProfile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	before := string(srv.Cameras()[0].RAMConfig().Bytes())
	stdout, stderr, code := runCLI(t, "apply", "--profile", profilePath, "--plan", "--accept-new", "--known-cameras", filepath.Join(dir, "known"), srv.URLs()[0].HTTPS)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, want := range []string{"this plan's certificate is an example", "the run generates these secrets anew, or keeps those"} {
		if !strings.Contains(strings.Join(strings.Fields(stdout), " "), want) {
			t.Errorf("the plan lacks %q:\n%s", want, stdout)
		}
	}
	if after := string(srv.Cameras()[0].RAMConfig().Bytes()); after != before {
		t.Error("--plan wrote to the camera")
	}
}
