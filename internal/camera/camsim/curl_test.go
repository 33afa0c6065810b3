package camsim_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

// curl runs the real curl against the simulated camera: the factory
// password goes on its command line, as the MOBOTIX help shows.
func curl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("curl", append([]string{"-s", "--max-time", "10"}, args...)...).Output()
	if err != nil {
		t.Fatalf("curl %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

func TestCurlBasicAndDigest(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	_, plain, secure := camsimtest.New(t)
	url := plain.URL + camera.PathRemoteConfig
	got := curl(t, "-u", "admin:meinsm", "--data-binary", viewConfigScript, url)
	golden, err := os.ReadFile(filepath.Join(transcriptDir, "view-configfile.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if want := parseTranscript(t, string(golden)).reply; got != want {
		t.Errorf("curl Basic: the reply differs from the golden transcript:\n%s", got)
	}
	if code := curl(t, "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:wrong", "--data-binary", viewConfigScript, url); code != "401" {
		t.Errorf("curl with a wrong password: %s, want 401", code)
	}

	switched := curl(t, "-u", "admin:meinsm", "--data-binary", "\nhelo\nwrite params\nwebserver/AUTH=digest\nupdate\nquit\n\n", url)
	if !strings.Contains(switched, "OK webserver/AUTH") {
		t.Fatalf("switch to digest: %s", switched)
	}
	for _, base := range []string{plain.URL, secure.URL} {
		got := curl(t, "-k", "--digest", "-u", "admin:meinsm", "--data-binary", viewConfigScript, base+camera.PathRemoteConfig)
		if !strings.HasPrefix(got, "#read::\n#helo\nOK helo\n#view configfile\n#:MX-") {
			t.Errorf("curl --digest on %s: %q", base, got[:min(len(got), 80)])
		}
	}
	if code := curl(t, "--digest", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:wrong", "--data-binary", viewConfigScript, url); code != "401" {
		t.Errorf("curl --digest with a wrong password: %s, want 401", code)
	}
}
