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
	ToDo    []string  `json:"to_do,omitempty"`
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

// Verdict is the report's first line: whether the camera is hardened,
// and which steps are not done.
func (h *Handover) Verdict() (ok bool, text string) {
	var failing, manual []string
	for _, s := range h.Steps {
		if s.Skipped != "" {
			continue
		}
		switch s.After.Status {
		case "fail", "error", "unsupported":
			failing = append(failing, fmt.Sprint(s.Step))
		case "manual":
			manual = append(manual, fmt.Sprint(s.Step))
		}
	}
	if len(failing) > 0 {
		return false, fmt.Sprintf("Not fully hardened: %s %s %s not done.", plural(len(failing), "step", "steps"), strings.Join(failing, ", "), plural(len(failing), "is", "are"))
	}
	text = "Hardened: every camera step of the guide passes"
	if len(manual) > 0 {
		text += fmt.Sprintf(", except %s %s, to be checked by hand", plural(len(manual), "step", "steps"), strings.Join(manual, ", "))
	}
	text += "."
	if n := len(h.ToDo()); n > 0 {
		text += fmt.Sprintf(" Still to do by hand: %d %s, listed below.", n, plural(n, "item", "items"))
	}
	return true, text
}

// Title names the camera the report is for: its model and serial (the
// address changes when it is hardened).
func (h *Handover) Title() string {
	if h.Serial == "" {
		return "Handover report: MOBOTIX camera at " + orDash(h.AddressAfter)
	}
	return fmt.Sprintf("Handover report: MOBOTIX %s, serial %s", orDash(h.Model), h.Serial)
}

func (h *Handover) facts() [][2]string {
	return [][2]string{
		{"Model", h.Model},
		{"Serial", h.Serial},
		{"Firmware", h.Firmware},
		{"Address before", h.Camera},
		{"Address now", h.AddressAfter},
		{"TLS certificate (SHA-256)", h.Certificate},
		{"Started", readableTime(h.Started)},
		{"Finished", readableTime(h.Finished)},
		{"Requests to the camera", fmt.Sprint(h.Requests)},
		{"Encrypted configuration backup", h.Backup},
		{"Encrypted secrets file", h.Secrets},
		{"Tool", h.Tool},
	}
}

// ToDo lists what somebody must still do by hand, step by step.
func (h *Handover) ToDo() []string {
	var out []string
	for _, s := range h.Steps {
		if s.Skipped != "" {
			continue
		}
		for _, t := range s.ToDo {
			out = append(out, fmt.Sprintf("Step %d (%s): %s", s.Step, s.Title, t))
		}
	}
	return out
}

// afterText is what a step is after the run, as the report says it.
func (s HandoverStep) afterText() string {
	if s.Skipped != "" {
		return "skipped: " + s.Skipped
	}
	return s.After.Status
}

// changesText is what a step changed and recorded, one line.
func (s HandoverStep) changesText() string {
	changes := strings.Join(s.Changes, "; ")
	if s.Answer != "" {
		changes = strings.TrimPrefix(changes+"; answer: "+s.Answer, "; ")
	}
	return changes
}

// Markdown renders the handover report for people (plain Markdown: camera
// text is escaped with backslashes, never with HTML entities).
func (h *Handover) Markdown() []byte {
	var b strings.Builder
	_, verdict := h.Verdict()
	fmt.Fprintf(&b, "# %s\n\n**%s**\n\n", mdEscape(h.Title()), mdEscape(verdict))
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	for _, r := range h.facts() {
		fmt.Fprintf(&b, "| %s | %s |\n", r[0], mdEscape(orDash(r[1])))
	}
	if todo := h.ToDo(); len(todo) > 0 {
		b.WriteString("\n## To do by hand\n\n")
		for _, t := range todo {
			fmt.Fprintf(&b, "- %s\n", mdEscape(t))
		}
	}
	b.WriteString("\n## Camera steps\n\n| # | Step | Before | After | Changes |\n|---|---|---|---|---|\n")
	for _, s := range h.Steps {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", s.Step, mdEscape(s.Title), s.Before.Status, mdEscape(s.afterText()), mdEscape(s.changesText()))
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

// HTML renders the handover report as a document for the customer and a
// printer: the verdict first, the camera's facts, then one block per step
// (no wide table: an A4 page holds every column), dates as people read
// them, long fingerprints and addresses wrapped.
func (h *Handover) HTML() ([]byte, error) {
	ok, verdict := h.Verdict()
	facts := [][2]string{}
	for _, f := range h.facts() {
		facts = append(facts, [2]string{f[0], orDash(f[1])})
	}
	var b strings.Builder
	err := handoverHTML.Execute(&b, map[string]any{"H": h, "Title": h.Title(), "OK": ok, "Verdict": verdict, "Facts": facts, "ToDo": h.ToDo()})
	if err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

var handoverHTML = template.Must(template.New("handover").Funcs(template.FuncMap{
	"after":   func(s HandoverStep) string { return s.afterText() },
	"changes": func(s HandoverStep) string { return s.changesText() },
	"status":  func(s string) string { return strings.Fields(s + " x")[0] },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
@page{size:A4;margin:16mm 14mm}
body{font-family:sans-serif;font-size:11pt;line-height:1.35;margin:0 auto;max-width:46em;padding:1em;color:#111}
h1{font-size:1.45em;margin:.2em 0 .4em}h2{font-size:1.15em;margin:1.2em 0 .4em;border-bottom:1px solid #999}
.verdict{font-weight:bold;font-size:1.1em;padding:.5em .7em;border:2px solid}.verdict.ok{border-color:#060;color:#060}.verdict.not{border-color:#a00;color:#a00}
dl.facts{display:grid;grid-template-columns:14em 1fr;gap:.15em .8em;margin:.5em 0}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
.step{break-inside:avoid;border-top:1px solid #ccc;padding:.35em 0}.step h3{font-size:1em;margin:.1em 0}.menu{color:#555;font-size:.9em}
.row{display:grid;grid-template-columns:5.5em 1fr;gap:.1em .6em;font-size:.95em}.row span:first-child{font-weight:bold}.row span{overflow-wrap:anywhere}
.pass{color:#060}.fail,.error,.unsupported{color:#a00;font-weight:bold}.manual{color:#850}
code{font-size:.9em;overflow-wrap:anywhere}ul{margin:.3em 0 .3em 1.2em;padding:0}
</style></head>
<body><h1>{{.Title}}</h1>
<p class="verdict {{if .OK}}ok{{else}}not{{end}}">{{.Verdict}}</p>
<h2>The camera</h2>
<dl class="facts">{{range .Facts}}<dt>{{index . 0}}</dt><dd>{{index . 1}}</dd>{{end}}</dl>
{{if .ToDo}}<h2>To do by hand</h2><ul>{{range .ToDo}}<li>{{.}}</li>{{end}}</ul>{{end}}
<h2>Camera steps of the hardening guide</h2>
{{range .H.Steps}}<div class="step"><h3>{{.Step}}. {{.Title}} <span class="{{status (after .)}}">{{after .}}</span></h3>
<div class="menu">{{.Menu}}</div>
<div class="row"><span>Before</span><span><span class="{{.Before.Status}}">{{.Before.Status}}</span>{{if .Before.Detail}}: {{.Before.Detail}}{{end}}</span></div>
<div class="row"><span>After</span><span><span class="{{status (after .)}}">{{after .}}</span>{{if .After.Detail}}: {{.After.Detail}}{{end}}</span></div>
{{if changes .}}<div class="row"><span>Changes</span><span>{{changes .}}</span></div>{{end}}
</div>
{{end}}
{{if .H.VMS}}<h2>Video management system (VMS) checklist</h2><ul>{{range .H.VMS}}<li>{{.Title}}: {{.Answer}}</li>{{end}}</ul>{{end}}
{{if .H.NAS}}<h2>Network attached storage (NAS) checklist</h2><ul>{{range .H.NAS}}<li>{{.Title}}: {{.Answer}}</li>{{end}}</ul>{{end}}
<p>No password, key or passphrase is in this report: the secrets set during the run are in the encrypted secrets file, readable with <code>mxwizard backup decrypt</code> or <code>age -d</code> and the backup passphrase.</p></body></html>
`))
