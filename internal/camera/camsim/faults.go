package camsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Fault is what a simulated network fault does to one request.
type Fault int

// The fault kinds.
const (
	// FaultNone lets the request through.
	FaultNone Fault = iota
	// FaultDrop closes the connection without an answer.
	FaultDrop
	// FaultFail answers 500 Internal Server Error.
	FaultFail
	// FaultStall never answers: the request hangs until its context ends
	// (the client gives up, or the server closes).
	FaultStall
	// FaultGarbage answers 200 with a body that is not a MOBOTIX reply.
	FaultGarbage
)

var faultNames = []struct {
	kind Fault
	spec string
}{
	{FaultDrop, "drop-request"},
	{FaultFail, "5xx-request"},
	{FaultStall, "stall-request"},
	{FaultGarbage, "garbage-request"},
}

// String is the fault's name as ParseFault takes it.
func (f Fault) String() string {
	for _, n := range faultNames {
		if n.kind == f {
			return n.spec
		}
	}
	return "none"
}

// Faults selects requests that go wrong, counted per camera from 1 (every
// request counts, whatever its path). A zero number is off. Hook, when set,
// is asked about every request the numbered faults leave alone; it runs
// outside the camera's lock and must be safe for concurrent use.
type Faults struct {
	DropRequest    int // the N-th request gets its connection closed without an answer
	FailRequest    int // the N-th request gets 500
	StallRequest   int // the N-th request hangs until its context ends
	GarbageRequest int // the N-th request gets 200 with a body that is not #read::
	Hook           func(n int, r *http.Request) Fault
}

// ParseFault reads fault specifications such as "drop-request=3",
// "5xx-request=2", "stall-request=4" and "garbage-request=5", several
// separated by commas.
func ParseFault(spec string) (Faults, error) {
	var f Faults
	for _, part := range strings.Split(spec, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, num, ok := strings.Cut(part, "=")
		if !ok {
			return Faults{}, fmt.Errorf("fault %q: want KIND=N, e.g. drop-request=3 (kinds: %s)", part, faultKinds())
		}
		n, err := strconv.Atoi(strings.TrimSpace(num))
		if err != nil || n < 1 {
			return Faults{}, fmt.Errorf("fault %q: N must be a request number from 1 up", part)
		}
		switch strings.TrimSpace(name) {
		case FaultDrop.String():
			f.DropRequest = n
		case FaultFail.String():
			f.FailRequest = n
		case FaultStall.String():
			f.StallRequest = n
		case FaultGarbage.String():
			f.GarbageRequest = n
		default:
			return Faults{}, fmt.Errorf("fault %q: unknown kind %q (kinds: %s)", part, name, faultKinds())
		}
	}
	return f, nil
}

func faultKinds() string {
	var k []string
	for _, n := range faultNames {
		k = append(k, n.spec)
	}
	return strings.Join(k, ", ")
}

// Merge returns f with the numbered faults that g sets (for repeated flags).
func (f Faults) Merge(g Faults) Faults {
	if g.DropRequest != 0 {
		f.DropRequest = g.DropRequest
	}
	if g.FailRequest != 0 {
		f.FailRequest = g.FailRequest
	}
	if g.StallRequest != 0 {
		f.StallRequest = g.StallRequest
	}
	if g.GarbageRequest != 0 {
		f.GarbageRequest = g.GarbageRequest
	}
	if g.Hook != nil {
		f.Hook = g.Hook
	}
	return f
}

// String lists the numbered faults as ParseFault takes them ("" for none).
func (f Faults) String() string {
	var out []string
	for _, x := range []struct {
		kind Fault
		n    int
	}{{FaultDrop, f.DropRequest}, {FaultFail, f.FailRequest}, {FaultStall, f.StallRequest}, {FaultGarbage, f.GarbageRequest}} {
		if x.n > 0 {
			out = append(out, fmt.Sprintf("%s=%d", x.kind, x.n))
		}
	}
	return strings.Join(out, ",")
}

// at says which numbered fault hits request n.
func (f Faults) at(n int) Fault {
	switch n {
	case f.DropRequest:
		return FaultDrop
	case f.FailRequest:
		return FaultFail
	case f.StallRequest:
		return FaultStall
	case f.GarbageRequest:
		return FaultGarbage
	}
	return FaultNone
}
