// Package discover finds MOBOTIX cameras in address ranges without logging
// in: no credentials are sent, so a camera's intrusion detection never
// counts a search as an attack. A camera is recognised the way Greenbone's
// detectors do: "MOBOTIX AG, Germany" on its camera info page, which a
// factory-new camera shows to anybody, or the realm "MOBOTIX Camera User"
// of the login it asks for once public access is off.
package discover

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// Camera is one camera found: where it answers and what it shows without
// a login.
type Camera struct {
	// Address is scheme://ip:port, usable as it is by apply and audit.
	Address string `json:"address"`
	Scheme  string `json:"scheme"`
	Port    int    `json:"port"`
	// Model, Serial, Firmware and Name are what the camera info page
	// shows; empty when it asks for a login.
	Model    string `json:"model,omitempty"`
	Serial   string `json:"serial,omitempty"`
	Firmware string `json:"firmware,omitempty"`
	Name     string `json:"name,omitempty"`
	// LoginRequired: the camera info page asked for a login (public
	// access is off, as on a hardened camera).
	LoginRequired bool `json:"login_required"`
	// Certificate is the SHA-256 fingerprint of the certificate presented
	// over HTTPS; FactoryCertificate tells whether it is the camera's
	// factory self-signed one.
	Certificate        string `json:"certificate_sha256,omitempty"`
	FactoryCertificate bool   `json:"factory_certificate,omitempty"`
	// AlsoAt are the other addresses the same camera answered on (its
	// plain HTTP port beside HTTPS): a camera is listed once, at its HTTPS
	// address when it has one.
	AlsoAt []string `json:"also_at,omitempty"`
	// Pin compares the certificate with this computer's known-cameras
	// file (ComparePins): PinSame, PinChanged, PinEarlier, or empty when
	// the address is not pinned (or the camera speaks plain HTTP only).
	Pin string `json:"pin,omitempty"`
}

// What ComparePins finds for a camera's certificate.
const (
	// PinSame: the certificate pinned for this address.
	PinSame = "same"
	// PinChanged: another certificate than the one pinned: someone may be
	// intercepting, or the camera got a new one outside mxwizard.
	PinChanged = "changed"
	// PinEarlier: the certificate the camera had before mxwizard installed
	// its own (a reset to factory defaults brings it back).
	PinEarlier = "earlier"
)

// ComparePins sets each camera's Pin from the known-cameras store: the
// search itself never pins anything (it logs in nowhere), but what it saw
// is compared with what this computer trusts.
func ComparePins(found []Camera, known *camera.KnownCameras) {
	if known == nil {
		return
	}
	for i := range found {
		c := &found[i]
		if c.Certificate == "" {
			continue
		}
		u, err := camera.ParseAddress(c.Address)
		if err != nil {
			continue
		}
		pinned, ok := known.Lookup(u.Hostname())
		switch {
		case !ok:
		case pinned == c.Certificate:
			c.Pin = PinSame
		case known.Before(u.Hostname()) == c.Certificate:
			c.Pin = PinEarlier
		default:
			c.Pin = PinChanged
		}
	}
}

// MaxPrefixBits is the largest range searched without Options.Force: a /16
// (65,536 addresses).
const MaxPrefixBits = 16

// Options tune a search.
type Options struct {
	Ports       []int         // ports to try on every address (default 443, 80)
	Timeout     time.Duration // per connection and request (default 1.5 s)
	Concurrency int           // probes at once (default 256)
	Force       bool          // allow ranges larger than a /16
}

// DefaultPorts are tried when Options.Ports is empty: the camera's factory
// HTTPS and HTTP ports.
var DefaultPorts = []int{443, 80}

// Range is a set of consecutive IPv4 addresses.
type Range struct {
	From, To netip.Addr
	Text     string // as given
}

// Size is the number of addresses in the range.
func (r Range) Size() uint64 {
	return uint64(v4(r.To)) - uint64(v4(r.From)) + 1
}

func v4(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func fromV4(n uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

// ParseRange reads a CIDR (192.168.1.0/24), a range (192.168.1.10-192.168.1.50
// or 192.168.1.10-50) or a single IPv4 address. A CIDR of a network leaves
// out its network and broadcast addresses.
func ParseRange(s string) (Range, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil || !p.Addr().Is4() {
			return Range{}, fmt.Errorf("%q is not an IPv4 network (e.g. 192.168.1.0/24)", camera.CleanText(s))
		}
		p = p.Masked()
		first := v4(p.Addr())
		last := first | (1<<(32-p.Bits()) - 1)
		if p.Bits() <= 30 {
			first, last = first+1, last-1
		}
		return Range{From: fromV4(first), To: fromV4(last), Text: s}, nil
	}
	if a, b, ok := strings.Cut(s, "-"); ok {
		from, err := netip.ParseAddr(strings.TrimSpace(a))
		if err != nil || !from.Is4() {
			return Range{}, fmt.Errorf("%q: the start is not an IPv4 address (e.g. 192.168.1.10-192.168.1.50)", camera.CleanText(s))
		}
		b = strings.TrimSpace(b)
		to, err := netip.ParseAddr(b)
		if err != nil {
			// The short form: the last byte only.
			n, nerr := strconv.Atoi(b)
			if nerr != nil || n < 0 || n > 255 {
				return Range{}, fmt.Errorf("%q: the end is neither an IPv4 address nor a last byte 0-255", camera.CleanText(s))
			}
			f := from.As4()
			f[3] = byte(n)
			to = netip.AddrFrom4(f)
		}
		if !to.Is4() || v4(to) < v4(from) {
			return Range{}, fmt.Errorf("%q: the end comes before the start", camera.CleanText(s))
		}
		return Range{From: from, To: to, Text: s}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return Range{}, fmt.Errorf("%q is neither an IPv4 address, a range a-b nor a network a.b.c.d/n", camera.CleanText(s))
	}
	return Range{From: a, To: a, Text: s}, nil
}

// CheckSize refuses a range larger than a /16 unless force is set.
func CheckSize(r Range, force bool) error {
	if !force && r.Size() > 1<<(32-MaxPrefixBits) {
		return fmt.Errorf("%s holds %d addresses, more than a /16 (65,536): searching it would take long and flood the network; give a smaller range, or --force", r.Text, r.Size())
	}
	return nil
}

// LocalNetworks are the IPv4 networks of this computer's interfaces that
// are up (loopback and link-local left out), as ranges.
func LocalNetworks() ([]Range, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var out []Range
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.To4() == nil || ipn.IP.IsLinkLocalUnicast() {
				continue
			}
			ones, _ := ipn.Mask.Size()
			p := netip.PrefixFrom(netip.AddrFrom4([4]byte(ipn.IP.To4())), ones).Masked()
			r, err := ParseRange(p.String())
			if err != nil {
				continue
			}
			r.Text = p.String() + " (" + ifc.Name + ")"
			out = append(out, r)
		}
	}
	return out, nil
}

// FactoryHint tells how to reach a factory-new camera, which answers on the
// 10.x.x.x address printed on its label (network 255.0.0.0).
const FactoryHint = "a factory-new camera answers on the 10.x.x.x address printed on its label (network 10.0.0.0/8): give this computer an extra address in that network (e.g. sudo ip addr add 10.254.254.1/8 dev eth0) and search the label's address, e.g. mxwizard discover 10.20.30.40"

// Search probes every address of the ranges on every port and returns the
// cameras found, in address and port order. progress, when set, hears the
// number of probes done and the total.
func Search(ctx context.Context, ranges []Range, o Options, progress func(done, total int)) ([]Camera, error) {
	ports := o.Ports
	if len(ports) == 0 {
		ports = DefaultPorts
	}
	if o.Timeout <= 0 {
		o.Timeout = 1500 * time.Millisecond
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 256
	}
	var total uint64
	for _, r := range ranges {
		if err := CheckSize(r, o.Force); err != nil {
			return nil, err
		}
		total += r.Size() * uint64(len(ports))
	}
	type probe struct {
		ip   netip.Addr
		port int
	}
	jobs := make(chan probe)
	var mu sync.Mutex
	var found []Camera
	done := 0
	var wg sync.WaitGroup
	for range min(o.Concurrency, int(max(total, 1))) {
		wg.Go(func() {
			for p := range jobs {
				c, ok := Probe(ctx, p.ip, p.port, o.Timeout)
				mu.Lock()
				done++
				if ok {
					found = append(found, c)
				}
				if progress != nil {
					progress(done, int(total))
				}
				mu.Unlock()
			}
		})
	}
	seen := map[netip.Addr]bool{}
feed:
	for _, r := range ranges {
		for n := uint64(v4(r.From)); n <= uint64(v4(r.To)); n++ {
			ip := fromV4(uint32(n))
			if seen[ip] {
				continue // overlapping ranges: every address once
			}
			seen[ip] = true
			for _, port := range ports {
				select {
				case jobs <- probe{ip, port}:
				case <-ctx.Done():
					break feed
				}
			}
		}
	}
	close(jobs)
	wg.Wait()
	sort.Slice(found, func(i, j int) bool {
		a, b := netip.MustParseAddr(hostOf(found[i].Address)), netip.MustParseAddr(hostOf(found[j].Address))
		if a != b {
			return a.Less(b)
		}
		return found[i].Port < found[j].Port
	})
	return mergeSameCamera(found), ctx.Err()
}

// mergeSameCamera lists each camera once: the answers of one IP address
// that show the same serial (or none) are one camera, kept at its HTTPS
// address, its other addresses in AlsoAt. found is sorted by address.
func mergeSameCamera(found []Camera) []Camera {
	var out []Camera
	for _, c := range found {
		host := hostOf(c.Address)
		merged := false
		for i := range out {
			o := &out[i]
			if hostOf(o.Address) != host || (o.Serial != c.Serial && o.Serial != "" && c.Serial != "") {
				continue
			}
			if o.Scheme == "http" && c.Scheme == "https" {
				c.AlsoAt = append(append([]string{o.Address}, o.AlsoAt...), c.AlsoAt...)
				if c.Serial == "" {
					c.Model, c.Serial, c.Firmware, c.Name = o.Model, o.Serial, o.Firmware, o.Name
				}
				*o = c
			} else {
				o.AlsoAt = append(o.AlsoAt, c.Address)
				if o.Serial == "" {
					o.Model, o.Serial, o.Firmware, o.Name = c.Model, c.Serial, c.Firmware, c.Name
				}
			}
			merged = true
			break
		}
		if !merged {
			out = append(out, c)
		}
	}
	return out
}

func hostOf(addr string) string {
	u, err := camera.ParseAddress(addr)
	if err != nil {
		return "0.0.0.0"
	}
	return u.Hostname()
}

// Probe asks one address and port, without credentials, whether a MOBOTIX
// camera answers there: over TLS first (the certificate is read, not
// trusted: nothing secret is sent), else plain HTTP.
func Probe(ctx context.Context, ip netip.Addr, port int, timeout time.Duration) (Camera, bool) {
	if timeout <= 0 {
		timeout = 1500 * time.Millisecond
	}
	hostport := netip.AddrPortFrom(ip, uint16(port)).String()
	dialer := &net.Dialer{Timeout: timeout}
	conn, err := dialer.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return Camera{}, false
	}
	_ = conn.SetDeadline(time.Now().Add(2 * timeout))
	c := Camera{Port: port}
	tconn := tls.Client(conn, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}) //nolint:gosec // read the certificate only; no credential is sent
	if err := tconn.HandshakeContext(ctx); err == nil {
		c.Scheme = "https"
		if certs := tconn.ConnectionState().PeerCertificates; len(certs) > 0 {
			c.Certificate = camera.FingerprintSHA256(certs[0].Raw)
			c.FactoryCertificate = steps.IsFactoryCertificate(certs[0])
		}
		conn = tconn
	} else {
		// Not TLS: the handshake spoiled this connection, take a new one.
		conn.Close()
		if conn, err = dialer.DialContext(ctx, "tcp", hostport); err != nil {
			return Camera{}, false
		}
		_ = conn.SetDeadline(time.Now().Add(2 * timeout))
		c.Scheme = "http"
	}
	defer conn.Close()
	c.Address = fmt.Sprintf("%s://%s", c.Scheme, hostport)
	if !askCameraInfo(conn, hostport, &c) {
		return Camera{}, false
	}
	return c, true
}

// askCameraInfo sends one anonymous GET of the camera info page on conn
// and reads what it says into c; false when the answer is not a MOBOTIX's.
func askCameraInfo(conn net.Conn, hostport string, c *Camera) bool {
	req, err := http.NewRequest(http.MethodGet, "http://"+hostport+camera.PathCameraInfo+"?text", nil)
	if err != nil {
		return false
	}
	req.Header.Set("User-Agent", "mxwizard-discover")
	req.Close = true
	if err := req.Write(conn); err != nil {
		return false
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return false
	}
	switch {
	case res.StatusCode == http.StatusOK && strings.Contains(string(body), camera.MobotixSignature):
		for _, line := range strings.Split(string(body), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			v = camera.CleanText(strings.TrimSpace(v))
			switch strings.TrimSpace(k) {
			case "Model":
				c.Model = v
			case "Serial":
				c.Serial = v
			case "Firmware":
				c.Firmware = v
			case "Hostname":
				c.Name = v
			}
		}
		return true
	case res.StatusCode == http.StatusUnauthorized && mobotixRealm(res.Header.Values("WWW-Authenticate")):
		c.LoginRequired = true
		return true
	}
	return false
}

func mobotixRealm(challenges []string) bool {
	for _, ch := range challenges {
		if strings.Contains(ch, `realm="MOBOTIX Camera User"`) {
			return true
		}
	}
	return false
}
