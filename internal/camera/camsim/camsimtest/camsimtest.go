// Package camsimtest runs simulated MOBOTIX cameras for tests: a Camera on
// two httptest servers (HTTP and HTTPS), or a camsim.Server on a free
// loopback address, closed when the test ends.
//
// httptest servers cannot move: a reboot that changes the web server ports
// or switches keeps the same two listeners (a request over a switched-off
// protocol still gets its connection closed). Tests of port moves use
// NewServer, where the camera's port P listens on P plus the server's
// offset (camsim.Server.Port) and URLs reports the listeners after a reboot.
package camsimtest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
)

// New starts a simulated camera (the first Options, or a factory-new one)
// on an HTTP and an HTTPS httptest server on 127.0.0.1. HTTPS presents the
// camera's own certificate (not httptest's: use camera.Client's pinning, not
// the servers' Client()). Everything is closed when the test ends.
func New(t testing.TB, opts ...camsim.Options) (*camsim.Camera, *httptest.Server, *httptest.Server) {
	t.Helper()
	var o camsim.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	cam := camsim.New(o)
	plain := httptest.NewUnstartedServer(cam)
	plain.Config.ConnContext = cam.ConnContext
	plain.Start()
	secure := httptest.NewUnstartedServer(cam)
	secure.Config.ConnContext = cam.ConnContext
	secure.TLS = cam.TLSConfig()
	secure.StartTLS()
	t.Cleanup(func() {
		cam.Close()
		plain.Close()
		secure.Close()
	})
	return cam, plain, secure
}

// NewServer starts a camsim.Server for a test on a random loopback address
// (127.x.y.z, so that it does not collide with other tests) and a random
// port offset from 20000 to 29999, unless opts set them; it retries on
// ports in use and closes the server when the test ends.
func NewServer(t testing.TB, opts camsim.ServerOptions) *camsim.Server {
	t.Helper()
	var last error
	for attempt := 0; attempt < 20; attempt++ {
		o := opts
		if o.IP == nil {
			o.IP = net.IPv4(127, byte(1+rand.IntN(250)), byte(rand.IntN(256)), byte(1+rand.IntN(200))).To4()
		}
		if o.PortOffset == 0 {
			o.PortOffset = 20000 + rand.IntN(10000)
		}
		srv := camsim.NewServer(o)
		ctx, cancel := context.WithCancel(context.Background())
		err := srv.Start(ctx)
		if err == nil {
			t.Cleanup(func() {
				cancel()
				_ = srv.Close()
			})
			return srv
		}
		cancel()
		last = err
		if opts.IP != nil && opts.PortOffset != 0 {
			break
		}
	}
	t.Fatalf("start simulated cameras: %v", last)
	return nil
}

// WaitReady waits (at most timeout) until the camera has finished a reboot.
func WaitReady(t testing.TB, cam *camsim.Camera, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := cam.WaitReady(ctx); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("still booting after %s", timeout)
		}
		t.Fatalf("simulated camera: %v", err)
	}
}

// LogBuffer collects a simulated camera's request log (ServerOptions.
// RequestLog, Options.Log) while the cameras write to it from their own
// goroutines; String reads it at any time.
type LogBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

// Write implements io.Writer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// RefusedLogins counts the requests cam refused although they named a
// user (a wrong password), from its web server log as the camera serves
// it; its row counts are summed.
func RefusedLogins(cam *camsim.Camera) int {
	n := 0
	for _, e := range camera.ParseWebLog([]byte(cam.WebLog())) {
		if e.Status == 401 && e.User != "" {
			n += e.Count
		}
	}
	return n
}
