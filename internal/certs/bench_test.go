package certs

import (
	"crypto"
	"testing"
)

// BenchmarkGenerateKey measures each key type, for the spinner decision.
// RSA times vary widely between runs: use -benchtime=20x or more.
func BenchmarkGenerateKey(b *testing.B) {
	for _, kt := range keyTypes() {
		b.Run(string(kt), func(b *testing.B) {
			for b.Loop() {
				if _, err := GenerateKey(kt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSelfSigned measures making a certificate for an existing key.
func BenchmarkSelfSigned(b *testing.B) {
	for _, tc := range []struct {
		name string
		key  crypto.Signer
	}{{"rsa2048", rsaKey()}, {"ecdsa-p256", ecKey()}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, _, err := SelfSigned(tc.key, testSubject(), 0, testNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
