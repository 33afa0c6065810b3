package steps

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// intrusionDetection is step 8.
type intrusionDetection struct{}

func (intrusionDetection) Info() Info {
	return Info{
		8, "intrusion-detection", "Enable the Intrusion Detection with notification and block of offending IP address",
		"Admin Menu > Network Setup > Web Server (for experts) > Intrusion Detection Settings",
		"Password guessing is stopped after a few tries: the offending address is blocked and somebody is told.",
	}
}

func (intrusionDetection) Check(s *Snapshot) Finding {
	v := func(k string) string { return s.Value(camera.SecIntrusion, k) }
	switch {
	case v(camera.KeyIntrEnable) != "1":
		return fail("intrusion detection is off")
	case v(camera.KeyIntrLockout) != "1":
		return fail("intrusion detection is on but does not block the offending address")
	case v(camera.KeyIntrNotify) == "":
		return fail("intrusion detection blocks but notifies nobody")
	}
	return pass("after %s failed logins in %s s the address is blocked for %s s; notify: %s%s",
		v(camera.KeyIntrThreshold), v(camera.KeyIntrWindow), v(camera.KeyIntrLockoutTime), v(camera.KeyIntrNotify), deliveryDetail(v(camera.KeyIntrNotify)))
}

// lockoutTightens reports whether the planned intrusion settings could
// block an address the camera does not block now: the lock-out is not on
// yet, or it comes after fewer failures or counts them over a longer
// window. Only then can this computer's own failed logins lock it out at
// the moment the step is applied; a camera already blocking on the same
// terms (a camera hardened before) is left alone by the guard.
func lockoutTightens(s *Snapshot, in profile.Intrusion) bool {
	if s.Value(camera.SecIntrusion, camera.KeyIntrEnable) != "1" || s.Value(camera.SecIntrusion, camera.KeyIntrLockout) != "1" {
		return true
	}
	threshold, err1 := strconv.Atoi(s.Value(camera.SecIntrusion, camera.KeyIntrThreshold))
	window, err2 := strconv.Atoi(s.Value(camera.SecIntrusion, camera.KeyIntrWindow))
	if err1 != nil || err2 != nil {
		return true // unreadable: on the safe side
	}
	return in.Threshold < threshold || int(in.Window/time.Second) > window
}

func (d intrusionDetection) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: d.Info()}
	in := p.Intrusion
	if in.Threshold < 3 || in.Threshold > 100 {
		return nil, &GuardError{Step: 8, Reason: fmt.Sprintf("threshold %d: with fewer than 3 attempts a single typo (or mxwizard's own check that the old password fails) blocks the installer", in.Threshold), Hint: "use a threshold from 3 to 100 (5 is usual)"}
	}
	if in.Window < time.Second || in.Lockout < time.Second {
		return nil, fmt.Errorf("intrusion: window and lockout must be at least 1s (e.g. window: 1m, lockout: 10m)")
	}
	if len(in.Notify) == 0 {
		return nil, fmt.Errorf("intrusion.notify: name at least one method (email, ipnotify, ...)")
	}
	if s.InstallerIP != nil && lockoutTightens(s, in) {
		failures := 0
		cutoff := s.now().Add(-in.Window)
		for _, e := range s.WebLog {
			if IsFailedLogin(e) && e.Time.After(cutoff) && net.ParseIP(e.Address).Equal(s.InstallerIP) {
				failures += max(e.Count, 1) // a row's time is its last request: counted whole, on the safe side
			}
		}
		if failures+1 >= in.Threshold {
			return nil, &GuardError{Step: 8, Reason: fmt.Sprintf("this computer had %d failed logins in the last %s: enabling the lock-out now would block it", failures, in.Window), Hint: "wait for the window to pass, then run the step again"}
		}
	}
	pl.setDiffering(s, camera.SecIntrusion,
		setting{camera.KeyIntrThreshold, strconv.Itoa(in.Threshold)},
		setting{camera.KeyIntrWindow, strconv.Itoa(int(in.Window / time.Second))},
		setting{camera.KeyIntrLockoutTime, strconv.Itoa(int(in.Lockout / time.Second))},
		setting{camera.KeyIntrNotify, joinSorted(in.Notify)},
		setting{camera.KeyIntrLockout, "1"},
		setting{camera.KeyIntrEnable, "1"})
	// What was asked and already holds is said, not silently left out.
	var kept []string
	if s.Value(camera.SecIntrusion, camera.KeyIntrWindow) == strconv.Itoa(int(in.Window/time.Second)) {
		kept = append(kept, "counts failed logins over "+ShortDuration(in.Window))
	}
	if s.Value(camera.SecIntrusion, camera.KeyIntrLockoutTime) == strconv.Itoa(int(in.Lockout/time.Second)) {
		kept = append(kept, "blocks for "+ShortDuration(in.Lockout))
	}
	if len(kept) > 0 {
		pl.Notes = append(pl.Notes, "the camera already "+strings.Join(kept, " and ")+": unchanged")
	}
	if n := deliveryNote(in.Notify); n != "" {
		pl.Notes = append(pl.Notes, n)
		pl.ToDo = append(pl.ToDo, deliveryToDo(in.Notify))
	}
	return pl, nil
}
