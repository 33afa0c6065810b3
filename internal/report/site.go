package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Verdicts of a camera in a site report.
const (
	VerdictHardened  = "hardened"     // every step passes, is recorded as manual, or was skipped on purpose
	VerdictFindings  = "has findings" // the run finished, some steps fail or are not done
	VerdictNotDone   = "not hardened" // the run was refused or stopped before the end
	VerdictDuplicate = "listed twice" // the same camera (serial) under another address of the list
)

// Site is the handover report of a site: one row per camera of an apply
// run, with the profile used and the totals. It holds no secret.
type Site struct {
	Date     time.Time    `json:"date"`
	Profile  string       `json:"profile"`
	Tool     string       `json:"tool"`
	Cameras  []SiteCamera `json:"cameras"`
	Totals   SiteTotals   `json:"totals"`
	Finished time.Time    `json:"finished"`
}

// SiteCamera is one camera's row of a site report.
type SiteCamera struct {
	Serial        string   `json:"serial"`
	Model         string   `json:"model"`
	Firmware      string   `json:"firmware"`
	Name          string   `json:"name,omitempty"`
	AddressBefore string   `json:"address_before"`
	AddressAfter  string   `json:"address_after"`
	Certificate   string   `json:"certificate_sha256"`
	Verdict       string   `json:"verdict"`
	Failing       []string `json:"failing_steps"`
	Manual        []string `json:"manual_steps"`
	Error         string   `json:"error,omitempty"`
	// Files are the camera's files, relative to the site folder.
	Files []string `json:"files"`
}

// SiteTotals count the cameras of a site report by verdict.
type SiteTotals struct {
	Cameras     int `json:"cameras"`
	Hardened    int `json:"hardened"`
	HasFindings int `json:"has_findings"`
	NotHardened int `json:"not_hardened"`
}

// Count fills in the totals from the rows.
func (s *Site) Count() {
	t := SiteTotals{Cameras: len(s.Cameras)}
	for _, c := range s.Cameras {
		switch c.Verdict {
		case VerdictHardened:
			t.Hardened++
		case VerdictFindings:
			t.HasFindings++
		default:
			t.NotHardened++
		}
	}
	s.Totals = t
}

// Summary is the site's verdict in one sentence.
func (s *Site) Summary() string {
	t := s.Totals
	return fmt.Sprintf("%d of %d %s hardened, %d with findings, %d not hardened", t.Hardened, t.Cameras, plural(t.Cameras, "camera", "cameras"), t.HasFindings, t.NotHardened)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// JSON renders the site report for machines.
func (s *Site) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Markdown renders the site report for people.
func (s *Site) Markdown() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Site handover report\n\n**%s.**\n\n", mdEscape(s.Summary()))
	fmt.Fprintf(&b, "| | |\n|---|---|\n| Date | %s |\n| Profile | %s |\n| Tool | %s |\n\n", readableTime(s.Date), mdEscape(orDash(s.Profile)), mdEscape(orDash(s.Tool)))
	b.WriteString("| Serial | Model | Firmware | Address before | Address after | Certificate (SHA-256) | Verdict | Failing or manual steps | Files |\n|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range s.Cameras {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			mdEscape(orDash(c.Serial)), mdEscape(orDash(c.Model)), mdEscape(orDash(c.Firmware)), mdEscape(c.AddressBefore),
			mdEscape(orDash(c.AddressAfter)), mdEscape(orDash(c.Certificate)), mdEscape(c.verdictText()), mdEscape(orDash(c.stepsText())), mdEscape(orDash(strings.Join(c.Files, ", "))))
	}
	fmt.Fprintf(&b, "\nTotals: %d cameras, %d hardened, %d with findings, %d not hardened.\n", s.Totals.Cameras, s.Totals.Hardened, s.Totals.HasFindings, s.Totals.NotHardened)
	b.WriteString("\nNo password, key or passphrase is in this report: each camera's are in its encrypted secrets file, readable with `mxwizard backup decrypt` or `age -d` and the backup passphrase.\n")
	return []byte(b.String())
}

func (c SiteCamera) verdictText() string {
	if c.Error != "" {
		return c.Verdict + ": " + c.Error
	}
	return c.Verdict
}

func (c SiteCamera) stepsText() string {
	var parts []string
	if len(c.Failing) > 0 {
		parts = append(parts, "failing: "+strings.Join(c.Failing, ", "))
	}
	if len(c.Manual) > 0 {
		parts = append(parts, "manual: "+strings.Join(c.Manual, ", "))
	}
	return strings.Join(parts, "; ")
}

// readableTime is a date and time as a person reads it, in UTC.
func readableTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2 January 2006, 15:04 UTC")
}

// HTML renders the site report as a standalone page for a customer and a
// printer: the verdict first, one block per camera (no wide table).
func (s *Site) HTML() ([]byte, error) {
	var b strings.Builder
	err := siteHTML.Execute(&b, map[string]any{"S": s, "Date": readableTime(s.Date), "Summary": s.Summary()})
	if err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

var siteHTML = template.Must(template.New("site").Funcs(template.FuncMap{"join": strings.Join}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Site handover report, {{.Date}}</title>
<style>@page{size:A4;margin:15mm}body{font-family:sans-serif;margin:1.5em;max-width:48em}h1{font-size:1.5em}.verdict{font-size:1.2em;font-weight:bold;border:2px solid #333;padding:.5em}
section{border-top:1px solid #999;padding:.4em 0;break-inside:avoid}dl{display:grid;grid-template-columns:12em 1fr;gap:.1em .8em;margin:.3em 0}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
.hardened{color:#060}.findings{color:#a00}.not{color:#a00;font-weight:bold}code{font-size:.85em}</style></head>
<body><h1>Site handover report</h1>
<p class="verdict">{{.Summary}}.</p>
<dl><dt>Date</dt><dd>{{.Date}}</dd><dt>Profile</dt><dd>{{.S.Profile}}</dd><dt>Tool</dt><dd>{{.S.Tool}}</dd></dl>
{{range .S.Cameras}}<section><h2>{{if .Name}}{{.Name}}: {{end}}{{if .Model}}{{.Model}} {{end}}serial {{if .Serial}}{{.Serial}}{{else}}unknown{{end}}</h2>
<dl><dt>Verdict</dt><dd class="{{if eq .Verdict "hardened"}}hardened{{else if eq .Verdict "has findings"}}findings{{else}}not{{end}}">{{.Verdict}}{{if .Error}}: {{.Error}}{{end}}</dd>
<dt>Firmware</dt><dd>{{if .Firmware}}{{.Firmware}}{{else}}-{{end}}</dd>
<dt>Address before</dt><dd>{{.AddressBefore}}</dd><dt>Address after</dt><dd>{{if .AddressAfter}}{{.AddressAfter}}{{else}}-{{end}}</dd>
<dt>Certificate (SHA-256)</dt><dd><code>{{if .Certificate}}{{.Certificate}}{{else}}-{{end}}</code></dd>
{{if .Failing}}<dt>Failing steps</dt><dd>{{join .Failing ", "}}</dd>{{end}}
{{if .Manual}}<dt>Manual steps</dt><dd>{{join .Manual ", "}}</dd>{{end}}
<dt>Files</dt><dd>{{range .Files}}<code>{{.}}</code><br>{{else}}-{{end}}</dd></dl></section>
{{end}}<p>Totals: {{.S.Totals.Cameras}} cameras, {{.S.Totals.Hardened}} hardened, {{.S.Totals.HasFindings}} with findings, {{.S.Totals.NotHardened}} not hardened.</p>
<p>No password, key or passphrase is in this report: each camera's are in its encrypted secrets file.</p></body></html>
`))
