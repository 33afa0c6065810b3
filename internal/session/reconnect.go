package session

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// Reconnected says how Reconnect got back in.
type Reconnected struct {
	// Address is where the camera answers now.
	Address string
	// With names the password that worked: "the current password", "the
	// admin password on file", "the password given at the start" or "the
	// factory password".
	With string
	// Lost lists the steps this run applied whose fresh check fails now:
	// the camera lost them (power cut before the store). They are no
	// longer counted as done.
	Lost []int
}

// Reconnect gets a session whose camera refuses it back in, typically after
// the camera lost power and came back with its stored configuration (the
// changes of this run not stored are gone, and with them perhaps the new
// admin password). It tries, at the address in use and the one given, the
// current password, the admin password on file, the one given at the start
// and the factory password; over plain HTTP only the current one (no
// certificate proves which camera answers). The camera must show the same
// serial. Then it takes a fresh snapshot, and every step this run applied
// whose fresh check fails is no longer recorded as done.
func (s *Session) Reconnect(ctx context.Context) (Reconnected, error) {
	type cand struct {
		pw   secret.Secret
		with string
	}
	var cands []cand
	add := func(pw secret.Secret, with string) {
		if pw.IsZero() || slices.ContainsFunc(cands, func(c cand) bool { return c.pw.Equal(pw) }) {
			return
		}
		cands = append(cands, cand{pw, with})
	}
	add(s.engine.Password, "the current password")
	s.mu.Lock()
	onFile := s.file.values[steps.AdminPassword]
	s.mu.Unlock()
	add(onFile, "the admin password on file")
	add(s.opts.Camera.Password, "the password given at the start")
	add(secret.New(camera.FactoryPassword), "the factory password")

	var addrs []string
	for _, a := range []string{s.engine.Client.Address(), s.opts.Camera.Address} {
		if a != "" && !slices.Contains(addrs, a) {
			addrs = append(addrs, a)
		}
	}
	serial := s.snap.Identity.Serial
	old, oldPW := s.engine.Client, s.engine.Password
	var lastErr error
	for _, addr := range addrs {
		for i, c := range cands {
			if i > 0 && strings.HasPrefix(addr, "http://") {
				break
			}
			o := s.opts.Camera
			o.Address, o.Password, o.AcceptNew = addr, c.pw, false
			client, err := camera.New(o)
			if err != nil {
				return Reconnected{}, err
			}
			s.engine.Client, s.engine.Password = client, c.pw
			snap, err := s.engine.Snapshot(ctx, true)
			if err != nil {
				client.Close()
				lastErr = err
				if errors.Is(err, camera.ErrUnauthorized) {
					continue
				}
				break // not reachable here
			}
			if serial != "" && snap.Identity.Serial != serial {
				client.Close()
				s.engine.Client, s.engine.Password = old, oldPW
				return Reconnected{}, fmt.Errorf("the camera at %s is serial %s, not %s: another camera answers there; check the address", addr, snap.Identity.Serial, serial)
			}
			old.Close()
			s.snap = snap
			r := Reconnected{Address: client.Address(), With: c.with, Lost: s.forgetLost()}
			return r, s.SaveState()
		}
	}
	s.engine.Client, s.engine.Password = old, oldPW
	if errors.Is(lastErr, camera.ErrUnauthorized) {
		return Reconnected{}, fmt.Errorf("the camera refused every password mxwizard knows for it (the current one, the one on file, the one given, the factory one): %w", s.redact(lastErr))
	}
	return Reconnected{}, s.redact(lastErr)
}

// forgetLost drops the records of applied steps whose fresh check fails:
// the camera no longer has what they wrote. It returns their numbers.
func (s *Session) forgetLost() []int {
	findings := s.Findings()
	var lost []int
	kept := s.results[:0]
	for _, r := range s.results {
		if r.Skipped == "" && len(r.Changes) > 0 && r.Step >= 1 && r.Step <= len(findings) && findings[r.Step-1].Status == steps.Fail {
			lost = append(lost, r.Step)
			continue
		}
		kept = append(kept, r)
	}
	s.results = kept
	return lost
}
