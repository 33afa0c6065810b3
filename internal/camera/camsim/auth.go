package camsim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// authResult is the outcome of checking the Authorization header.
type authResult int

const (
	authNone  authResult = iota // no credentials
	authOK                      // good credentials
	authBad                     // wrong credentials: counts as a failed login
	authStale                   // a good Digest answer to a nonce we no longer know
)

const (
	maxNonces     = 1024
	nonceLifetime = 10 * time.Minute
)

// nonceState tracks one Digest nonce the camera issued.
type nonceState struct {
	issued time.Time
	lastNC uint64
}

// storedHA1 is the user's HA1 from the active configuration ("" when the
// user does not exist or has no password).
func (c *Camera) storedHA1Locked(user string) string {
	v, ok := c.active.Get(camera.SecUsers, user)
	if !ok || user == "" {
		return ""
	}
	h := camera.ParseProfile(v).Get(camera.ProfPasswordHash)
	if !isPasswordHash(h) {
		return ""
	}
	return strings.TrimPrefix(h, "{camsim-HA1}")
}

func equalString(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// authenticateLocked checks Basic or Digest credentials against the active
// configuration, as the authentication mode allows: Basic in basic mode,
// Digest in digest mode, both in auto. (camera-facts: an S74 accepted both;
// MOBOTIX 7 has the three modes Basic, Digest and Auto, so the simulator
// reads that S74 as one in Auto mode, and a camera set to Digest as one
// that refuses Basic: step 10 is checked against that.)
func (c *Camera) authenticateLocked(r *http.Request, now time.Time) (string, authResult) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		return "", authNone
	}
	scheme, rest, _ := strings.Cut(h, " ")
	mode := c.honouredLocked(camera.SecWebServer, camera.KeyAuthMethod)
	switch strings.ToLower(scheme) {
	case "basic":
		if mode == authDigest && !c.opts.BasicInDigestMode {
			return "", authBad
		}
		user, pw, ok := r.BasicAuth()
		if !ok {
			return "", authBad
		}
		stored := c.storedHA1Locked(user)
		if stored == "" || !equalString(stored, ha1(user, pw)) {
			return "", authBad
		}
		return user, authOK
	case "digest":
		if mode != authDigest && mode != authAuto {
			return "", authBad
		}
		return c.checkDigestLocked(r, parseAuthParams(rest), now)
	}
	return "", authBad
}

// checkDigestLocked verifies an RFC 7616 answer (MD5, qop=auth) and the
// nonce count: a nonce the camera does not know (any more) or a count that
// does not grow gives a fresh challenge with stale=true, not a failed login.
func (c *Camera) checkDigestLocked(r *http.Request, p map[string]string, now time.Time) (string, authResult) {
	user := p["username"]
	stored := c.storedHA1Locked(user)
	if stored == "" || p["realm"] != Realm || p["uri"] != r.RequestURI || p["qop"] != "auth" || p["cnonce"] == "" {
		return "", authBad
	}
	if alg := p["algorithm"]; alg != "" && !strings.EqualFold(alg, "MD5") {
		return "", authBad
	}
	nc, err := strconv.ParseUint(p["nc"], 16, 32)
	if err != nil || len(p["nc"]) != 8 {
		return "", authBad
	}
	ha2 := md5hex(r.Method + ":" + p["uri"])
	want := md5hex(stored + ":" + p["nonce"] + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + ha2)
	if !equalString(want, strings.ToLower(p["response"])) {
		return "", authBad
	}
	ns, ok := c.nonces[p["nonce"]]
	if !ok || now.Sub(ns.issued) > nonceLifetime || nc <= ns.lastNC {
		return "", authStale
	}
	ns.lastNC = nc
	return user, authOK
}

// honouredLocked is the active value of a setting as the camera acts on
// it: the factory value for a key in Options.IgnoredKeys.
func (c *Camera) honouredLocked(section, key string) string {
	for _, k := range c.opts.IgnoredKeys {
		if strings.EqualFold(k, section+"/"+key) {
			return c.factory.Value(section, key)
		}
	}
	return c.active.Value(section, key)
}

// honouredConfigLocked is cfg as the camera acts on it: a copy with every
// key of Options.IgnoredKeys at its factory value (cfg itself when none).
func (c *Camera) honouredConfigLocked(cfg *camera.Config) *camera.Config {
	if len(c.opts.IgnoredKeys) == 0 {
		return cfg
	}
	out := cfg.Clone()
	for _, k := range c.opts.IgnoredKeys {
		section, key, ok := strings.Cut(k, "/")
		if ok {
			out.Set(section, key, c.factory.Value(section, key))
		}
	}
	return out
}

// challengeLocked is the WWW-Authenticate header values for the active
// AUTH: Basic, Digest, or both for Auto.
func (c *Camera) challengeLocked(now time.Time, stale bool) []string {
	basic := `Basic realm="` + Realm + `"`
	mode := c.honouredLocked(camera.SecWebServer, camera.KeyAuthMethod)
	if mode != authDigest && mode != authAuto {
		return []string{basic}
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	nonce := hex.EncodeToString(b)
	c.nonces[nonce] = &nonceState{issued: now}
	c.nonceSeq = append(c.nonceSeq, nonce)
	if len(c.nonceSeq) > maxNonces {
		delete(c.nonces, c.nonceSeq[0])
		c.nonceSeq = c.nonceSeq[1:]
	}
	s := `Digest realm="` + Realm + `", qop="auth", algorithm=MD5, nonce="` + nonce + `"`
	if stale {
		s += ", stale=true"
	}
	if mode == authAuto {
		return []string{s, basic}
	}
	return []string{s}
}

// parseAuthParams reads `key=value, key="quoted \"value\""` lists.
func parseAuthParams(s string) map[string]string {
	out := map[string]string{}
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t,")
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			val = b.String()
			if i < len(s) {
				i++
			}
			s = s[i:]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val = strings.TrimSpace(s[:end])
			s = s[end:]
		}
		if _, dup := out[key]; !dup {
			out[key] = val
		}
	}
	return out
}

// failedLoginLocked counts a failed login for intrusion detection: at
// THRESHOLD failures within WINDOW seconds the camera logs the intrusion,
// notifies (a log entry naming the methods) when NOTIFY is set, and locks
// the address out for LOCKOUT_TIME seconds when LOCKOUT=1.
func (c *Camera) failedLoginLocked(ip string, now time.Time) {
	v := func(k string) string { return c.active.Value(camera.SecIntrusion, k) }
	if v(camera.KeyIntrEnable) != "1" {
		return
	}
	threshold := atoiOr(v(camera.KeyIntrThreshold), 10)
	window := time.Duration(atoiOr(v(camera.KeyIntrWindow), 60)) * time.Second
	var recent []time.Time
	for _, t := range c.failures[ip] {
		if now.Sub(t) < window {
			recent = append(recent, t)
		}
	}
	recent = append(recent, now)
	if len(recent) < threshold {
		c.failures[ip] = recent
		return
	}
	delete(c.failures, ip)
	msg := "intrusion detection: " + strconv.Itoa(len(recent)) + " failed logins from " + ip + " within " + strconv.Itoa(int(window/time.Second)) + " s"
	if v(camera.KeyIntrLockout) == "1" {
		lt := atoiOr(v(camera.KeyIntrLockoutTime), 600)
		c.lockouts[ip] = now.Add(time.Duration(lt) * time.Second)
		msg += "; address locked out for " + strconv.Itoa(lt) + " s"
	}
	c.syslogLocked("%s", msg)
	if n := v(camera.KeyIntrNotify); n != "" {
		c.syslogLocked("notification (%s): %s", n, msg)
	}
}

// lockedOutLocked reports whether intrusion detection blocks ip now.
func (c *Camera) lockedOutLocked(ip string, now time.Time) bool {
	until, ok := c.lockouts[ip]
	if !ok {
		return false
	}
	if !now.Before(until) {
		delete(c.lockouts, ip)
		return false
	}
	return true
}

// hasRightLocked: the user's group must hold the right; admins always
// holds admin.
func (c *Camera) hasRightLocked(user, right string) bool {
	group := camera.ParseProfile(c.active.Value(camera.SecUsers, user)).Get(camera.ProfGroup)
	if group == "" {
		return false
	}
	if group == camera.AdminGroup && right == camera.RightAdmin {
		return true
	}
	rights, ok := c.active.Get(camera.SecGroups, group)
	if !ok {
		return false
	}
	for _, r := range splitList(rights) {
		if r == right {
			return true
		}
	}
	return false
}

// publicLocked: the right is in access/PUBLIC (the admin menu never is).
func (c *Camera) publicLocked(right string) bool {
	if right == camera.RightAdmin {
		return false
	}
	for _, r := range splitList(c.honouredLocked(camera.SecAccess, camera.KeyPublic)) {
		if r == right {
			return true
		}
	}
	return false
}

// attemptedUser is the user name a refused login tried, for the log: only
// names of the camera's own character set, else "?", so that nothing typed
// into the wrong field (a password) reaches the log.
func attemptedUser(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, rest, _ := strings.Cut(h, " ")
	name := ""
	switch strings.ToLower(scheme) {
	case "basic":
		name, _, _ = r.BasicAuth()
	case "digest":
		name = parseAuthParams(rest)["username"]
	}
	if !validUserName(name) {
		return "?"
	}
	return name
}

func validUserName(n string) bool {
	if len(n) < 3 || len(n) > 16 {
		return false
	}
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
