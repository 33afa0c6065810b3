package password

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// Test failures print reasons, scores and case names, never the password.

// strong99 is a strong password of exactly MaxLength characters.
var strong99 = strings.Repeat("Tr4in-Sandal-Gravel-91_", 5)[:MaxLength]

func judge(pw string, in Inputs) Result { return Evaluate(secret.New(pw), in) }

func hasReason(r Result, want string) bool { return slices.Contains(r.Reasons, want) }

func hasReasonPrefix(r Result, prefix string) bool {
	return slices.ContainsFunc(r.Reasons, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

func TestEveryGuideSpecialCharacterCountsAsTheSpecial(t *testing.T) {
	if len(Specials) != 32 {
		t.Fatalf("Specials has %d characters, the guide lists 32", len(Specials))
	}
	for _, c := range Specials {
		t.Run(fmt.Sprintf("the special 0x%02X is accepted", c), func(t *testing.T) {
			r := judge("Kx7"+string(c)+"mQp2vZr", Inputs{})
			if !r.OK {
				t.Errorf("rejected (score %d): %q", r.Score, r.Reasons)
			}
		})
	}
}

func TestEachMissingCharacterClassIsReported(t *testing.T) {
	classReasons := []string{
		"add an upper-case letter",
		"add a lower-case letter",
		"add a digit",
		"add a special character such as ! # % + - = ? @ or _",
	}
	tests := []struct {
		name string
		pw   string
		want string
	}{
		{"a password without an upper-case letter asks for one", "kx7!mqp2vzr9", classReasons[0]},
		{"a password without a lower-case letter asks for one", "KX7!MQP2VZR9", classReasons[1]},
		{"a password without a digit asks for one", "Kx!mQpTvZrwy", classReasons[2]},
		{"a password without a special character asks for one", "Kx7mQp2vZr9w", classReasons[3]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judge(tt.pw, Inputs{})
			if r.OK {
				t.Fatal("accepted")
			}
			for _, cr := range classReasons {
				if got := hasReason(r, cr); got != (cr == tt.want) {
					t.Errorf("reason %q present = %v, want %v; reasons: %q", cr, got, !got, r.Reasons)
				}
			}
		})
	}
}

func TestLengthEdges(t *testing.T) {
	tests := []struct {
		name       string
		pw         string
		wantReason string // "" when no length reason is expected
		wantOK     bool
		wantScore  func(int) bool
	}{
		{"seven characters are too short", "Kx7!mQp", "use at least 8 characters (this has 7)", false, func(s int) bool { return s >= 0 }},
		{"eight characters meet the length rule", "Kx7!mQp2", "", false, func(s int) bool { return s >= 0 }},
		{"an empty password is too short", "", "use at least 8 characters (this has 0)", false, func(s int) bool { return s == 0 }},
		{"ninety-nine characters are accepted", strong99, "", true, func(s int) bool { return s == 4 }},
		{"a hundred characters are too long and not rated", strong99 + "x", "use at most 99 characters (this has 100)", false, func(s int) bool { return s == -1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judge(tt.pw, Inputs{})
			if r.OK != tt.wantOK {
				t.Errorf("OK = %v, want %v; reasons: %q", r.OK, tt.wantOK, r.Reasons)
			}
			lengthReasons := slices.DeleteFunc(slices.Clone(r.Reasons), func(s string) bool {
				return !strings.HasPrefix(s, "use at ")
			})
			var want []string
			if tt.wantReason != "" {
				want = []string{tt.wantReason}
			}
			if !slices.Equal(lengthReasons, want) {
				t.Errorf("length reasons = %q, want %q", lengthReasons, want)
			}
			if !tt.wantScore(r.Score) {
				t.Errorf("unexpected score %d", r.Score)
			}
		})
	}
}

func TestOnlyPrintableASCIIWithoutSpacesIsAllowed(t *testing.T) {
	const rule = ": only printable ASCII (0x21-0x7E) is allowed"
	tests := []struct {
		name string
		pw   string
		want string
	}{
		{"a space is rejected", "Kx7!mQp 2vZr", "remove the space: only printable ASCII without spaces is allowed"},
		{"several spaces are counted", "Kx7! mQp 2vZr", "remove the 2 spaces: only printable ASCII without spaces is allowed"},
		{"an accented letter is rejected by position", "Kx7!mQpé2vZr", "remove the character at position 8" + rule},
		{"a tab is rejected by position", "Kx7\tmQp2vZr!", "remove the character at position 4" + rule},
		{"a newline is rejected by position", "Kx7!mQp2\nvZr", "remove the character at position 9" + rule},
		{"the delete character is rejected", "Kx7!mQp2vZr\x7f", "remove the character at position 12" + rule},
		{"several bad characters are listed together", "\tKx7!mQp2vZr€", "remove the characters at positions 1, 13" + rule},
		{"a byte that is not UTF-8 is rejected", "Kx7!mQp\xff2vZr", "remove the character at position 8" + rule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judge(tt.pw, Inputs{})
			if r.OK {
				t.Fatal("accepted")
			}
			if !hasReason(r, tt.want) {
				t.Errorf("missing reason %q in %q", tt.want, r.Reasons)
			}
		})
	}
	t.Run("a password that is not UTF-8 is not rated", func(t *testing.T) {
		r := judge("Kx7!mQp\xff2vZr", Inputs{})
		if r.Score != -1 || r.Strength != "not rated" {
			t.Errorf("score %d (%s), want -1 (not rated)", r.Score, r.Strength)
		}
	})
}

func TestThePasswordMayNotBeTheUserName(t *testing.T) {
	const reason = "do not use the user name as the password"
	tests := []struct {
		name string
		pw   string
		user string
		want bool
	}{
		{"the user name itself is rejected", "Lobby-Guard-7!", "Lobby-Guard-7!", true},
		{"the user name in other case is rejected", "LOBBY-guard-7!", "Lobby-Guard-7!", true},
		{"a password that differs from the user name is not blamed for it", "Kx7!mQp2vZr", "operator", false},
		{"an empty user name matches nothing", "Kx7!mQp2vZr", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judge(tt.pw, Inputs{User: tt.user})
			if got := hasReason(r, reason); got != tt.want {
				t.Errorf("user-name reason present = %v, want %v; reasons: %q", got, tt.want, r.Reasons)
			}
			if tt.want && r.OK {
				t.Error("accepted")
			}
		})
	}
}

func TestCameraAndUserWordsAddNoStrength(t *testing.T) {
	in := Inputs{User: "operator", Model: "M16B", Hostname: "cam-lobby.example.com", Serial: "10.1.2.3"}
	tests := []struct {
		name string
		pw   string
	}{
		{"the vendor name with a year is rejected", "mobotix2024!A"},
		{"the vendor name with a capital and a year is rejected", "Mobotix!2024x"},
		{"the default password with a year is rejected", "Meinsm2024!x"},
		{"the factory user name with a year is rejected", "Admin2024!Kq"},
		{"the vendor name in l33t is rejected", "M0b0tix2024!A"},
		{"the vendor name backwards is rejected", "xitoboM2024!A"},
		{"a word of the host name is rejected", "Lobby2024!xQ"},
		{"the user name with a year is rejected", "Operator2024!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judge(tt.pw, in)
			if r.OK {
				t.Fatalf("accepted with score %d", r.Score)
			}
			if !hasReason(r, reasonKnownWord) {
				t.Errorf("no reason names the camera's words: %q", r.Reasons)
			}
			if r.Score >= MinScore {
				t.Errorf("score %d, want below %d", r.Score, MinScore)
			}
		})
	}
	t.Run("zxcvbn alone would accept the vendor name with a year, the policy does not", func(t *testing.T) {
		const pw = "mobotix2024!A"
		if s := rate(pw, cameraWords).Score; s < MinScore {
			t.Skipf("zxcvbn alone now scores %d; the known-word rule is no longer what rejects it", s)
		}
		if judge(pw, Inputs{}).OK {
			t.Error("accepted")
		}
	})
	t.Run("a strong password that also contains a camera word is accepted", func(t *testing.T) {
		if r := judge("Kx7!mQp2vZr#admin", in); !r.OK {
			t.Errorf("rejected (score %d): %q", r.Score, r.Reasons)
		}
	})
}

func TestWeakPatternsAreNamed(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		want string
	}{
		{"a common word with a year is named", "Summer2019!", "this is a common word with a year"},
		{"another common word with a year is named", "Dragon1988!", "this is a common word with a year"},
		{"a common password is named", "Qwerty123!", "this is a commonly used password"},
		{"a common password in l33t is named", "P@ssw0rd!", reasonPassword + suffixL33t},
		{"a common password backwards is named", "drowssaP1!", reasonPassword + suffixReversed},
		{"a common name is named", "Jennifer#1", "this contains a common name"},
		{"a keyboard pattern is named", "Zxcvbnm,./1A", "this is a keyboard pattern"},
		{"repeated characters are named", "aaaaaaaaaaA1!", "this repeats characters"},
		{"a sequence is named", "abcdefghijA1!", "this is a sequence like abc or 123"},
		{"a date is named", "31.12.1999Ab!", "this is a date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judge(tt.pw, Inputs{})
			if r.OK {
				t.Fatalf("accepted with score %d", r.Score)
			}
			if !hasReason(r, tt.want) {
				t.Errorf("missing %q in %q", tt.want, r.Reasons)
			}
			wantLast := fmt.Sprintf("too easy to guess (strength %d of 4; needs 3): make it longer and less predictable", r.Score)
			if r.Reasons[len(r.Reasons)-1] != wantLast {
				t.Errorf("last reason = %q, want %q", r.Reasons[len(r.Reasons)-1], wantLast)
			}
		})
	}
}

func TestStrongPasswordsAreAccepted(t *testing.T) {
	in := Inputs{User: "admin", Model: "M16B", Hostname: "cam-lobby", Serial: "0003C5A1B2C3"}
	tests := []struct {
		name string
		pw   string
	}{
		{"a random-looking password is accepted", "Kx7!mQp2vZr"},
		{"a passphrase with separators is accepted", "Correct-Horse-Battery-Staple-42"},
		{"a URL-encoded newline is just characters", "Ab1!&x=y%0Anewline"},
		{"shell syntax is just characters", "$(reboot)Ab1x!"},
		{"markup is just characters", "<script>Ab1</script>"},
		{"SQL quoting is just characters", "Robert');DROP--1a"},
		{"ninety-nine characters are accepted", strong99},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := judge(tt.pw, in)
			if !r.OK || len(r.Reasons) != 0 {
				t.Errorf("OK = %v, reasons %q", r.OK, r.Reasons)
			}
			if r.Score < MinScore || r.Strength != StrengthName(r.Score) {
				t.Errorf("score %d named %q", r.Score, r.Strength)
			}
		})
	}
	t.Run("an injection-looking password is judged only by the rules", func(t *testing.T) {
		r := judge("'; DROP TABLE users;--X1a", in)
		want := []string{"remove the 3 spaces: only printable ASCII without spaces is allowed"}
		if !slices.Equal(r.Reasons, want) {
			t.Errorf("reasons = %q, want %q", r.Reasons, want)
		}
	})
}

func TestReasonsNeverQuoteThePassword(t *testing.T) {
	in := Inputs{User: "operator", Hostname: "cam-lobby"}
	rejected := []string{
		"mobotix2024!A", "Summer2019!", "Qwerty123!", "P@ssw0rd!", "drowssaP1!", "Jennifer#1",
		"Zxcvbnm,./1A", "aaaaaaaaaaA1!", "abcdefghijA1!", "31.12.1999Ab!", "Lobby2024!xQ",
		"Kx7!mQp 2vZr", "Kx7!mQpé2vZr", "operator", "kx7!mqp2vzr9", strong99 + "x",
	}
	for i, pw := range rejected {
		t.Run(fmt.Sprintf("rejected password %d is not quoted", i+1), func(t *testing.T) {
			r := judge(pw, in)
			if r.OK {
				t.Fatal("accepted")
			}
			all := strings.ToLower(strings.Join(r.Reasons, "\n") + fmt.Sprintf("%+v", r))
			lower := strings.ToLower(pw)
			for k := 0; k+5 <= len(lower); k++ {
				if strings.Contains(all, lower[k:k+5]) {
					t.Fatalf("the verdict contains the password's characters %d to %d", k+1, k+5)
				}
			}
		})
	}
}

func TestStrengthNames(t *testing.T) {
	tests := []struct {
		score int
		want  string
	}{
		{-1, "not rated"}, {0, "very weak"}, {1, "weak"}, {2, "fair"}, {3, "strong"}, {4, "very strong"}, {5, "not rated"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("score %d is called %s", tt.score, tt.want), func(t *testing.T) {
			if got := StrengthName(tt.score); got != tt.want {
				t.Errorf("StrengthName(%d) = %q", tt.score, got)
			}
		})
	}
}

func TestEvaluateLive(t *testing.T) {
	weakHead := strings.Repeat("a", LiveLimit)
	tests := []struct {
		name       string
		pw         string
		wantLiveOK bool
		wantFullOK bool
		check      func(t *testing.T, live Result)
	}{
		{
			name:       "the live meter rates only the first LiveLimit characters, so a weak head is flagged live",
			pw:         weakHead + "Kx7!mQp2vZr#Ht5&Wd9@Lb3",
			wantLiveOK: false, wantFullOK: true,
			check: func(t *testing.T, live Result) {
				if !hasReason(live, reasonRepeat) {
					t.Errorf("live reasons %q do not name the repetition", live.Reasons)
				}
			},
		},
		{
			name:       "character rules see the whole password",
			pw:         strong99[:80] + " " + strong99[81:],
			wantLiveOK: false, wantFullOK: false,
			check: func(t *testing.T, live Result) {
				want := []string{"remove the space: only printable ASCII without spaces is allowed"}
				if !slices.Equal(live.Reasons, want) {
					t.Errorf("live reasons = %q, want %q", live.Reasons, want)
				}
			},
		},
		{
			name:       "a class present only after the cut counts",
			pw:         strings.Repeat("Tr-Sandal-Gravel_", 5)[:70] + "9",
			wantLiveOK: true, wantFullOK: true,
		},
		{
			name:       "an over-long password is still rated live",
			pw:         strong99 + "Kx7!mQp2vZr",
			wantLiveOK: false, wantFullOK: false,
			check: func(t *testing.T, live Result) {
				if live.Score != 4 {
					t.Errorf("live score %d, want 4 from the first 64 characters", live.Score)
				}
				if !hasReasonPrefix(live, "use at most 99 characters") {
					t.Errorf("live reasons %q miss the length", live.Reasons)
				}
			},
		},
		{
			name:       "a short password is judged exactly as by Evaluate",
			pw:         "Summer2019!",
			wantLiveOK: false, wantFullOK: false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live := EvaluateLive(secret.New(tt.pw), Inputs{})
			full := Evaluate(secret.New(tt.pw), Inputs{})
			if live.OK != tt.wantLiveOK || full.OK != tt.wantFullOK {
				t.Errorf("live OK %v (want %v), full OK %v (want %v); live reasons %q; full reasons %q",
					live.OK, tt.wantLiveOK, full.OK, tt.wantFullOK, live.Reasons, full.Reasons)
			}
			if len(tt.pw) <= LiveLimit && !slices.Equal(live.Reasons, full.Reasons) {
				t.Errorf("live reasons %q differ from %q", live.Reasons, full.Reasons)
			}
			if tt.check != nil {
				tt.check(t, live)
			}
		})
	}
}

func TestEvaluateIsSafeFromManyGoroutines(t *testing.T) {
	pws := []string{"mobotix2024!A", "Summer2019!", "Kx7!mQp2vZr", strong99, "Zxcvbnm,./1A"}
	want := make([]Result, len(pws))
	for i, pw := range pws {
		want[i] = judge(pw, Inputs{User: "admin"})
	}
	var wg sync.WaitGroup
	got := make([][]Result, 4)
	for g := range got {
		got[g] = make([]Result, len(pws))
		wg.Go(func() {
			for i, pw := range pws {
				got[g][i] = EvaluateLive(secret.New(pw), Inputs{User: "admin"})
			}
		})
	}
	wg.Wait()
	for g := range got {
		for i := range pws {
			if got[g][i].OK != want[i].OK || got[g][i].Score != want[i].Score {
				t.Errorf("goroutine %d, password %d: OK %v score %d, want OK %v score %d",
					g, i+1, got[g][i].OK, got[g][i].Score, want[i].OK, want[i].Score)
			}
		}
	}
}
