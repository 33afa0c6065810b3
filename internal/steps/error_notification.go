package steps

import (
	"fmt"
	"strconv"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
)

// errorNotification is step 14.
type errorNotification struct{}

func (errorNotification) Info() Info {
	return Info{
		14, "error-notification", "Enable Error Notification",
		"Admin Menu > System Information > Error Notification",
		"A camera that reboots or fails silently is a blind spot; somebody must be told.",
	}
}

func (errorNotification) Check(s *Snapshot) Finding {
	if s.Value(camera.SecErrorNotify, camera.KeyENEnable) != "1" || s.Value(camera.SecErrorNotify, camera.KeyENMethods) == "" {
		return fail("errors and reboots are not reported")
	}
	m := s.Value(camera.SecErrorNotify, camera.KeyENMethods)
	return pass("errors are reported by %s%s", m, deliveryDetail(m))
}

func (e errorNotification) Plan(s *Snapshot, p *profile.Profile, _ *Secrets) (*Plan, error) {
	pl := &Plan{Step: e.Info()}
	en := p.ErrorNotify
	if len(en.Methods) == 0 {
		return nil, fmt.Errorf("error_notification.methods: name at least one (email, ipnotify, phone, ftp, leds, audio, liveimage)")
	}
	if en.DeadTime < 1 || en.DeadTime > 999 {
		return nil, fmt.Errorf("error_notification.dead_time_minutes: %d is not from 1 to 999", en.DeadTime)
	}
	after := "0"
	if en.AfterReboot {
		after = "1"
	}
	pl.setDiffering(s, camera.SecErrorNotify, setting{camera.KeyENMethods, joinSorted(en.Methods)},
		setting{camera.KeyENDeadTime, strconv.Itoa(en.DeadTime)}, setting{camera.KeyENAfterBoot, after}, setting{camera.KeyENEnable, "1"})
	if n := deliveryNote(en.Methods); n != "" {
		pl.Notes = append(pl.Notes, n)
		pl.ToDo = append(pl.ToDo, deliveryToDo(en.Methods))
	}
	return pl, nil
}
