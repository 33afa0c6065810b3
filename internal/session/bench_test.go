package session

import (
	"context"
	"testing"

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
