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
	// DefaultGenerateLength is what Generate uses when asked for length 0.
	DefaultGenerateLength = 16
	// MinGenerateLength is the shortest password Generate makes.
	MinGenerateLength = 12
)

// The generator's alphabet (56 characters, 5.8 bits each) leaves out
// characters that look alike on a screen or on paper (0 O o D Q, 1 l I i |,
// and the letters Z S G B, so that the digits 2 5 6 8 can stay), and quotes,
// commas, dots and backticks. Its specials are easy to name aloud and survive
// a shell or a CSV cell when not in first place: no quotes, backslash, $, !,
// *, ?, &, ;, < > or brackets.
const (
	genUpper    = "ACEFHJKLMNPRTUVWXY"      // no B D G I O Q S Z
	genLower    = "abcdefghjkmnpqrstuvwxyz" // no i l o
	genDigits   = "23456789"                // no 0 1
	genSpecials = "#%+-=@_"
	genAll      = genUpper + genLower + genDigits + genSpecials
	genLetters  = genUpper + genLower
)

// maxGenerateAttempts bounds the retries of Generate; with the alphabet above
// a 12-character draw misses a character class about two times in five, so
// reaching the bound means the random source is broken.
const maxGenerateAttempts = 1000

// Generate makes a random password of length characters (DefaultGenerateLength
// when length is 0) from crypto/rand. Lengths below MinGenerateLength or above
// MaxLength are refused. The password is easy to read aloud: no look-alike
// characters (see the alphabet above), a letter first (so it never looks like
// a command-line option or a spreadsheet formula), specials only from
// "#%+-=@_". It always satisfies Evaluate with empty Inputs: draws that do not
// are thrown away.
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

// draw fills buf with uniformly random characters: a letter first, then any
// character of the alphabet.
func draw(buf []byte) error {
	for i := range buf {
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
