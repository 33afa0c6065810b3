package camsim

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// Value vocabularies (provisional, see docs/protocol.md).
const (
	authBasic    = "basic"
	authDigest   = "digest"
	authAuto     = "auto" // Basic and Digest (tool: MOBOTIX 7 validated "Basic, Digest, Auto")
	robotsAllow  = "allow"
	robotsForbid = "forbid"
	noMatchAllow = "allow"
	noMatchDeny  = "deny"

	maxUsers  = 100 // CONFIRMED (doc)
	maxGroups = 25  // CONFIRMED (doc)
)

var notifyMethods = []string{"email", "ipnotify", "phone", "ftp", "leds", "audio", "liveimage"}

// PasswordHash is what the simulated camera stores for a password: its own
// format, {camsim-HA1} and the hex MD5 of user:realm:password (what HTTP
// Digest needs). Real cameras differ by firmware line (MX-V4 stores a DES
// crypt(3) hash; MOBOTIX 7 is unknown): nothing in mxwizard reads it.
func PasswordHash(user, password string) string {
	return "{camsim-HA1}" + ha1(user, password)
}

func ha1(user, password string) string {
	return md5hex(user + ":" + Realm + ":" + password)
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s)) //nolint:gosec // HTTP Digest is defined with MD5
	return hex.EncodeToString(sum[:])
}

// secretHash stores a secret other than a password: {SSHA256}<salt>$<hex>.
func secretHash(v string) string {
	salt := make([]byte, 8)
	_, _ = rand.Read(salt)
	sum := sha256.Sum256(append(salt, v...))
	return "{SSHA256}" + hex.EncodeToString(salt) + "$" + hex.EncodeToString(sum[:])
}

// SecretMatches reports whether stored (a value the camera shows for a
// write-only secret such as the recording key) is the hash of v. Tests use
// it to prove that the key a secrets file holds is the one the camera has.
func SecretMatches(stored, v string) bool {
	rest, ok := strings.CutPrefix(stored, "{SSHA256}")
	if !ok {
		return false
	}
	saltHex, sumHex, ok := strings.Cut(rest, "$")
	if !ok {
		return false
	}
	salt, err := hex.DecodeString(saltHex)
	if err != nil {
		return false
	}
	sum := sha256.Sum256(append(salt, v...))
	return hex.EncodeToString(sum[:]) == sumHex
}

func isSecretHash(v string) bool {
	rest, ok := strings.CutPrefix(v, "{SSHA256}")
	if !ok {
		return false
	}
	salt, sum, ok := strings.Cut(rest, "$")
	return ok && isHexN(salt, -1) && isHexN(sum, 64)
}

func isPasswordHash(v string) bool {
	rest, ok := strings.CutPrefix(v, "{camsim-HA1}")
	return ok && isHexN(rest, 32)
}

func isHexN(s string, n int) bool {
	if s == "" || (n >= 0 && len(s) != n) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// validName: user and group names are 3–16 of A-Z a-z 0-9 . - _ (CONFIRMED).
func validName(s string) bool { return len(s) >= 3 && len(s) <= 16 && nameChars(s) }

// nameChars reports whether s holds only A-Z a-z 0-9 . - _, the characters
// of user, group and section names.
func nameChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

var errName = errors.New("names are 3 to 16 of A-Z a-z 0-9 . - _")

// checkPassword: 8–99 printable 7-bit ASCII characters without spaces
// (CONFIRMED, current firmware).
func checkPassword(pw string) error {
	if len(pw) < 8 || len(pw) > 99 {
		return errors.New("a password has 8 to 99 characters")
	}
	for i := 0; i < len(pw); i++ {
		if pw[i] < 0x21 || pw[i] > 0x7e {
			return errors.New("a password holds only printable ASCII characters without spaces")
		}
	}
	return nil
}

// plainText refuses control characters: a configuration line cannot hold a
// line break, so a decoded value with one is refused, never written.
func plainText(v string) error {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == 0x7f {
			return errors.New("the value holds a control character (a line break?)")
		}
	}
	return nil
}

// keyRule says how the camera checks and keeps one key of a known section.
type keyRule struct {
	check    func(string) error
	secret   bool // kept as {SSHA256} hash; "" means none
	readOnly bool
}

func oneOf(vals ...string) func(string) error {
	return func(v string) error {
		for _, x := range vals {
			if v == x {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(vals, ", "))
	}
}

var onOff = oneOf("0", "1")

func intRange(lo, hi int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			return fmt.Errorf("%q is not a number from %d to %d", v, lo, hi)
		}
		return nil
	}
}

func listOf(vocab ...string) func(string) error {
	return func(v string) error {
		for _, item := range splitList(v) {
			if oneOf(vocab...)(item) != nil {
				return fmt.Errorf("%q is not one of %s", item, strings.Join(vocab, ", "))
			}
		}
		return nil
	}
}

func textUpTo(max int) func(string) error {
	return func(v string) error {
		if len(v) > max {
			return fmt.Errorf("at most %d characters", max)
		}
		return plainText(v)
	}
}

func checkPortValue(v string) error {
	_, err := parsePort(v)
	return err
}

func parsePort(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("port %q is not a number from 1 to 65535", v)
	}
	return n, nil
}

func checkHTTPPorts(v string) error {
	ports := splitList(v)
	if len(ports) < 1 || len(ports) > 2 {
		return errors.New("one or two HTTP ports, separated by a comma")
	}
	for _, p := range ports {
		if _, err := parsePort(p); err != nil {
			return err
		}
	}
	return nil
}

func checkHostname(v string) error {
	if v == "" || len(v) > 63 {
		return errors.New("a host name has 1 to 63 characters")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return errors.New("a host name holds only A-Z a-z 0-9 and -")
		}
	}
	return nil
}

func checkIPv4(v string) error {
	if ip := net.ParseIP(v); ip == nil || ip.To4() == nil {
		return fmt.Errorf("%q is not an IPv4 address", v)
	}
	return nil
}

func checkHostOrEmpty(v string) error {
	if v == "" || net.ParseIP(v) != nil {
		return nil
	}
	if len(v) > 253 {
		return errors.New("host name too long")
	}
	for _, label := range strings.Split(v, ".") {
		if err := checkHostname(label); err != nil {
			return fmt.Errorf("%q is not a host name or IP address", v)
		}
	}
	return nil
}

func checkPublic(v string) error {
	for _, r := range splitList(v) {
		if r == camera.RightAdmin {
			return errors.New("the admin menu can never be public")
		}
		if !knownRight(r) {
			return fmt.Errorf("unknown right %q (known: %s)", r, strings.Join(camera.AllRights, ", "))
		}
	}
	return nil
}

func checkRights(v string) error {
	for _, r := range splitList(v) {
		if !knownRight(r) {
			return fmt.Errorf("unknown right %q (known: %s)", r, strings.Join(camera.AllRights, ", "))
		}
	}
	return nil
}

func knownRight(r string) bool {
	for _, k := range camera.AllRights {
		if r == k {
			return true
		}
	}
	return false
}

func checkRules(v string) error {
	for _, txt := range splitList(v) {
		if _, err := parseRule(txt); err != nil {
			return err
		}
	}
	return nil
}

// keyRules are the checks of the provisional sections in keys.go. Sections
// not listed here (audio, events, ...) take any key and any value without
// control characters; users and groups have their own rules.
var keyRules = map[string]map[string]keyRule{
	camera.SecSystem: {
		camera.KeyModel:    {readOnly: true},
		camera.KeySerial:   {readOnly: true},
		camera.KeyHardware: {readOnly: true},
	},
	camera.SecTimestamp: {
		camera.KeyVersion: {readOnly: true},
		camera.KeyDate:    {check: textUpTo(64)},
	},
	camera.SecEthernet: {
		camera.KeyHostname:    {check: checkHostname},
		camera.KeyIPAddr:      {check: checkIPv4},
		camera.KeyDot1XEnable: {check: onOff},
		camera.KeyDot1XEAP:    {check: oneOf("PEAP", "TTLS", "TLS", "MD5")},
		camera.KeyDot1XIdent:  {check: textUpTo(128)},
		camera.KeyDot1XPass:   {check: textUpTo(128), secret: true},
	},
	camera.SecAccess: {
		camera.KeyPublic: {check: checkPublic},
	},
	camera.SecIPAccess: {
		camera.KeyIPEnable:  {check: onOff},
		camera.KeyIPNoMatch: {check: oneOf(noMatchAllow, noMatchDeny)},
		camera.KeyIPRules:   {check: checkRules},
	},
	camera.SecWebServer: {
		camera.KeyHTTPEnable:   {check: onOff},
		camera.KeyHTTPPorts:    {check: checkHTTPPorts},
		camera.KeyHTTPSEnable:  {check: onOff},
		camera.KeyHTTPSPort:    {check: checkPortValue},
		camera.KeyAuthMethod:   {check: oneOf(authBasic, authDigest, authAuto)},
		camera.KeyServicePorts: {readOnly: true},
	},
	camera.SecIntrusion: {
		camera.KeyIntrEnable:      {check: onOff},
		camera.KeyIntrThreshold:   {check: intRange(1, 1000)},
		camera.KeyIntrWindow:      {check: intRange(1, 86400)},
		camera.KeyIntrLockout:     {check: onOff},
		camera.KeyIntrLockoutTime: {check: intRange(1, 604800)},
		camera.KeyIntrNotify:      {check: listOf(notifyMethods...)},
	},
	camera.SecPageOptions: {
		camera.KeyRobots: {check: oneOf(robotsAllow, robotsForbid)},
	},
	camera.SecStorage: {
		camera.KeyStorageTarget: {check: oneOf("none", "sd", "usb", "smb", "nfs")},
		camera.KeyEncryptKey:    {check: textUpTo(256), secret: true},
	},
	camera.SecMxMessage: {
		camera.KeyMxEnable: {check: onOff},
		camera.KeyMxKey: {check: func(v string) error {
			if len(v) < 6 {
				return errors.New("the MxMessageSystem password has at least 6 characters")
			}
			return textUpTo(256)(v)
		}, secret: true},
		camera.KeyMxMode:          {check: oneOf("broadcast", "multicast")},
		camera.KeyMxBroadcastPort: {check: checkPortValue},
		camera.KeyMxMulticastPort: {check: checkPortValue},
	},
	camera.SecErrorNotify: {
		camera.KeyENEnable:    {check: onOff},
		camera.KeyENDeadTime:  {check: intRange(1, 999)},
		camera.KeyENMethods:   {check: listOf(notifyMethods...)},
		camera.KeyENAfterBoot: {check: onOff},
	},
	camera.SecStorageFailure: {
		camera.KeySFEnable:      {check: onOff},
		camera.KeySFTests:       {check: listOf("ping", "transfer", "lostevents")},
		camera.KeySFSensitivity: {check: oneOf("high", "low")},
		camera.KeySFNotify:      {check: listOf(notifyMethods...)},
	},
	camera.SecOpenVPN: {
		camera.KeyVPNEnable: {check: onOff},
		camera.KeyVPNServer: {check: checkHostOrEmpty},
		camera.KeyVPNPort:   {check: checkPortValue},
		camera.KeyVPNProto:  {check: oneOf("udp", "tcp")},
	},
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ipRule is one rule of the IP-level access control.
type ipRule struct {
	action, target string
}

// parseRule reads "<action> <target>"; targets are an IP address,
// ADDRESS/MASK in dotted form, a host name or a .domain suffix (CONFIRMED).
func parseRule(s string) (ipRule, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return ipRule{}, fmt.Errorf("rule %q: want \"<allow|tempallow|deny|tempdeny|inactive> <target>\"", s)
	}
	r := ipRule{action: f[0], target: f[1]}
	switch r.action {
	case camera.ActionAllow, camera.ActionTempAllow, camera.ActionDeny, camera.ActionTempDeny, camera.ActionInactive:
	default:
		return ipRule{}, fmt.Errorf("rule %q: action %q is not allow, tempallow, deny, tempdeny or inactive", s, f[0])
	}
	if addr, mask, ok := strings.Cut(r.target, "/"); ok {
		a, m := net.ParseIP(addr).To4(), net.ParseIP(mask).To4()
		if a == nil || m == nil {
			return ipRule{}, fmt.Errorf("rule %q: %q is not ADDRESS/MASK in dotted form, e.g. 192.168.1.0/255.255.255.0", s, r.target)
		}
		if ones, bits := net.IPMask(m).Size(); ones == 0 && bits == 0 {
			return ipRule{}, fmt.Errorf("rule %q: mask %s is not contiguous", s, mask)
		}
		return r, nil
	}
	if net.ParseIP(r.target) != nil {
		return r, nil
	}
	if err := checkHostOrEmpty(strings.TrimPrefix(r.target, ".")); err != nil || strings.TrimPrefix(r.target, ".") == "" {
		return ipRule{}, fmt.Errorf("rule %q: %q is not an address, ADDRESS/MASK, host name or .domain", s, r.target)
	}
	return r, nil
}

// matches: names are matched against the reverse lookup of the address; the
// simulated camera knows only "localhost" (127.0.0.1) and matches no other
// name (docs/protocol.md).
func (r ipRule) matches(ip net.IP) bool {
	if addr, mask, ok := strings.Cut(r.target, "/"); ok {
		a, m, v4 := net.ParseIP(addr).To4(), net.ParseIP(mask).To4(), ip.To4()
		if a == nil || m == nil || v4 == nil {
			return false
		}
		return a.Mask(net.IPMask(m)).Equal(v4.Mask(net.IPMask(m)))
	}
	if t := net.ParseIP(r.target); t != nil {
		return t.Equal(ip)
	}
	return strings.EqualFold(r.target, "localhost") && ip.Equal(net.IPv4(127, 0, 0, 1))
}

func (r ipRule) temporary() bool {
	return r.action == camera.ActionTempAllow || r.action == camera.ActionTempDeny
}

// admits decides for a source address: allow rules first, then deny rules,
// then the no-match policy (CONFIRMED order).
func admits(cfg *camera.Config, ip net.IP) bool {
	if cfg.Value(camera.SecIPAccess, camera.KeyIPEnable) != "1" {
		return true
	}
	var rules []ipRule
	for _, txt := range splitList(cfg.Value(camera.SecIPAccess, camera.KeyIPRules)) {
		if r, err := parseRule(txt); err == nil {
			rules = append(rules, r)
		}
	}
	for _, r := range rules {
		if (r.action == camera.ActionAllow || r.action == camera.ActionTempAllow) && r.matches(ip) {
			return true
		}
	}
	for _, r := range rules {
		if (r.action == camera.ActionDeny || r.action == camera.ActionTempDeny) && r.matches(ip) {
			return false
		}
	}
	return cfg.Value(camera.SecIPAccess, camera.KeyIPNoMatch) != noMatchDeny
}

// webPorts reads the web server part of a configuration: the HTTP ports
// when HTTP is on and the HTTPS port when HTTPS is on.
func webPorts(cfg *camera.Config) (httpPorts []int, httpsPort int) {
	if cfg.Value(camera.SecWebServer, camera.KeyHTTPEnable) == "1" {
		for _, p := range splitList(cfg.Value(camera.SecWebServer, camera.KeyHTTPPorts)) {
			if n, err := parsePort(p); err == nil {
				httpPorts = append(httpPorts, n)
			}
		}
	}
	if cfg.Value(camera.SecWebServer, camera.KeyHTTPSEnable) == "1" {
		if n, err := parsePort(cfg.Value(camera.SecWebServer, camera.KeyHTTPSPort)); err == nil {
			httpsPort = n
		}
	}
	return httpPorts, httpsPort
}

// invariant checks what must hold for a whole section after a change.
func invariant(cfg *camera.Config, section string) error {
	switch section {
	case camera.SecUsers:
		users := cfg.Keys(camera.SecUsers)
		if len(users) > maxUsers {
			return fmt.Errorf("the camera holds at most %d users", maxUsers)
		}
		for _, u := range users {
			if camera.ParseProfile(cfg.Value(camera.SecUsers, u)).Get(camera.ProfGroup) == camera.AdminGroup {
				return nil
			}
		}
		return errors.New("the last member of admins cannot be removed: at least one user must stay in admins")
	case camera.SecGroups:
		groups := cfg.Keys(camera.SecGroups)
		if len(groups) > maxGroups {
			return fmt.Errorf("the camera holds at most %d groups", maxGroups)
		}
		rights, ok := cfg.Get(camera.SecGroups, camera.AdminGroup)
		if !ok {
			return errors.New("the admins group cannot be removed")
		}
		for _, r := range splitList(rights) {
			if r == camera.RightAdmin {
				return nil
			}
		}
		return errors.New("the admins group always keeps the admin right")
	case camera.SecWebServer:
		v := func(k string) string { return cfg.Value(camera.SecWebServer, k) }
		if v(camera.KeyHTTPEnable) != "1" && v(camera.KeyHTTPSEnable) != "1" {
			return errors.New("HTTP and HTTPS cannot both be off: the camera would be unreachable")
		}
		reserved := map[int]bool{}
		for _, p := range splitList(v(camera.KeyServicePorts)) {
			if n, err := parsePort(p); err == nil {
				reserved[n] = true
			}
		}
		seen := map[int]bool{}
		all := append(splitList(v(camera.KeyHTTPPorts)), v(camera.KeyHTTPSPort))
		for _, p := range all {
			n, err := parsePort(p)
			if err != nil {
				return err
			}
			if reserved[n] {
				return fmt.Errorf("port %d is taken by another service of the camera (reserved: %s)", n, v(camera.KeyServicePorts))
			}
			if seen[n] {
				return fmt.Errorf("port %d is given twice: HTTP and HTTPS ports must be distinct", n)
			}
			seen[n] = true
		}
	}
	return nil
}
