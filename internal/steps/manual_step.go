package steps

import (
	"strings"

	"github.com/mxwizard/mxwizard/internal/profile"
)

func answer(p *profile.Profile, id, fallback string) string {
	if a := strings.TrimSpace(p.Manual[id]); a != "" {
		return a
	}
	return fallback
}

// manualStep is a step that lives outside the camera: the installer is
// guided and the answer recorded.
type manualStep struct{ info Info }

func (m manualStep) Info() Info { return m.info }

func (m manualStep) Check(*Snapshot) Finding {
	return manual("outside the camera: confirm and record it")
}

func (m manualStep) Plan(_ *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	return &Plan{Step: m.info, Answer: answer(p, m.info.ID, "")}, nil
}
