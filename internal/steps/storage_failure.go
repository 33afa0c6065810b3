package steps

import (
	"fmt"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// storageFailure is step 15.
type storageFailure struct{}

func (storageFailure) Info() Info {
	return Info{
		15, "storage-failure", "Enable Storage Failure Detection",
		"Admin Menu > Storage > Storage Failure Detection",
		"Recordings that silently stop are discovered only when they are needed.",
	}
}

func (storageFailure) Check(s *Snapshot) Finding {
	if s.Value(camera.SecStorageFailure, camera.KeySFEnable) != "1" {
		return fail("the recording target is not monitored")
	}
	return pass("monitored: %s; notify: %s%s", s.Value(camera.SecStorageFailure, camera.KeySFTests), orNone(s.Value(camera.SecStorageFailure, camera.KeySFNotify)), deliveryDetail(s.Value(camera.SecStorageFailure, camera.KeySFNotify)))
}

func (f storageFailure) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: f.Info()}
	sf := p.StorageFailure
	for _, t := range sf.Tests {
		if t != "ping" && t != "transfer" && t != "lostevents" {
			return nil, fmt.Errorf("storage_failure.tests: %q is not ping, transfer or lostevents", t)
		}
	}
	if len(sf.Tests) == 0 {
		return nil, fmt.Errorf("storage_failure.tests: choose at least one of ping, transfer, lostevents")
	}
	if sf.Sensitivity != "high" && sf.Sensitivity != "low" {
		return nil, fmt.Errorf("storage_failure.sensitivity: %q is not high or low", sf.Sensitivity)
	}
	enabled := s.Value(camera.SecStorageFailure, camera.KeySFEnable) == "1"
	pl.setDiffering(s, camera.SecStorageFailure, setting{camera.KeySFTests, joinSorted(sf.Tests)},
		setting{camera.KeySFSensitivity, sf.Sensitivity}, setting{camera.KeySFNotify, joinSorted(sf.Notify)}, setting{camera.KeySFEnable, "1"})
	if !enabled {
		pl.NeedsReboot = true
		pl.Notes = append(pl.Notes, "first enabling needs a reboot")
	}
	if n := deliveryNote(sf.Notify); n != "" {
		pl.Notes = append(pl.Notes, n)
		pl.ToDo = append(pl.ToDo, deliveryToDo(sf.Notify))
	}
	return pl, nil
}
