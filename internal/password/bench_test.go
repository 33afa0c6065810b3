package password

import (
	"strconv"
	"strings"
	"testing"

	"github.com/trustelem/zxcvbn/frequency"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// typical is a generated-looking password; benchmarks use its prefixes.
const typical = "Hx7-kPq2mRvT9=bWn4@cJs8_yFe3%uLd6+aMg5#rYh2-wKt7=pNj4@eVx9_fCu3%mHa8+kRs6#dTy5-gLw2=nPe7@jXb4_sFh9%"

// soup is worst-case symbol soup: every character zxcvbn's l33t table knows
// (4 @ 8 ( { [ < 3 6 9 ! 1 | 7 $ 5 + % 2 0) mixed with letters, so that
// zxcvbn tries every substitution against every dictionary.
var soup = strings.Repeat("4@8({[<3!|1$5+7%2069Kx", 5)[:MaxLength]

func BenchmarkEvaluate(b *testing.B) {
	in := Inputs{User: "admin", Model: "M16B", Hostname: "cam-lobby", Serial: "0003C5A1B2C3"}
	cases := []struct {
		name string
		pw   string
	}{
		{"len=8", typical[:8]},
		{"len=20", typical[:20]},
		{"len=64", typical[:64]},
		{"len=99", typical[:99]},
		{"soup/len=64", soup[:64]},
		{"soup/len=99", soup},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			s := secret.New(c.pw)
			for b.Loop() {
				Evaluate(s, in)
			}
		})
	}
}

func BenchmarkEvaluateLive(b *testing.B) {
	in := Inputs{User: "admin", Model: "M16B", Hostname: "cam-lobby", Serial: "0003C5A1B2C3"}
	for _, n := range []int{20, 99} {
		b.Run("soup/len="+strconv.Itoa(n), func(b *testing.B) {
			s := secret.New(soup[:n])
			for b.Loop() {
				EvaluateLive(s, in)
			}
		})
	}
}

// BenchmarkBuildDictionaries is what the first password rating of a run
// pays once: zxcvbn's word lists turned into one ranked index.
func BenchmarkBuildDictionaries(b *testing.B) {
	names, lists := []string{}, [][]string{}
	for n, l := range frequency.FrequencyLists {
		names, lists = append(names, n), append(lists, l)
	}
	b.ReportAllocs()
	for b.Loop() {
		if d := newDictionaries(names, lists); d.longest == 0 {
			b.Fatal("empty")
		}
	}
}
