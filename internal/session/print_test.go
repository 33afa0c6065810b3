package session

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// printTools returns chromium and pdftotext, or skips (Debian: apt-get
// install chromium poppler-utils; .ci/run installs them).
func printTools(t *testing.T) (chromium, pdftotext, pdfinfo string) {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			chromium = p
			break
		}
	}
	var err1, err2 error
	pdftotext, err1 = exec.LookPath("pdftotext")
	pdfinfo, err2 = exec.LookPath("pdfinfo")
	if chromium == "" || err1 != nil || err2 != nil {
		t.Skip("needs chromium and poppler-utils (pdftotext, pdfinfo) on PATH")
	}
	return chromium, pdftotext, pdfinfo
}

// flat is text without any white space (a PDF breaks lines anywhere),
// without hyphens (pdftotext joins a word broken after a hyphen at the end
// of a line and drops the hyphen: "SHA-" and "256" become "SHA256") and
// with the typographic ligatures a PDF may hold spelled out.
func flat(s string) string {
	s = strings.NewReplacer("ﬁ", "fi", "ﬂ", "fl", "ﬀ", "ff", "ﬃ", "ffi", "ﬄ", "ffl").Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u00ad' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// TestTheHandoverReportPrintsOnA4 renders the HTML handover report of a
// real run in headless Chromium to an A4 PDF and checks with pdftotext
// that what every column says is on the pages: the verdict, the camera's
// facts, each step's title, its state before and after with the details,
// and its changes (a table too wide for the page loses its right columns
// when printed).
func TestTheHandoverReportPrintsOnA4(t *testing.T) {
	chromium, pdftotext, pdfinfo := printTools(t)
	srv := camsimtest.NewServer(t, camsim.ServerOptions{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	out := t.TempDir()
	s, err := runOnce(ctx, srv.URLs()[0].HTTPS, out, camera.NewKnownCamerasInMemory(), secret.New("print test passphrase"))
	if err != nil {
		t.Fatal(err)
	}
	files := s.Files()
	pdf := filepath.Join(t.TempDir(), "report.pdf")
	profile := t.TempDir()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir="+profile,
		"--no-pdf-header-footer", "--print-to-pdf="+pdf, "file://"+files.HTML)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, b)
	}
	info, err := exec.Command(pdfinfo, pdf).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("the PDF is not A4:\n%s", info)
	}
	text, err := exec.Command(pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	onPages := flat(string(text))
	var h report.Handover
	js, err := os.ReadFile(files.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &h); err != nil {
		t.Fatal(err)
	}
	_, verdict := h.Verdict()
	want := []string{h.Title(), verdict, h.Model, h.Serial, h.Firmware, h.Camera, h.AddressAfter, h.Certificate, h.Backup, h.Secrets}
	for _, st := range h.Steps {
		want = append(want, st.Title, st.Menu, st.Before.Status, st.Before.Detail, st.After.Status, st.After.Detail)
		want = append(want, st.Changes...)
		if st.Answer != "" {
			want = append(want, st.Answer)
		}
	}
	missing := 0
	for _, w := range want {
		if w != "" && !strings.Contains(onPages, flat(w)) {
			missing++
			t.Errorf("the printed report lacks %q", w)
		}
	}
	if missing > 0 {
		t.Logf("printed text:\n%s", text)
	}
	if pages := strings.Count(string(info), "Pages:"); pages != 1 {
		t.Errorf("pdfinfo output without one page count:\n%s", info)
	}
}
