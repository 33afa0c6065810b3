// Package camsim is a simulated MOBOTIX camera: an http.Handler that speaks
// the protocol of docs/protocol.md (remote configuration scripts, the
// configuration file, store/restore/reset/reboot, the certificate slot, the
// web server log), with users and groups, public access, IP-level access
// control, intrusion detection, Basic and Digest authentication, RAM versus
// flash, and reboots. All state is in memory behind one mutex (optionally
// mirrored to a state directory); faults can be injected per request.
//
// Camera is the handler; Server serves one or more cameras on loopback
// listeners that move when a reboot brings new ports. Package camsimtest
// wraps a Camera in httptest servers for tests.
package camsim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// Options configure a simulated camera. The zero value is a factory-new
// M73 that reboots instantly.
type Options struct {
	// Model, Serial and Firmware identify the camera (defaults M73,
	// 10.8.0.123, MX-V7.3.5.35; "MX-" is added to a firmware without it).
	Model, Serial, Firmware string
	// Hostname is ethernet/HOSTNAME (default derived from the serial,
	// e.g. mx10-8-0-123).
	Hostname string
	// Name labels the camera in the request log (default the host name).
	Name string
	// Addresses go into the factory certificate as IP SANs (default 127.0.0.1).
	Addresses []net.IP
	// BootTime is how long a reboot keeps the camera away.
	BootTime time.Duration
	// Now is the camera's clock (web server log, intrusion detection,
	// nonces); default time.Now.
	Now func() time.Time
	// Latency delays every answer.
	Latency time.Duration
	// Log, when set, receives one JSON line per request: time, camera,
	// method, path, status, remote, user. Each line is one Write call; a
	// writer shared by several cameras must be safe for concurrent use.
	Log io.Writer
	// FactoryCert is the factory HTTPS certificate; a self-signed ECDSA
	// P-256 one is generated when it is empty.
	FactoryCert tls.Certificate
	// StateDir, when set, keeps the flash (flash.cfg) and the certificates
	// (cert.pem, pending.pem) on disk, so that a new Camera on the same
	// directory comes back like a camera after a power cycle.
	StateDir string
	// Faults are the initial faults (see SetFaults).
	Faults Faults
	// IgnoredKeys ("section/KEY") are stored when written but never acted
	// on: the camera keeps behaving as its factory value says, as real
	// firmware may with a name it does not know. Tests of verification by
	// effect use it.
	IgnoredKeys []string
	// BasicInDigestMode makes the camera take a Basic login although it is
	// set to Digest and offers only Digest: camera-facts reports an S74 on
	// MX-V7.3.1.57 that "accepted both".
	BasicInDigestMode bool
	// MissingSections are left out of the factory configuration, as on a
	// firmware that does not expose them through the remote configuration.
	MissingSections []string
}

// Camera is a simulated MOBOTIX camera. Use New, or the zero value (a
// factory-new camera with default options). It is safe for concurrent use.
type Camera struct {
	mu        sync.Mutex
	inited    bool
	initErr   error
	opts      Options
	closeOnce sync.Once
	closed    chan struct{}

	factory *camera.Config // factory defaults
	ram     *camera.Config // what was written (view configfile shows it)
	active  *camera.Config // what is enforced (after update)
	flash   *camera.Config // permanent memory (after store)
	booted  *camera.Config // the flash the camera booted with: ports and switches

	cert        tls.Certificate // the certificate HTTPS uses now
	certPEM     []byte          // cert and key, as kept in the state directory
	pending     *tls.Certificate
	pendingPEM  []byte
	factoryTLS  *tls.Certificate // the factory certificate, made once
	factoryPEM  []byte
	uploadedKey []byte // httpd_privkey.pem, waiting for its certificate

	booting bool
	epoch   uint64 // changes at every reboot: older connections are dead
	ready   chan struct{}
	onBoot  func() // set by Server: move the listeners

	requests int
	faults   Faults

	weblog      []logRow
	weblogIndex map[string]int // row of host, object, status and user
	syslog      []string
	failures    map[string][]time.Time
	lockouts    map[string]time.Time
	nonces      map[string]*nonceState
	nonceSeq    []string
}

const (
	maxWebLog    = 10000
	maxSysLog    = 1000
	maxBody      = 1 << 20 // remote-configuration scripts and uploads
	flashFile    = "flash.cfg"
	certFile     = "cert.pem"
	pendingFile  = "pending.pem"
	forbiddenIDS = "Forbidden (intrusion detection)"
)

// New makes a factory-new camera (or, with StateDir, the camera whose flash
// is kept there). A state directory that cannot be read is reported in the
// camera's system log and the factory state is used.
func New(opts Options) *Camera {
	c := &Camera{opts: opts}
	c.lock()
	c.mu.Unlock()
	return c
}

// newCamera is New that reports a state directory problem.
func newCamera(opts Options) (*Camera, error) {
	c := New(opts)
	return c, c.initErr
}

// lock takes the mutex and initialises a zero Camera on first use.
func (c *Camera) lock() {
	c.mu.Lock()
	if !c.inited {
		c.inited = true
		c.initLocked()
	}
}

func (c *Camera) initLocked() {
	o := &c.opts
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.Serial == "" {
		o.Serial = DefaultSerial
	}
	if o.Firmware == "" {
		o.Firmware = DefaultFirmware
	}
	if !strings.HasPrefix(o.Firmware, "MX-") {
		o.Firmware = "MX-" + o.Firmware
	}
	if o.Hostname == "" {
		o.Hostname = hostnameFor(o.Serial)
	}
	if o.Name == "" {
		o.Name = o.Hostname
	}
	if len(o.Addresses) == 0 {
		o.Addresses = []net.IP{net.IPv4(127, 0, 0, 1)}
	}
	c.closed = make(chan struct{})
	c.faults = o.Faults
	c.factory = withoutSections(factoryConfig(o.Model, o.Serial, o.Firmware, o.Hostname), o.MissingSections)
	if err := c.loadStateLocked(); err != nil {
		c.initErr = err
		c.syslogLocked("state directory: %v; starting with factory defaults", err)
		c.flash = c.factory.Clone()
	}
	if c.cert.Certificate == nil {
		c.cert, c.certPEM = c.factoryCertificate()
	}
	c.bootFromFlashLocked()
}

func (c *Camera) factoryCertificate() (tls.Certificate, []byte) {
	if c.factoryTLS != nil {
		return *c.factoryTLS, c.factoryPEM
	}
	var cert tls.Certificate
	var pemData []byte
	if c.opts.FactoryCert.Certificate != nil {
		cert = c.opts.FactoryCert
		pemData = certKeyPEM(cert)
	} else {
		var err error
		if cert, pemData, err = selfSigned(c.opts.Hostname, c.opts.Addresses); err != nil {
			panic("camsim: generate the factory certificate: " + err.Error())
		}
	}
	c.factoryTLS, c.factoryPEM = &cert, pemData
	return cert, pemData
}

// RestoreFactoryCertificate puts the factory certificate back in force
// (and drops one uploaded but not yet active), as a factory reset does on
// firmware that resets the certificate with the configuration. Whether
// MOBOTIX firmware does is not known from the facts; `reset configfile`
// here keeps an installed certificate, the other possibility. Tests call
// both. Without a state directory the factory certificate is the one the
// camera started with; with one, the one made when that directory was new
// or, once restarted, a new one (the directory keeps only the certificate
// in force).
func (c *Camera) RestoreFactoryCertificate() {
	c.lock()
	defer c.mu.Unlock()
	c.cert, c.certPEM = c.factoryCertificate()
	c.pending, c.pendingPEM = nil, nil
	if err := c.persistLocked(certFile, c.certPEM); err != nil {
		c.syslogLocked("state directory: %v", err)
	}
	if err := c.persistLocked(pendingFile, nil); err != nil {
		c.syslogLocked("state directory: %v", err)
	}
	c.syslogLocked("web server: the factory certificate is active again")
}

// loadStateLocked reads the state directory: the flash and the
// certificates. A pending certificate is activated: starting on a state
// directory is a power cycle, which is a boot.
func (c *Camera) loadStateLocked() error {
	dir := c.opts.StateDir
	if dir == "" {
		c.flash = c.factory.Clone()
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, flashFile))
	switch {
	case errors.Is(err, os.ErrNotExist):
		c.flash = c.factory.Clone()
		if err := writeFileAtomic(filepath.Join(dir, flashFile), c.flash.Bytes()); err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		cfg, err := camera.ParseConfig(data)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, flashFile), err)
		}
		c.flash = cfg
	}
	if data, err := os.ReadFile(filepath.Join(dir, certFile)); err == nil {
		cert, err := tls.X509KeyPair(data, data)
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(dir, certFile), err)
		}
		c.cert, c.certPEM = cert, data
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	} else {
		c.cert, c.certPEM = c.factoryCertificate()
		if c.certPEM != nil {
			if err := writeFileAtomic(filepath.Join(dir, certFile), c.certPEM); err != nil {
				return err
			}
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, pendingFile)); err == nil {
		if cert, err := tls.X509KeyPair(data, data); err == nil {
			c.pending, c.pendingPEM = &cert, data
		}
	}
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// persistLocked writes a file of the state directory (when there is one).
func (c *Camera) persistLocked(name string, data []byte) error {
	if c.opts.StateDir == "" {
		return nil
	}
	path := filepath.Join(c.opts.StateDir, name)
	if data == nil {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	return writeFileAtomic(path, data)
}

// bootFromFlashLocked is the end of a boot: the flash configuration becomes
// RAM and active, temporary IP rules vanish, a pending certificate becomes
// the HTTPS certificate, and what lived in memory only is gone.
func (c *Camera) bootFromFlashLocked() {
	c.weblog, c.weblogIndex = nil, nil // the web server log is deleted at every reboot (doc)
	rules := splitList(c.flash.Value(camera.SecIPAccess, camera.KeyIPRules))
	var keep []string
	for _, txt := range rules {
		if r, err := parseRule(txt); err == nil && r.temporary() {
			continue
		}
		keep = append(keep, txt)
	}
	if len(keep) != len(rules) {
		c.flash.Set(camera.SecIPAccess, camera.KeyIPRules, strings.Join(keep, ","))
	}
	c.ram = c.flash.Clone()
	c.active = c.flash.Clone()
	c.booted = c.flash.Clone()
	if c.pending != nil {
		c.cert, c.certPEM = *c.pending, c.pendingPEM
		c.pending, c.pendingPEM = nil, nil
		if err := c.persistLocked(certFile, c.certPEM); err != nil {
			c.syslogLocked("state directory: %v", err)
		}
		if err := c.persistLocked(pendingFile, nil); err != nil {
			c.syslogLocked("state directory: %v", err)
		}
		c.syslogLocked("web server: the uploaded certificate is active")
	}
	c.failures = map[string][]time.Time{}
	c.lockouts = map[string]time.Time{}
	c.nonces = map[string]*nonceState{}
	c.nonceSeq = nil
}

// storeLocked saves the RAM configuration to flash.
func (c *Camera) storeLocked() error {
	c.flash = c.ram.Clone()
	if err := c.persistLocked(flashFile, c.flash.Bytes()); err != nil {
		return fmt.Errorf("flash: %v", err)
	}
	return nil
}

// startRebootLocked makes the camera go away for its boot time; it comes
// back with the flash configuration.
func (c *Camera) startRebootLocked() {
	if c.booting {
		return
	}
	select {
	case <-c.closed:
		return
	default:
	}
	c.booting = true
	c.epoch++
	c.ready = make(chan struct{})
	c.syslogLocked("reboot")
	go c.boot(c.opts.BootTime, c.ready)
}

func (c *Camera) boot(d time.Duration, ready chan struct{}) {
	if d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-c.closed:
			t.Stop()
			return
		}
	}
	c.mu.Lock()
	c.bootFromFlashLocked()
	c.epoch++
	hook := c.onBoot
	c.mu.Unlock()
	if hook != nil {
		hook()
	}
	c.mu.Lock()
	c.booting = false
	c.syslogLocked("boot complete")
	close(ready)
	c.mu.Unlock()
}

// Reboot restarts the camera as the reboot command does (without HTTP).
func (c *Camera) Reboot() {
	c.lock()
	defer c.mu.Unlock()
	c.startRebootLocked()
}

// Booting reports whether the camera is rebooting (requests get their
// connection closed without an answer).
func (c *Camera) Booting() bool {
	c.lock()
	defer c.mu.Unlock()
	return c.booting
}

// WaitReady waits until a reboot has finished (at once when none runs).
func (c *Camera) WaitReady(ctx context.Context) error {
	c.lock()
	booting, ready := c.booting, c.ready
	c.mu.Unlock()
	if !booting {
		return nil
	}
	select {
	case <-ready:
		return nil
	case <-c.closed:
		return errors.New("the simulated camera was closed while booting")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops a reboot in progress and releases stalled requests. The
// handler keeps answering.
func (c *Camera) Close() {
	c.lock()
	ch := c.closed
	c.mu.Unlock()
	c.closeOnce.Do(func() { close(ch) })
}

// Requests is the number of requests the camera received.
func (c *Camera) Requests() int {
	c.lock()
	defer c.mu.Unlock()
	return c.requests
}

// RAMConfig is a copy of the written configuration (what view configfile
// shows).
func (c *Camera) RAMConfig() *camera.Config {
	c.lock()
	defer c.mu.Unlock()
	return c.ram.Clone()
}

// ActiveConfig is a copy of the enforced configuration (after update).
func (c *Camera) ActiveConfig() *camera.Config {
	c.lock()
	defer c.mu.Unlock()
	return c.active.Clone()
}

// FlashConfig is a copy of the configuration in permanent memory.
func (c *Camera) FlashConfig() *camera.Config {
	c.lock()
	defer c.mu.Unlock()
	return c.flash.Clone()
}

// FactoryConfig is a copy of the factory configuration.
func (c *Camera) FactoryConfig() *camera.Config {
	c.lock()
	defer c.mu.Unlock()
	return c.factory.Clone()
}

// ListenPorts are the camera ports the web server listens on since the
// last boot: the HTTP ports (none when HTTP is off) and the HTTPS port (0
// when off). Port and switch changes take effect at reboot.
func (c *Camera) ListenPorts() (httpPorts []int, httpsPort int) {
	c.lock()
	defer c.mu.Unlock()
	return webPorts(c.honouredConfigLocked(c.booted))
}

// Certificate is the certificate HTTPS presents now.
func (c *Camera) Certificate() *x509.Certificate {
	c.lock()
	defer c.mu.Unlock()
	return leafOf(c.cert)
}

// PendingCertificate is the uploaded certificate that becomes active at the
// next reboot (nil when none).
func (c *Camera) PendingCertificate() *x509.Certificate {
	c.lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		return nil
	}
	return leafOf(*c.pending)
}

// SetIgnoredKeys replaces Options.IgnoredKeys: as if the installer had set
// those settings in the camera's own web interface (nil: every key acted on).
func (c *Camera) SetIgnoredKeys(keys []string) {
	c.lock()
	defer c.mu.Unlock()
	c.opts.IgnoredKeys = append([]string(nil), keys...)
}

// SetFaults replaces the faults; request numbers keep counting.
func (c *Camera) SetFaults(f Faults) {
	c.lock()
	defer c.mu.Unlock()
	c.faults = f
}

// Faults are the faults in force.
func (c *Camera) Faults() Faults {
	c.lock()
	defer c.mu.Unlock()
	return c.faults
}

// RunScript runs a remote-configuration script as an administrator without
// HTTP (test set-up) and returns the reply. A reboot in it starts a reboot.
func (c *Camera) RunScript(script string) string {
	c.lock()
	defer c.mu.Unlock()
	out := c.runScriptLocked([]byte(script))
	if out.reboot {
		c.startRebootLocked()
	}
	return out.b.String()
}

// WebLog is the web server log as /admin/logfile?type=webserver serves it.
func (c *Camera) WebLog() string {
	c.lock()
	defer c.mu.Unlock()
	return c.webLogTextLocked()
}

// SystemLog is the camera's message log (reboots, intrusion detection,
// notifications, IP-level refusals), one message a line.
func (c *Camera) SystemLog() []string {
	c.lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.syslog...)
}

func (c *Camera) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

// logSystem adds a message to the system log (takes the lock).
func (c *Camera) logSystem(format string, args ...any) {
	c.lock()
	defer c.mu.Unlock()
	c.syslogLocked(format, args...)
}

func (c *Camera) syslogLocked(format string, args ...any) {
	line := c.now().UTC().Format(time.RFC3339) + " " + fmt.Sprintf(format, args...)
	c.syslog = append(c.syslog, line)
	if len(c.syslog) > maxSysLog {
		c.syslog = append([]string(nil), c.syslog[len(c.syslog)-maxSysLog:]...)
	}
}

// logRow is one row of the web server log: as the camera's help describes
// it (help webserverlog), one row per host and object with a count, not one
// line per request. The log is deleted at every reboot.
type logRow struct {
	addr, path, user string
	status, count    int
	last             time.Time
}

// webLogHeader is the table's header (the help's column names).
const webLogHeader = "Host Name\tURL\tStatus\tUser Name\tCount\tDate & Time"

func (c *Camera) webLogTextLocked() string {
	var b strings.Builder
	b.WriteString(webLogHeader + "\n")
	for _, e := range c.weblog {
		user := e.user
		if user == "" {
			user = "-"
		}
		fmt.Fprintf(&b, "%s\t%s\t%d\t%s\t%d\t%s\n", e.addr, e.path, e.status, user, e.count, e.last.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// requestLogLine is the JSON request log format.
type requestLogLine struct {
	Time   string `json:"time"`
	Camera string `json:"camera"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
	Remote string `json:"remote"`
	User   string `json:"user"`
}

// logRequestLocked records a request in the web server log and the
// request log. Status 0 means the connection was closed without an answer.
func (c *Camera) logRequestLocked(r *http.Request, user string, status int) {
	ip := remoteIP(r)
	addr := "-"
	if ip != nil {
		addr = ip.String()
	}
	method := r.Method
	if method == "" || strings.ContainsAny(method, " \t\r\n") {
		method = "-"
	}
	now, path := c.now(), logPath(r)
	key := fmt.Sprintf("%s\x00%s\x00%d\x00%s", addr, path, status, user)
	if i, ok := c.weblogIndex[key]; ok {
		c.weblog[i].count++
		c.weblog[i].last = now
	} else if len(c.weblog) < maxWebLog {
		if c.weblogIndex == nil {
			c.weblogIndex = map[string]int{}
		}
		c.weblogIndex[key] = len(c.weblog)
		c.weblog = append(c.weblog, logRow{addr: addr, path: path, user: user, status: status, count: 1, last: now})
	}
	if c.opts.Log != nil {
		line, _ := json.Marshal(requestLogLine{
			Time: now.UTC().Format(time.RFC3339Nano), Camera: c.opts.Name, Method: method,
			Path: path, Status: status, Remote: r.RemoteAddr, User: user,
		})
		_, _ = c.opts.Log.Write(append(line, '\n'))
	}
}

// logPath is the request path for the logs: escaped, and query values kept
// only for parameters that never carry a secret.
func logPath(r *http.Request) string {
	p := r.URL.EscapedPath()
	if p == "" {
		p = "/"
	}
	if r.URL.RawQuery == "" {
		return p
	}
	var q []string
	for _, part := range strings.Split(r.URL.RawQuery, "&") {
		k, v, hasValue := strings.Cut(part, "=")
		switch {
		case !hasValue:
			q = append(q, k)
		case k == "action" || k == "type" || k == "file" || k == "section":
			q = append(q, k+"="+v)
		default:
			q = append(q, k+"=*")
		}
	}
	out := p + "?" + strings.Join(q, "&")
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, out)
}

func remoteIP(r *http.Request) net.IP {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return net.ParseIP(host)
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && n > 0 {
		return n
	}
	return def
}

// connKey marks connections with the camera's boot epoch (ConnContext).
type connKey struct{}

// ConnContext is an http.Server ConnContext hook: it marks each connection
// with the camera's boot, so that a connection opened before a reboot is
// closed, as on a real camera. Server and camsimtest set it.
func (c *Camera) ConnContext(ctx context.Context, _ net.Conn) context.Context {
	c.lock()
	e := c.epoch
	c.mu.Unlock()
	return context.WithValue(ctx, connKey{}, e)
}

// TLSConfig is the HTTPS configuration: it always presents the camera's
// current certificate (which changes at a reboot after an upload).
func (c *Camera) TLSConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		NextProtos: []string{"http/1.1"},
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			c.lock()
			cert := c.cert
			c.mu.Unlock()
			return &tls.Config{MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}, Certificates: []tls.Certificate{cert}}, nil
		},
	}
}
