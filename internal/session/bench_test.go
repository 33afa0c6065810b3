package session

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/report"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// BenchmarkFullRun is mxwizard's own work for a full 22-step run against a
// simulated camera with no boot time and no latency: everything except the
// camera's reboot and the person. TestMain lowers age's scrypt work factor;
// at the production factor each of the run's encryptions adds about 0.6 s
// (see docs/performance.md).
func BenchmarkFullRun(b *testing.B) {
	pass := secret.New("benchmark passphrase 1")
	for b.Loop() {
		b.StopTimer()
		srv := camsimtest.NewServer(b, camsim.ServerOptions{})
		addr := srv.URLs()[0].HTTPS
		out := b.TempDir()
		b.StartTimer()
		s, err := runOnce(context.Background(), addr, out, camera.NewKnownCamerasInMemory(), pass)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(s.engine.Requests()), "requests/op")
	}
}

// siteOnce hardens n fresh simulated cameras (15 s reboot, 20 ms latency)
// side by side at the production scrypt work factor and returns the wall
// time and the results.
func siteOnce(b *testing.B, n int) (time.Duration, []SiteResult) {
	b.Helper()
	srv := camsimtest.NewServer(b, camsim.ServerOptions{Count: n, BootTime: 15 * time.Second, Latency: 20 * time.Millisecond})
	var addrs []string
	for _, u := range srv.URLs() {
		addrs = append(addrs, u.HTTPS)
	}
	prof, err := profile.Parse(profile.Example())
	if err != nil {
		b.Fatal(err)
	}
	known := camera.NewKnownCamerasInMemory()
	out := b.TempDir()
	site := Site{Cameras: addrs, Concurrency: n, Options: func(i int) Options {
		return Options{
			Camera:  camera.Options{Address: addrs[i], Password: secret.New(camera.FactoryPassword), Known: known, AcceptNew: true},
			Profile: prof, OutDir: out, Passphrase: secret.New("benchmark passphrase 1"), Generate: generate,
			BootTimeout: time.Minute,
		}
	}}
	start := time.Now()
	results := site.Run(context.Background())
	took := time.Since(start)
	for _, r := range results {
		if v := r.Verdict(); v != report.VerdictHardened {
			b.Fatalf("%s: %s (%v %v)", r.Address, v, r.OpenErr, r.RunErr)
		}
	}
	return took, results
}

// BenchmarkSiteSideBySide measures what issue 14 asks: one camera alone,
// then 8 and 32 side by side, in the same run, each with a 15 s reboot and
// 20 ms latency, at age's production work factor (one scrypt at a time,
// two per camera). It reports the wall times and their ratio to one
// camera's. Takes about two minutes:
//
//	go test -run '^$' -bench SiteSideBySide -benchtime 1x ./internal/session/
func BenchmarkSiteSideBySide(b *testing.B) {
	defer backup.SetWorkFactorForTests(0)()
	for b.Loop() {
		one, _ := siteOnce(b, 1)
		b.ReportMetric(one.Seconds(), "s/1camera")
		for _, n := range []int{8, 32} {
			took, _ := siteOnce(b, n)
			b.ReportMetric(took.Seconds(), fmt.Sprintf("s/%dcameras", n))
			b.ReportMetric(took.Seconds()/one.Seconds(), fmt.Sprintf("x/%dcameras", n))
		}
	}
}
