package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
)

// wrap breaks text into lines of at most width cells, only between words:
// a URL, a path, a date or a fingerprint stays whole when it fits on a line
// of its own. A word longer than a line (a certificate fingerprint) is cut
// after a colon where it can be (AB:CD never becomes A / B:CD), else at
// the width. A line's continuation keeps its indentation, and the
// continuation of a "try: " hint lines up under the hint's text.
func wrap(text string, width int) string {
	if width < 10 {
		width = 10
	}
	in := strings.Split(text, "\n")
	out := make([]string, 0, len(in))
	for _, line := range in {
		out = append(out, wrapLine(line, width)...)
	}
	return strings.Join(out, "\n")
}

// wrapLine wraps one line of text (see wrap).
func wrapLine(line string, width int) []string {
	if ansi.StringWidth(line) <= width {
		return []string{line}
	}
	trimmed := strings.TrimLeft(line, " ")
	lead := len(line) - len(trimmed)
	hang := lead
	if strings.HasPrefix(trimmed, "try: ") {
		hang += len("try: ")
	}
	if hang > width/2 {
		hang = 0
	}
	var lines []string
	cur := strings.Repeat(" ", lead)
	curW := lead
	fresh := true // cur holds no word yet
	pad := strings.Repeat(" ", hang)
	flush := func() {
		lines = append(lines, strings.TrimRight(cur, " "))
		cur, curW, fresh = pad, hang, true
	}
	for _, word := range strings.Fields(trimmed) {
		ww := ansi.StringWidth(word)
		if !fresh && curW+1+ww > width {
			flush()
		}
		if !fresh {
			cur += " "
			curW++
		}
		for curW+ww > width {
			// Longer than a whole line: cut it, after a colon if one fits.
			room := width - curW
			head, tail := cutWord(word, room)
			if head == "" {
				flush()
				continue
			}
			cur += head
			flush()
			word, ww = tail, ansi.StringWidth(tail)
		}
		cur += word
		curW += ww
		fresh = false
	}
	if !fresh || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(cur, " "))
	}
	return lines
}

// cutWord splits a word too long for room cells: after its last colon that
// fits (keeping hex pairs whole), else at room. head is "" when nothing fits.
func cutWord(word string, room int) (head, tail string) {
	if room <= 0 {
		return "", word
	}
	part := ansi.Truncate(word, room, "")
	if i := strings.LastIndex(part, ":"); i > 0 && i < len(part)-1 {
		part = part[:i+1]
	} else if i == len(part)-1 {
		// ends at a colon already
	} else if room < 4 {
		return "", word
	}
	return part, word[len(part):]
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
