package steps

import (
	"fmt"
	"strings"
	"time"
)

// Notification methods that reach somebody only through a delivery
// profile of the camera (the mail server and recipient, the IP Notify
// target, the phone number, the FTP server). Their settings are not known
// (docs/protocol.md), so mxwizard can neither set nor check them: until
// somebody sets one up in the camera's web interface, such a notification
// goes nowhere. LEDs, audio and the live image notify on the camera itself.
var profileMethods = map[string]string{"email": "e-mail", "ipnotify": "IP Notify", "phone": "phone call", "ftp": "FTP"}

// NotifyHelp is the help of a question that chooses notification methods.
const NotifyHelp = "email, ipnotify, phone and ftp deliver only through the matching profile of the camera (server, recipient, number), set up in its web interface: mxwizard cannot set or test those, so until one is set up nothing is delivered. leds and audio work on the camera at once."

// needsProfile lists the methods that need a delivery profile.
func needsProfile(methods []string) []string {
	var out []string
	for _, m := range methods {
		if name, ok := profileMethods[strings.TrimSpace(m)]; ok {
			out = append(out, name)
		}
	}
	return out
}

// deliveryNote is the plan's note for the methods chosen ("" when all of
// them notify on the camera itself).
func deliveryNote(methods []string) string {
	need := needsProfile(methods)
	if len(need) == 0 {
		return ""
	}
	return fmt.Sprintf("%s notifications are delivered only once the camera's %s %s set up (server, recipient) in its web interface and tested there: mxwizard cannot set or check %s, so until then nothing is delivered",
		strings.Join(need, " and "), strings.Join(need, " and "), plural(len(need), "profile is", "profiles are"), plural(len(need), "it", "them"))
}

// deliveryToDo is the manual item the methods leave ("" when none).
func deliveryToDo(methods []string) string {
	need := needsProfile(methods)
	if len(need) == 0 {
		return ""
	}
	return fmt.Sprintf("set up and test the camera's %s %s in its web interface: until then these notifications reach nobody", strings.Join(need, " and "), plural(len(need), "profile", "profiles"))
}

// deliveryDetail is what a check adds to a passing notification setting:
// the delivery it cannot observe.
func deliveryDetail(methods string) string {
	need := needsProfile(strings.Split(methods, ","))
	if len(need) == 0 {
		return ""
	}
	return fmt.Sprintf(" (delivery by %s needs the camera's %s, not checked)", strings.Join(need, ", "), plural(len(need), "profile for it", "profiles for them"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ShortDuration is a duration as typed in a question: "10m", "1h30m",
// "45s" (Go's "10m0s" without the trailing zero units).
func ShortDuration(d time.Duration) string {
	out := d.String()
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}

func orNone(s string) string {
	if s == "" {
		return "nobody"
	}
	return s
}
