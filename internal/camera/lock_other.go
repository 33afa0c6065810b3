//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package camera

// lockFile is a no-op where the platform offers no file lock mxwizard
// uses: changes still re-read and merge the file, but two processes writing
// at the same instant can race.
func lockFile(string) (unlock func(), err error) { return func() {}, nil }
