package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ApplyCamera is one camera in the output of `mxwizard apply`: the shape
// of its JSON contract.
type ApplyCamera struct {
	Address      string      `json:"address"`
	AddressAfter string      `json:"address_after"`
	Steps        []ApplyStep `json:"steps"`
	Backup       string      `json:"backup"`
	Secrets      string      `json:"secrets"`
	Report       string      `json:"report"`
	// Kept are an earlier run's files moved to dated names, not overwritten.
	Kept     []string `json:"kept,omitempty"`
	Requests int64    `json:"requests"`
	Error    string   `json:"error,omitempty"`
}

// ApplyStep is one step's result in an ApplyCamera.
type ApplyStep struct {
	Step   int    `json:"step"`
	ID     string `json:"id"`
	Result string `json:"result"`
	Detail string `json:"detail"`
}

// WriteApply renders apply's results as text or JSON ({"cameras": [...]}).
func WriteApply(w io.Writer, cams []ApplyCamera, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"cameras": cams})
	}
	var b strings.Builder
	for _, r := range cams {
		fmt.Fprintf(&b, "%s", r.Address)
		if r.AddressAfter != "" && r.AddressAfter != r.Address {
			fmt.Fprintf(&b, " -> now at %s", r.AddressAfter)
		}
		if r.Requests > 0 {
			fmt.Fprintf(&b, "  (%d requests)", r.Requests)
		}
		b.WriteString("\n")
		for _, s := range r.Steps {
			fmt.Fprintf(&b, "  %-8s %2d %s: %s\n", strings.ToUpper(s.Result), s.Step, s.ID, s.Detail)
		}
		if r.Error != "" {
			// Under the camera's address: said once.
			fmt.Fprintf(&b, "  ERROR: %s\n", withoutAddress(r.Error, r.Address))
		}
		for _, f := range [][2]string{{"backup", r.Backup}, {"secrets", r.Secrets}, {"report", r.Report}} {
			if f[1] != "" {
				fmt.Fprintf(&b, "  %-8s %s\n", f[0]+":", f[1])
			}
		}
		for _, k := range r.Kept {
			fmt.Fprintf(&b, "  %-8s %s (the earlier run's, not overwritten)\n", "kept:", k)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// PlanCamera is one camera's complete change set (`apply --plan`).
type PlanCamera struct {
	Address, Model, Serial, Firmware string
	Steps                            []PlanStep
	Requests                         int64
}

// PlanStep is one step of a PlanCamera: its changes (secrets masked), the
// answer recorded for a manual step, notes, or why it was refused.
type PlanStep struct {
	Step    int
	Title   string
	Changes []string
	Answer  string
	Notes   []string
	Refused string
}

// WritePlan renders one camera's change set as text.
func WritePlan(w io.Writer, pc PlanCamera) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s  serial %s  firmware %s\n", pc.Address, pc.Model, pc.Serial, pc.Firmware)
	for _, s := range pc.Steps {
		switch {
		case s.Refused != "":
			fmt.Fprintf(&b, "  %2d %s: %s\n", s.Step, s.Title, s.Refused)
			continue
		case len(s.Changes) == 0 && s.Answer == "":
			fmt.Fprintf(&b, "  %2d %s: nothing to change\n", s.Step, s.Title)
			continue
		}
		fmt.Fprintf(&b, "  %2d %s:\n", s.Step, s.Title)
		for _, l := range s.Changes {
			fmt.Fprintf(&b, "       %s\n", l)
		}
		if s.Answer != "" {
			fmt.Fprintf(&b, "       record: %s\n", s.Answer)
		}
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "       note: %s\n", n)
		}
	}
	fmt.Fprintf(&b, "  then: store to permanent memory, reboot if needed, verify every step, write backup, secrets and report\n  (%d requests so far)\n\n", pc.Requests)
	_, err := io.WriteString(w, b.String())
	return err
}
