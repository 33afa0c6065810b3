package password

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

// lookAlikes are characters a generated password must never contain: they
// are misread on screens and paper or break quoting.
const lookAlikes = "0Oo1lIi|`'\",.;:QDBSZG \\$!*?&<>()[]{}"

func TestGeneratedPasswordsPassThePolicyAndReadWell(t *testing.T) {
	seen := make(map[string]bool)
	for i := range 500 {
		s, err := Generate(0)
		if err != nil {
			t.Fatalf("generation %d: %v", i+1, err)
		}
		pw := s.Reveal()
		if len(pw) != DefaultGenerateLength {
			t.Fatalf("generation %d has %d characters, want %d", i+1, len(pw), DefaultGenerateLength)
		}
		if r := Evaluate(s, Inputs{}); !r.OK {
			t.Fatalf("generation %d rejected by the policy: %q", i+1, r.Reasons)
		}
		if k := strings.IndexAny(pw, lookAlikes); k >= 0 {
			t.Fatalf("generation %d has a look-alike or shell-hostile character at position %d", i+1, k+1)
		}
		if !strings.ContainsAny(pw[:1], genLetters) {
			t.Fatalf("generation %d does not start with a letter", i+1)
		}
		if seen[pw] {
			t.Fatalf("generation %d repeats an earlier password", i+1)
		}
		seen[pw] = true
	}
}

func TestGenerateLengths(t *testing.T) {
	tests := []struct {
		name    string
		length  int
		wantLen int // 0 when an error is expected
	}{
		{"zero asks for the default of nineteen", 0, 19},
		{"twelve is the shortest allowed", 12, 12},
		{"ninety-nine is the longest allowed", 99, 99},
		{"eleven is refused", 11, 0},
		{"a hundred is refused", 100, 0},
		{"a negative length is refused", -5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Generate(tt.length)
			if tt.wantLen == 0 {
				if err == nil {
					t.Fatal("no error")
				}
				if !strings.Contains(err.Error(), "choose 12 to 99") {
					t.Errorf("error %q does not say which lengths are allowed", err)
				}
				if !s.IsZero() {
					t.Error("a refused length still returned a password")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != tt.wantLen {
				t.Errorf("length %d, want %d", s.Len(), tt.wantLen)
			}
			if r := Evaluate(s, Inputs{}); !r.OK {
				t.Errorf("rejected by the policy: %q", r.Reasons)
			}
		})
	}
}

func TestGeneratorAlphabetHasEveryClassAndNoLookAlike(t *testing.T) {
	sets := []struct {
		name string
		set  string
	}{
		{"the upper-case letters are readable", genUpper},
		{"the lower-case letters are readable", genLower},
		{"the digits are readable", genDigits},
		{"the specials are readable and from the guide", genSpecials},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			if s.set == "" {
				t.Fatal("empty set")
			}
			if k := strings.IndexAny(s.set, lookAlikes); k >= 0 {
				t.Errorf("character %d of the set is a look-alike", k+1)
			}
			for _, c := range s.set {
				if c < 0x21 || c > 0x7E {
					t.Errorf("0x%02X is not printable ASCII", c)
				}
			}
		})
	}
	for _, c := range genSpecials {
		if !strings.ContainsRune(Specials, c) {
			t.Errorf("special 0x%02X is not in the guide's list", c)
		}
	}
}

// TestGeneratedPasswordsAreGroupsEasyToReadAloud: four groups of four
// letters and digits joined by "-", a letter first; the entropy stated in
// the code is the one of the alphabet and the length; every one passes the
// policy with a zxcvbn score of at least 3.
func TestGeneratedPasswordsAreGroupsEasyToReadAloud(t *testing.T) {
	shape := regexp.MustCompile(`^[` + genLetters + `][` + genAll + `]{3}(-[` + genAll + `]{4}){3}$`)
	for i := range 300 {
		s, err := Generate(0)
		if err != nil {
			t.Fatal(err)
		}
		if !shape.MatchString(s.Reveal()) {
			t.Fatalf("generation %d is not four groups of four joined by -", i+1)
		}
		if r := Evaluate(s, Inputs{}); !r.OK || r.Score < MinScore {
			t.Fatalf("generation %d: score %d, reasons %q", i+1, r.Score, r.Reasons)
		}
	}
	if len(genAll) != 49 {
		t.Errorf("the alphabet has %d characters, the entropy in the code counts 49", len(genAll))
	}
	drawn := 0
	for i := range DefaultGenerateLength {
		if !isSeparatorPlace(i, DefaultGenerateLength) {
			drawn++
		}
	}
	if bits := float64(drawn) * math.Log2(float64(len(genAll))); math.Abs(bits-GeneratedBits) > 0.05 {
		t.Errorf("%d characters from %d give %.2f bits, the code says %.1f", drawn, len(genAll), bits, GeneratedBits)
	}
	for _, n := range []int{12, 13, 14, 15, 16, 99} {
		s, err := Generate(n)
		if err != nil {
			t.Fatal(err)
		}
		pw := s.Reveal()
		if strings.HasSuffix(pw, "-") || strings.Contains(pw, "--") || len(pw) != n {
			t.Errorf("length %d gave %d characters, or a separator at the end or twice", n, len(pw))
		}
	}
}
