package password

import (
	"slices"
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn/match"
)

// Reasons built from the zxcvbn match sequence. None quotes the password.
const (
	reasonKnownWord  = "this contains the camera's name, the vendor, the default password or the user name"
	reasonPassword   = "this is a commonly used password"
	reasonWord       = "this is a common word"
	reasonName       = "this contains a common name"
	reasonWordYear   = "this is a common word with a year"
	reasonYear       = "this contains a year"
	reasonDate       = "this is a date"
	reasonKeyboard   = "this is a keyboard pattern"
	reasonRepeat     = "this repeats characters"
	reasonSequence   = "this is a sequence like abc or 123"
	suffixL33t       = " (swapping letters for look-alike symbols does not help)"
	suffixReversed   = " (writing it backwards does not help)"
	minKnownWordSpan = 3 // shorter known words are not cut out of the password
	minDirectSearch  = 4 // known words searched for directly, besides zxcvbn's own matches
)

// strength is the zxcvbn part of a verdict.
type strength struct {
	score   int
	reasons []string // why the score is low; meaningful only when score < MinScore
}

// estimate rates pw with zxcvbn. When pw contains a word the attacker knows,
// the score is the lower of the score of pw and the score of pw with those
// words cut out.
func estimate(pw string, in Inputs) strength {
	words := knownWords(in)
	full := rate(pw, words)
	st := strength{score: full.Score}
	reasons := patternReasons(pw, full.Sequence)

	if spans := knownWordSpans(pw, full.Sequence, words); len(spans) > 0 {
		reasons = append([]string{reasonKnownWord}, reasons...)
		rest := cut(pw, spans)
		restScore := 0
		if rest != "" {
			r := rate(rest, words)
			restScore = r.Score
			reasons = append(reasons, patternReasons(rest, r.Sequence)...)
		}
		st.score = min(st.score, restScore)
	}
	st.reasons = dedupe(reasons)
	return st
}

// knownWords lists the words an attacker tries first, lower-cased and without
// duplicates: the camera's words, the non-empty inputs, and the parts of each
// input split at anything that is not a letter or digit ("cam-lobby-2" gives
// "cam" and "lobby" as well).
func knownWords(in Inputs) []string {
	words := slices.Clone(cameraWords)
	for _, v := range []string{in.User, in.Model, in.Hostname, in.Serial} {
		v = strings.ToLower(strings.TrimSpace(v))
		if v == "" {
			continue
		}
		words = append(words, v)
		parts := strings.FieldsFunc(v, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		})
		if len(parts) > 1 {
			for _, p := range parts {
				if len(p) >= minKnownWordSpan {
					words = append(words, p)
				}
			}
		}
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// span is a half-open byte range of the password.
type span struct{ i, j int }

// knownWordSpans finds where pw holds a known word: the user-input matches
// zxcvbn chose (these include l33t and reversed spellings) and every direct,
// case-insensitive occurrence of a known word or its reverse.
func knownWordSpans(pw string, seq []*match.Match, words []string) []span {
	var spans []span
	for _, m := range seq {
		if m.Pattern != "dictionary" || m.DictionaryName != "user_inputs" || len(m.Token) < minKnownWordSpan {
			continue
		}
		if m.I >= 0 && m.J < len(pw) && m.I <= m.J && pw[m.I:m.J+1] == m.Token {
			spans = append(spans, span{m.I, m.J + 1})
		}
	}
	lower := asciiLower(pw) // same byte offsets as pw
	for _, w := range words {
		if len(w) < minDirectSearch {
			continue
		}
		for _, v := range []string{w, reverse(w)} {
			for off := 0; ; {
				k := strings.Index(lower[off:], v)
				if k < 0 {
					break
				}
				spans = append(spans, span{off + k, off + k + len(v)})
				off += k + 1
			}
		}
	}
	return spans
}

// cut returns pw without the bytes covered by spans.
func cut(pw string, spans []span) string {
	drop := make([]bool, len(pw))
	for _, s := range spans {
		for k := s.i; k < s.j && k < len(pw); k++ {
			drop[k] = true
		}
	}
	var b strings.Builder
	for k := 0; k < len(pw); k++ {
		if !drop[k] {
			b.WriteByte(pw[k])
		}
	}
	return b.String()
}

// patternReasons turns a zxcvbn match sequence into reasons, in the order the
// patterns appear in the password.
func patternReasons(pw string, seq []*match.Match) []string {
	year := hasYear(pw) || slices.ContainsFunc(seq, func(m *match.Match) bool {
		return m.Pattern == "regex" && m.RegexName == "recent_year"
	})
	var reasons []string
	for _, m := range seq {
		switch m.Pattern {
		case "dictionary":
			var r string
			switch m.DictionaryName {
			case "user_inputs":
				r = reasonKnownWord
			case "passwords":
				r = reasonPassword
			case "male_names", "female_names", "surnames":
				r = reasonName
			default: // english_wikipedia, us_tv_and_film
				r = reasonWord
			}
			if r == reasonKnownWord { // however it is spelled
				reasons = append(reasons, r)
				break
			}
			if year {
				r = reasonWordYear
			}
			switch {
			case m.L33t:
				r += suffixL33t
			case m.Reversed:
				r += suffixReversed
			}
			reasons = append(reasons, r)
		case "spatial":
			reasons = append(reasons, reasonKeyboard)
		case "repeat":
			reasons = append(reasons, reasonRepeat)
		case "sequence":
			reasons = append(reasons, reasonSequence)
		case "date":
			reasons = append(reasons, reasonDate)
		}
	}
	// A year (zxcvbn's recent_year regex, or one folded into a bruteforce
	// chunk) gets its own reason unless a common word or a date carries it.
	if year && !slices.ContainsFunc(reasons, func(r string) bool { return strings.HasPrefix(r, reasonWordYear) }) &&
		!slices.Contains(reasons, reasonDate) {
		reasons = append(reasons, reasonYear)
	}
	return reasons
}

// hasYear reports whether pw holds a run of exactly four digits from 1900 to
// 2099.
func hasYear(pw string) bool {
	for i := 0; i < len(pw); {
		if !isDigit(pw[i]) {
			i++
			continue
		}
		j := i
		for j < len(pw) && isDigit(pw[j]) {
			j++
		}
		if j-i == 4 && (pw[i:i+2] == "19" || pw[i:i+2] == "20") {
			return true
		}
		i = j
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// asciiLower lower-cases A to Z only, so byte offsets stay those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// reverse reverses an ASCII or UTF-8 string rune by rune.
func reverse(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// dedupe drops repeated reasons, keeping the first occurrence.
func dedupe(reasons []string) []string {
	out := reasons[:0:0]
	for _, r := range reasons {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
