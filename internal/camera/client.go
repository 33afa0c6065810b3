// Package camera is the client for a MOBOTIX camera's HTTP interfaces: remote
// configuration scripts, the configuration file, store/restore/reset/reboot,
// the TLS certificate slot and the web server log. It authenticates with
// Basic or Digest as the camera asks, pins the camera's TLS certificate on
// first use, sends one request at a time per camera, and counts them.
package camera

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mxwizard/mxwizard/internal/certs"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// Options configure a Client.
type Options struct {
	// Address is the camera as a person gives it (see ParseAddress).
	Address string
	// User and Password are the credentials (default user: admin).
	User     string
	Password secret.Secret
	// Known is the trust-on-first-use store; nil means an in-memory one.
	Known *KnownCameras
	// AcceptNew pins a camera seen for the first time without asking.
	AcceptNew bool
	// ConfirmNew is asked about a camera seen for the first time when
	// AcceptNew is false; nil refuses (ErrUnknownCamera).
	ConfirmNew func(host, fingerprint string) bool
	// AllowPlainHTTP allows sending Basic credentials over plain HTTP.
	AllowPlainHTTP bool
	// Timeout bounds one request (default 30 s).
	Timeout time.Duration
	// LocalAddr, when set, is the source address of connections (tests that
	// play several installer laptops on one machine).
	LocalAddr net.IP
	// Retries is how often a read-only request is repeated after a
	// connection failure, with backoff (default 2). Writes and logins are
	// never repeated blindly.
	Retries int
}

// Client talks to one camera with one set of credentials. Its methods are
// safe for concurrent use; requests to the camera go one at a time.
type Client struct {
	opts     Options
	mu       sync.Mutex // one request at a time
	base     atomic.Pointer[url.URL]
	hc       *http.Client
	auth     *authTransport
	requests atomic.Int64
	peerFP   atomic.Pointer[string]
	peer     atomic.Pointer[x509.Certificate]
	local    atomic.Pointer[net.TCPAddr]
}

// New prepares a client; it makes no request.
func New(opts Options) (*Client, error) {
	base, err := ParseAddress(opts.Address)
	if err != nil {
		return nil, err
	}
	if opts.User == "" {
		opts.User = FactoryUser
	}
	if opts.Timeout == 0 {
		opts.Timeout = 30 * time.Second
	}
	if opts.Retries == 0 {
		opts.Retries = 2
	}
	if opts.Known == nil {
		opts.Known = NewKnownCamerasInMemory()
	}
	c := &Client{opts: opts}
	c.base.Store(base)
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if opts.LocalAddr != nil {
		dialer.LocalAddr = &net.TCPAddr{IP: opts.LocalAddr}
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dialer.DialContext(ctx, network, addr)
		if err == nil {
			if la, ok := conn.LocalAddr().(*net.TCPAddr); ok {
				c.local.Store(la)
			}
		}
		return conn, err
	}
	tr := &http.Transport{
		DialContext:           dial,
		TLSClientConfig:       c.tlsConfig(),
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConnsPerHost:   1,
		MaxConnsPerHost:       1,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     false,
	}
	c.auth = &authTransport{next: tr, user: opts.User, password: opts.Password, allowPlain: opts.AllowPlainHTTP, count: &c.requests}
	c.hc = &http.Client{
		Transport: c.auth,
		Timeout:   opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a camera does not redirect; never follow with credentials
		},
	}
	return c, nil
}

// Base is the URL the client currently talks to.
func (c *Client) Base() *url.URL { u := *c.base.Load(); return &u }

// SetBase points the client at another scheme or port of the same camera
// (after a port change or when HTTP was switched off).
func (c *Client) SetBase(u *url.URL) {
	nu := *u
	c.base.Store(&nu)
	c.auth.forgetChallenge()
	c.hc.CloseIdleConnections()
}

// Host is the camera's host (IP address or name) without port.
func (c *Client) Host() string { return c.Base().Hostname() }

// Address is the camera's base URL as text.
func (c *Client) Address() string { return c.Base().String() }

// User is the user name the client logs in with.
func (c *Client) User() string { return c.opts.User }

// Requests is the number of HTTP requests sent so far (authentication
// challenges included).
func (c *Client) Requests() int64 { return c.requests.Load() }

// Fingerprint is the SHA-256 fingerprint of the certificate the camera
// presented last ("" before the first HTTPS connection).
func (c *Client) Fingerprint() string {
	if p := c.peerFP.Load(); p != nil {
		return *p
	}
	return ""
}

// PeerCertificate is the certificate the camera presented last (nil before
// the first HTTPS connection).
func (c *Client) PeerCertificate() *x509.Certificate { return c.peer.Load() }

// LocalIP is this computer's address on the last connection to the camera:
// the address the camera sees (nil before the first request).
func (c *Client) LocalIP() net.IP {
	if la := c.local.Load(); la != nil {
		return la.IP
	}
	return nil
}

// ForgetAuthentication makes the next request learn the camera's
// authentication scheme afresh (after switching Basic to Digest).
func (c *Client) ForgetAuthentication() {
	c.auth.forgetChallenge()
	c.hc.CloseIdleConnections()
}

// OfferedSchemes are the login schemes (basic, digest) the camera offered
// in the latest 401 challenge this client saw: what the camera accepts, as
// opposed to what its configuration says. Nil before any challenge.
func (c *Client) OfferedSchemes() []string {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	return slices.Clone(c.auth.offered)
}

// sideClient is a client for one look at the camera beside the session's
// connection: at base, with the same pins (never pinning anything new),
// sending no credentials of its own (a caller that tries a login sets the
// header itself). A timeout, when given, replaces the request timeout and
// means a quick probe: no retries. Its requests are counted as the
// client's by the caller.
func (c *Client) sideClient(base *url.URL, timeout time.Duration) (*Client, error) {
	o := c.opts
	o.Address = base.String()
	o.Password = secret.Secret{}
	o.AcceptNew, o.ConfirmNew = false, nil
	if timeout > 0 {
		o.Timeout, o.Retries = timeout, 0
	}
	side, err := New(o)
	if err != nil {
		return nil, err
	}
	side.auth.anonymous = true
	return side, nil
}

// Anonymous fetches path without credentials (as anybody on the network
// would) and returns the status and the start of the body: how effect
// checks see robots.txt and what public access exposes. It is read-only and
// never sends a password.
func (c *Client) Anonymous(ctx context.Context, path string) (int, []byte, error) {
	anon, err := c.sideClient(c.Base(), 0)
	if err != nil {
		return 0, nil, err
	}
	defer anon.Close()
	resp, body, err := anon.do(ctx, "read "+path+" without login", http.MethodGet, path, nil, nil)
	c.requests.Add(anon.Requests())
	if resp != nil {
		return resp.StatusCode, body, nil
	}
	return 0, nil, err
}

// Fetch GETs path with the client's login and returns the status and the
// body (at most what do reads), for read-only reports such as `mxwizard
// probe`: any answer is a result, only no answer is an error.
func (c *Client) Fetch(ctx context.Context, path string) (int, []byte, error) {
	resp, body, err := c.do(ctx, "read "+path, http.MethodGet, path, nil, nil)
	if resp != nil {
		return resp.StatusCode, body, nil
	}
	return 0, nil, err
}

// BasicRefused tries one Basic login with the client's own credentials
// (over HTTPS only: the password must not cross the network readable) and
// reports whether the camera refused it, with the schemes its 401 offered;
// the client then answers that challenge up front. A camera set to Digest
// that still takes Basic is not done with step 10. The refusal counts as
// one failed login on the camera.
func (c *Client) BasicRefused(ctx context.Context) (refused bool, offered []string, err error) {
	if c.Base().Scheme != "https" {
		return false, nil, &Error{Camera: c.Address(), Op: "try a Basic login", Kind: ErrInsecureCredentials, Hint: "connect with https:// to have it checked"}
	}
	probe, err := c.sideClient(c.Base(), 0)
	if err != nil {
		return false, nil, err
	}
	defer probe.Close()
	token := base64.StdEncoding.EncodeToString([]byte(c.opts.User + ":" + c.opts.Password.Reveal()))
	resp, _, err := probe.do(ctx, "try a Basic login", http.MethodGet, PathConfigFile, nil, http.Header{"Authorization": {"Basic " + token}})
	c.requests.Add(probe.Requests())
	if resp == nil {
		return false, nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return false, c.OfferedSchemes(), nil
	}
	offered = offeredSchemes(resp.Header)
	c.auth.learn(resp.Header, offered)
	return true, offered, nil
}

// Challenge asks the camera, without credentials, which login schemes it
// offers now: one anonymous GET of an admin path, whose 401 carries the
// challenge. Nothing is sent that could count as a failed login.
func (c *Client) Challenge(ctx context.Context) ([]string, error) {
	anon, err := c.sideClient(c.Base(), 0)
	if err != nil {
		return nil, err
	}
	defer anon.Close()
	resp, _, err := anon.do(ctx, "ask for the login challenge", http.MethodGet, PathConfigFile, nil, nil)
	c.requests.Add(anon.Requests())
	if resp == nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		return nil, &Error{Camera: c.Address(), Op: "ask for the login challenge", Kind: ErrCamera, Detail: "HTTP " + resp.Status + " without a login for " + PathConfigFile}
	}
	offered := offeredSchemes(resp.Header)
	c.auth.learn(resp.Header, offered) // the next request answers this challenge up front
	return offered, nil
}

// AnswersAt reports whether anything answers HTTP(S) on the camera's host
// at scheme and port: one anonymous GET of robots.txt, no password, a short
// timeout. A refused or closed connection or no answer in time is false; a
// certificate that differs from the pin still counts as an answer
// (something listens there).
func (c *Client) AnswersAt(ctx context.Context, scheme string, port int) bool {
	anon, err := c.sideClient(WithPort(c.Base(), scheme, port), 5*time.Second)
	if err != nil {
		return false
	}
	defer anon.Close()
	resp, _, err := anon.do(ctx, "probe port "+strconv.Itoa(port), http.MethodGet, PathRobots, nil, nil)
	c.requests.Add(anon.Requests())
	var fe *FingerprintError
	return resp != nil || errors.As(err, &fe)
}

// Known is the trust-on-first-use store the client uses.
func (c *Client) Known() *KnownCameras { return c.opts.Known }

// WithPassword returns a new client for the same camera and store with
// other credentials (after a password change, or to prove the old one fails).
func (c *Client) WithPassword(user string, pw secret.Secret) (*Client, error) {
	o := c.opts
	o.Address = c.Address()
	o.User, o.Password = user, pw
	o.AcceptNew, o.ConfirmNew = false, nil // the camera is known by now
	return New(o)
}

// maxReply bounds what mxwizard reads of one reply.
const maxReply = 32 << 20

// Close releases idle connections.
func (c *Client) Close() { c.hc.CloseIdleConnections() }

// FingerprintSHA256 formats the SHA-256 of a DER certificate like
// `openssl x509 -fingerprint -sha256`: upper-case hex pairs joined by colons.
func FingerprintSHA256(der []byte) string { return certs.FingerprintSHA256(der) }

func (c *Client) tlsConfig() *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Cameras carry self-signed certificates: chain verification is
		// replaced by pinning the certificate's fingerprint (below).
		InsecureSkipVerify: true, //nolint:gosec // pinned in VerifyConnection
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the camera presented no certificate")
			}
			fp := FingerprintSHA256(cs.PeerCertificates[0].Raw)
			c.peerFP.Store(&fp)
			c.peer.Store(cs.PeerCertificates[0])
			host := c.Host()
			pinned, ok := c.opts.Known.Lookup(host)
			if ok && pinned == fp {
				return nil
			}
			// Another process may have pinned or promoted since this store
			// was loaded: the file, read again, decides.
			if c.opts.Known.refreshed(host, fp) {
				return nil
			}
			pinned, ok = c.opts.Known.Lookup(host)
			switch {
			case c.opts.Known.promoteNext(host, fp):
				return nil
			case ok:
				return &FingerprintError{
					Camera: host, Pinned: pinned, Received: fp, Earlier: fp == c.opts.Known.Before(host),
					Certificate: cs.PeerCertificates[0], KnownFile: c.opts.Known.Path(),
				}
			case c.opts.AcceptNew || (c.opts.ConfirmNew != nil && c.opts.ConfirmNew(host, fp)):
				return c.opts.Known.Pin(host, fp)
			default:
				return &FingerprintError{Camera: host, Received: fp}
			}
		},
	}
}

// PinNext deliberately pins the certificate mxwizard itself uploaded,
// before the reboot that activates it: until then the old certificate stays
// valid, and the first connection that presents the new one makes it the
// only pin. The fingerprint comes from the uploaded file, never from the
// network, and is on disk before the reboot, so an interruption cannot leave
// a certificate nobody trusts.
func (c *Client) PinNext(cert *x509.Certificate) error {
	return c.opts.Known.PinNext(c.Host(), FingerprintSHA256(cert.Raw))
}

// do sends one request, mapping failures to typed errors.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte, header http.Header) (*http.Response, []byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u := c.Base()
	ref, err := url.Parse(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: bad path %q: %w", op, path, err)
	}
	u = u.ResolveReference(ref)
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	if body == nil {
		req.Body, req.GetBody, req.ContentLength = http.NoBody, nil, 0
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "mxwizard")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, nil, c.transportError(op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReply+1))
	if err != nil {
		return nil, nil, c.transportError(op, err)
	}
	if len(data) > maxReply {
		// A cut reply would be judged as if it were the whole
		// configuration: steps whose sections were cut off would fail or
		// pass on a fragment.
		return resp, nil, &Error{
			Camera: c.Address(), Op: op, Kind: ErrCamera, Detail: fmt.Sprintf("the reply is larger than %d MiB and was not read", maxReply>>20),
			Hint: "a camera's configuration is far smaller: check the address",
		}
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return resp, data, &Error{
			Camera: c.Address(), Op: op, Kind: ErrUnauthorized, Detail: "user " + c.opts.User,
			Hint: "check the user name and password; mxwizard does not try again, so the camera's intrusion detection is not tripped",
		}
	case resp.StatusCode == http.StatusForbidden && strings.Contains(string(data), "intrusion"):
		return resp, data, &Error{
			Camera: c.Address(), Op: op, Kind: ErrLockedOut,
			Hint: "wait for the lock-out time to pass, or connect from an address the camera admits",
		}
	case resp.StatusCode == http.StatusForbidden:
		return resp, data, &Error{
			Camera: c.Address(), Op: op, Kind: ErrUnauthorized, Detail: "user " + c.opts.User + " lacks the rights for " + ref.Path,
			Hint: "log in with a user of the admins group",
		}
	case resp.StatusCode == http.StatusNotFound:
		return resp, data, &Error{
			Camera: c.Address(), Op: op, Kind: ErrNotMobotix, Detail: "HTTP 404 for " + ref.Path,
			Hint: "check the address: is this a MOBOTIX camera?",
		}
	case resp.StatusCode >= 500:
		return resp, data, &Error{
			Camera: c.Address(), Op: op, Kind: ErrCamera, Detail: "HTTP " + resp.Status, Status: resp.StatusCode,
			Hint: "the camera may be busy or restarting; try again in a minute",
		}
	case resp.StatusCode != http.StatusOK:
		return resp, data, &Error{Camera: c.Address(), Op: op, Kind: ErrCamera, Detail: "HTTP " + resp.Status}
	}
	return resp, data, nil
}

func (c *Client) transportError(op string, err error) error {
	var fe *FingerprintError
	if errors.As(err, &fe) {
		return fe
	}
	var ie *insecureError
	if errors.As(err, &ie) {
		return &Error{
			Camera: c.Address(), Op: op, Kind: ErrInsecureCredentials,
			Hint: "use https:// (the camera's HTTPS port); only on a trusted network, allow plain HTTP explicitly (--allow-plain-http; the wizard asks)",
		}
	}
	var de *downgradeError
	if errors.As(err, &de) {
		return &Error{
			Camera: c.Address(), Op: op, Kind: ErrAuthDowngrade,
			Hint: "the camera may have rebooted and lost an unstored Digest setting, or another device answers at this address: check the camera, then connect again (the password was not sent with Basic)",
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return &Error{Camera: c.Address(), Op: op, Kind: ErrTimeout, Hint: "check the cable and the address; the camera may be rebooting"}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &Error{Camera: c.Address(), Op: op, Kind: ErrTimeout, Hint: "check the cable and the address; the camera may be rebooting"}
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		return &Error{
			Camera: c.Address(), Op: op, Kind: ErrUnreachable, Detail: "the connection was closed without an answer",
			Hint: "the camera may be rebooting, or its IP-level access control may block this computer",
		}
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return &Error{
			Camera: c.Address(), Op: op, Kind: ErrUnreachable, Detail: oe.Err.Error(),
			Hint: "check the address, the port and the network cable",
		}
	}
	var rhe tls.RecordHeaderError
	if errors.As(err, &rhe) {
		return &Error{
			Camera: c.Address(), Op: op, Kind: ErrNotMobotix, Detail: "the port does not speak HTTPS",
			Hint: "use http:// for this port, or the camera's HTTPS port",
		}
	}
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return &Error{Camera: c.Address(), Op: op, Kind: ErrTimeout}
	}
	return &Error{Camera: c.Address(), Op: op, Kind: ErrUnreachable, Detail: err.Error()}
}

// retryable reports whether a failed read may be repeated.
func retryable(err error) bool {
	return errors.Is(err, ErrUnreachable) || errors.Is(err, ErrTimeout) ||
		isServerError(err)
}

// withRetry runs a read-only operation, repeating it after connection
// failures with backoff.
func (c *Client) withRetry(ctx context.Context, fn func() error) error {
	delay := 200 * time.Millisecond
	var err error
	for attempt := 0; attempt <= c.opts.Retries; attempt++ {
		if err = fn(); err == nil || !retryable(err) {
			return err
		}
		if attempt == c.opts.Retries {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay *= 2
	}
	return err
}

// Run sends a script and parses the reply. Error lines in the reply are
// returned as an *Error of kind ErrCamera together with the reply. Scripts
// that only view are repeated after connection failures; scripts that write
// are not.
func (c *Client) Run(ctx context.Context, s *Script) (*Reply, error) {
	var reply *Reply
	run := func() error {
		_, data, err := c.do(ctx, "remote configuration", http.MethodPost, PathRemoteConfig, s.Bytes(),
			http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
		if err != nil {
			return err
		}
		reply, err = ParseReply(data)
		if err != nil {
			return &Error{
				Camera: c.Address(), Op: "remote configuration", Kind: ErrNotMobotix,
				Detail: "the reply does not start with " + ReplyPrefix, Hint: "check the address: is this a MOBOTIX camera?",
			}
		}
		return nil
	}
	var err error
	if s.readOnly() {
		err = c.withRetry(ctx, run)
	} else {
		err = run()
	}
	if err != nil {
		return nil, err
	}
	if errs := reply.Errors(); len(errs) > 0 {
		return reply, &Error{Camera: c.Address(), Op: "remote configuration", Kind: ErrCamera, Detail: strings.Join(errs, "; ")}
	}
	return reply, nil
}

// Identity is what identifies a camera.
type Identity struct {
	Model    string `json:"model"`
	Serial   string `json:"serial"`
	Firmware string `json:"firmware"`
	Hostname string `json:"hostname"`
}

// ReadConfig reads the whole active configuration file (`view configfile`).
func (c *Client) ReadConfig(ctx context.Context) (*Config, error) {
	cfg, _, err := c.ReadConfigRaw(ctx)
	return cfg, err
}

// ReadConfigRaw reads the configuration like ReadConfig and also returns
// the camera's whole answer as it arrived, wrapper lines included, for
// `mxwizard probe` to show the wrapper's shape from the same request.
func (c *Client) ReadConfigRaw(ctx context.Context) (*Config, []byte, error) {
	reply, err := c.Run(ctx, new(Script).ViewConfigFile())
	if err != nil {
		return nil, nil, err
	}
	data, ok := reply.ConfigFile()
	if !ok {
		return nil, nil, &Error{Camera: c.Address(), Op: "read configuration", Kind: ErrNotMobotix, Detail: "no configuration file in the reply"}
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, nil, &Error{Camera: c.Address(), Op: "read configuration", Kind: ErrCamera, Detail: err.Error()}
	}
	return cfg, reply.raw, nil
}

// IdentityOf extracts the identity from a configuration.
func IdentityOf(cfg *Config) Identity {
	id := Identity{
		Model:    CleanText(cfg.Value(SecSystem, KeyModel)),
		Serial:   CleanText(cfg.Value(SecSystem, KeySerial)),
		Firmware: CleanText(cfg.Value(SecTimestamp, KeyVersion)),
		Hostname: CleanText(cfg.Value(SecEthernet, KeyHostname)),
	}
	if id.Firmware == "" {
		id.Firmware = CleanText(cfg.Firmware())
	}
	return id
}

// Identity reads model, serial, firmware and host name in one request.
func (c *Client) Identity(ctx context.Context) (Identity, error) {
	reply, err := c.Run(ctx, new(Script).ViewSection(SecSystem).ViewSection(SecEthernet).ViewSection(SecTimestamp))
	if err != nil && reply == nil {
		return Identity{}, err
	}
	merged := &Config{}
	for _, name := range []string{SecSystem, SecEthernet, SecTimestamp} {
		if s, ok := reply.Sections[name]; ok {
			merged.ReplaceSection(s, name)
		}
	}
	id := IdentityOf(merged)
	if id.Firmware == "" {
		return id, &Error{Camera: c.Address(), Op: "identify camera", Kind: ErrNotMobotix, Detail: "no firmware version in the reply"}
	}
	return id, nil
}

// Set writes parameters, activates them and reads the named sections back,
// all in one request.
func (c *Client) Set(ctx context.Context, params []Param, readBack ...string) (*Reply, error) {
	s, err := new(Script).WriteParams(params...)
	if err != nil {
		return nil, &Error{Camera: c.Address(), Op: "write parameters", Kind: ErrCamera, Detail: err.Error()}
	}
	s.Update()
	for _, sec := range readBack {
		s.ViewSection(sec)
	}
	return c.Run(ctx, s)
}

// Store saves the active configuration to flash (permanent memory).
func (c *Client) Store(ctx context.Context) error {
	_, err := c.Run(ctx, new(Script).Store())
	return err
}

// ResetToFactory brings back the factory configuration (users too) and
// activates it, except the network settings (section ethernet: address,
// name, DHCP): a whole reset would bring the factory address 10.x.x.x
// back at the reboot, and the camera would vanish from the network the
// installer reaches it on. It is not stored: a reboot without Store
// brings the old configuration back.
func (c *Client) ResetToFactory(ctx context.Context) error {
	_, err := c.Run(ctx, new(Script).ResetExceptSections(SecEthernet).Update())
	return err
}

// Reboot asks the camera to restart. The reply comes before the restart.
func (c *Client) Reboot(ctx context.Context) error {
	_, data, err := c.do(ctx, "reboot", http.MethodPost, PathRControl+"?action=reboot", nil, nil)
	if err != nil {
		return err
	}
	if !strings.Contains(string(data), "OK") {
		return &Error{Camera: c.Address(), Op: "reboot", Kind: ErrCamera, Detail: "the camera did not confirm the reboot"}
	}
	c.hc.CloseIdleConnections()
	return nil
}

// WaitUntilBack polls until the camera answers a remote-configuration
// request at the client's (possibly new) base URL, or ctx ends. While the
// camera is unreachable, times out or answers 5xx it polls again; any other
// error ends the wait. (The engine pauses once before the first poll, so
// that a camera still processing the reboot is not taken for one back.)
func (c *Client) WaitUntilBack(ctx context.Context, poll time.Duration) (Identity, error) {
	if poll <= 0 {
		poll = time.Second
	}
	for {
		c.hc.CloseIdleConnections()
		id, err := c.Identity(ctx)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, ErrUnreachable) && !errors.Is(err, ErrTimeout) && !isServerError(err) {
			return Identity{}, err
		}
		select {
		case <-ctx.Done():
			return Identity{}, &Error{
				Camera: c.Address(), Op: "wait for the camera to come back", Kind: ErrTimeout,
				Detail: "last error: " + err.Error(), Hint: "a reboot takes about 2 minutes; check power and cable, then run again",
			}
		case <-time.After(poll):
		}
	}
}

// WaitAfterReboot waits (at most timeout; 0 is 5 minutes) for a camera
// that was just told to reboot: it pauses one poll first, so that a camera
// still finishing the old session is not taken for one back, then polls at
// the client's base. When the camera does not come back there, it looks
// once at alt (a firmware that did not move where its settings said) and
// reports whether it answered there instead; the client's base is then alt.
func (c *Client) WaitAfterReboot(ctx context.Context, timeout, poll time.Duration, alt *url.URL) (atAlt bool, err error) {
	if timeout == 0 {
		timeout = 5 * time.Minute
	}
	if poll == 0 {
		poll = 2 * time.Second
	}
	wctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	select {
	case <-wctx.Done():
	case <-time.After(poll):
	}
	if _, err = c.WaitUntilBack(wctx, poll); err == nil {
		return false, nil
	}
	primary := c.Base()
	if ctx.Err() != nil || alt == nil || alt.String() == primary.String() {
		return false, err
	}
	c.SetBase(alt)
	c.ForgetAuthentication()
	actx, acancel := context.WithTimeout(ctx, 3*poll+5*time.Second)
	defer acancel()
	if _, aerr := c.WaitUntilBack(actx, poll); aerr != nil {
		c.SetBase(primary)
		return false, fmt.Errorf("%w (and the camera does not answer at %s either)", err, alt)
	}
	return true, nil
}

// DownloadConfig fetches the configuration file as the web interface's
// "Save current configuration to local computer" does, byte for byte.
func (c *Client) DownloadConfig(ctx context.Context) (data []byte, filename string, err error) {
	err = c.withRetry(ctx, func() error {
		resp, body, err := c.do(ctx, "download configuration", http.MethodGet, PathConfigFile, nil, nil)
		if err != nil {
			return err
		}
		data = body
		if _, params, perr := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); perr == nil {
			filename = params["filename"]
		}
		return nil
	})
	if err == nil && !bytes.HasPrefix(data, []byte("#:")) && !bytes.Contains(data, []byte("\n#:MX-")) {
		return nil, "", &Error{Camera: c.Address(), Op: "download configuration", Kind: ErrNotMobotix, Detail: "the file has no #:MX- header"}
	}
	return data, filename, err
}

// ReadCertificate fetches the certificate the camera's HTTPS server uses
// from its one slot (PEM; the key never leaves the camera).
func (c *Client) ReadCertificate(ctx context.Context) ([]byte, error) {
	var data []byte
	err := c.withRetry(ctx, func() error {
		_, body, err := c.do(ctx, "read certificate", http.MethodGet, PathMedia+"?file="+CertFileName, nil, nil)
		data = body
		return err
	})
	return data, err
}

// UploadCertificate installs a certificate the way MOBOTIX 7 cameras take
// it (the Keyfactor MOBOTIX orchestrator, tested on MX-V7.3.5.35): the
// private key alone as httpd_privkey.pem (unencrypted PKCS#8), then the
// leaf certificate alone as httpd_cert.pem, each a POST of its own to the
// media slot (field some_file, part type application/x-x509-ca-cert, the
// boundary unquoted: the camera is strict about multipart syntax). The
// pair becomes active at the next reboot. The camera's reply text is
// unknown: like the orchestrator, a 2xx answer with a body counts.
func (c *Client) UploadCertificate(ctx context.Context, key secret.Secret, certPEM []byte) error {
	if err := c.uploadMedia(ctx, KeyFileName, []byte(key.Reveal())); err != nil {
		return err
	}
	return c.uploadMedia(ctx, CertFileName, certPEM)
}

func (c *Client) uploadMedia(ctx context.Context, name string, content []byte) error {
	sum := sha256.Sum256(content)
	boundary := "mxwizard" + fmt.Sprintf("%x", sum[:12])
	var b bytes.Buffer
	fmt.Fprintf(&b, "--%s\r\n", boundary)
	fmt.Fprintf(&b, "Content-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n", CertFieldName, name)
	fmt.Fprintf(&b, "Content-Type: %s\r\n\r\n", CertContentType)
	b.Write(content)
	fmt.Fprintf(&b, "\r\n--%s--\r\n", boundary)
	_, data, err := c.do(ctx, "upload "+name, http.MethodPost, PathMedia, b.Bytes(),
		http.Header{"Content-Type": {"multipart/form-data; boundary=" + boundary}})
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &Error{Camera: c.Address(), Op: "upload " + name, Kind: ErrCamera, Detail: "the camera answered with an empty body"}
	}
	return nil
}

// WebLog reads the camera's web server log.
func (c *Client) WebLog(ctx context.Context) ([]LogEntry, error) {
	var data []byte
	err := c.withRetry(ctx, func() error {
		_, body, err := c.do(ctx, "read web server log", http.MethodGet, PathWebLog+"?type=webserver", nil, nil)
		data = body
		return err
	})
	if err != nil {
		return nil, err
	}
	return ParseWebLog(data), nil
}

func (s *Script) readOnly() bool {
	for _, c := range s.cmds {
		if !strings.HasPrefix(c, "view ") && c != "help" {
			return false
		}
	}
	return true
}
