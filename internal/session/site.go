package session

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// SiteEvents hear how a site run goes, camera by camera (index i in the
// list given); they are called from the cameras' goroutines.
type SiteEvents interface {
	Step(i, number int, title string)
	State(i int, state string)
	Done(i int, verdict string)
}

// Site is a run that hardens a list of cameras side by side.
type Site struct {
	// Cameras are the addresses, in the order given.
	Cameras []string
	// Concurrency is the number of cameras at work at the same time.
	Concurrency int
	// Options returns camera i's session options; OutDir is the site's
	// folder (BySerial is set by the run).
	Options func(i int) Options
	// Events, when set, hears every camera's progress.
	Events SiteEvents
}

// SiteResult is one camera's outcome.
type SiteResult struct {
	Address string
	// Session is the camera's session (closed), nil when it never opened.
	Session *Session
	// OpenErr is why the camera could not be opened or was not started
	// (listed twice); RunErr is why its run stopped.
	OpenErr, RunErr error
}

// Verdict is the camera's verdict for the site report.
func (r SiteResult) Verdict() string {
	switch {
	case errors.Is(r.OpenErr, ErrSameCamera):
		return report.VerdictDuplicate
	case r.OpenErr != nil || r.RunErr != nil || r.Session == nil || !r.Session.finished:
		return report.VerdictNotDone
	case r.Session.Failed():
		return report.VerdictFindings
	}
	return report.VerdictHardened
}

// StateWaiting is a camera's state once connected, until its run starts
// (after every camera of the site was connected, when a place is free).
const StateWaiting = "connected, waits for its turn"

// StatePlanning is a camera's state when its run starts: every step is
// planned and the secrets the plans set are saved (encrypted) before the
// first write; with many cameras, that waits for the one scrypt slot.
const StatePlanning = "planning; saving its secrets before the first write"

// StateFinishing is a camera's state once every step ran: store, reboot,
// verify again, backup and report follow.
const StateFinishing = "finishing: store, reboot, verify, backup"

// ErrSameCamera marks a camera listed twice under two addresses (the same
// serial): neither is hardened, so no two runs ever write to one camera.
var ErrSameCamera = errors.New("the same camera is listed twice")

// Run opens every camera (Concurrency at a time), refuses the ones that
// turn out to be the same camera (serial) before anything is written, then
// hardens the others side by side: plan, apply, store, reboot, verify,
// backup and report, each with its own connection and its own files in
// OutDir/<serial>/. A camera that cannot be reached does not stop the
// others. Results are in the order of Cameras.
func (site Site) Run(ctx context.Context) []SiteResult {
	n := len(site.Cameras)
	results := make([]SiteResult, n)
	limit := max(site.Concurrency, 1)
	ev := site.Events
	if ev == nil {
		ev = noEvents{}
	}
	each(n, limit, func(i int) {
		o := site.Options(i)
		o.BySerial = true
		o.Progress = func(msg string) { ev.State(i, msg) }
		o.Step = func(number int, title string) { ev.Step(i, number, title) }
		results[i].Address = site.Cameras[i]
		ev.State(i, "connecting")
		s, err := Open(ctx, o)
		if err != nil {
			results[i].OpenErr = err
			ev.Done(i, report.VerdictNotDone)
			return
		}
		results[i].Session = s
		ev.State(i, StateWaiting)
	})
	// The same camera under two addresses: refused before any write.
	bySerial := map[string][]int{}
	for i, r := range results {
		if r.Session != nil && r.Session.snap.Identity.Serial != "" {
			serial := r.Session.snap.Identity.Serial
			bySerial[serial] = append(bySerial[serial], i)
		}
	}
	for serial, idx := range bySerial {
		if len(idx) < 2 {
			continue
		}
		var addrs []string
		for _, i := range idx {
			addrs = append(addrs, site.Cameras[i])
		}
		for _, i := range idx {
			results[i].Session.Close()
			results[i].OpenErr = fmt.Errorf("%w: %s are one camera (serial %s); nothing was written to it: list it once and run again", ErrSameCamera, strings.Join(addrs, " and "), serial)
			ev.Done(i, report.VerdictDuplicate)
		}
	}
	each(n, limit, func(i int) {
		r := &results[i]
		if r.Session == nil || r.OpenErr != nil {
			return
		}
		defer r.Session.Close()
		ev.State(i, StatePlanning)
		err := r.Session.ApplyAll(ctx)
		if err == nil {
			ev.State(i, StateFinishing)
			_, err = r.Session.Finish(ctx)
		}
		r.RunErr = err
		ev.Done(i, r.Verdict())
	})
	return results
}

// each runs f(0..n-1), limit at a time, and waits for all.
func each(n, limit int, f func(i int)) {
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			f(i)
		})
	}
	wg.Wait()
}

type noEvents struct{}

func (noEvents) Step(int, int, string) {}
func (noEvents) State(int, string)     {}
func (noEvents) Done(int, string)      {}

// SiteReport is the site's handover report from the results; dir is the
// site folder the files are named relative to.
func SiteReport(results []SiteResult, names []string, dir, profileName, tool string, started time.Time) *report.Site {
	site := &report.Site{Date: started, Profile: profileName, Tool: tool, Finished: time.Now().UTC()}
	for i, r := range results {
		c := report.SiteCamera{AddressBefore: r.Address, Verdict: r.Verdict(), Failing: []string{}, Manual: []string{}, Files: []string{}}
		if i < len(names) {
			c.Name = names[i]
		}
		if err := errors.Join(r.OpenErr, r.RunErr); err != nil {
			c.Error = err.Error()
		}
		if s := r.Session; s != nil {
			id := s.snap.Identity
			c.Serial, c.Model, c.Firmware = id.Serial, id.Model, id.Firmware
			c.AddressAfter, c.Certificate = s.Address(), s.engine.Client.Fingerprint()
			for _, st := range s.results {
				label := fmt.Sprintf("%d %s", st.Step, st.Title)
				switch st.After.Status {
				case string(steps.Fail), string(steps.Error), string(steps.Unsupported):
					c.Failing = append(c.Failing, label)
				case string(steps.Manual):
					c.Manual = append(c.Manual, label)
				}
			}
			f := s.Files()
			for _, p := range []string{f.Backup, f.Secrets, f.Report, f.JSON, f.HTML} {
				if p == "" {
					continue
				}
				if rel, err := filepath.Rel(dir, p); err == nil {
					p = filepath.ToSlash(rel)
				}
				c.Files = append(c.Files, p)
			}
		}
		site.Cameras = append(site.Cameras, c)
	}
	site.Count()
	return site
}

// WriteSiteReport writes dir/site-handover.{json,md,html}, each passed
// through the redactor with every secret the site's sessions know and the
// extra ones given (login password, passphrase).
func WriteSiteReport(dir string, site *report.Site, results []SiteResult, extra ...secret.Secret) ([]string, error) {
	js, err := site.JSON()
	if err != nil {
		return nil, err
	}
	html, err := site.HTML()
	if err != nil {
		return nil, err
	}
	secrets := append([]secret.Secret(nil), extra...)
	for _, r := range results {
		if r.Session != nil {
			secrets = append(secrets, r.Session.allSecrets()...)
		}
	}
	var paths []string
	for _, f := range []struct {
		ext  string
		data []byte
	}{{".json", js}, {".md", site.Markdown()}, {".html", html}} {
		path := filepath.Join(dir, "site-handover"+f.ext)
		if _, err := keepEarlier(filepath.Join(dir, "site-handover"), f.ext, site.Date); err != nil {
			return paths, err
		}
		if err := atomicfile.Write(path, []byte(secret.Redact(string(f.data), secrets...)), 0o600); err != nil {
			return paths, err
		}
		paths = append(paths, path)
	}
	return paths, nil
}
