package camsim_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

func TestParseFault(t *testing.T) {
	cases := []struct {
		spec string
		want camsim.Faults
		err  bool
	}{
		{"drop-request=3", camsim.Faults{DropRequest: 3}, false},
		{"5xx-request=2", camsim.Faults{FailRequest: 2}, false},
		{"stall-request=4", camsim.Faults{StallRequest: 4}, false},
		{"garbage-request=5", camsim.Faults{GarbageRequest: 5}, false},
		{"drop-request=1, garbage-request=7", camsim.Faults{DropRequest: 1, GarbageRequest: 7}, false},
		{"", camsim.Faults{}, false},
		{"drop-request", camsim.Faults{}, true},
		{"drop-request=0", camsim.Faults{}, true},
		{"drop-request=x", camsim.Faults{}, true},
		{"explode-request=1", camsim.Faults{}, true},
	}
	for _, tc := range cases {
		got, err := camsim.ParseFault(tc.spec)
		if (err != nil) != tc.err {
			t.Errorf("ParseFault(%q) error %v, want error %v", tc.spec, err, tc.err)
			continue
		}
		if got.String() != tc.want.String() {
			t.Errorf("ParseFault(%q) = %q, want %q", tc.spec, got, tc.want)
		}
		if !tc.err && got.String() != "" {
			again, err := camsim.ParseFault(got.String())
			if err != nil || again.String() != got.String() {
				t.Errorf("String() of %q does not parse back: %v", tc.spec, err)
			}
		}
	}
	merged := camsim.Faults{DropRequest: 1}.Merge(camsim.Faults{FailRequest: 2})
	if merged.String() != "drop-request=1,5xx-request=2" {
		t.Errorf("Merge: %s", merged)
	}
}

func TestEachFaultKind(t *testing.T) {
	f, err := camsim.ParseFault("drop-request=2,5xx-request=3,stall-request=4,garbage-request=5")
	if err != nil {
		t.Fatal(err)
	}
	cam, plain, _ := camsimtest.New(t, camsim.Options{Faults: f})
	// 1: fine
	if r := script(t, plain.URL, viewConfigScript); r.status != http.StatusOK {
		t.Fatalf("request 1: %d %v", r.status, r.err)
	}
	// 2: connection closed without an answer
	if r := script(t, plain.URL, viewConfigScript); !closedWithoutAnswer(r) {
		t.Errorf("request 2 (drop): %d", r.status)
	}
	// 3: 500
	if r := script(t, plain.URL, viewConfigScript); r.status != http.StatusInternalServerError {
		t.Errorf("request 3 (5xx): %d", r.status)
	}
	// 4: hangs until the client gives up
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, plain.URL+camera.PathRemoteConfig, strings.NewReader(viewConfigScript))
	req.SetBasicAuth("admin", "meinsm")
	start := time.Now()
	_, err = httpClient(nil).Do(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) < 250*time.Millisecond {
		t.Errorf("request 4 (stall): err %v after %s, want the client's deadline", err, time.Since(start))
	}
	// 5: 200 with something that is not a MOBOTIX reply
	r := script(t, plain.URL, viewConfigScript)
	if _, err := camera.ParseReply([]byte(r.body)); r.status != http.StatusOK || !errors.Is(err, camera.ErrNotMobotix) {
		t.Errorf("request 5 (garbage): %d, parse error %v", r.status, err)
	}
	// 6: fine again
	if r := script(t, plain.URL, viewConfigScript); r.status != http.StatusOK {
		t.Errorf("request 6: %d", r.status)
	}
	if n := cam.Requests(); n != 6 {
		t.Errorf("Requests() = %d, want 6", n)
	}
	// Faults change at runtime; numbers keep counting; a hook decides per request.
	cam.SetFaults(camsim.Faults{FailRequest: 7, Hook: func(n int, r *http.Request) camsim.Fault {
		if r.URL.Path == camera.PathRobots {
			return camsim.FaultDrop
		}
		return camsim.FaultNone
	}})
	if r := script(t, plain.URL, viewConfigScript); r.status != http.StatusInternalServerError {
		t.Errorf("request 7 after SetFaults: %d", r.status)
	}
	if r := (call{url: plain.URL + camera.PathRobots}).do(t); !closedWithoutAnswer(r) {
		t.Errorf("hook drop: %d", r.status)
	}
	if r := script(t, plain.URL, viewConfigScript); r.status != http.StatusOK {
		t.Errorf("request 9: %d", r.status)
	}
}
