package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func sampleAudit() *Audit {
	return &Audit{Cameras: []AuditCamera{
		{Address: "https://10.0.0.1", Model: "M73", Serial: "1", Firmware: "MX-V7.3.5.35", Checks: []Check{
			{Step: 1, ID: "firmware", Title: "Keep the firmware up-to-date", Status: "pass"},
			{Step: 6, ID: "public-access", Title: "Disable Public Access", Status: "fail", Detail: "public <live> | player"},
		}},
		{Address: "https://10.0.0.2", Error: "the camera cannot be reached", Checks: []Check{}},
	}}
}

func TestAuditOutcomeCountsFailingAndUncheckedCameras(t *testing.T) {
	a := sampleAudit()
	if o := a.Outcome(); o != (Outcome{Failing: 1, Unchecked: 1}) {
		t.Fatalf("one failing and one unreachable camera: %+v", o)
	}
	a.Cameras = a.Cameras[:1]
	if o := a.Outcome(); o != (Outcome{Failing: 1}) {
		t.Fatalf("a failing check: %+v", o)
	}
	a.Cameras[0].Checks[1].Status = "manual"
	if o := a.Outcome(); o != (Outcome{}) {
		t.Fatalf("nothing failing: %+v", o)
	}
}

func TestAuditFormats(t *testing.T) {
	for _, f := range Formats {
		t.Run(f, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteAudit(&b, sampleAudit(), f); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.Contains(out, "10.0.0.2") || !strings.Contains(out, "cannot be reached") {
				t.Fatalf("%s output lacks the unreachable camera:\n%s", f, out)
			}
			switch f {
			case "json":
				var back struct {
					Cameras []struct {
						Address string `json:"address"`
						Checks  []struct {
							Step   int    `json:"step"`
							Status string `json:"status"`
						} `json:"checks"`
						Error string `json:"error"`
					} `json:"cameras"`
				}
				if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Cameras[0].Checks[1].Status != "fail" || back.Cameras[1].Error == "" {
					t.Fatalf("JSON contract broken: %v %+v", err, back)
				}
			case "html":
				if strings.Contains(out, "<live>") {
					t.Fatal("HTML does not escape camera text")
				}
			case "markdown":
				if !strings.Contains(out, `\|`) {
					t.Fatal("Markdown does not escape table separators")
				}
			}
		})
	}
	if err := WriteAudit(&bytes.Buffer{}, sampleAudit(), "pdf"); err == nil {
		t.Fatal("an unknown format was accepted")
	}
}

func TestHandoverRendersEveryStepAndChecklist(t *testing.T) {
	h := &Handover{
		Camera: "https://10.0.0.1", Model: "M73", Started: time.Now(), Finished: time.Now(), Requests: 29,
		Steps: []HandoverStep{
			{Step: 3, Title: "Change the default admin password", Before: Finding{"fail", "factory password"}, After: Finding{"pass", "changed"}, Changes: []string{"set users/admin/password = ********"}},
			{Step: 18, Title: "Avoid exposure", Before: Finding{"manual", ""}, After: Finding{"manual", "recorded"}, Skipped: "customer decides later"},
		},
		VMS: []ChecklistAnswer{{ID: "vms-no-admin", Title: "Avoid using admin", Answer: "own account"}},
	}
	md := string(h.Markdown())
	for _, want := range []string{"| 3 | Change the default admin password | fail | pass |", "skipped: customer decides later", "Avoid using admin: own account", "29"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	js, err := h.JSON()
	if err != nil || !strings.Contains(string(js), `"requests": 29`) {
		t.Fatalf("JSON: %v %s", err, js)
	}
	html, err := h.HTML()
	if err != nil || !strings.Contains(string(html), "customer decides later") {
		t.Fatalf("HTML: %v", err)
	}
}

// TestMarkdownQuotesCameraTextInertly: a model name or a finding that
// holds an image, a link, code, emphasis or HTML renders as text.
func TestMarkdownQuotesCameraTextInertly(t *testing.T) {
	h := &Handover{
		Camera: "cam", Model: "![x](http://evil.example/p.png)", Serial: "<img src=x onerror=alert(1)>",
		Steps: []HandoverStep{{Step: 5, Title: "users", After: Finding{Status: "pass", Detail: "2 users: [click](http://evil.example), `rm`, *bold*\x1b[2J"}}},
	}
	md := string(h.Markdown())
	for _, bad := range []string{"![x]", "[click]", " <img", "`rm`", "*bold*", "\x1b", "&lt;", "&amp;", "&gt;"} {
		if strings.Contains(md, bad) {
			t.Errorf("the Markdown report keeps %q live (or as an HTML entity):\n%s", bad, md)
		}
	}
	if !strings.Contains(md, `\<img src=x onerror=alert(1)\>`) {
		t.Errorf("the serial is not shown escaped with backslashes:\n%s", md)
	}
	if !strings.Contains(md, `\!\[x\](http://evil.example/p.png)`) {
		t.Errorf("the model is not shown escaped:\n%s", md)
	}
}

// TestTheHandoverReportStartsWithAVerdictAndReadableDates.
func TestTheHandoverReportStartsWithAVerdictAndReadableDates(t *testing.T) {
	at := time.Date(2026, 12, 1, 17, 52, 3, 0, time.UTC)
	h := &Handover{
		Camera: "http://10.0.0.5", AddressAfter: "https://10.0.0.5:8443", Model: "M16B", Serial: "10.8.0.123", Started: at, Finished: at.Add(3 * time.Minute),
		Steps: []HandoverStep{
			{Step: 3, Title: "Change the default admin password", After: Finding{"pass", "changed"}},
			{Step: 7, Title: "IP access", After: Finding{"fail", "no rule"}},
			{Step: 21, Title: "Web server log", After: Finding{"manual", ""}},
		},
	}
	html, err := h.HTML()
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	for _, want := range []string{"<title>Handover report: MOBOTIX M16B, serial 10.8.0.123</title>", `class="verdict not">Not fully hardened: step 7 is not done.`, "1 December 2026, 17:52 UTC", "1 December 2026, 17:55 UTC", "@page{size:A4"} {
		if !strings.Contains(page, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	if strings.Contains(page, "2026-12-01 17:52:03 +0000 UTC") || strings.Contains(page, "http://10.0.0.5</title>") {
		t.Error("the HTML report shows a raw Go time or titles with the old address")
	}
	h.Steps[1].After.Status = "pass"
	if ok, v := h.Verdict(); !ok || v != "Hardened: every camera step of the guide passes, except step 21, to be checked by hand." {
		t.Errorf("verdict %v %q", ok, v)
	}
	if md := string(h.Markdown()); !strings.HasPrefix(md, "# Handover report: MOBOTIX M16B, serial 10.8.0.123\n\n**Hardened:") {
		t.Errorf("the Markdown report does not start with the verdict:\n%s", md[:min(len(md), 200)])
	}
}

func TestWhatIsLeftToDoByHandIsListed(t *testing.T) {
	h := &Handover{Serial: "10.8.0.1", Model: "M16B", Steps: []HandoverStep{
		{Step: 14, Title: "Enable Error Notification", After: Finding{"pass", "errors are reported by email"}, ToDo: []string{"set up and test the camera's e-mail profile"}},
	}}
	ok, v := h.Verdict()
	if !ok || !strings.Contains(v, "Still to do by hand: 1 item, listed below.") {
		t.Errorf("verdict %q", v)
	}
	md := string(h.Markdown())
	if !strings.Contains(md, "## To do by hand\n\n- Step 14 (Enable Error Notification): set up and test the camera's e-mail profile") {
		t.Errorf("Markdown:\n%s", md)
	}
	html, _ := h.HTML()
	if !strings.Contains(string(html), "<h2>To do by hand</h2><ul><li>Step 14 (Enable Error Notification): set up and test the camera&#39;s e-mail profile</li>") {
		t.Errorf("HTML:\n%s", html)
	}
}
