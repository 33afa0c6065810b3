package secret

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretNeverPrintsItself(t *testing.T) {
	const plain = "Tr0ub4dor&3-unique"
	s := New(plain)
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
		outputs = append(outputs, fmt.Sprintf(verb, s))
	}
	st := struct{ P Secret }{s}
	outputs = append(outputs, fmt.Sprintf("%+v %#v", st, st))
	j, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(j))
	outputs = append(outputs, fmt.Errorf("wrap: %v", s).Error(), errors.New(s.String()).Error())
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "password", s)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "password", s)
	outputs = append(outputs, buf.String())
	for _, out := range outputs {
		if strings.Contains(out, plain) || strings.Contains(out, fmt.Sprintf("%x", plain)) {
			t.Fatalf("secret leaked in %q", out)
		}
	}
	if s.Reveal() != plain {
		t.Fatalf("Reveal returned %d bytes, want the original", len(s.Reveal()))
	}
}

func TestRedactRemovesEveryOccurrence(t *testing.T) {
	s := New("hunter2hunter2")
	got := Redact("camera said: bad value hunter2hunter2 (hunter2hunter2)", s, New(""))
	if strings.Contains(got, "hunter2") {
		t.Fatalf("Redact left the secret in %q", got)
	}
	if !strings.Contains(got, Mask) {
		t.Fatalf("Redact did not put the mask in %q", got)
	}
}

func TestEqualComparesValues(t *testing.T) {
	if !New("a-b-c").Equal(New("a-b-c")) || New("a-b-c").Equal(New("a-b-d")) {
		t.Fatal("Equal does not compare values")
	}
}
