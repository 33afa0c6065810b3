package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// BenchmarkAuditFleet audits N simulated cameras that answer with 50 ms
// latency, with the default concurrency: the fleet target of docs/performance.md.
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
				a := auditAll(context.Background(), addrs, 32, func(addr string) camera.Options {
					return camera.Options{Address: addr, Password: pw, Known: known, AcceptNew: true}
				})
				for _, c := range a.Cameras {
					if c.Error != "" {
						b.Fatal(c.Error)
					}
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
	a := auditAll(context.Background(), addrs, 2, func(addr string) camera.Options {
		return camera.Options{Address: addr, Password: pw, AcceptNew: true, Retries: 1}
	})
	if len(a.Cameras) != len(addrs) {
		t.Fatalf("%d results for %d cameras", len(a.Cameras), len(addrs))
	}
	for i, c := range a.Cameras {
		if c.Address != addrs[i] {
			t.Fatalf("result %d is for %s, want %s", i, c.Address, addrs[i])
		}
	}
	if a.Cameras[5].Error == "" || a.ExitCode() != 2 {
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
