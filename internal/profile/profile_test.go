package profile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExampleProfileIsValid(t *testing.T) {
	p, err := Parse(Example())
	if err != nil {
		t.Fatal(err)
	}
	if p.Admin.Password != "generate" || p.WebServer.HTTPSPort != 8443 || len(p.Users) == 0 {
		t.Fatalf("example profile not read as written: %+v", p)
	}
}

func TestLiteralSecretsAreRefusedWithoutShowingThem(t *testing.T) {
	const literal = "Hunter2-literal!"
	_, err := Parse([]byte("admin:\n  user: admin\n  password: " + literal + "\n"))
	if err == nil {
		t.Fatal("a literal password was accepted")
	}
	if strings.Contains(err.Error(), literal) {
		t.Fatalf("the error shows the secret: %v", err)
	}
	if !strings.Contains(err.Error(), "admin.password") {
		t.Fatalf("the error does not name the field: %v", err)
	}
}

func TestUnknownFieldsAreRefusedWithoutEchoingValues(t *testing.T) {
	_, err := Parse([]byte("admin_pasword: Secret-Typo-99\n"))
	if err == nil {
		t.Fatal("an unknown field was accepted")
	}
	if strings.Contains(err.Error(), "Secret-Typo-99") {
		t.Fatalf("the error echoes a value: %v", err)
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	for field, doc := range map[string]string{
		"ip_access.no_match": "ip_access:\n  no_match: maybe\n",
		"web_crawling":       "web_crawling: sometimes\n",
		"authentication":     "authentication: ntlm\n",
		"certificate.mode":   "certificate:\n  mode: magic\n",
	} {
		if _, err := Parse([]byte(doc)); err == nil || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: error %v does not name the field", field, err)
		}
	}
}

func TestSecretRefsResolveFromEnvAndFile(t *testing.T) {
	t.Setenv("MXW_TEST_SECRET", "From-Env-1!")
	v, ok, err := SecretRef("env:MXW_TEST_SECRET").Resolve("x")
	if err != nil || !ok || v.Reveal() != "From-Env-1!" {
		t.Fatalf("env: %v %v", ok, err)
	}
	path := filepath.Join(t.TempDir(), "s")
	if err := os.WriteFile(path, []byte("From-File-2!\nignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, ok, err = SecretRef("file:" + path).Resolve("x")
	if err != nil || !ok || v.Reveal() != "From-File-2!" {
		t.Fatalf("file: %v %v", ok, err)
	}
	if _, _, err := SecretRef("env:MXW_TEST_UNSET_VAR").Resolve("x"); err == nil {
		t.Fatal("an unset variable resolved")
	}
	if _, ok, _ := SecretRef("generate").Resolve("x"); ok {
		t.Fatal("generate must be left to the caller")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(Example())
	f.Add([]byte("admin:\n  password: env:X\nusers:\n  - name: a\n    password: literal\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("Parse accepted a profile Validate refuses: %v", err)
		}
	})
}

// TestEnumErrorsDoNotRepeatTheValue: a secret pasted into the wrong field
// of a profile is not printed back.
func TestEnumErrorsDoNotRepeatTheValue(t *testing.T) {
	for _, field := range []string{"authentication", "web_crawling"} {
		_, err := Parse([]byte(field + ": Hunter2-Secret\n"))
		if err == nil || strings.Contains(err.Error(), "Hunter2") || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", field, err)
		}
	}
	for _, y := range []string{"ip_access:\n  no_match: Hunter2-Secret\n", "certificate:\n  mode: Hunter2-Secret\n"} {
		_, err := Parse([]byte(y))
		if err == nil || strings.Contains(err.Error(), "Hunter2") {
			t.Errorf("%q: %v", y, err)
		}
	}
}

// TestAbsurdProfilesAreRefusedQuickly: a profile with more keys in one
// mapping than any profile has, or larger than MaxBytes, is refused
// without the YAML decoder's quadratic duplicate-key check (80k keys took
// 32 s; the refusal itself is linear). Timing is not asserted (shared
// machines); the refusal and its message are.
func TestAbsurdProfilesAreRefusedQuickly(t *testing.T) {
	var b strings.Builder
	b.WriteString("manual:\n")
	for i := 0; i < 50000; i++ {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "50000 keys") {
		t.Fatalf("50000 keys: %v", err)
	}
	_, err = Parse([]byte("# " + strings.Repeat("x", MaxBytes) + "\n"))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("an oversized profile: %v", err)
	}
	path := filepath.Join(t.TempDir(), "big.yaml")
	if err := os.WriteFile(path, []byte("# "+strings.Repeat("x", 2*MaxBytes)), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("Load of an oversized file: %v", err)
	}
}

func TestWithoutLiteralsKeepsReferencesAndDropsAnyValue(t *testing.T) {
	p := Default()
	p.Admin.Password = "Sup3r-Secret-Literal"
	p.RecordingKey = "env:MXWIZARD_RECORDING_KEY"
	p.Users = []User{{Name: "anna", Group: "operators", Password: "file:/run/anna.pw"}, {Name: "ben", Group: "viewers", Password: "hunter2hunter2"}}
	c := p.WithoutLiterals()
	if c.Admin.Password != "" || c.Users[1].Password != "" {
		t.Error("a literal secret survived")
	}
	if c.RecordingKey != "env:MXWIZARD_RECORDING_KEY" || c.Users[0].Password != "file:/run/anna.pw" || c.Users[0].Name != "anna" {
		t.Errorf("references or answers were lost: %+v", c.Users)
	}
	if p.Users[1].Password != "hunter2hunter2" {
		t.Error("the original profile was changed")
	}
}
