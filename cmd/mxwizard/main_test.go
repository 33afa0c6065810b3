package main

import (
	"os"
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
