package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// leftovers lists the temporary files WriteFunc may have left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var tmp []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			tmp = append(tmp, e.Name())
		}
	}
	return tmp
}

func TestWriteCreatesTheFileWithContentAndMode(t *testing.T) {
	for _, perm := range []os.FileMode{0o600, 0o644} {
		t.Run(fmt.Sprintf("mode %o", perm), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "camera.cfg.age")
			want := []byte("new content\n")
			if err := Write(path, want, perm); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("content = %q, want %q", got, want)
			}
			if runtime.GOOS != "windows" {
				fi, err := os.Stat(path)
				if err != nil {
					t.Fatal(err)
				}
				if fi.Mode().Perm() != perm {
					t.Errorf("mode = %o, want %o", fi.Mode().Perm(), perm)
				}
			}
			if tmp := leftovers(t, dir); len(tmp) != 0 {
				t.Errorf("temporary files left behind: %v", tmp)
			}
		})
	}
}

func TestWriteReplacesAnExistingFileAndItsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secrets.json.age")
	if err := os.WriteFile(path, []byte("a much longer old content that must vanish"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "short" {
		t.Errorf("content = %q, want %q", got, "short")
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("mode = %o, want 600 (the old file's 644 must not survive)", fi.Mode().Perm())
		}
	}
}

func TestWriteInTheCurrentDirectory(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := Write("report.txt", []byte("ok"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	if err != nil || string(got) != "ok" {
		t.Fatalf("ReadFile = %q, %v; want \"ok\"", got, err)
	}
}

func TestWriteFuncFailureLeavesTheOldFileUntouched(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "camera.cfg.age")
	old := []byte("old content")
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("encryption failed")
	err := WriteFunc(path, 0o600, func(w io.Writer) error {
		// Write more than the internal buffer so part of it reaches the disk.
		if _, err := w.Write(bytes.Repeat([]byte("partial "), 20000)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap the error of fn", err)
	}
	if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "old file was left unchanged") {
		t.Errorf("error %q should name the path and say the old file is unchanged", err)
	}
	got, rerr := os.ReadFile(path)
	if rerr != nil {
		t.Fatal(rerr)
	}
	if !bytes.Equal(got, old) {
		t.Errorf("old file changed to %d bytes starting %q", len(got), got[:min(len(got), 20)])
	}
	if tmp := leftovers(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

func TestWriteFuncFailureWithoutAnOldFileCreatesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "new.age")
	err := WriteFunc(path, 0o600, func(io.Writer) error { return errors.New("no") })
	if err == nil {
		t.Fatal("WriteFunc succeeded, want the error of fn")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Stat(path) = %v, want not exist", err)
	}
	if tmp := leftovers(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

func TestWriteFuncPanicRemovesTheTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x")
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the panic of fn did not propagate")
			}
		}()
		_ = WriteFunc(path, 0o600, func(w io.Writer) error {
			_, _ = io.WriteString(w, "half")
			panic("fn panicked")
		})
	}()
	if tmp := leftovers(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

func TestWriteIntoAPathWhoseParentIsAFileSaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "not-a-directory")
	if err := os.WriteFile(parent, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(parent, "camera.cfg.age")
	err := Write(path, []byte("data"), 0o600)
	if err == nil {
		t.Fatal("Write succeeded under a regular file")
	}
	for _, want := range []string{path, "check that the directory exists and is writable"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestWriteIntoAMissingDirectorySaysWhatToDo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "camera.cfg.age")
	err := Write(path, []byte("data"), 0o600)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want it to wrap os.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), "check that the directory exists and is writable") {
		t.Errorf("error %q does not say what to do", err)
	}
}

func TestWriteIntoAReadOnlyDirectorySaysWhatToDo(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("directory permission bits do not restrict writes on Windows")
	}
	if os.Geteuid() == 0 {
		t.Skip("running as root, which ignores directory permissions; TestWriteIntoAPathWhoseParentIsAFileSaysWhatToDo covers the error")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "camera.cfg.age")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	err := Write(path, []byte("new"), 0o600)
	if !errors.Is(err, os.ErrPermission) {
		t.Fatalf("err = %v, want it to wrap os.ErrPermission", err)
	}
	if !strings.Contains(err.Error(), "check that the directory exists and is writable") {
		t.Errorf("error %q does not say what to do", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("old file changed to %q", got)
	}
}

func TestWriteOverADirectoryFailsAndKeepsIt(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, []byte("x"), 0o600); err == nil {
		t.Fatal("Write replaced a directory")
	}
	if fi, err := os.Stat(target); err != nil || !fi.IsDir() {
		t.Errorf("the directory is gone: %v", err)
	}
	if tmp := leftovers(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

func TestConcurrentWritersNeverProduceATornFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "shared")
	const (
		writers = 4
		rounds  = 25
		size    = 200 * 1024 // several buffer flushes per write
	)
	contents := make([][]byte, writers)
	for i := range contents {
		contents[i] = bytes.Repeat([]byte{byte('A' + i)}, size)
	}
	if err := Write(path, contents[0], 0o600); err != nil {
		t.Fatal(err)
	}
	valid := func(b []byte) bool {
		if len(b) != size {
			return false
		}
		return bytes.Count(b, b[:1]) == size
	}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, writers*rounds+1)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				// Stream in small pieces to give other writers a chance to interleave.
				err := WriteFunc(path, 0o600, func(w io.Writer) error {
					for off := 0; off < size; off += 4096 {
						if _, err := w.Write(contents[i][off:min(off+4096, size)]); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	// On Windows a reader holding the file open can make a rename fail
	// (sharing violation), which is reported, not torn; read only elsewhere.
	var readerDone sync.WaitGroup
	if runtime.GOOS != "windows" {
		readerDone.Add(1)
		go func() {
			defer readerDone.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				b, err := os.ReadFile(path)
				if err != nil {
					errs <- fmt.Errorf("reader: %w", err)
					return
				}
				if !valid(b) {
					errs <- fmt.Errorf("reader saw a torn file: %d bytes", len(b))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	readerDone.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	final, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !valid(final) {
		t.Errorf("final file is torn: %d bytes", len(final))
	}
	if tmp := leftovers(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

func TestWriteToAPathEndingInASeparatorFails(t *testing.T) {
	dir := t.TempDir()
	err := Write(dir+string(filepath.Separator), []byte("x"), 0o600)
	if err == nil || !strings.Contains(err.Error(), "names a directory") {
		t.Fatalf("err = %v, want a refusal naming the directory", err)
	}
	if tmp := leftovers(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

// TestALeftoverOfAKilledWriteIsRemoved: a temporary file of the same target
// that a killed process left behind (old enough that no write can still be
// under way) is gone after the next write; a fresh one, possibly another
// writer's, is left alone.
func TestALeftoverOfAKilledWriteIsRemoved(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "cam-secrets.json.age")
	stale := filepath.Join(dir, ".cam-secrets.json.age.tmp-123")
	fresh := filepath.Join(dir, ".cam-secrets.json.age.tmp-456")
	other := filepath.Join(dir, ".other.tmp-789")
	for _, f := range []string{stale, fresh, other} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * staleAfter)
	for _, f := range []string{stale, other} {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(target, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale temporary file is still there")
	}
	for _, f := range []string{fresh, other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(f), err)
		}
	}
}
