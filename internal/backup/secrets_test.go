package backup

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/secret"
)

func fullSecrets() Secrets {
	return Secrets{
		Camera:        "192.168.1.20:443",
		Model:         "M16B",
		Serial:        "00:03:C5:0A:0B:0C",
		WrittenAt:     time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC),
		AdminUser:     "admin",
		AdminPassword: secret.New("AdminPw-7f3a9c1e2b"),
		Users: []User{
			{Name: "viewer", Group: "guests", Password: secret.New("ViewerPw-44d1e0aa")},
			{Name: "vms", Group: "vms", Password: secret.New("VmsPw-9b0c2f7d31")},
		},
		RecordingKey:  secret.New("RecKey-0123456789abcdef"),
		MxMessageKey:  secret.New("MxMsgKey-fedcba9876"),
		Dot1xPassword: secret.New("Dot1xPw-31415926535"),
		Previous:      []Previous{{Name: "admin_password", Value: secret.New("OldAdminPw-2718281"), Replaced: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)}},
	}
}

func secretValues(s Secrets) []string {
	v := []string{
		s.AdminPassword.Reveal(), s.RecordingKey.Reveal(), s.MxMessageKey.Reveal(),
		s.Dot1xPassword.Reveal(),
	}
	for _, u := range s.Users {
		v = append(v, u.Password.Reveal())
	}
	for _, p := range s.Previous {
		v = append(v, p.Value.Reveal())
	}
	return v
}

func equalSecrets(a, b Secrets) bool {
	if a.Camera != b.Camera || a.Model != b.Model || a.Serial != b.Serial ||
		!a.WrittenAt.Equal(b.WrittenAt) || a.AdminUser != b.AdminUser ||
		!a.AdminPassword.Equal(b.AdminPassword) || !a.RecordingKey.Equal(b.RecordingKey) ||
		!a.MxMessageKey.Equal(b.MxMessageKey) || !a.Dot1xPassword.Equal(b.Dot1xPassword) ||
		len(a.Users) != len(b.Users) || len(a.Previous) != len(b.Previous) {
		return false
	}
	for i := range a.Previous {
		if a.Previous[i].Name != b.Previous[i].Name || !a.Previous[i].Value.Equal(b.Previous[i].Value) || !a.Previous[i].Replaced.Equal(b.Previous[i].Replaced) {
			return false
		}
	}
	for i := range a.Users {
		if a.Users[i].Name != b.Users[i].Name || a.Users[i].Group != b.Users[i].Group ||
			!a.Users[i].Password.Equal(b.Users[i].Password) {
			return false
		}
	}
	return true
}

func TestMarshalSecretsThenUnmarshalGivesTheSameSecrets(t *testing.T) {
	in := fullSecrets()
	data, err := MarshalSecrets(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := UnmarshalSecrets(data)
	if err != nil {
		t.Fatal(err)
	}
	if !equalSecrets(in, out) {
		t.Fatal("the secrets changed on the way through JSON")
	}
}

func TestMarshalSecretsWritesTheDocumentedFieldNamesInPlaintext(t *testing.T) {
	in := fullSecrets()
	data, err := MarshalSecrets(in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"camera":         "192.168.1.20:443",
		"model":          "M16B",
		"serial":         "00:03:C5:0A:0B:0C",
		"written_at":     "2026-03-04T05:06:07Z",
		"admin_user":     "admin",
		"admin_password": in.AdminPassword.Reveal(),
		"recording_key":  in.RecordingKey.Reveal(),
		"mxmessage_key":  in.MxMessageKey.Reveal(),
		"dot1x_password": in.Dot1xPassword.Reveal(),
	}
	for k, v := range want {
		if m[k] != v {
			// The values are test fixtures, but print only whether they matched.
			t.Errorf("field %q missing or wrong (present: %v)", k, m[k] != nil)
		}
	}
	users, ok := m["users"].([]any)
	if !ok || len(users) != 2 {
		t.Fatalf("users = %T of length %d, want 2 entries", m["users"], len(users))
	}
	u0, _ := users[0].(map[string]any)
	if u0["name"] != "viewer" || u0["group"] != "guests" || u0["password"] != in.Users[0].Password.Reveal() {
		t.Errorf("first user has keys %v, want name, group and the plaintext password", slices.Sorted(maps.Keys(u0)))
	}
	prev, ok := m["previous"].([]any)
	if !ok || len(prev) != 1 {
		t.Fatalf("previous = %T of length %d, want 1 entry", m["previous"], len(prev))
	}
	p0, _ := prev[0].(map[string]any)
	if p0["name"] != "admin_password" || p0["value"] != in.Previous[0].Value.Reveal() || p0["replaced"] != "2026-11-30T08:00:00Z" {
		t.Errorf("the previous value has keys %v, want name, value and replaced", slices.Sorted(maps.Keys(p0)))
	}
	if len(m) != len(want)+2 {
		t.Errorf("keys = %v, want exactly the documented ones", slices.Sorted(maps.Keys(m)))
	}
}

func TestMarshalSecretsOmitsEmptyFields(t *testing.T) {
	data, err := MarshalSecrets(Secrets{Camera: "cam.example"})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m) != 1 || m["camera"] != "cam.example" {
		t.Errorf("JSON = %s, want only the camera", data)
	}
}

func TestSecretsPrintAndMarshalAsMasksOnly(t *testing.T) {
	s := fullSecrets()
	j, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	outputs := []string{string(j), fmt.Sprintf("%v", s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s)}
	for _, out := range outputs {
		for _, v := range secretValues(s) {
			if strings.Contains(out, v) {
				t.Fatalf("a secret leaked into %d bytes of output through the public type", len(out))
			}
		}
		if !strings.Contains(out, secret.Mask) {
			t.Errorf("output %q shows no mask", out)
		}
	}
}

func TestUnmarshalSecretsErrorsDoNotQuoteTheInput(t *testing.T) {
	const leak = "Leaky-Secret-Value-42"
	inputs := map[string]string{
		"a syntax error after a secret": `{"admin_password":"` + leak + `" x}`,
		"a number for a password":       `{"admin_password":` + "4242424242" + `}`,
		"a secret as the time":          `{"written_at":"` + leak + `"}`,
		"cut short":                     `{"admin_password":"` + leak,
		"two objects":                   `{"camera":"a"} {"camera":"` + leak + `"}`,
		"empty":                         ``,
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			_, err := UnmarshalSecrets([]byte(in))
			if err == nil {
				t.Fatal("UnmarshalSecrets accepted invalid input")
			}
			if strings.Contains(err.Error(), leak) || strings.Contains(err.Error(), "4242424242") {
				t.Fatalf("error quotes the input: %s", secret.Redact(err.Error(), secret.New(leak)))
			}
			if !strings.Contains(err.Error(), "secrets file") {
				t.Errorf("error %q does not say which file is wrong", err)
			}
		})
	}
}

func TestUnmarshalSecretsIgnoresUnknownFields(t *testing.T) {
	s, err := UnmarshalSecrets([]byte(`{"camera":"c","format":2,"admin_password":"pw-pw-pw-pw"}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Camera != "c" || s.AdminPassword.Reveal() != "pw-pw-pw-pw" {
		t.Error("known fields were not read")
	}
}

func TestSecretsFileEncryptedOnDiskHoldsNoSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json.age")
	in := fullSecrets()
	data, err := MarshalSecrets(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(t.Context(), path, data, goodPass); err != nil {
		t.Fatal(err)
	}
	onDisk, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range append(secretValues(in), `"admin_password"`, in.Camera) {
		if strings.Contains(string(onDisk), v) {
			t.Fatalf("the encrypted secrets file contains plaintext (%d bytes of it)", len(v))
		}
	}
	raw, err := ReadFile(path, goodPass)
	if err != nil {
		t.Fatal(err)
	}
	out, err := UnmarshalSecrets(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !equalSecrets(in, out) {
		t.Fatal("secrets changed on the way through the encrypted file")
	}
}

func TestTheSecretsFileShowsPasswordsAsTyped(t *testing.T) {
	data, err := MarshalSecrets(Secrets{Camera: "10.0.0.5", AdminPassword: secret.New("a&b<c>d'e\"f")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"admin_password": "a&b<c>d'e\"f"`) {
		t.Errorf("the password is not shown as typed (only JSON's own quote escaped):\n%s", data)
	}
	back, err := UnmarshalSecrets(data)
	if err != nil || back.AdminPassword.Reveal() != "a&b<c>d'e\"f" {
		t.Errorf("round trip: %v", err)
	}
}
