package password

// The pattern matching half of zxcvbn, with dictionaries built on first use.
//
// github.com/trustelem/zxcvbn builds its ranked dictionaries (about 95,000
// words, 10 MB) in package-level variables of its matching package, so every
// start of a binary that links that package pays for them: about 40 ms here,
// most of the start-up budget of `mxwizard --version`. This file matches as
// zxcvbn does, with the dictionaries built the first time a password is
// rated (16 ms, 7 MB, BenchmarkBuildDictionaries), and hands the matches to
// the library's own scoring (scoring.MostGuessableMatchSequence), with the
// library's own word lists (frequency.FrequencyLists) and keyboard graphs
// (adjacency.Graphs).
//
// The matchers follow the reference zxcvbn 4.4.2 (Dropbox's JavaScript):
// TestRateEqualsReference holds rate to the reference's guesses, score and
// match sequence on 5,000 ratings made by scripts/zxcvbn-reference.sh, and
// FuzzRateEqualsReference compares with the reference itself, in node. On
// those ratings the library's own matching departs from the reference where
// look-alike symbols are read as letters (its enumeration of substitutions
// shares slices between alternatives: "c3r71f1c@710n", "certification",
// scores 4 there and 1 here and in the reference) and on some dates ("0011").

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
	"github.com/trustelem/zxcvbn/adjacency"
	"github.com/trustelem/zxcvbn/frequency"
	"github.com/trustelem/zxcvbn/match"
	"github.com/trustelem/zxcvbn/scoring"
)

// rating is what zxcvbn makes of a password.
type rating struct {
	Guesses  float64
	Score    int
	Sequence []*match.Match
}

// rate rates pw as the reference zxcvbn(pw, userInputs) does.
func rate(pw string, userInputs []string) rating {
	if !utf8.ValidString(pw) {
		return rating{} // as zxcvbn: invalid UTF-8 is rated weakest
	}
	res := scoring.MostGuessableMatchSequence(pw, omnimatch(pw, userInputs), false)
	return rating{Guesses: res.Guesses, Score: guessesToScore(res.Guesses), Sequence: res.Sequence}
}

// guessesToScore maps guesses to zxcvbn's 0-4 score.
func guessesToScore(guesses float64) int {
	const delta = 5
	switch {
	case guesses < 1e3+delta: // too guessable
		return 0
	case guesses < 1e6+delta: // very guessable: throttled online attack
		return 1
	case guesses < 1e8+delta: // somewhat guessable: unthrottled online attack
		return 2
	case guesses < 1e10+delta: // safely unguessable: offline attack on a slow hash
		return 3
	}
	return 4
}

// dictionaries holds ranked word lists (rank 1 is the most common word) in
// one map, so that a substring is looked up once, not once per list.
type dictionaries struct {
	names   []string
	ranks   map[string][]dictRank // lower-case word: its ranks, in the order of names
	longest int                   // bytes of the longest word: no longer substring can match
}

// dictRank is a word's rank in the list names[list].
type dictRank struct{ list, rank int32 }

// newDictionaries ranks each list by position; a word listed twice keeps
// its last rank, as in zxcvbn.
func newDictionaries(names []string, lists [][]string) *dictionaries {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	d := &dictionaries{names: names, ranks: make(map[string][]dictRank, n)}
	for li, list := range lists {
		for i, w := range list {
			w = strings.ToLower(w)
			r := dictRank{list: int32(li), rank: int32(i + 1)}
			if rs := d.ranks[w]; len(rs) > 0 && rs[len(rs)-1].list == r.list {
				rs[len(rs)-1] = r
			} else {
				d.ranks[w] = append(rs, r)
			}
			d.longest = max(d.longest, len(w))
		}
	}
	return d
}

// defaultDictionaries are zxcvbn's frequency lists, built on first use only.
var defaultDictionaries = sync.OnceValue(func() *dictionaries {
	defer dictionariesBuiltFlag.Store(true)
	names := make([]string, 0, len(frequency.FrequencyLists))
	for n := range frequency.FrequencyLists {
		names = append(names, n)
	}
	slices.Sort(names)
	lists := make([][]string, len(names))
	for i, n := range names {
		lists[i] = frequency.FrequencyLists[n]
	}
	return newDictionaries(names, lists)
})

var dictionariesBuiltFlag atomic.Bool

// dictionariesBuilt reports whether the dictionaries have been built.
func dictionariesBuilt() bool { return dictionariesBuiltFlag.Load() }

// keyboardGraphs are the graphs zxcvbn looks for keyboard patterns on.
var keyboardGraphs = []string{"qwerty", "dvorak", "keypad", "mac_keypad"}

// omnimatch finds every pattern zxcvbn knows in pw, sorted by position.
func omnimatch(pw string, userInputs []string) []*match.Match {
	dicts := []*dictionaries{defaultDictionaries(), newDictionaries([]string{"user_inputs"}, [][]string{userInputs})}
	var matches []*match.Match
	matches = append(matches, dictionaryMatches(pw, dicts)...)
	matches = append(matches, reverseDictionaryMatches(pw, dicts)...)
	matches = append(matches, l33tMatches(pw, dicts)...)
	matches = append(matches, spatialMatches(pw)...)
	matches = append(matches, repeatMatches(pw)...)
	matches = append(matches, sequenceMatches(pw)...)
	matches = append(matches, recentYearMatches(pw)...)
	matches = append(matches, dateMatches(pw)...)
	match.Sort(matches)
	return matches
}

// dictionaryMatches finds every substring of pw that is a dictionary word,
// case-insensitively.
func dictionaryMatches(pw string, dicts []*dictionaries) []*match.Match {
	return substringMatches(pw, dicts, nil)
}

// substringMatches looks the substrings of pw up in dicts, up to the
// length of the longest word and, when skip is given, leaving out those
// skip rules out. The matches come sorted by position, then in the order
// of the lists.
func substringMatches(pw string, dicts []*dictionaries, skip func(i, j int) bool) []*match.Match {
	var out []*match.Match
	longest := 0
	for _, d := range dicts {
		longest = max(longest, d.longest)
	}
	lower := strings.ToLower(pw)
	sameLength := len(lower) == len(pw) // else lower each substring apart
	for i := range pw {
		for delta := range pw[i:] {
			if delta >= longest {
				break
			}
			j := i + delta
			if skip != nil && skip(i, j) {
				continue
			}
			var word string
			if sameLength {
				word = lower[i : j+1]
			} else {
				word = strings.ToLower(pw[i : j+1])
			}
			for _, d := range dicts {
				for _, r := range d.ranks[word] {
					out = append(out, &match.Match{
						Pattern: "dictionary", I: i, J: j, Token: pw[i : j+1],
						MatchedWord: word, Rank: int(r.rank), DictionaryName: d.names[r.list],
					})
				}
			}
		}
	}
	match.Sort(out)
	return out
}

// reverseDictionaryMatches finds dictionary words written backwards.
func reverseDictionaryMatches(pw string, dicts []*dictionaries) []*match.Match {
	out := dictionaryMatches(reverseString(pw), dicts)
	for _, m := range out {
		m.Token = reverseString(m.Token)
		m.Reversed = true
		m.I, m.J = len(pw)-1-m.J, len(pw)-1-m.I
	}
	match.Sort(out)
	return out
}

func reverseString(s string) string {
	r := []rune(s)
	slices.Reverse(r)
	return string(r)
}

// l33tTable lists the look-alike symbols zxcvbn undoes, by letter.
var l33tTable = map[string][]string{
	"a": {"4", "@"},
	"b": {"8"},
	"c": {"(", "{", "[", "<"},
	"e": {"3"},
	"g": {"6", "9"},
	"i": {"1", "!", "|"},
	"l": {"1", "|", "7"},
	"o": {"0"},
	"s": {"$", "5"},
	"t": {"+", "7"},
	"x": {"%"},
	"z": {"2"},
}

// l33tMatches finds dictionary words with letters swapped for look-alike
// symbols (p4ssw0rd).
func l33tMatches(pw string, dicts []*dictionaries) []*match.Match {
	var out []*match.Match
	for _, sub := range l33tSubstitutions(relevantL33tTable(pw)) {
		if len(sub) == 0 {
			break // pw holds no look-alike symbol
		}
		subbed := translate(pw, sub)
		// A substring with no substitution in it is the plain dictionary
		// match, which the check below would drop: it is not looked up.
		// (Symbols and letters are single bytes: positions do not move.)
		changed := make([]int, len(pw)+1) // changed[k]: substitutions in subbed[:k]
		for k := range len(pw) {
			changed[k+1] = changed[k]
			if pw[k] != subbed[k] {
				changed[k+1]++
			}
		}
		skip := func(i, j int) bool { return changed[j+1] == changed[i] }
		for _, m := range substringMatches(subbed, dicts, skip) {
			token := pw[m.I : m.J+1]
			if strings.ToLower(token) == m.MatchedWord {
				continue // only matches that undid a substitution
			}
			used := map[string]string{}
			for l33t, letter := range sub {
				if strings.Contains(token, l33t) {
					used[l33t] = letter
				}
			}
			m.L33t = true
			m.Token = token
			m.Sub = used
			out = append(out, m)
		}
	}
	// Single characters ('1' for i, '4' for a) are noise.
	out = slices.DeleteFunc(out, func(m *match.Match) bool { return len(m.Token) <= 1 })
	match.Sort(out)
	return out
}

// relevantL33tTable keeps the substitutions whose symbol occurs in pw.
func relevantL33tTable(pw string) map[string][]string {
	out := map[string][]string{}
	for letter, subs := range l33tTable {
		var relevant []string
		for _, s := range subs {
			if strings.Contains(pw, s) {
				relevant = append(relevant, s)
			}
		}
		if len(relevant) > 0 {
			out[letter] = relevant
		}
	}
	return out
}

// l33tSubstitutions enumerates the ways to read the symbols of table back
// as letters, each symbol standing for one letter at a time (1 is either i
// or l), as zxcvbn's enumerate_l33t_subs does.
func l33tSubstitutions(table map[string][]string) []map[string]string {
	type pair struct{ l33t, letter string }
	letters := make([]string, 0, len(table))
	for l := range table {
		letters = append(letters, l)
	}
	slices.Sort(letters)
	subs := [][]pair{{}}
	for _, letter := range letters {
		var next [][]pair
		for _, l33t := range table[letter] {
			for _, sub := range subs {
				dup := slices.IndexFunc(sub, func(p pair) bool { return p.l33t == l33t })
				if dup == -1 {
					next = append(next, append(slices.Clip(sub), pair{l33t, letter}))
					continue
				}
				alt := slices.Delete(slices.Clone(sub), dup, dup+1)
				alt = append(alt, pair{l33t, letter})
				next = append(next, sub, alt)
			}
		}
		// Keep one of each set of pairs.
		seen := map[string]bool{}
		subs = subs[:0:0]
		for _, sub := range next {
			keys := make([]string, len(sub))
			for i, p := range sub {
				keys[i] = p.l33t + "," + p.letter
			}
			slices.Sort(keys)
			label := strings.Join(keys, "-")
			if !seen[label] {
				seen[label] = true
				subs = append(subs, sub)
			}
		}
	}
	out := make([]map[string]string, 0, len(subs))
	for _, sub := range subs {
		m := make(map[string]string, len(sub))
		for _, p := range sub {
			m[p.l33t] = p.letter
		}
		out = append(out, m)
	}
	return out
}

// translate replaces each character of s that sub maps.
func translate(s string, sub map[string]string) string {
	var b strings.Builder
	for _, r := range s {
		if to, ok := sub[string(r)]; ok {
			b.WriteString(to)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shiftedKeys are the characters typed with shift on qwerty and dvorak.
const shiftedKeys = `~!@#$%^&*()_+QWERTYUIOP{}|ASDFGHJKL:"ZXCVBNM<>?`

// spatialMatches finds runs of neighbouring keys (qwerty, zxcvbn, 7896321).
func spatialMatches(pw string) []*match.Match {
	var out []*match.Match
	for _, name := range keyboardGraphs {
		out = append(out, spatialMatchesOn(pw, adjacency.Graphs[name])...)
	}
	match.Sort(out)
	return out
}

func spatialMatchesOn(pw string, g *adjacency.Graph) []*match.Match {
	var out []*match.Match
	shiftable := g.Name == "qwerty" || g.Name == "dvorak"
	for i := 0; i < len(pw)-1; {
		j := i + 1
		lastDirection := -1
		turns, shifted := 0, 0
		if shiftable && strings.IndexByte(shiftedKeys, pw[i]) >= 0 {
			shifted = 1
		}
		for {
			found := false
			if j < len(pw) {
				cur := pw[j]
				for direction, adj := range g.Graph[string(pw[j-1])] {
					k := strings.IndexByte(adj, cur)
					if adj == "" || k < 0 {
						continue
					}
					found = true
					if k == 1 {
						shifted++ // index 1 of a neighbour is its shifted character
					}
					if lastDirection != direction {
						turns++ // every pattern starts with a turn
						lastDirection = direction
					}
					break
				}
			}
			if found {
				j++
				continue
			}
			if j-i > 2 { // chains of one or two keys are not patterns
				out = append(out, &match.Match{
					Pattern: "spatial", I: i, J: j - 1, Token: pw[i:j],
					Graph: g.Name, Turns: turns, ShiftedCount: shifted,
				})
			}
			i = j
			break
		}
	}
	return out
}

var (
	repeatGreedy         = regexp2.MustCompile(`(.+)\1+`, 0)
	repeatLazy           = regexp2.MustCompile(`(.+?)\1+`, 0)
	repeatLazyAnchored   = regexp2.MustCompile(`^(.+?)\1+$`, 0)
	sequenceLower        = regexp.MustCompile(`^[a-z]+$`)
	sequenceUpper        = regexp.MustCompile(`^[A-Z]+$`)
	sequenceDigits       = regexp.MustCompile(`^\d+$`)
	recentYear           = regexp.MustCompile(`19\d\d|200\d|201\d`)
	dateWithoutSeparator = regexp.MustCompile(`^\d{4,8}$`)
	dateWithSeparator    = regexp.MustCompile(`^(\d{1,4})([\s/\\_.-])(\d{1,2})([\s/\\_.-])(\d{1,4})$`)
)

// repeatMatches finds repeated strings (aaa, abcabc), each rated by the
// guesses of what is repeated.
func repeatMatches(pw string) []*match.Match {
	var out []*match.Match
	// regexp2 starts at a byte offset but reports runes; matches count in
	// bytes. last counts runes.
	byteAt := make([]int, 0, len(pw)+1)
	for b := range pw {
		byteAt = append(byteAt, b)
	}
	byteAt = append(byteAt, len(pw))
	for last := 0; last < len(byteAt)-1; {
		greedy, err := repeatGreedy.FindStringMatchStartingAt(pw, byteAt[last])
		if err != nil || greedy == nil {
			break
		}
		lazy, err := repeatLazy.FindStringMatchStartingAt(pw, byteAt[last])
		if err != nil || lazy == nil {
			break
		}
		var whole *regexp2.Match
		var base string
		if greedy.Length > lazy.Length {
			// aabaab: greedy finds aabaab of aab, lazy only aa of a; the
			// shortest repeated unit of greedy's match is the base.
			whole = greedy
			anchored, err := repeatLazyAnchored.FindStringMatch(greedy.String())
			if err != nil || anchored == nil {
				break
			}
			base = anchored.GroupByNumber(1).String()
		} else {
			whole = lazy // aaaaa: lazy finds aaaaa of a
			base = lazy.GroupByNumber(1).String()
		}
		i, j := byteAt[whole.Index], byteAt[whole.Index+whole.Length]-1
		baseRes := scoring.MostGuessableMatchSequence(base, omnimatch(base, nil), false)
		out = append(out, &match.Match{
			Pattern: "repeat", I: i, J: j, Token: pw[i : j+1],
			BaseToken: base, BaseGuesses: baseRes.Guesses, BaseMatches: baseRes.Sequence,
			RepeatCount: whole.Length / utf8.RuneCountInString(base),
		})
		last = whole.Index + whole.Length
	}
	return out
}

// sequenceMatches finds runs of characters with a constant step of at most
// 5 (abc, 13579, zyx).
func sequenceMatches(pw string) []*match.Match {
	const maxDelta = 5
	if len(pw) <= 1 {
		return nil
	}
	var out []*match.Match
	add := func(i, j, delta int) {
		if j-i <= 1 && abs(delta) != 1 {
			return
		}
		if d := abs(delta); d == 0 || d > maxDelta {
			return
		}
		token := pw[i : j+1]
		name, space := "unicode", 26 // conservatively the roman alphabet
		switch {
		case sequenceLower.MatchString(token):
			name = "lower"
		case sequenceUpper.MatchString(token):
			name = "upper"
		case sequenceDigits.MatchString(token):
			name, space = "digits", 10
		}
		out = append(out, &match.Match{
			Pattern: "sequence", I: i, J: j, Token: token,
			SequenceName: name, SequenceSpace: space, Ascending: delta > 0,
		})
	}
	i, lastDelta, started := 0, 0, false
	for k := 1; k < len(pw); k++ {
		delta := int(pw[k]) - int(pw[k-1])
		if !started {
			lastDelta, started = delta, true
		}
		if delta == lastDelta {
			continue
		}
		j := k - 1
		add(i, j, lastDelta)
		i, lastDelta = j, delta
	}
	add(i, len(pw)-1, lastDelta)
	return out
}

// recentYearMatches finds years from 1900 to 2019, zxcvbn's only regex.
func recentYearMatches(pw string) []*match.Match {
	var out []*match.Match
	for _, loc := range recentYear.FindAllStringIndex(pw, -1) {
		out = append(out, &match.Match{
			Pattern: "regex", I: loc[0], J: loc[1] - 1, Token: pw[loc[0]:loc[1]], RegexName: "recent_year",
		})
	}
	match.Sort(out)
	return out
}

const (
	dateMinYear = 1000
	dateMaxYear = 2050
)

// dateSplits are the ways to cut 4 to 8 digits into day, month and year:
// the two cut positions.
var dateSplits = map[int][][2]int{
	4: {{1, 2}, {2, 3}},                 // 1 1 91, 91 1 1
	5: {{1, 3}, {2, 3}},                 // 1 11 91, 11 1 91
	6: {{1, 2}, {2, 4}, {4, 5}},         // 1 1 1991, 11 11 91, 1991 1 1
	7: {{1, 3}, {2, 3}, {4, 5}, {4, 6}}, // 1 11 1991, 11 1 1991, 1991 1 11, 1991 11 1
	8: {{2, 4}, {4, 6}},                 // 11 11 1991, 1991 11 11
}

type dmy struct{ day, month, year int }

// dateMatches finds dates with or without separators (13.04.1998, 130498),
// leaving out those inside a longer date.
func dateMatches(pw string) []*match.Match {
	var found []*match.Match
	for i := 0; i+3 < len(pw); i++ {
		for j := i + 3; j <= i+7 && j < len(pw); j++ {
			token := pw[i : j+1]
			if !dateWithoutSeparator.MatchString(token) {
				continue
			}
			var best *dmy
			bestDistance := 0
			for _, s := range dateSplits[len(token)] {
				d, ok := intsToDMY([3]int{atoi(token[:s[0]]), atoi(token[s[0]:s[1]]), atoi(token[s[1]:])})
				if !ok {
					continue
				}
				// Prefer the reading with the year closest to the reference
				// year: 111504 is 11-15-04 rather than 1-1-1504.
				if dist := abs(d.year - scoring.ReferenceYear); best == nil || dist < bestDistance {
					best, bestDistance = &d, dist
				}
			}
			if best == nil {
				continue
			}
			found = append(found, &match.Match{
				Pattern: "date", Token: token, I: i, J: j,
				Year: best.year, Month: best.month, Day: best.day,
			})
		}
	}
	for i := 0; i+5 < len(pw); i++ {
		for j := i + 5; j <= i+9 && j < len(pw); j++ {
			token := pw[i : j+1]
			g := dateWithSeparator.FindStringSubmatch(token)
			if g == nil || g[2] != g[4] {
				continue
			}
			d, ok := intsToDMY([3]int{atoi(g[1]), atoi(g[3]), atoi(g[5])})
			if !ok {
				continue
			}
			found = append(found, &match.Match{
				Pattern: "date", Token: token, I: i, J: j, Separator: g[2],
				Year: d.year, Month: d.month, Day: d.day,
			})
		}
	}
	// 2015_06_04 also holds 15_06_04, 5_06_04 ...: keep the longest only.
	var out []*match.Match
	for _, m := range found {
		inside := false
		for _, other := range found {
			if other != m && other.I <= m.I && other.J >= m.J {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, m)
		}
	}
	match.Sort(out)
	return out
}

// intsToDMY reads three numbers as a day, a month and a year in any of
// the orders people write dates in, or reports that they are no date.
func intsToDMY(ints [3]int) (dmy, bool) {
	if ints[1] > 31 || ints[1] <= 0 {
		return dmy{}, false // the middle is never a year
	}
	over12, over31, under1 := 0, 0, 0
	for _, n := range ints {
		if (n > 99 && n < dateMinYear) || n > dateMaxYear {
			return dmy{}, false
		}
		if n > 31 {
			over31++
		}
		if n > 12 {
			over12++
		}
		if n <= 0 {
			under1++
		}
	}
	if over31 >= 2 || over12 == 3 || under1 >= 2 {
		return dmy{}, false
	}
	splits := [2]struct {
		year int
		rest [2]int
	}{
		{ints[2], [2]int{ints[0], ints[1]}}, // year last
		{ints[0], [2]int{ints[1], ints[2]}}, // year first
	}
	for _, s := range splits {
		if s.year >= dateMinYear && s.year <= dateMaxYear {
			day, month, ok := intsToDM(s.rest)
			if !ok {
				return dmy{}, false // a four-digit year with no day and month
			}
			return dmy{day: day, month: month, year: s.year}, true
		}
	}
	for _, s := range splits {
		if day, month, ok := intsToDM(s.rest); ok {
			return dmy{day: day, month: month, year: twoToFourDigitYear(s.year)}, true
		}
	}
	return dmy{}, false
}

func intsToDM(ints [2]int) (day, month int, ok bool) {
	for _, dm := range [2][2]int{ints, {ints[1], ints[0]}} {
		if dm[0] >= 1 && dm[0] <= 31 && dm[1] >= 1 && dm[1] <= 12 {
			return dm[0], dm[1], true
		}
	}
	return 0, 0, false
}

func twoToFourDigitYear(y int) int {
	switch {
	case y > 99:
		return y
	case y > 50:
		return y + 1900 // 87 is 1987
	}
	return y + 2000 // 15 is 2015
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return math.MinInt32 // not a number: no date
	}
	return n
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
