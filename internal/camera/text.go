package camera

import "strings"

// CleanText makes text that came from a camera safe to show: every control
// character (C0, DEL, C1, which start terminal escape sequences that set the
// window title, colours or move the cursor) and every Unicode direction
// override (which can make a line read other than it is) becomes '?', so
// the reader sees that something was there. Tabs become spaces.
func CleanText(s string) string {
	if !needsCleaning(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case isUnsafeRune(r):
			return '?'
		}
		return r
	}, s)
}

func needsCleaning(s string) bool {
	for _, r := range s {
		if r == '\t' || isUnsafeRune(r) {
			return true
		}
	}
	return false
}

func isUnsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
