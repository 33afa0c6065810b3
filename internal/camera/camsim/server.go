package camsim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Port offsets for ServerOptions.PortOffset.
const (
	// DefaultPortOffset is used when PortOffset is 0: camera port 80 listens
	// on 10080, 443 on 10443 (no privileges needed).
	DefaultPortOffset = 10000
	// RealPorts makes camera port P listen on P itself (80 and 443 need
	// privileges).
	RealPorts = -1
)

// ServerOptions configure a Server.
type ServerOptions struct {
	// IP is the first camera's address (default 127.0.0.1); the others get
	// the next addresses (127.0.0.2, ...). Only loopback addresses.
	IP net.IP
	// Count is the number of cameras (default 1).
	Count int
	// PortOffset: camera port P listens on P+PortOffset (0 means
	// DefaultPortOffset, RealPorts means no offset).
	PortOffset int
	// StateDir keeps each camera's flash and certificates in
	// <StateDir>/<ip>/, so that a restart comes back like a power cycle.
	StateDir string
	// BootTime and Latency are passed to every camera.
	BootTime, Latency time.Duration
	// RequestLog receives every camera's JSON request log lines.
	RequestLog io.Writer
	// Faults are passed to every camera (each counts its own requests).
	Faults Faults
	// Now is the cameras' clock (default time.Now).
	Now func() time.Time
	// Model and Firmware are passed to every camera (defaults M73,
	// MX-V7.3.5.35).
	Model, Firmware string
}

// Server serves simulated cameras on real loopback listeners: HTTP on the
// camera's HTTP ports, HTTPS on its HTTPS port, each plus the offset. When a
// reboot brings other ports or switches HTTP or HTTPS off, the listeners
// move once the camera has booted.
type Server struct {
	opts ServerOptions

	mu      sync.Mutex
	started bool
	closed  bool
	done    chan struct{}
	cams    []*served
}

// served is one camera with its listeners.
type served struct {
	cam *Camera
	ip  net.IP
	srv *http.Server
	lns map[listenKey]net.Listener
}

type listenKey struct {
	port int // the camera's port (without offset)
	tls  bool
}

// Endpoints are the URLs one camera of a Server answers on now.
type Endpoints struct {
	IP    net.IP
	HTTP  []string // http://IP:PORT, none when HTTP is off
	HTTPS string   // https://IP:PORT, "" when HTTPS is off
}

// NewServer prepares a server; Start opens the listeners.
func NewServer(opts ServerOptions) *Server {
	if opts.IP == nil {
		opts.IP = net.IPv4(127, 0, 0, 1)
	}
	if opts.Count <= 0 {
		opts.Count = 1
	}
	if opts.PortOffset == 0 {
		opts.PortOffset = DefaultPortOffset
	}
	return &Server{opts: opts, done: make(chan struct{})}
}

// CameraIP is the address of camera i (0-based) when the first is at first.
func CameraIP(first net.IP, i int) (net.IP, error) {
	v4 := first.To4()
	if v4 == nil || v4[0] != 127 {
		return nil, fmt.Errorf("%s is not an IPv4 loopback address (127.0.0.0/8)", first)
	}
	n := uint32(v4[0])<<24 | uint32(v4[1])<<16 | uint32(v4[2])<<8 | uint32(v4[3])
	n += uint32(i)
	if n>>24 != 127 || n&0xffffff == 0xffffff {
		return nil, fmt.Errorf("camera %d would be outside 127.0.0.0/8: start lower or simulate fewer cameras", i+1)
	}
	return net.IPv4(byte(n>>24), byte(n>>16), byte(n>>8), byte(n)).To4(), nil
}

// Port is the port a camera port listens on.
func (s *Server) Port(cameraPort int) int {
	if s.opts.PortOffset == RealPorts {
		return cameraPort
	}
	return cameraPort + s.opts.PortOffset
}

// Start makes the cameras and opens their listeners. The server stops when
// ctx ends or Close is called.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errors.New("simulated cameras: already started")
	}
	s.started = true
	var logw io.Writer
	if s.opts.RequestLog != nil {
		logw = &syncWriter{w: s.opts.RequestLog}
	}
	if s.opts.PortOffset < RealPorts || s.opts.PortOffset > 65000 {
		s.mu.Unlock()
		return fmt.Errorf("port offset %d: use 1 to 65000, or RealPorts", s.opts.PortOffset)
	}
	for i := 0; i < s.opts.Count; i++ {
		ip, err := CameraIP(s.opts.IP, i)
		if err == nil {
			err = s.startCameraLocked(i, ip, logw)
		}
		if err != nil {
			s.mu.Unlock()
			_ = s.Close()
			return err
		}
	}
	s.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	return nil
}

func (s *Server) startCameraLocked(i int, ip net.IP, logw io.Writer) error {
	opts := Options{
		Model:     s.opts.Model,
		Firmware:  s.opts.Firmware,
		Serial:    fmt.Sprintf("10.8.%d.%d", (123+i)/256, (123+i)%256),
		Name:      ip.String(),
		Addresses: []net.IP{ip},
		BootTime:  s.opts.BootTime,
		Latency:   s.opts.Latency,
		Now:       s.opts.Now,
		Faults:    s.opts.Faults,
	}
	if logw != nil {
		opts.Log = logw
	}
	if s.opts.StateDir != "" {
		opts.StateDir = filepath.Join(s.opts.StateDir, ip.String())
	}
	cam, err := newCamera(opts)
	if err != nil {
		return fmt.Errorf("simulated camera %s: %w", ip, err)
	}
	sc := &served{
		cam: cam,
		ip:  ip,
		lns: map[listenKey]net.Listener{},
		srv: &http.Server{
			Handler:           cam,
			ConnContext:       cam.ConnContext,
			ReadHeaderTimeout: 30 * time.Second,
			ErrorLog:          log.New(io.Discard, "", 0),
		},
	}
	s.cams = append(s.cams, sc)
	cam.mu.Lock()
	cam.onBoot = func() { s.moveListeners(sc) }
	cam.mu.Unlock()
	return s.listenLocked(sc, true)
}

// moveListeners runs when a camera has booted: ports and switches from
// its flash take effect.
func (s *Server) moveListeners(sc *served) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	_ = s.listenLocked(sc, false)
}

// listenLocked makes the camera's listeners match its boot configuration.
// At start a port that cannot be opened is an error; after a reboot it is
// logged by the camera (which is then unreachable there, as a real one).
func (s *Server) listenLocked(sc *served, strict bool) error {
	httpPorts, httpsPort := sc.cam.ListenPorts()
	want := map[listenKey]bool{}
	for _, p := range httpPorts {
		want[listenKey{port: p}] = true
	}
	if httpsPort != 0 {
		want[listenKey{port: httpsPort, tls: true}] = true
	}
	for k, ln := range sc.lns {
		if !want[k] {
			_ = ln.Close()
			delete(sc.lns, k)
		}
	}
	keys := make([]listenKey, 0, len(want))
	for k := range want {
		if _, ok := sc.lns[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a].port < keys[b].port })
	for _, k := range keys {
		port := s.Port(k.port)
		var ln net.Listener
		err := fmt.Errorf("port %d+%d is above 65535", k.port, s.opts.PortOffset)
		if port <= 65535 {
			ln, err = net.Listen("tcp4", net.JoinHostPort(sc.ip.String(), strconv.Itoa(port)))
		}
		if err != nil {
			if strict {
				return fmt.Errorf("simulated camera %s: listen for camera port %d: %w", sc.ip, k.port, err)
			}
			sc.cam.logSystem("web server: cannot listen on port %d: %v", k.port, err)
			continue
		}
		if k.tls {
			ln = tls.NewListener(ln, sc.cam.TLSConfig())
		}
		sc.lns[k] = ln
		go func() { _ = sc.srv.Serve(ln) }()
	}
	return nil
}

// Close stops every camera and closes listeners and connections.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	close(s.done)
	var first error
	for _, sc := range s.cams {
		sc.cam.Close()
		if err := sc.srv.Close(); err != nil && first == nil {
			first = err
		}
		for k, ln := range sc.lns {
			_ = ln.Close()
			delete(sc.lns, k)
		}
	}
	return first
}

// Cameras are the simulated cameras, in address order.
func (s *Server) Cameras() []*Camera {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Camera, len(s.cams))
	for i, sc := range s.cams {
		out[i] = sc.cam
	}
	return out
}

// URLs are the addresses each camera answers on now (they change when a
// reboot moves the ports).
func (s *Server) URLs() []Endpoints {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Endpoints, len(s.cams))
	for i, sc := range s.cams {
		e := Endpoints{IP: sc.ip}
		keys := make([]listenKey, 0, len(sc.lns))
		for k := range sc.lns {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(a, b int) bool { return keys[a].port < keys[b].port })
		for _, k := range keys {
			host := net.JoinHostPort(sc.ip.String(), strconv.Itoa(s.Port(k.port)))
			if k.tls {
				e.HTTPS = "https://" + host
			} else {
				e.HTTP = append(e.HTTP, "http://"+host)
			}
		}
		out[i] = e
	}
	return out
}

// syncWriter serialises writes of several cameras to one request log.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}
