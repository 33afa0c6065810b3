package camsim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// Factory values of the simulated camera. Section and key names come from
// internal/camera/keys.go; the values are our choice where no public source
// gives them (see docs/protocol.md).
const (
	// DefaultModel is the model a camera reports unless Options say otherwise.
	DefaultModel = "M73"
	// DefaultSerial is the serial number (and factory IP address) of the
	// first camera.
	DefaultSerial = "10.8.0.123"
	// DefaultFirmware is the firmware version, as the #:MX- header and
	// timestamp/VERSION show it.
	DefaultFirmware = "MX-V7.3.5.35"
	// Realm is the HTTP authentication realm; password hashes are
	// {camsim-HA1}md5(user:Realm:password), the simulator's own format.
	Realm = "MOBOTIX Camera User"
	// factoryDate is the timestamp/DATE of the factory configuration.
	factoryDate = "2026-01-15 08:00:00"
)

// factoryRights are the rights of the preset groups and of the public.
var (
	factoryUsersRights  = []string{camera.RightLive, camera.RightPlayer, camera.RightMultiView, camera.RightEvents, camera.RightImage, camera.RightControl}
	factoryGuestsRights = []string{camera.RightLive, camera.RightGuest}
	factoryPublic       = []string{camera.RightLive, camera.RightPlayer, camera.RightMultiView, camera.RightGuest, camera.RightEvents, camera.RightInfo, camera.RightImage}
	// reservedPorts are the ports the camera's other services take (FTP,
	// SSH, Telnet, SMTP, RTSP): the web server cannot use them.
	reservedPorts = "21,22,23,25,554,8554"
)

// Preset groups besides camera.AdminGroup.
const (
	groupUsers     = "users"
	groupGuests    = "guests"
	groupUndefined = "undefined" // no rights; users of a deleted group land here
)

// withoutSections is cfg without the named sections (Options.MissingSections).
func withoutSections(cfg *camera.Config, names []string) *camera.Config {
	if len(names) == 0 {
		return cfg
	}
	var out []string
	skip := ""
	for _, line := range strings.SplitAfter(string(cfg.Bytes()), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case skip == "" && strings.HasPrefix(t, "SECTION ") && slices.Contains(names, strings.TrimPrefix(t, "SECTION ")):
			skip = strings.TrimPrefix(t, "SECTION ")
		case skip != "" && t == "ENDSECTION "+skip:
			skip = ""
		case skip == "":
			out = append(out, line)
		}
	}
	c, err := camera.ParseConfig([]byte(strings.Join(out, "")))
	if err != nil {
		panic("camsim: factory configuration without sections: " + err.Error()) // built from our own file
	}
	return c
}

// realismSections are sections whose names are CONFIRMED (mxbackup and
// mxrestore read them from real cameras, docs/protocol.md) but which
// mxwizard never reads or writes, so they are not in
// internal/camera/keys.go. They give the simulated file a realistic shape;
// their content is harmless and accepted as written.
var realismSections = []struct {
	section string
	keys    [][2]string
}{
	{"audio", [][2]string{{"MICRO", "on"}, {"SPEAKER", "on"}, {"SPEAKERLEVEL", "50"}}},
	{"events", [][2]string{{"ima", "ima_5a805a6b:_profilename=VM:ima_dead=5:ima_sens=vm:activity_level=33"}, {"EVENT_DEADTIME", "5"}}},
	{"exposure", [][2]string{{"EXPOSURE_WINDOW", "full"}, {"BRIGHTNESS", "0"}, {"BACKLIGHT", "0"}}},
	{"logo", [][2]string{{"LOGO_ENABLE", "0"}, {"LOGO_POSITION", "topleft"}}},
}

// hostnameFor derives the factory host name from the serial (10.8.0.123 →
// mx10-8-0-123).
func hostnameFor(serial string) string {
	return "mx" + strings.ReplaceAll(serial, ".", "-")
}

// factoryConfig builds the configuration file a camera leaves the factory
// with: the #:MX- header first, a couple of comment lines, the sections and
// the timestamp section last.
func factoryConfig(model, serial, firmware, hostname string) *camera.Config {
	head := fmt.Sprintf("#:%s\n#:MOBOTIX %s configuration file, serial %s\n#:Passwords are stored as hashes only\n", firmware, model, serial)
	c, err := camera.ParseConfig([]byte(head))
	if err != nil {
		panic("camsim: factory header does not parse: " + err.Error())
	}
	set := func(section string, kv ...string) {
		for i := 0; i+1 < len(kv); i += 2 {
			c.Set(section, kv[i], kv[i+1])
		}
	}
	set(camera.SecSystem, camera.KeyModel, model, camera.KeySerial, serial, camera.KeyHardware, model+"-Sec-Base")
	set(camera.SecEthernet,
		camera.KeyHostname, hostname,
		camera.KeyIPAddr, serial,
		camera.KeyDot1XEnable, "0",
		camera.KeyDot1XEAP, "PEAP",
		camera.KeyDot1XIdent, "",
		camera.KeyDot1XPass, "")
	set(camera.SecGroups,
		camera.AdminGroup, strings.Join(camera.AllRights, ","),
		groupUsers, strings.Join(factoryUsersRights, ","),
		groupGuests, strings.Join(factoryGuestsRights, ","),
		groupUndefined, "")
	admin := camera.Profile{
		{Key: camera.ProfGroup, Value: camera.AdminGroup},
		{Key: camera.ProfPasswordHash, Value: PasswordHash(camera.FactoryUser, camera.FactoryPassword)},
	}
	set(camera.SecUsers, camera.FactoryUser, admin.String())
	set(camera.SecAccess, camera.KeyPublic, strings.Join(factoryPublic, ","))
	set(camera.SecIPAccess, camera.KeyIPEnable, "0", camera.KeyIPNoMatch, "allow", camera.KeyIPRules, "")
	set(camera.SecWebServer,
		camera.KeyHTTPEnable, "1",
		camera.KeyHTTPPorts, "80",
		camera.KeyHTTPSEnable, "1",
		camera.KeyHTTPSPort, "443",
		camera.KeyAuthMethod, authBasic,
		camera.KeyServicePorts, reservedPorts)
	set(camera.SecIntrusion,
		camera.KeyIntrEnable, "0",
		camera.KeyIntrThreshold, "10",
		camera.KeyIntrWindow, "60",
		camera.KeyIntrLockout, "0",
		camera.KeyIntrLockoutTime, "600",
		camera.KeyIntrNotify, "")
	set(camera.SecPageOptions, camera.KeyRobots, robotsAllow)
	set(camera.SecStorage, camera.KeyStorageTarget, "sd", camera.KeyEncryptKey, "")
	set(camera.SecMxMessage, camera.KeyMxEnable, "1", camera.KeyMxKey, "", camera.KeyMxMode, "broadcast",
		camera.KeyMxBroadcastPort, "8750", camera.KeyMxMulticastPort, "8752")
	set(camera.SecErrorNotify, camera.KeyENEnable, "0", camera.KeyENDeadTime, "1", camera.KeyENMethods, "", camera.KeyENAfterBoot, "0")
	set(camera.SecStorageFailure, camera.KeySFEnable, "0", camera.KeySFTests, "", camera.KeySFSensitivity, "high", camera.KeySFNotify, "")
	set(camera.SecOpenVPN, camera.KeyVPNEnable, "0", camera.KeyVPNServer, "", camera.KeyVPNPort, "1194", camera.KeyVPNProto, "udp")
	for _, s := range realismSections {
		for _, kv := range s.keys {
			c.Set(s.section, kv[0], kv[1])
		}
	}
	// VERSION directly followed by DATE, one "\n" between (mxrestore cuts the
	// version out between "VERSION=" and "DATE=").
	set(camera.SecTimestamp, camera.KeyVersion, firmware, camera.KeyDate, factoryDate)
	return c
}
