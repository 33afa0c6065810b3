package certs_test

import (
	"fmt"
	"time"

	"github.com/mxwizard/mxwizard/internal/certs"
)

// A camera reached by its address and by a name the certificate lacks:
// Validate says which entry is missing and what to do.
func ExampleValidate() {
	key, err := certs.GenerateKey(certs.ECDSAP256)
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	cert, _, err := certs.SelfSigned(key, certs.NewSubject("", "192.0.2.10"), 0, now)
	if err != nil {
		panic(err)
	}
	pair := &certs.Pair{Cert: cert, Key: key}
	warnings, err := certs.Validate(pair, []string{"192.0.2.10", "cam.example.com"}, now)
	fmt.Println(len(warnings), "warnings")
	fmt.Println(err)
	// Output:
	// 0 warnings
	// certificate does not cover cam.example.com: add it as a DNS SAN or reach the camera by a listed name (listed: IP:192.0.2.10)
}
