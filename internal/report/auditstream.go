package report

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// AuditWriter writes an audit report one camera at a time, so that the
// report of a fleet is never held in memory whole: each camera is written
// as soon as it is known and then forgotten, except for the counts that the
// summary and the exit status need. The output is the same as WriteAudit's.
type AuditWriter struct {
	w      io.Writer
	format string

	cameras     int
	unreachable int
	counts      map[string]int
	outcome     Outcome
	overview    []overviewRow // the HTML page's overview, one short row per camera
	err         error         // the first write error; every later call returns it
}

// NewAuditWriter starts an audit report in one of Formats on w. Nothing is
// written until the first camera or Close.
func NewAuditWriter(w io.Writer, format string) (*AuditWriter, error) {
	if !slices.Contains(Formats, format) {
		return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	return &AuditWriter{w: w, format: format, counts: map[string]int{}}, nil
}

// Camera writes one camera's result.
func (aw *AuditWriter) Camera(c AuditCamera) error {
	if aw.err != nil {
		return aw.err
	}
	if aw.cameras == 0 {
		aw.write(aw.header())
	}
	aw.cameras++
	if c.Error != "" {
		aw.unreachable++
	}
	c.addCounts(aw.counts)
	aw.outcome.add(c)

	var b strings.Builder
	switch aw.format {
	case "text":
		cameraText(&b, c)
	case "json":
		if aw.cameras > 1 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		js, err := json.MarshalIndent(c, "    ", "  ")
		if err != nil {
			aw.err = err
			return err
		}
		b.Write(js)
	case "markdown":
		cameraMarkdown(&b, c)
	case "html":
		aw.overview = append(aw.overview, overviewOf(c))
		if err := auditHTMLCamera.Execute(&b, c); err != nil {
			aw.err = err
			return err
		}
	}
	aw.write(b.String())
	return aw.err
}

// Close writes the end of the report (the text format's summary line) and
// returns the first error met while writing.
func (aw *AuditWriter) Close() error {
	if aw.err != nil {
		return aw.err
	}
	if aw.cameras == 0 {
		aw.write(aw.header())
	}
	switch aw.format {
	case "text":
		aw.write(aw.summaryText())
	case "json":
		if aw.cameras == 0 {
			aw.write("]\n}\n")
		} else {
			aw.write("\n  ]\n}\n")
		}
	case "html":
		var b strings.Builder
		sum := strings.TrimSpace(aw.summaryText())
		if err := auditHTMLOverview.Execute(&b, map[string]any{"Summary": sum, "Rows": aw.overview}); err != nil {
			aw.err = err
			return err
		}
		aw.write(b.String() + "</body></html>\n")
	}
	return aw.err
}

// Outcome is what the cameras written so far amount to.
func (aw *AuditWriter) Outcome() Outcome { return aw.outcome }

func (aw *AuditWriter) write(s string) {
	if aw.err == nil && s != "" {
		_, aw.err = io.WriteString(aw.w, s)
	}
}

func (aw *AuditWriter) header() string {
	switch aw.format {
	case "json":
		return "{\n  \"cameras\": ["
	case "markdown":
		return "# MOBOTIX hardening audit\n\n"
	case "html":
		return auditHTMLHead
	}
	return ""
}

func (aw *AuditWriter) summaryText() string {
	keys := make([]string, 0, len(aw.counts))
	for k := range aw.counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", aw.counts[k], k))
	}
	o := aw.outcome
	line := fmt.Sprintf("%d %s checked: %d hardened (no step fails), %d with findings, %d could not be checked.",
		aw.cameras, plural(aw.cameras, "camera", "cameras"), aw.cameras-o.Failing-o.Unchecked, o.Failing, o.Unchecked)
	if len(parts) > 0 {
		line += " Steps in all: " + strings.Join(parts, ", ") + "."
	}
	return line + "\n"
}

// errorUnder is a camera's error as said under its heading: without the
// address the heading already names.
func errorUnder(c AuditCamera) string {
	return withoutAddress(c.Error, c.Address)
}

// withoutAddress is an error text without the camera's address in front
// of it, also when the error names the address as the client completed
// it ("10.0.0.9" in the heading, "https://10.0.0.9: ..." in the error).
func withoutAddress(text, addr string) string {
	if rest, ok := strings.CutPrefix(text, addr+": "); ok {
		return rest
	}
	head, rest, ok := strings.Cut(text, ": ")
	if !ok {
		return text
	}
	u, err := url.Parse(head)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Path != "" {
		return text
	}
	typed, err := url.Parse(addr)
	if err != nil || typed.Host == "" {
		typed, err = url.Parse("//" + addr)
	}
	if err != nil || !strings.EqualFold(typed.Hostname(), u.Hostname()) || (typed.Port() != "" && typed.Port() != u.Port()) {
		return text
	}
	return rest
}

func cameraText(b *strings.Builder, c AuditCamera) {
	// Only what the camera told: an unreachable one is its address alone.
	b.WriteString(strings.Join(slices.DeleteFunc([]string{c.Address, c.Model, labelled("serial", c.Serial), labelled("firmware", c.Firmware)},
		func(s string) bool { return s == "" }), "  ") + "\n")
	if c.Error != "" {
		fmt.Fprintf(b, "  ERROR  %s\n\n", indent(errorUnder(c), "         "))
		return
	}
	for _, ch := range c.Checks {
		fmt.Fprintf(b, "  %-11s %2d  %s\n", strings.ToUpper(ch.Status), ch.Step, ch.Title)
		if ch.Status != "pass" && ch.Detail != "" {
			fmt.Fprintf(b, "                  %s\n", ch.Detail)
		}
	}
	b.WriteString("\n")
}

func cameraMarkdown(b *strings.Builder, c AuditCamera) {
	fmt.Fprintf(b, "## %s\n\n", mdEscape(c.Address))
	if facts := slices.DeleteFunc([]string{labelled("Model", c.Model), labelled("serial", c.Serial), labelled("firmware", c.Firmware)},
		func(s string) bool { return s == "" }); len(facts) > 0 {
		fmt.Fprintf(b, "%s\n\n", mdEscape(strings.Join(facts, ", ")))
	}
	if c.Error != "" {
		fmt.Fprintf(b, "**Could not be checked:** %s\n\n", mdEscape(errorUnder(c)))
		return
	}
	b.WriteString("| # | Step | Status | Detail |\n|---|---|---|---|\n")
	for _, ch := range c.Checks {
		fmt.Fprintf(b, "| %d | %s | %s | %s |\n", ch.Step, mdEscape(ch.Title), ch.Status, mdEscape(ch.Detail))
	}
	b.WriteString("\n")
}

const auditHTMLHead = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>MOBOTIX hardening audit</title>
<style>body{font-family:sans-serif;margin:2em;display:flex;flex-direction:column}#overview{order:-1}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}.pass{color:#060}.fail{color:#a00;font-weight:bold}.manual{color:#850}.error{color:#a00}</style></head>
<body><h1>MOBOTIX hardening audit</h1>
`

var auditHTMLCamera = template.Must(template.New("camera").Funcs(template.FuncMap{"under": errorUnder}).Parse(`<section><h2>{{.Address}}</h2>{{if .Error}}<p class="error">Could not be checked: {{under .}}</p>{{else}}<p>Model {{or .Model "-"}}, serial {{or .Serial "-"}}, firmware {{or .Firmware "-"}}</p><table><tr><th>#</th><th>Step</th><th>Status</th><th>Detail</th></tr>
{{range .Checks}}<tr><td>{{.Step}}</td><td>{{.Title}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Detail}}</td></tr>
{{end}}</table>{{end}}</section>
`))

// auditHTMLOverview is written at the end of the streamed page (only then
// are the counts known) and shown first (CSS order).
var auditHTMLOverview = template.Must(template.New("overview").Parse(`<section id="overview"><p><strong>{{.Summary}}</strong></p>
<table><tr><th>Camera</th><th>Model</th><th>Serial</th><th>Verdict</th></tr>
{{range .Rows}}<tr><td>{{.Address}}</td><td>{{or .Model "-"}}</td><td>{{or .Serial "-"}}</td><td class="{{.Class}}">{{.Verdict}}</td></tr>
{{end}}</table></section>
`))

// overviewRow is one camera's line of the HTML overview.
type overviewRow struct{ Address, Model, Serial, Verdict, Class string }

func overviewOf(c AuditCamera) overviewRow {
	r := overviewRow{Address: c.Address, Model: c.Model, Serial: c.Serial, Verdict: "hardened (no step fails)", Class: "pass"}
	if c.Error != "" {
		r.Verdict, r.Class = "could not be checked", "error"
		return r
	}
	n := 0
	for _, ch := range c.Checks {
		if ch.Status == "fail" || ch.Status == "error" || ch.Status == "unsupported" {
			n++
		}
	}
	if n > 0 {
		r.Verdict, r.Class = fmt.Sprintf("%d %s", n, plural(n, "step fails", "steps fail")), "fail"
	}
	return r
}

func indent(s, pad string) string { return strings.ReplaceAll(s, "\n", "\n"+pad) }

// labelled is "label value", or "" when the value is not known.
func labelled(label, value string) string {
	if value == "" {
		return ""
	}
	return label + " " + value
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// mdEscape makes text (much of it quoted from the camera) inert in
// Markdown: line breaks become spaces, control characters are shown as '?',
// HTML is entity-encoded, and every character that could start emphasis,
// code, a link or an image, or end a table cell, is backslash-escaped.
func mdEscape(s string) string {
	s = camera.CleanText(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s))
	var b strings.Builder
	for _, r := range s {
		switch r {
		// Backslash escapes, not HTML entities: the file stays plain text
		// for people who read it without a Markdown renderer.
		case '\\', '`', '*', '_', '[', ']', '!', '|', '~', '<', '>', '&':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
