package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestStartUpBuildsNoPasswordDictionary starts this package's test binary,
// which links what mxwizard links, with Go's initialisation trace: the
// package of github.com/trustelem/zxcvbn that builds its dictionaries while
// the program starts is not in it, and everything initialised before main
// allocates under 4 MB (it was 11.7 MB with the dictionaries). Start-up
// time itself is measured by scripts/perf.sh, not asserted here.
func TestStartUpBuildsNoPasswordDictionary(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	total, packages := 0, 0
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		// init PACKAGE @T ms, C ms clock, B bytes, A allocs
		if len(f) < 9 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		packages++
		if f[1] == "github.com/trustelem/zxcvbn/matching" {
			t.Errorf("%s is initialised at start-up: it builds every dictionary before main", f[1])
		}
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("trace line %q: %v", line, err)
		}
		total += n
	}
	if packages < 50 {
		t.Fatalf("only %d packages in the initialisation trace:\n%s", packages, out)
	}
	if total >= 4<<20 {
		t.Errorf("initialisation allocates %d bytes, want under 4 MiB", total)
	}
}
