// Package password holds the password policy of mxwizard: the rules of step 3
// of the MOBOTIX hardening guide ("How to create a strong password"), a
// zxcvbn strength estimate that knows the camera's own words, plain-language
// reasons for a rejection, and a generator of passwords that are easy to read
// aloud.
//
// Nothing in this package ever puts a password, or a piece of one, into a
// reason or an error.
//
// Start-up cost: the matching (matching.go) builds its word-list index on
// the first rating (sync.OnceValue: about 16 ms and 7 MB), not at start-up;
// the zxcvbn matching package, which built its dictionaries in package
// variables at every start, is not linked. What remains at start-up is the
// library's frequency package copying its word lists (about 6 ms, 1.5 MB).
// TestStartUpBuildsNoPasswordDictionary in cmd/mxwizard keeps it so.
//
// Cost of a verdict: l33t matching tries every substitution its table allows
// against every substring, so the cost depends on the length and on how many
// different l33t characters the password holds. Measured (2 cores, go1.26,
// docs/performance.md): about 26 µs at 8 characters, 5 ms at 99, and 92 ms
// for 99 characters of symbol soup holding every l33t character.
//
// The functions are safe for concurrent use.
package password

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// Policy limits, from step 3 of the hardening guide and the camera's own
// password dialog.
const (
	// MinLength is the shortest accepted password, in characters.
	MinLength = 8
	// MaxLength is the longest password the camera accepts, in characters.
	MaxLength = 99
	// MinScore is the lowest accepted zxcvbn score (0 to 4).
	MinScore = 3
	// LiveLimit is how many leading characters EvaluateLive hands to zxcvbn.
	LiveLimit = 32
)

// Specials lists the special characters of the guide: every ASCII
// punctuation character. A password needs at least one of them.
const Specials = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"

// Words that an attacker tries first on any MOBOTIX camera: the vendor, the
// factory default password and the factory user name.
var cameraWords = []string{"mobotix", "meinsm", "admin"}

// Inputs is what the policy knows about the account and the camera the
// password is for. zxcvbn treats each non-empty value (and the words a model
// or host name is made of) as a word an attacker knows, and a password may not
// equal the user name.
type Inputs struct {
	User     string // the account's user name, e.g. "admin"
	Model    string // camera model, e.g. "M16B"
	Hostname string // host name or address the camera is reached by
	Serial   string // serial number or MAC address
}

// Result is the verdict on one password.
type Result struct {
	// OK is true when the password satisfies every rule of the policy.
	OK bool
	// Score is the zxcvbn score from 0 (very weak) to 4 (very strong), with
	// the camera's words and the user name counting for nothing (see
	// Evaluate), or -1 when it was not computed (the password is longer than
	// MaxLength, or is not valid UTF-8).
	Score int
	// Reasons says, in plain language, what to change. It is empty when OK is
	// true. No reason quotes the password or any part of it.
	Reasons []string
	// Strength names the score: "very weak", "weak", "fair", "strong",
	// "very strong", or "not rated" when Score is -1.
	Strength string
}

// Evaluate judges pw against the whole policy. A password is accepted when all
// of these hold:
//
//   - it has MinLength to MaxLength characters;
//   - every character is printable ASCII from 0x21 to 0x7E (no space);
//   - it has an upper-case letter, a lower-case letter, a digit and one of
//     Specials;
//   - it is not the user name (ignoring case);
//   - zxcvbn scores it at least MinScore, with the camera's words (mobotix,
//     meinsm, admin) and the non-empty fields of in as known words. A password
//     that contains one of those words must also reach MinScore with the
//     words taken out: a word the attacker knows adds nothing, so
//     "mobotix2024!A" is judged as "2024!A".
//
// Evaluate runs zxcvbn on the whole password, which takes up to about 0.7 s
// for 99 characters of symbol soup (see the package documentation): call it
// off the UI goroutine, behind a spinner. For a meter updated on every key
// press use EvaluateLive. Passwords longer than MaxLength are rejected without
// running zxcvbn.
func Evaluate(pw secret.Secret, in Inputs) Result {
	return evaluate(pw.Reveal(), in, MaxLength)
}

// EvaluateLive is Evaluate with a bounded cost, for a strength meter updated
// while the password is typed. The character rules (length, allowed
// characters, classes, user name) run on the whole password, but zxcvbn only
// sees the first LiveLimit characters. That bounds one call at about 31 ms in
// the worst case (32 characters of symbol soup; 64 would cost about 200 ms,
// 99 about 0.6 s), inside the meter's 100 ms budget; run it off the UI
// goroutine and drop stale results.
//
// Cutting the password short can only hide strength that comes after the cut,
// so the live Score is, up to the rare word that straddles the cut, a lower
// bound: a password whose first LiveLimit characters score MinScore or more is
// at least that strong. EvaluateLive's OK is an estimate for the meter; call
// Evaluate for the final verdict.
func EvaluateLive(pw secret.Secret, in Inputs) Result {
	return evaluate(pw.Reveal(), in, LiveLimit)
}

// evaluate applies the policy; zxcvbn sees at most limit characters. When the
// password is longer than MaxLength and limit is MaxLength, zxcvbn is skipped.
func evaluate(pw string, in Inputs, limit int) Result {
	var reasons []string
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinLength:
		reasons = append(reasons, "use at least "+strconv.Itoa(MinLength)+" characters (this has "+strconv.Itoa(n)+")")
	case n > MaxLength:
		reasons = append(reasons, "use at most "+strconv.Itoa(MaxLength)+" characters (this has "+strconv.Itoa(n)+")")
	}
	reasons = append(reasons, characterReasons(pw)...)
	if in.User != "" && strings.EqualFold(pw, in.User) {
		reasons = append(reasons, "do not use the user name as the password")
	}

	score := -1
	switch {
	case !utf8.ValidString(pw):
		// zxcvbn does not rate invalid UTF-8; the character rule already says
		// what to remove.
	case n > MaxLength && limit >= MaxLength:
		// Rejected on length; do not spend seconds on a pasted novel.
	default:
		s := estimate(truncate(pw, limit), in)
		score = s.score
		if score < MinScore {
			reasons = append(reasons, s.reasons...)
			reasons = append(reasons, "too easy to guess (strength "+strconv.Itoa(score)+" of 4; needs "+strconv.Itoa(MinScore)+"): make it longer and less predictable")
		}
	}
	return Result{
		OK:       len(reasons) == 0,
		Score:    score,
		Reasons:  reasons,
		Strength: StrengthName(score),
	}
}

// characterReasons reports length-independent character rules: allowed
// characters and the four character classes.
func characterReasons(pw string) []string {
	var reasons []string
	var upper, lower, digit, special bool
	spaces := 0
	var bad []int // 1-based positions of characters outside 0x21-0x7E, spaces excluded
	pos := 0
	for _, r := range pw { // invalid UTF-8 bytes arrive one by one as RuneError
		pos++
		switch {
		case r == ' ':
			spaces++
		case r < 0x21 || r > 0x7E:
			bad = append(bad, pos)
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		default: // the rest of 0x21-0x7E is exactly Specials
			special = true
		}
	}
	switch {
	case spaces == 1:
		reasons = append(reasons, "remove the space: only printable ASCII without spaces is allowed")
	case spaces > 1:
		reasons = append(reasons, "remove the "+strconv.Itoa(spaces)+" spaces: only printable ASCII without spaces is allowed")
	}
	if len(bad) > 0 {
		const rule = ": only printable ASCII (0x21-0x7E) is allowed"
		if len(bad) == 1 {
			reasons = append(reasons, "remove the character at position "+strconv.Itoa(bad[0])+rule)
		} else {
			list := make([]string, 0, len(bad))
			for i, p := range bad {
				if i == 10 {
					list = append(list, "and "+strconv.Itoa(len(bad)-10)+" more")
					break
				}
				list = append(list, strconv.Itoa(p))
			}
			reasons = append(reasons, "remove the characters at positions "+strings.Join(list, ", ")+rule)
		}
	}
	if !upper {
		reasons = append(reasons, "add an upper-case letter")
	}
	if !lower {
		reasons = append(reasons, "add a lower-case letter")
	}
	if !digit {
		reasons = append(reasons, "add a digit")
	}
	if !special {
		reasons = append(reasons, "add a special character such as ! # % + - = ? @ or _")
	}
	return reasons
}

// StrengthName names a zxcvbn score for people: "very weak" (0), "weak",
// "fair", "strong", "very strong" (4), and "not rated" for anything else
// (Result.Score is -1 when zxcvbn did not run).
func StrengthName(score int) string {
	switch score {
	case 0:
		return "very weak"
	case 1:
		return "weak"
	case 2:
		return "fair"
	case 3:
		return "strong"
	case 4:
		return "very strong"
	}
	return "not rated"
}

// truncate returns the first limit characters of s.
func truncate(s string, limit int) string {
	i := 0
	for off := range s {
		if i == limit {
			return s[:off]
		}
		i++
	}
	return s
}
