// Package report renders what mxwizard found and did: the audit of many
// cameras (text, JSON, Markdown, HTML) and the handover report of one
// hardened camera (Markdown, JSON, HTML). Reports never hold a secret: they
// are built from findings and plan lines, which mask secrets already, and
// every text is passed through a redactor as a second line of defence.
package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

// Check is one step's finding on one camera (the audit JSON contract).
type Check struct {
	Step   int    `json:"step"`
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// AuditCamera is one camera of an audit.
type AuditCamera struct {
	Address  string  `json:"address"`
	Model    string  `json:"model"`
	Serial   string  `json:"serial"`
	Firmware string  `json:"firmware"`
	Checks   []Check `json:"checks"`
	Error    string  `json:"error,omitempty"`
	Requests int64   `json:"requests"`
}

// Audit is the result of `mxwizard audit` as one document: the shape of its
// JSON. The command itself streams it through an AuditWriter.
type Audit struct {
	Cameras []AuditCamera `json:"cameras"`
}

// Outcome is what an audit found, as facts; the command turns it into an
// exit status.
type Outcome struct {
	// Failing is the number of cameras with a check that fails, that the
	// firmware does not honour (unsupported), or that could not run.
	Failing int
	// Unchecked is the number of cameras that could not be checked at all.
	Unchecked int
}

// Outcome sums up the audit's cameras.
func (a *Audit) Outcome() Outcome {
	var o Outcome
	for _, c := range a.Cameras {
		o.add(c)
	}
	return o
}

func (o *Outcome) add(c AuditCamera) {
	if c.Error != "" {
		o.Unchecked++
		return
	}
	for _, ch := range c.Checks {
		if ch.Status == "fail" || ch.Status == "error" || ch.Status == "unsupported" {
			o.Failing++
			return
		}
	}
}

func (c AuditCamera) addCounts(counts map[string]int) {
	for _, ch := range c.Checks {
		counts[ch.Status]++
	}
}

// Formats lists the audit output formats.
var Formats = []string{"text", "json", "markdown", "html"}

// WriteAudit renders a whole audit in one of Formats. A fleet audit streams
// instead, camera by camera, through an AuditWriter.
func WriteAudit(w io.Writer, a *Audit, format string) error {
	aw, err := NewAuditWriter(w, format)
	if err != nil {
		return err
	}
	for _, c := range a.Cameras {
		if err := aw.Camera(c); err != nil {
			return err
		}
	}
	return aw.Close()
}

// Finding is a status with its detail.
type Finding struct {
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// HandoverStep is one step in the handover report.
type HandoverStep struct {
	Step    int       `json:"step"`
	ID      string    `json:"id"`
	Title   string    `json:"title"`
	Menu    string    `json:"menu_path"`
	Before  Finding   `json:"before"`
	After   Finding   `json:"after"`
	Changes []string  `json:"changes,omitempty"`
	Answer  string    `json:"answer,omitempty"`
	Skipped string    `json:"skipped,omitempty"`
	At      time.Time `json:"at"`
}

// ChecklistAnswer is one answered item of the VMS or NAS checklist.
type ChecklistAnswer struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Answer string `json:"answer"`
}

// Handover is the report handed to the customer for one camera.
type Handover struct {
	Camera       string            `json:"camera"`
	AddressAfter string            `json:"address_after"`
	Model        string            `json:"model"`
	Serial       string            `json:"serial"`
	Firmware     string            `json:"firmware"`
	Certificate  string            `json:"certificate_sha256"`
	Started      time.Time         `json:"started"`
	Finished     time.Time         `json:"finished"`
	Requests     int64             `json:"requests"`
	Steps        []HandoverStep    `json:"steps"`
	VMS          []ChecklistAnswer `json:"vms_checklist,omitempty"`
	NAS          []ChecklistAnswer `json:"nas_checklist,omitempty"`
	Backup       string            `json:"backup_file,omitempty"`
	Secrets      string            `json:"secrets_file,omitempty"`
	Tool         string            `json:"tool"`
}

// Markdown renders the handover report for people.
func (h *Handover) Markdown() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Handover report: MOBOTIX camera %s\n\n", mdEscape(h.Camera))
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	rows := [][2]string{
		{"Model", h.Model},
		{"Serial", h.Serial},
		{"Firmware", h.Firmware},
		{"Reached at (after)", h.AddressAfter},
		{"TLS certificate (SHA-256)", h.Certificate},
		{"Started", h.Started.Format(time.RFC3339)},
		{"Finished", h.Finished.Format(time.RFC3339)},
		{"Requests to the camera", fmt.Sprint(h.Requests)},
		{"Encrypted configuration backup", h.Backup},
		{"Encrypted secrets file", h.Secrets},
		{"Tool", h.Tool},
	}
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], mdEscape(orDash(r[1])))
	}
	b.WriteString("\n## Camera steps\n\n| # | Step | Before | After | Changes |\n|---|---|---|---|---|\n")
	for _, s := range h.Steps {
		after := s.After.Status
		if s.Skipped != "" {
			after = "skipped: " + s.Skipped
		}
		changes := strings.Join(s.Changes, "; ")
		if s.Answer != "" {
			changes = strings.TrimPrefix(changes+"; answer: "+s.Answer, "; ")
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", s.Step, mdEscape(s.Title), s.Before.Status, mdEscape(after), mdEscape(changes))
	}
	b.WriteString("\n### Findings in detail\n\n")
	for _, s := range h.Steps {
		fmt.Fprintf(&b, "- **%d %s** (%s): before: %s. After: %s.\n", s.Step, mdEscape(s.Title), mdEscape(s.Menu), mdEscape(s.Before.Detail), mdEscape(s.After.Detail))
	}
	for _, cl := range []struct {
		name  string
		items []ChecklistAnswer
	}{{"Video management system (VMS)", h.VMS}, {"Network attached storage (NAS)", h.NAS}} {
		if len(cl.items) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s checklist\n\n", cl.name)
		for _, it := range cl.items {
			fmt.Fprintf(&b, "- %s: %s\n", mdEscape(it.Title), mdEscape(orDash(it.Answer)))
		}
	}
	b.WriteString("\nNo password, key or passphrase is in this report. The secrets set during the run are in the encrypted secrets file, readable with `mxwizard backup decrypt` or `age -d` and the backup passphrase.\n")
	return []byte(b.String())
}

// JSON renders the handover report for machines.
func (h *Handover) JSON() ([]byte, error) { return json.MarshalIndent(h, "", "  ") }

// HTML renders the handover report as a standalone page.
func (h *Handover) HTML() ([]byte, error) {
	var b strings.Builder
	if err := handoverHTML.Execute(&b, h); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

var handoverHTML = template.Must(template.New("handover").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Handover report {{.Camera}}</title>
<style>body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}.pass{color:#060}.fail{color:#a00;font-weight:bold}.manual{color:#850}</style></head>
<body><h1>Handover report: MOBOTIX camera {{.Camera}}</h1>
<table><tr><th>Model</th><td>{{.Model}}</td></tr><tr><th>Serial</th><td>{{.Serial}}</td></tr><tr><th>Firmware</th><td>{{.Firmware}}</td></tr>
<tr><th>Reached at (after)</th><td>{{.AddressAfter}}</td></tr><tr><th>TLS certificate (SHA-256)</th><td><code>{{.Certificate}}</code></td></tr>
<tr><th>Started</th><td>{{.Started}}</td></tr><tr><th>Finished</th><td>{{.Finished}}</td></tr><tr><th>Requests</th><td>{{.Requests}}</td></tr>
<tr><th>Encrypted backup</th><td>{{.Backup}}</td></tr><tr><th>Encrypted secrets</th><td>{{.Secrets}}</td></tr></table>
<h2>Camera steps</h2><table><tr><th>#</th><th>Step</th><th>Before</th><th>After</th><th>Changes</th></tr>
{{range .Steps}}<tr><td>{{.Step}}</td><td>{{.Title}}<br><small>{{.Menu}}</small></td><td class="{{.Before.Status}}">{{.Before.Status}}<br><small>{{.Before.Detail}}</small></td><td class="{{.After.Status}}">{{if .Skipped}}skipped: {{.Skipped}}{{else}}{{.After.Status}}{{end}}<br><small>{{.After.Detail}}</small></td><td>{{range .Changes}}{{.}}<br>{{end}}{{if .Answer}}answer: {{.Answer}}{{end}}</td></tr>
{{end}}</table>
{{if .VMS}}<h2>VMS checklist</h2><ul>{{range .VMS}}<li>{{.Title}}: {{.Answer}}</li>{{end}}</ul>{{end}}
{{if .NAS}}<h2>NAS checklist</h2><ul>{{range .NAS}}<li>{{.Title}}: {{.Answer}}</li>{{end}}</ul>{{end}}
<p>No password, key or passphrase is in this report.</p></body></html>
`))
