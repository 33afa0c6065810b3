package session

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestKeepEarlierMovesOnlyAnEarlierRunsFile: a file older than the run is
// moved to a dated name (a second one of the same minute gets seconds);
// this run's own file and a missing one stay as they are.
func TestKeepEarlierMovesOnlyAnEarlierRunsFile(t *testing.T) {
	dir := t.TempDir()
	stem := filepath.Join(dir, "10.8.0.123-handover")
	start := time.Now()
	if got, err := keepEarlier(stem, ".md", start); err != nil || got != "" {
		t.Fatalf("no file: %q, %v", got, err)
	}
	write := func(content string, mod time.Time) {
		t.Helper()
		if err := os.WriteFile(stem+".md", []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(stem+".md", mod, mod); err != nil {
			t.Fatal(err)
		}
	}
	then := time.Date(2026, 11, 3, 14, 5, 7, 0, time.UTC)
	write("first commissioning", then)
	got, err := keepEarlier(stem, ".md", start)
	if want := stem + "-2026-11-03-1405.md"; err != nil || got != want {
		t.Fatalf("an earlier run's file: %q, %v; want %q", got, err, want)
	}
	if b, err := os.ReadFile(got); err != nil || string(b) != "first commissioning" {
		t.Fatalf("the kept file: %q, %v", b, err)
	}
	if _, err := os.Stat(stem + ".md"); !os.IsNotExist(err) {
		t.Fatalf("the earlier file is still in the way: %v", err)
	}
	write("second run, same minute", then.Add(30*time.Second))
	got, err = keepEarlier(stem, ".md", start)
	if want := stem + "-2026-11-03-140537.md"; err != nil || got != want {
		t.Fatalf("a second earlier file of the same minute: %q, %v; want %q", got, err, want)
	}
	write("this run", start.Add(time.Second))
	if got, err := keepEarlier(stem, ".md", start); err != nil || got != "" {
		t.Fatalf("this run's own file was moved: %q, %v", got, err)
	}
	if b, _ := os.ReadFile(stem + ".md"); string(b) != "this run" {
		t.Fatalf("this run's file: %q", b)
	}
}
