package ui

import (
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestWrapKeepsFingerprintPairsWhole: the plan of step 16 names the new
// certificate's SHA-256 fingerprint, 95 characters, longer than an 80-column
// line; wrapped, every line fits and no hex pair is cut in two, so the
// installer can compare it with openssl's output pair by pair.
func TestWrapKeepsFingerprintPairsWhole(t *testing.T) {
	const fp = "20:3F:0E:C4:67:8F:D1:08:EA:89:E8:B0:1C:49:86:1D:B8:C3:4A:33:75:8A:02:9D:AE:C0:BF:E3:1B:90:6D:03"
	line := "upload certificate: cam-lobby, 10.0.0.1, valid until 2028-11-27, SHA-256 " + fp
	for _, width := range []int{76, 60, 40} {
		out := indent(line, width, 4, "  • ")
		lines := strings.Split(out, "\n")
		var hex []string
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > width {
				t.Fatalf("width %d: a line of %d cells:\n%s", width, w, out)
			}
			if f := strings.TrimSpace(l); regexp.MustCompile(`^[0-9A-F]{2}(:|$)`).MatchString(f) {
				hex = append(hex, f)
			}
		}
		whole := strings.Join(hex, "")
		if !strings.Contains(strings.ReplaceAll(out, "\n", ""), "SHA-256") || !strings.HasSuffix(whole, fp[len(fp)-len(whole):]) {
			t.Fatalf("width %d: the fingerprint was cut inside a pair:\n%s", width, out)
		}
		if !regexp.MustCompile(`^([0-9A-F]{2}:)*[0-9A-F]{2}$`).MatchString(whole) {
			t.Fatalf("width %d: lines of the fingerprint %q are not whole pairs:\n%s", width, whole, out)
		}
	}
}

// TestWrapKeepsTokensWholeAndIndentsContinuations: URLs, paths, dates and
// hyphenated words are never split when they fit on a line; a "try:"
// hint's continuation lines up under its text.
func TestWrapKeepsTokensWholeAndIndentsContinuations(t *testing.T) {
	text := "the camera at http://10.0.0.5:8080 answers; files in /srv/site-out/cam-lobby; valid until 2029-03-05, SHA-256 DB:92:1F"
	for width := 20; width <= 80; width++ {
		out := wrap(text, width)
		for _, l := range strings.Split(out, "\n") {
			if ansi.StringWidth(l) > width {
				t.Fatalf("width %d: line %q is wider", width, l)
			}
		}
		flat := strings.ReplaceAll(out, "\n", " ")
		for _, token := range []string{"http://10.0.0.5:8080", "/srv/site-out/cam-lobby;", "2029-03-05,", "SHA-256"} {
			if len(token) <= width && !strings.Contains(flat, token) {
				t.Fatalf("width %d: %q was split:\n%s", width, token, out)
			}
		}
	}
	hint := "remote configuration: the camera cannot be reached\n  try: check the address, the port and the network cable of the camera"
	out := wrap(hint, 40)
	lines := strings.Split(out, "\n")
	if len(lines) < 4 || !strings.HasPrefix(lines[2], "  try: ") || !strings.HasPrefix(lines[3], "       ") || strings.HasPrefix(lines[3], "        ") {
		t.Fatalf("the hint's continuation is not under its text:\n%s", out)
	}
}
