package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// wrap breaks text into lines of at most width cells (words are kept
// whole where they fit; longer ones are cut).
func wrap(text string, width int) string {
	if width < 10 {
		width = 10
	}
	// A word longer than the line (a certificate fingerprint, an address)
	// breaks after a colon rather than anywhere: AB:CD never becomes A / B:CD.
	return ansi.Wrap(text, width, " :")
}

// indent wraps text to width and indents every line by n spaces; the first
// line may carry a different prefix of the same width (a bullet).
func indent(text string, width, n int, first string) string {
	body := wrap(text, width-n)
	lines := strings.Split(body, "\n")
	pad := strings.Repeat(" ", n)
	for i := range lines {
		p := pad
		if i == 0 && first != "" {
			p = first + strings.Repeat(" ", max(0, n-ansi.StringWidth(first)))
		}
		lines[i] = p + lines[i]
	}
	return strings.Join(lines, "\n")
}

// clip keeps at most height lines, starting at line from, and cuts every
// line to width cells.
func clip(s string, width, height, from int) string {
	lines := strings.Split(s, "\n")
	if from > len(lines) {
		from = len(lines)
	}
	lines = lines[from:]
	if height >= 0 && len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// lineCount is the number of lines s takes.
func lineCount(s string) int {
	if s == "" {
		return 0
	}
	return strings.Count(s, "\n") + 1
}

// stack joins the non-empty parts with a blank line between them.
func stack(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// truncate cuts s to width cells with an ellipsis.
func truncate(s string, width int) string {
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// padRight pads s with spaces to width cells.
func padRight(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// elapsed formats a duration as m:ss.
func elapsed(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d:%02d", int(d.Minutes()), int(d.Seconds())%60)
}

// formatFingerprint splits a SHA-256 fingerprint (32 hex pairs) into two
// lines of 16 pairs, so it fits 80 columns and can be compared in halves.
func formatFingerprint(fp string) string {
	pairs := strings.Split(fp, ":")
	if len(pairs) != 32 {
		return fp
	}
	return strings.Join(pairs[:16], ":") + "\n" + strings.Join(pairs[16:], ":")
}
