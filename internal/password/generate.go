package password

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// Generator limits, in characters.
const (
	// DefaultGenerateLength is what Generate uses when asked for length 0:
	// four groups of four, "Kx7m-Pq3r-Tn8w-Hc4v".
	DefaultGenerateLength = 19
	// MinGenerateLength is the shortest password Generate makes.
	MinGenerateLength = 12
)

// A generated password is groups of four characters joined by one
// separator, read aloud group by group and typed without looking twice.
// The characters come from 49 that do not look alike on a screen or on
// paper (no 0 O o D Q, 1 l I i, and no Z S G B, so that 2 5 6 8 can stay);
// the separator "-" is the policy's special character, easy to name and
// harmless in a shell or a CSV cell.
const (
	genUpper     = "ACEFHJKLMNPRTUVWXY"      // no B D G I O Q S Z
	genLower     = "abcdefghjkmnpqrstuvwxyz" // no i l o
	genDigits    = "23456789"                // no 0 1
	genSpecials  = string(genSeparator)      // the only special
	genGroupSize = 4
	genSeparator = '-'
	genAll       = genUpper + genLower + genDigits
	genLetters   = genUpper + genLower
)

// GeneratedBits is the entropy of a password of DefaultGenerateLength:
// 16 characters drawn uniformly from 49, log2(49^16) = 89.8 bits (the
// draws that miss a class and are drawn again take less than 0.2 bits
// away: about one in ten draws is thrown away). Generated passwords of
// MinGenerateLength have 10 characters drawn, 56 bits.
const GeneratedBits = 89.8

// maxGenerateAttempts bounds the retries of Generate; a draw misses upper
// case, lower case or digits in about one case in ten, so reaching the
// bound means the random source is broken.
const maxGenerateAttempts = 1000

// Generate makes a random password of length characters (DefaultGenerateLength
// when length is 0) from crypto/rand: groups of four letters and digits
// without look-alikes, joined by "-", a letter first (so it never looks like
// a command-line option or a spreadsheet formula). Lengths below
// MinGenerateLength or above MaxLength are refused. It always satisfies
// Evaluate with empty Inputs (policy and a zxcvbn score of at least 3):
// draws that do not are thrown away.
func Generate(length int) (secret.Secret, error) {
	if length == 0 {
		length = DefaultGenerateLength
	}
	if length < MinGenerateLength || length > MaxLength {
		return secret.Secret{}, fmt.Errorf("cannot generate a password of %d characters: choose %d to %d (default %d)",
			length, MinGenerateLength, MaxLength, DefaultGenerateLength)
	}
	buf := make([]byte, length)
	for range maxGenerateAttempts {
		if err := draw(buf); err != nil {
			return secret.Secret{}, fmt.Errorf("generate a password: %w", err)
		}
		s := secret.New(string(buf))
		if Evaluate(s, Inputs{}).OK {
			return s, nil
		}
	}
	return secret.Secret{}, errors.New("generate a password: no random draw satisfied the policy; the random source looks broken")
}

// draw fills buf with groups of uniformly random characters joined by the
// separator: a letter first; a separator never last.
func draw(buf []byte) error {
	for i := range buf {
		if isSeparatorPlace(i, len(buf)) {
			buf[i] = genSeparator
			continue
		}
		set := genAll
		if i == 0 {
			set = genLetters
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		if err != nil {
			return err
		}
		buf[i] = set[n.Int64()]
	}
	return nil
}

// isSeparatorPlace reports whether position i of a password of n
// characters holds the separator: after every group of four, except at
// the end (a last group may be shorter, never empty).
func isSeparatorPlace(i, n int) bool {
	return (i+1)%(genGroupSize+1) == 0 && i < n-1
}
