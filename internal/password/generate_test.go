package password

import (
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
		{"zero asks for the default of sixteen", 0, 16},
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
