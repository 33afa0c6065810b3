package camera

// This file is the one table of every camera name that mxwizard relies on:
// configuration sections and keys, endpoints and value vocabularies.
//
// Names marked CONFIRMED come from MOBOTIX's own help or from public
// third-party tools that work against real cameras (docs/protocol.md says
// which). Everything else is PROVISIONAL: no public source names it, so we
// chose it, and the simulated camera speaks it. When a real camera names a
// setting differently, correct it here and nowhere else. A step whose
// section the camera lacks is reported unsupported and planned with nothing
// to write (the installer is sent to the web dialog); steps 6, 9, 10 and 11
// are judged by what the camera does, so a name a firmware stores but does
// not honour shows as unsupported too.

// Endpoints.
const (
	PathRemoteConfig = "/admin/remoteconfig"        // CONFIRMED (doc)
	PathConfigFile   = "/admin/m1cam.cfg"           // CONFIRMED (tool)
	PathRControl     = "/admin/rcontrol"            // CONFIRMED (doc): ?action=storeconfig, POST ?action=reboot
	PathCameraInfo   = "/control/camerainfo"        // CONFIRMED (tool): ?text gives plain text
	PathControl      = "/control/control"           // CONFIRMED (doc/tool)
	PathAdminControl = "/admin/control"             // CONFIRMED (doc): ?list lists the Admin-menu sections
	PathMedia        = "/config/camera/media"       // CONFIRMED (tool, MOBOTIX 7): certificate slot
	PathRobots       = "/robots.txt"                // standard
	PathImage        = "/record/current.jpg"        // PROVISIONAL: the live image, public by factory default
	PathWebLog       = "/admin/logfile"             // PROVISIONAL: web server log, ?type=webserver
	CertFileName     = "httpd_cert.pem"             // CONFIRMED (tool): the leaf certificate alone, uploaded second
	KeyFileName      = "httpd_privkey.pem"          // CONFIRMED (tool): the private key alone (PKCS#8), uploaded first
	CertFieldName    = "some_file"                  // CONFIRMED (tool)
	CertContentType  = "application/x-x509-ca-cert" // CONFIRMED (tool)
	MobotixSignature = "MOBOTIX AG, Germany"        // CONFIRMED (tool): in the camera info page
)

// Factory account.
const (
	FactoryUser     = "admin"  // CONFIRMED (doc)
	FactoryPassword = "meinsm" // CONFIRMED (doc)
	AdminGroup      = "admins" // CONFIRMED (doc)
)

// Sections and keys.
const (
	// CONFIRMED (tool): ethernet HOSTNAME, IPADDR; timestamp VERSION, DATE.
	SecEthernet    = "ethernet"
	KeyHostname    = "HOSTNAME"
	KeyIPAddr      = "IPADDR"
	SecTimestamp   = "timestamp"
	KeyVersion     = "VERSION"
	KeyDate        = "DATE"
	KeyDot1XEnable = "DOT1X_ENABLE"   // PROVISIONAL: 0|1
	KeyDot1XEAP    = "DOT1X_EAP"      // PROVISIONAL: PEAP|TTLS|TLS|MD5
	KeyDot1XIdent  = "DOT1X_IDENTITY" // PROVISIONAL
	KeyDot1XPass   = "DOT1X_PASSWORD" // PROVISIONAL, write-only secret

	// PROVISIONAL: camera identity (the real file's names are unknown).
	SecSystem   = "system"
	KeyModel    = "MODEL"
	KeySerial   = "SERIAL"
	KeyHardware = "HARDWARE"

	// PROVISIONAL: users. One line per user, the key is the user name and the
	// value a profile: group=<group>:pwhash=<hash>. `write params` takes
	// users/<name>/group=<group> and users/<name>/password=<plain> (the camera
	// stores only a hash); users/<name>= (empty value) deletes the user.
	SecUsers         = "users"
	ProfGroup        = "group"
	ProfPassword     = "password" // write-only
	ProfPasswordHash = "pwhash"

	// PROVISIONAL: groups. One line per group, the key is the group name and
	// the value the comma-separated rights; groups/<name>= deletes the group.
	SecGroups = "groups"

	// PROVISIONAL: public access (the "Public Access" row of the group ACLs):
	// access/PUBLIC=<comma-separated rights>; empty means nothing is public.
	SecAccess = "access"
	KeyPublic = "PUBLIC"

	// PROVISIONAL: IP-level access control.
	SecIPAccess  = "ipaccess"
	KeyIPEnable  = "ENABLE"  // 0|1
	KeyIPNoMatch = "NOMATCH" // allow|deny: the policy for addresses no rule matches
	KeyIPRules   = "RULES"   // comma-separated <action> <target>, see IPRule

	// PROVISIONAL: web server.
	SecWebServer    = "webserver"
	KeyHTTPEnable   = "HTTP_ENABLE"  // 0|1
	KeyHTTPPorts    = "HTTP_PORTS"   // one or two ports, comma-separated
	KeyHTTPSEnable  = "HTTPS_ENABLE" // 0|1
	KeyHTTPSPort    = "HTTPS_PORT"
	KeyAuthMethod   = "AUTH"           // basic|digest
	KeyServicePorts = "RESERVED_PORTS" // ports taken by the camera's other services (read-only)

	// PROVISIONAL: intrusion detection (Web Server dialog).
	SecIntrusion       = "intrusion"
	KeyIntrEnable      = "ENABLE"       // 0|1
	KeyIntrThreshold   = "THRESHOLD"    // failed logins that trigger
	KeyIntrWindow      = "WINDOW"       // seconds in which they count
	KeyIntrLockout     = "LOCKOUT"      // 0|1: block the offending address
	KeyIntrLockoutTime = "LOCKOUT_TIME" // seconds
	KeyIntrNotify      = "NOTIFY"       // comma-separated methods: email,ipnotify,...

	// PROVISIONAL: page options (robots).
	SecPageOptions = "pageoptions"
	KeyRobots      = "ROBOTS" // allow|forbid

	// PROVISIONAL: recording storage.
	SecStorage       = "storage"
	KeyStorageTarget = "TARGET"      // none|sd|usb|smb|nfs
	KeyEncryptKey    = "ENCRYPT_KEY" // write-only secret; the camera shows a hash, "" when none

	// PROVISIONAL: MxMessageSystem network distribution.
	SecMxMessage = "mxmessage"
	KeyMxEnable  = "ENABLE" // 0|1
	KeyMxKey     = "KEY"    // write-only secret; "" means the factory key is in use
	KeyMxMode    = "MODE"   // broadcast|multicast
	// The dialog has separate ports for the two modes (doc, help
	// msgdistri); multicast also uses the port below the one given.
	KeyMxBroadcastPort = "BROADCAST_PORT"
	KeyMxMulticastPort = "MULTICAST_PORT"

	// PROVISIONAL: error notification.
	SecErrorNotify = "errornotify"
	KeyENEnable    = "ENABLE"   // 0|1
	KeyENDeadTime  = "DEADTIME" // minutes 1-999
	KeyENMethods   = "METHODS"  // comma-separated: email,ipnotify,phone,ftp,leds,audio,liveimage
	KeyENAfterBoot = "AFTER_REBOOT"

	// PROVISIONAL: storage failure detection.
	SecStorageFailure = "storagefailure"
	KeySFEnable       = "ENABLE"      // 0|1 (first enabling needs a reboot)
	KeySFTests        = "TESTS"       // comma-separated: ping,transfer,lostevents
	KeySFSensitivity  = "SENSITIVITY" // high|low
	KeySFNotify       = "NOTIFY"

	// PROVISIONAL: OpenVPN client.
	SecOpenVPN   = "openvpn"
	KeyVPNEnable = "ENABLE"
	KeyVPNServer = "SERVER"
	KeyVPNPort   = "PORT"
	KeyVPNProto  = "PROTO"
)

// Rights a group or the public may hold (PROVISIONAL vocabulary; the real
// dialog has Screen, Function and Configuration sections).
const (
	RightLive      = "live"      // screen: live image
	RightPlayer    = "player"    // screen: recordings
	RightMultiView = "multiview" // screen
	RightGuest     = "guest"     // screen: guest page
	RightEvents    = "events"    // screen: event list
	RightInfo      = "info"      // screen: camera info
	RightImage     = "image"     // function: single images (/record/current.jpg)
	RightControl   = "control"   // function: rcontrol actions
	RightSetup     = "setup"     // configuration: setup menu (/control/control)
	RightAdmin     = "admin"     // configuration: admin menu (/admin/...)
)

// AllRights lists the rights in display order.
var AllRights = []string{RightLive, RightPlayer, RightMultiView, RightGuest, RightEvents, RightInfo, RightImage, RightControl, RightSetup, RightAdmin}

// IP-level rule actions (PROVISIONAL spelling of the dialog's choices).
const (
	ActionAllow     = "allow"
	ActionTempAllow = "tempallow"
	ActionDeny      = "deny"
	ActionTempDeny  = "tempdeny"
	ActionInactive  = "inactive"
)

// ExpectedKeys are the section and key names mxwizard reads or writes, for
// `mxwizard probe` to say which a real camera has (users and groups are
// sections of names, not of fixed keys: listed without a key).
var ExpectedKeys = [][2]string{
	{SecEthernet, KeyHostname},
	{SecEthernet, KeyIPAddr},
	{SecTimestamp, KeyVersion},
	{SecTimestamp, KeyDate},
	{SecEthernet, KeyDot1XEnable},
	{SecEthernet, KeyDot1XEAP},
	{SecEthernet, KeyDot1XIdent},
	{SecEthernet, KeyDot1XPass},
	{SecSystem, KeyModel},
	{SecSystem, KeySerial},
	{SecSystem, KeyHardware},
	{SecUsers, ""},
	{SecGroups, ""},
	{SecAccess, KeyPublic},
	{SecIPAccess, KeyIPEnable},
	{SecIPAccess, KeyIPNoMatch},
	{SecIPAccess, KeyIPRules},
	{SecWebServer, KeyHTTPEnable},
	{SecWebServer, KeyHTTPPorts},
	{SecWebServer, KeyHTTPSEnable},
	{SecWebServer, KeyHTTPSPort},
	{SecWebServer, KeyAuthMethod},
	{SecWebServer, KeyServicePorts},
	{SecIntrusion, KeyIntrEnable},
	{SecIntrusion, KeyIntrThreshold},
	{SecIntrusion, KeyIntrWindow},
	{SecIntrusion, KeyIntrLockout},
	{SecIntrusion, KeyIntrLockoutTime},
	{SecIntrusion, KeyIntrNotify},
	{SecPageOptions, KeyRobots},
	{SecStorage, KeyStorageTarget},
	{SecStorage, KeyEncryptKey},
	{SecMxMessage, KeyMxEnable},
	{SecMxMessage, KeyMxKey},
	{SecMxMessage, KeyMxMode},
	{SecMxMessage, KeyMxBroadcastPort},
	{SecMxMessage, KeyMxMulticastPort},
	{SecErrorNotify, KeyENEnable},
	{SecErrorNotify, KeyENDeadTime},
	{SecErrorNotify, KeyENMethods},
	{SecErrorNotify, KeyENAfterBoot},
	{SecStorageFailure, KeySFEnable},
	{SecStorageFailure, KeySFTests},
	{SecStorageFailure, KeySFSensitivity},
	{SecStorageFailure, KeySFNotify},
	{SecOpenVPN, KeyVPNEnable},
	{SecOpenVPN, KeyVPNServer},
	{SecOpenVPN, KeyVPNPort},
	{SecOpenVPN, KeyVPNProto},
}

// HarmlessKeys are the keys whose values `mxwizard probe` may show: they
// name modes, switches, ports and versions, never a person, an address book
// or a secret. Every other value is replaced.
var HarmlessKeys = map[string]bool{
	SecTimestamp + "/" + KeyVersion: true, SecSystem + "/" + KeyModel: true, SecSystem + "/" + KeyHardware: true,
	SecWebServer + "/" + KeyHTTPEnable: true, SecWebServer + "/" + KeyHTTPPorts: true, SecWebServer + "/" + KeyHTTPSEnable: true,
	SecWebServer + "/" + KeyHTTPSPort: true, SecWebServer + "/" + KeyAuthMethod: true, SecWebServer + "/" + KeyServicePorts: true,
	SecIPAccess + "/" + KeyIPEnable: true, SecIPAccess + "/" + KeyIPNoMatch: true,
	SecIntrusion + "/" + KeyIntrEnable: true, SecIntrusion + "/" + KeyIntrThreshold: true, SecIntrusion + "/" + KeyIntrWindow: true,
	SecIntrusion + "/" + KeyIntrLockout: true, SecIntrusion + "/" + KeyIntrLockoutTime: true,
	SecPageOptions + "/" + KeyRobots: true, SecStorage + "/" + KeyStorageTarget: true,
	SecMxMessage + "/" + KeyMxEnable: true, SecMxMessage + "/" + KeyMxMode: true,
	SecErrorNotify + "/" + KeyENEnable: true, SecStorageFailure + "/" + KeySFEnable: true,
	SecEthernet + "/" + KeyDot1XEnable: true, SecEthernet + "/" + KeyDot1XEAP: true, SecOpenVPN + "/" + KeyVPNEnable: true,
}
