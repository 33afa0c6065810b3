package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/backup"
)

// TestMain lowers age's scrypt work factor for the whole package: tests that
// write backups would otherwise spend 0.6 s per file.
func TestMain(m *testing.M) {
	restore := backup.SetWorkFactorForTests(10)
	code := m.Run()
	restore()
	os.Exit(code)
}

// TestOneMappingFromErrorsToExitCodes: run is the one entry main and the
// tests share; a wrapped interruption is 130 however it is wrapped (it was
// 2 when a command wrapped it with the default code).
func TestOneMappingFromErrorsToExitCodes(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errors.New("usage"), exitRefused},
		{withCode(exitFailed, errors.New("a step failed")), exitFailed},
		{silentExit(exitFailed), exitFailed},
		{fmt.Errorf("audit: %w", context.Canceled), exitCanceled},
		{withCode(exitRefused, fmt.Errorf("open: %w", context.Canceled)), exitCanceled},
	} {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"aduit"}, strings.NewReader(""), &out, &errOut)
	if code != exitRefused || !strings.Contains(errOut.String(), `mxwizard: unknown command "aduit"`) || out.Len() != 0 {
		t.Fatalf("run with a mistyped command: %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}

func TestTheVersionNamesTheCommitOfADevelopmentBuild(t *testing.T) {
	bi := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T17:00:00Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	if got, want := describeVersion("", "", "", bi), "devel (commit 0123456789ab, modified, built 2026-12-01T17:00:00Z)"; got != want {
		t.Errorf("a go build of a changed checkout: %q, want %q", got, want)
	}
	if got, want := describeVersion("1.4.0", "abc", "2026-12-01", bi), "1.4.0 (commit abc, built 2026-12-01)"; got != want {
		t.Errorf("a release build: %q, want %q", got, want)
	}
	for _, bi := range []*debug.BuildInfo{nil, {Main: debug.Module{Version: "(devel)"}}} {
		if got, want := describeVersion("", "", "", bi), "devel (no commit recorded)"; got != want {
			t.Errorf("without a recorded commit: %q, want %q", got, want)
		}
	}
	// go test records no commit either, so --version says how to get one.
	if v := versionString(); strings.Contains(v, noCommit) && !strings.Contains(versionLine(), "go build -buildvcs=true") {
		t.Errorf("--version of a build without a commit does not say how to record one: %q", versionLine())
	}
}
