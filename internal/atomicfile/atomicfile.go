// Package atomicfile replaces a file's content in one step: readers see either
// the old file or the complete new one, never a torn mixture, and a failed
// write leaves the old file as it was.
//
// The new content goes to a temporary file in the same directory, which is
// synced to disk and then renamed over the target. On Unix systems the
// directory is synced as well, so the rename survives a power cut. Renaming
// over an existing file works on Windows too (os.Rename uses MoveFileEx with
// MOVEFILE_REPLACE_EXISTING); there, a program holding the target open can
// make the rename fail, and the error says so.
//
// A symbolic link at the target path is replaced by a regular file; the file
// it pointed to is not changed.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Hints appended to errors, so the person reading them knows what to do.
const (
	hintDir     = "check that the directory exists and is writable"
	hintDisk    = "the disk may be full or failing; the old file was left unchanged"
	hintReplace = "close any program that has the file open and check that the directory is writable; the old file was left unchanged"
)

// Write replaces the file at path with data, atomically, and gives it the
// permission bits perm (use 0o600 for anything secret). On any error the old
// file, if there was one, is left untouched and no temporary file remains.
func Write(path string, data []byte, perm os.FileMode) error {
	return WriteFunc(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteFunc is Write for content that is produced as a stream: fn writes the
// new content to w (buffered). If fn returns an error, the old file is left
// untouched and the error is returned wrapped, so errors.Is still finds it.
func WriteFunc(path string, perm os.FileMode, fn func(io.Writer) error) error {
	dir, base := filepath.Split(path)
	dir = filepath.Clean(dir) // "" becomes "."
	if base == "" {
		return fmt.Errorf("write %s: the path names a directory, not a file", path)
	}

	removeStaleTemps(dir, base)
	// CreateTemp opens the file with mode 0600, so the content is never
	// readable by others, even for a moment, when perm is 0600.
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: cannot create a temporary file in %s: %w: %s", path, dir, unwrapPath(err), hintDir)
	}
	tmpName := tmp.Name()
	// Until the rename has happened, every way out (errors and panics in fn
	// alike) removes the temporary file.
	done, closed := false, false
	defer func() {
		if done {
			return
		}
		if !closed {
			_ = tmp.Close()
		}
		_ = os.Remove(tmpName)
	}()

	if err := tmp.Chmod(perm); err != nil {
		return fmt.Errorf("write %s: cannot set the file mode: %w: %s", path, err, hintDir)
	}

	fw := &fileWriter{f: tmp}
	bw := bufio.NewWriterSize(fw, 64*1024)
	if err := fn(bw); err != nil {
		if fw.err != nil {
			return fmt.Errorf("write %s: %w: %s", path, err, hintDisk)
		}
		return fmt.Errorf("write %s: %w (the old file was left unchanged)", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w: %s", path, err, hintDisk)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync to disk: %w: %s", path, err, hintDisk)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w: %s", path, err, hintDisk)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("write %s: cannot replace the file: %w: %s", path, unwrapLink(err), hintReplace)
	}
	done = true
	syncDir(dir)
	return nil
}

// staleAfter is the age from which a temporary file of the same target is
// taken for the leftover of a process that was killed while writing (a
// write in progress lasts milliseconds).
const staleAfter = time.Minute

// removeStaleTemps deletes temporary files of the same target that a killed
// process left behind, so an interrupted write never leaves a partial or
// empty copy of a secret file lying around. Best effort.
func removeStaleTemps(dir, base string) {
	matches, err := filepath.Glob(filepath.Join(dir, "."+globEscape(base)+".tmp-*"))
	if err != nil {
		return
	}
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > staleAfter {
			_ = os.Remove(m)
		}
	}
}

// globEscape quotes the pattern characters of a file name for filepath.Glob.
func globEscape(s string) string {
	if runtime.GOOS == "windows" {
		return strings.NewReplacer("*", "?", "[", "?").Replace(s) // no escape character there
	}
	return strings.NewReplacer("\\", "\\\\", "*", "\\*", "?", "\\?", "[", "\\[").Replace(s)
}

// fileWriter remembers the first error of the underlying file, so WriteFunc
// can tell a failing disk from an error of the caller's fn.
type fileWriter struct {
	f   *os.File
	err error
}

func (w *fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// syncDir makes a completed rename durable where the platform allows it. It
// is best effort: the new file is already in place, and some file systems
// (and Windows, which cannot open a directory this way) do not support it.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// unwrapPath drops the *fs.PathError wrapper, whose text names the pattern of
// the temporary file, and keeps the operating system's reason.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// unwrapLink drops the *os.LinkError wrapper of a failed rename, whose text
// names the temporary file, and keeps the operating system's reason.
func unwrapLink(err error) error {
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
