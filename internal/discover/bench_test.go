package discover

import (
	"fmt"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

// BenchmarkSearchSlash24 searches a loopback /24 holding 8 simulated
// cameras (20 ms latency each) on two ports: 508 probes, the 500 without a
// camera refused at once. Target: under 5 s (docs/performance.md).
//
//	go test -run '^$' -bench SearchSlash24 -benchtime 5x ./internal/discover/
func BenchmarkSearchSlash24(b *testing.B) {
	srv := camsimtest.NewServer(b, camsim.ServerOptions{Count: 8, Latency: 20 * time.Millisecond})
	ip := srv.URLs()[0].IP.To4()
	r, err := ParseRange(fmt.Sprintf("%d.%d.%d.0/24", ip[0], ip[1], ip[2]))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		found, err := Search(b.Context(), []Range{r}, Options{Ports: []int{srv.Port(443), srv.Port(80)}}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(found) != 8 {
			b.Fatalf("found %d cameras, want 8", len(found))
		}
	}
}
