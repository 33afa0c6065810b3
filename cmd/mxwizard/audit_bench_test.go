package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// collect runs auditAll and keeps every result, for tests.
func collect(t testing.TB, addrs []string, concurrency int, opts func(string) (camera.Options, error)) *report.Audit {
	t.Helper()
	a := &report.Audit{}
	err := auditAll(context.Background(), addrs, concurrency, opts, func(c report.AuditCamera) error {
		a.Cameras = append(a.Cameras, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// BenchmarkAuditFleet audits N simulated cameras that answer with 50 ms
// latency, with the default concurrency: the fleet target of docs/performance.md.
// The results are streamed and dropped, as `mxwizard audit` does.
func BenchmarkAuditFleet(b *testing.B) {
	for _, n := range []int{10, 100} {
		b.Run(fmt.Sprintf("cameras=%d", n), func(b *testing.B) {
			srv := camsimtest.NewServer(b, camsim.ServerOptions{Count: n, Latency: 50 * time.Millisecond})
			var addrs []string
			for _, u := range srv.URLs() {
				addrs = append(addrs, u.HTTPS)
			}
			known := camera.NewKnownCamerasInMemory()
			pw := secret.New(camera.FactoryPassword)
			b.ResetTimer()
			for b.Loop() {
				err := auditAll(context.Background(), addrs, defaultAuditConcurrency, func(addr string) (camera.Options, error) {
					return camera.Options{Address: addr, Password: pw, Known: known, AcceptNew: true}, nil
				}, func(c report.AuditCamera) error {
					if c.Error != "" {
						return errors.New(c.Error)
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestAuditAllKeepsOrderAndReportsEveryCamera(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 5})
	var addrs []string
	for _, u := range srv.URLs() {
		addrs = append(addrs, u.HTTPS)
	}
	addrs = append(addrs, "https://127.0.0.1:1") // nothing listens there
	pw := secret.New(camera.FactoryPassword)
	a := collect(t, addrs, 2, func(addr string) (camera.Options, error) {
		return camera.Options{Address: addr, Password: pw, AcceptNew: true, Retries: 1}, nil
	})
	if len(a.Cameras) != len(addrs) {
		t.Fatalf("%d results for %d cameras", len(a.Cameras), len(addrs))
	}
	for i, c := range a.Cameras {
		if c.Address != addrs[i] {
			t.Fatalf("result %d is for %s, want %s", i, c.Address, addrs[i])
		}
	}
	if a.Cameras[5].Error == "" || exitCode(auditExit(a.Outcome())) != exitRefused {
		t.Fatalf("an unreachable camera must carry an error and exit 2: %+v", a.Cameras[5])
	}
	fails := 0
	for _, ch := range a.Cameras[0].Checks {
		if ch.Status == "fail" {
			fails++
		}
	}
	if len(a.Cameras[0].Checks) != 22 || fails < 10 {
		t.Fatalf("a factory camera: %d checks, %d failing", len(a.Cameras[0].Checks), fails)
	}
}

// stallingListener accepts connections and never answers, like a camera
// that hangs; it closes them when the test ends.
func stallingListener(t *testing.T) string { return stallingListenerThen(t, func() {}) }

// stallingListenerThen is a stallingListener that calls accepted for each
// connection it takes.
func stallingListenerThen(t *testing.T, accepted func()) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			accepted()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "https://" + ln.Addr().String()
}

// TestAuditAllHoldsABoundedNumberOfResults: while the first camera hangs,
// the others go on, but no more than the window of results is started ahead
// of what was written, so memory does not grow with the fleet; the order
// of the output is kept.
func TestAuditAllHoldsABoundedNumberOfResults(t *testing.T) {
	const concurrency = 2
	window := auditWindow(concurrency)
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 3 * window})
	addrs := []string{stallingListener(t)}
	for _, u := range srv.URLs() {
		addrs = append(addrs, u.HTTPS)
	}
	pw := secret.New(camera.FactoryPassword)
	var started, emitted, most atomic.Int64
	err := auditAll(context.Background(), addrs, concurrency, func(addr string) (camera.Options, error) {
		ahead := started.Add(1) - emitted.Load()
		for {
			m := most.Load()
			if ahead <= m || most.CompareAndSwap(m, ahead) {
				break
			}
		}
		return camera.Options{Address: addr, Password: pw, AcceptNew: true, Retries: 1, Timeout: 3 * time.Second}, nil
	}, func(c report.AuditCamera) error {
		if want := addrs[emitted.Load()]; c.Address != want {
			return fmt.Errorf("result for %s written where %s belongs", c.Address, want)
		}
		emitted.Add(1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if emitted.Load() != int64(len(addrs)) {
		t.Fatalf("%d of %d cameras written", emitted.Load(), len(addrs))
	}
	if m := most.Load(); m != int64(window) {
		t.Fatalf("at most %d cameras were started ahead of the output, want exactly the window of %d", m, window)
	}
}

// TestAuditAllStopsAskingWhenTheOutputFails: when the report cannot be
// written (a closed pipe), the cameras not yet asked are left alone.
func TestAuditAllStopsAskingWhenTheOutputFails(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 12})
	var addrs []string
	for _, u := range srv.URLs() {
		addrs = append(addrs, u.HTTPS)
	}
	pw := secret.New(camera.FactoryPassword)
	var asked atomic.Int64
	broken := errors.New("broken pipe")
	err := auditAll(context.Background(), addrs, 1, func(addr string) (camera.Options, error) {
		asked.Add(1)
		return camera.Options{Address: addr, Password: pw, AcceptNew: true}, nil
	}, func(report.AuditCamera) error { return broken })
	if !errors.Is(err, broken) {
		t.Fatalf("auditAll returned %v, want the output's error", err)
	}
	if n := asked.Load(); n >= int64(len(addrs)) {
		t.Fatalf("all %d cameras were asked after the output failed", n)
	}
}

// TestAuditInterruptedSaysSoAndEndsTheReport: ctrl+c during a fleet audit
// (the context main cancels) leaves a complete, valid report on standard
// output, naming the cameras not checked, and exits 130 with a word on
// standard error.
func TestAuditInterruptedSaysSoAndEndsTheReport(t *testing.T) {
	srv := camsimtest.NewServer(t, camsim.ServerOptions{Count: 2})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	stall := stallingListenerThen(t, func() { once.Do(cancel) }) // ctrl+c while this camera hangs
	urls := srv.URLs()
	t.Setenv(envPassword, "meinsm")
	out, errOut, code := runCLIContext(t, ctx, "audit", "--format", "json", "--concurrency", "1", "--accept-new",
		"--known-cameras", t.TempDir()+"/known", urls[0].HTTPS, stall, urls[1].HTTPS)
	if code != exitCanceled || !strings.Contains(errOut, "interrupted") {
		t.Fatalf("exit %d, stderr %q; want 130 and a word about the interruption", code, errOut)
	}
	var a report.Audit
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("the report is not valid JSON: %v\n%s", err, out)
	}
	if len(a.Cameras) != 3 || a.Cameras[0].Error != "" || len(a.Cameras[0].Checks) != 22 {
		t.Fatalf("want the first camera checked and all three listed: %+v", a.Cameras)
	}
	if !strings.Contains(a.Cameras[2].Error, "not checked") {
		t.Fatalf("the camera after the interruption: error %q, want 'not checked'", a.Cameras[2].Error)
	}
}
