package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestAuditJSONStreamEqualsTheWholeDocument: the JSON written camera by
// camera is byte for byte what encoding/json makes of the whole audit, so
// the contract of `audit --format json` did not move when it began to stream.
func TestAuditJSONStreamEqualsTheWholeDocument(t *testing.T) {
	for _, a := range []*Audit{sampleAudit(), {Cameras: []AuditCamera{}}, {Cameras: sampleAudit().Cameras[:1]}} {
		var got bytes.Buffer
		if err := WriteAudit(&got, a, "json"); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(a); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("streamed JSON differs from the whole document:\n%s\nwant:\n%s", got.String(), want.String())
		}
	}
}

func TestAuditWriterCountsWhatItWrote(t *testing.T) {
	var b bytes.Buffer
	aw, err := NewAuditWriter(&b, "text")
	if err != nil {
		t.Fatal(err)
	}
	a := sampleAudit()
	if err := aw.Camera(a.Cameras[0]); err != nil {
		t.Fatal(err)
	}
	if o := aw.Outcome(); o != (Outcome{Failing: 1}) {
		t.Fatalf("after a failing check: %+v", o)
	}
	if !strings.Contains(b.String(), "10.0.0.1") {
		t.Fatalf("the first camera was not written at once:\n%s", b.String())
	}
	if err := aw.Camera(a.Cameras[1]); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	if aw.Outcome() != a.Outcome() {
		t.Fatalf("streamed %+v, the whole audit says %+v", aw.Outcome(), a.Outcome())
	}
	last := strings.TrimSpace(b.String()[strings.LastIndex(strings.TrimSpace(b.String()), "\n")+1:])
	if last != "2 cameras checked: 0 hardened (no step fails), 1 with findings, 1 could not be checked. Steps in all: 1 fail, 1 pass." {
		t.Fatalf("summary line = %q", last)
	}
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.n == 0 {
		return 0, errors.New("disk full")
	}
	f.n--
	return len(p), nil
}

// TestAuditWriterReportsAWriteError: a closed pipe or a full disk stops the
// report with the error, at the camera where it happened and at Close.
func TestAuditWriterReportsAWriteError(t *testing.T) {
	for _, f := range Formats {
		aw, err := NewAuditWriter(&failingWriter{n: 1}, f)
		if err != nil {
			t.Fatal(err)
		}
		a := sampleAudit()
		err1 := aw.Camera(a.Cameras[0])
		err2 := aw.Camera(a.Cameras[1])
		errClose := aw.Close()
		if err1 == nil && err2 == nil {
			t.Fatalf("%s: no error from a failing writer", f)
		}
		if errClose == nil || !strings.Contains(errClose.Error(), "disk full") {
			t.Fatalf("%s: Close returned %v, want the write error", f, errClose)
		}
	}
	if _, err := NewAuditWriter(&bytes.Buffer{}, "pdf"); err == nil || !strings.Contains(err.Error(), "use one of") {
		t.Fatalf("an unknown format: %v", err)
	}
}

// TestTheAuditSaysPerCameraAndTheHTMLHasAnOverview: the summary counts
// cameras (one camera is "1 camera", an audit of unreachable cameras has no
// dangling colon), an error is not prefixed again with the address, and the
// HTML page starts with an overview of every camera; a camera that could
// not be checked shows no empty model, serial and firmware.
func TestTheAuditSaysPerCameraAndTheHTMLHasAnOverview(t *testing.T) {
	down := AuditCamera{Address: "https://10.0.0.9", Error: "https://10.0.0.9: remote configuration: the camera cannot be reached"}
	ok := AuditCamera{Address: "https://10.0.0.1", Model: "M16B", Serial: "10.8.0.1", Firmware: "MX-V5", Checks: []Check{{Step: 1, Status: "pass", Title: "one"}}}
	var b strings.Builder
	aw, _ := NewAuditWriter(&b, "text")
	_ = aw.Camera(down)
	_ = aw.Close()
	if got := b.String(); strings.Count(got, "https://10.0.0.9") != 1 || !strings.Contains(got, "1 camera checked: 0 hardened (no step fails), 0 with findings, 1 could not be checked.\n") ||
		!strings.HasPrefix(got, "https://10.0.0.9\n") {
		t.Errorf("text (an unreachable camera is its address alone):\n%s", got)
	}
	for _, format := range []string{"text", "markdown"} {
		b.Reset()
		aw, _ = NewAuditWriter(&b, format)
		_ = aw.Camera(ok)
		_ = aw.Camera(down)
		_ = aw.Close()
		got := b.String()
		if strings.Contains(got, "serial -") || strings.Contains(got, "Model -") || !strings.Contains(got, "serial 10.8.0.1") || !strings.Contains(got, "firmware MX-V5") {
			t.Errorf("%s: the facts of the cameras (known ones only):\n%s", format, got)
		}
	}
	b.Reset()
	aw, _ = NewAuditWriter(&b, "html")
	_ = aw.Camera(ok)
	_ = aw.Camera(down)
	_ = aw.Close()
	html := b.String()
	for _, want := range []string{`id="overview"`, "#overview{order:-1}", "2 cameras checked: 1 hardened (no step fails), 0 with findings, 1 could not be checked.", "<td>https://10.0.0.9</td><td>-</td><td>-</td><td class=\"error\">could not be checked</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML lacks %q:\n%s", want, html)
		}
	}
	if strings.Contains(html, "Model , serial , firmware") || strings.Contains(html, "Model -, serial -") {
		t.Errorf("an unreachable camera shows empty facts:\n%s", html)
	}
}

// TestTheErrorUnderAHeadingDoesNotRepeatTheAddress: the address the
// heading names is dropped from the error in front, also as the client
// completed it; another camera's address stays.
func TestTheErrorUnderAHeadingDoesNotRepeatTheAddress(t *testing.T) {
	for _, c := range []struct{ text, addr, want string }{
		{"https://10.0.0.9: remote configuration: refused", "https://10.0.0.9", "remote configuration: refused"},
		{"https://10.0.0.9: remote configuration: refused", "10.0.0.9", "remote configuration: refused"},
		{"https://10.0.0.9:8443: remote configuration: refused", "10.0.0.9:8443", "remote configuration: refused"},
		{"https://cam1.example: login: refused", "CAM1.example", "login: refused"},
		{"https://10.0.0.8: remote configuration: refused", "10.0.0.9", "https://10.0.0.8: remote configuration: refused"},
		{"https://10.0.0.9:443: refused", "10.0.0.9:8443", "https://10.0.0.9:443: refused"},
		{"remote configuration: refused", "10.0.0.9", "remote configuration: refused"},
	} {
		if got := withoutAddress(c.text, c.addr); got != c.want {
			t.Errorf("withoutAddress(%q, %q) = %q, want %q", c.text, c.addr, got, c.want)
		}
	}
}

// TestApplyTextNamesTheFilesKeptFromTheEarlierRun: apply's text lists the
// files of the run and, each on its line, the earlier run's files it moved
// aside; the JSON carries them as "kept" (and leaves the key out when
// there are none).
func TestApplyTextNamesTheFilesKeptFromTheEarlierRun(t *testing.T) {
	cam := ApplyCamera{
		Address: "https://10.0.0.5", Report: "out/10.8.0.123/10.8.0.123-handover.md",
		Kept: []string{"out/10.8.0.123/10.8.0.123-handover-2026-11-03-1405.md", "out/10.8.0.123/10.8.0.123-config-2026-11-03-1405.cfg.age"},
	}
	var b strings.Builder
	if err := WriteApply(&b, []ApplyCamera{cam}, "text"); err != nil {
		t.Fatal(err)
	}
	for _, k := range cam.Kept {
		if !strings.Contains(b.String(), "kept:    "+k+" (the earlier run's, not overwritten)\n") {
			t.Errorf("the text lacks the kept file %s:\n%s", k, b.String())
		}
	}
	b.Reset()
	if err := WriteApply(&b, []ApplyCamera{cam, {Address: "https://10.0.0.6"}}, "json"); err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.String(), `"kept"`) != 1 || !strings.Contains(b.String(), "10.8.0.123-config-2026-11-03-1405.cfg.age") {
		t.Errorf("the JSON:\n%s", b.String())
	}
}
