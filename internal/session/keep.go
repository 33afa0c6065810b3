package session

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// keepEarlier moves the file stem+ext aside when an earlier run wrote it
// (before since), to stem-<its date and time>+ext, so that a run into a
// folder used before (the same --out, or the folder of the camera's
// earlier run) never overwrites that run's handover report or backup: the
// customer's record of the commissioning stays. A file this run wrote
// itself is left to be replaced. It returns the name the earlier file
// now has, "" when nothing was moved.
func keepEarlier(stem, ext string, since time.Time) (string, error) {
	path := stem + ext
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() || !fi.ModTime().Before(since) {
		return "", nil
	}
	at := fi.ModTime().UTC()
	for _, layout := range []string{"2006-01-02-1504", "2006-01-02-150405", "2006-01-02-150405.000000000"} {
		to := stem + "-" + at.Format(layout) + ext
		if _, err := os.Lstat(to); errors.Is(err, os.ErrNotExist) {
			if err := os.Rename(path, to); err != nil {
				return "", fmt.Errorf("keep the earlier run's %s: %w", path, err)
			}
			return to, nil
		}
	}
	return "", fmt.Errorf("keep the earlier run's %s: every dated name for it exists already; move the earlier files away", path)
}

// keepEarlier is keepEarlier for a file of the session, which remembers
// what it moved (Files.Kept).
func (s *Session) keepEarlier(stem, ext string) error {
	kept, err := keepEarlier(stem, ext, s.Start)
	if kept != "" {
		s.mu.Lock()
		s.files.Kept = append(s.files.Kept, kept)
		s.mu.Unlock()
	}
	return err
}
