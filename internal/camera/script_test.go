package camera

import (
	"strings"
	"testing"

	"github.com/mxwizard/mxwizard/internal/secret"
)

func TestScriptHasTheFramingRealCamerasWant(t *testing.T) {
	s := new(Script).ViewSection("timestamp").Store()
	got := string(s.Bytes())
	want := "\nhelo\nview section timestamp\nstore\nquit \n\n"
	if got != want {
		t.Fatalf("script = %q, want %q", got, want)
	}
}

func TestValuesCannotInjectCommands(t *testing.T) {
	evil := "Ab1!x\nquit\nreset configfile\r\n&a=b%41 +:"
	s, err := new(Script).WriteParams(Param{Section: "users", Profile: "admin", Key: "password", Secret: secret.New(evil)})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(s.Bytes()), "\n")
	// "", helo, write params, the param line, quit, "", ""
	if len(lines) != 7 {
		t.Fatalf("the value added lines: %q", lines)
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "reset configfile" {
			t.Fatal("an injected command reached its own line")
		}
	}
	_, enc, _ := strings.Cut(lines[3], "=")
	for _, bad := range []string{"\n", "\r", "&", "=", "+", " ", ":"} {
		if strings.Contains(enc, bad) {
			t.Errorf("encoded value still holds %q: %q", bad, enc)
		}
	}
	back, err := DecodeValue(enc)
	if err != nil || back != evil {
		t.Fatalf("decoding gave %d bytes, err %v; want the original back", len(back), err)
	}
}

func TestEveryPrintableASCIIRoundTrips(t *testing.T) {
	var b strings.Builder
	for c := 0x20; c < 0x7f; c++ {
		b.WriteByte(byte(c))
	}
	in := b.String()
	got, err := DecodeValue(EncodeValue(in))
	if err != nil || got != in {
		t.Fatalf("round trip failed: %v", err)
	}
}

func TestDecodeValueRejectsBrokenEscapes(t *testing.T) {
	for _, in := range []string{"%", "%4", "%zz", "abc%g1"} {
		if _, err := DecodeValue(in); err == nil {
			t.Errorf("DecodeValue(%q) accepted a broken escape", in)
		}
	}
}

func TestWriteSectionsRefusesLooseLines(t *testing.T) {
	if _, err := new(Script).WriteSections("quit\nSECTION a\nK=v\nENDSECTION a\n"); err == nil {
		t.Fatal("a loose line outside a section was accepted")
	}
	s, err := new(Script).WriteSections("#:MX-V7.3.5.35\nSECTION a\nK=v%\nENDSECTION a\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := string(s.Bytes()); !strings.Contains(got, "\nwrite\n#:MX-V7.3.5.35\nSECTION a\nK=v%\nENDSECTION a\n") {
		t.Fatalf("sections not sent verbatim: %q", got)
	}
}

// TestNamesCannotInjectEither: section, profile and key names are sent
// unencoded, so a name that is not plain is refused and nothing is added;
// whole-section writes refuse a lone CR, a NUL or another control character
// inside a line.
func TestNamesCannotInjectEither(t *testing.T) {
	for _, p := range []Param{
		{Section: "users", Profile: "x\nreset configfile", Key: "password", Value: "v"},
		{Section: "users/admin", Key: "password", Value: "v"},
		{Section: "webserver", Key: "AUTH=basic\nupdate", Value: "v"},
		{Section: "", Key: "K", Value: "v"},
		{Section: "a", Key: "", Value: "v"},
		{Section: "a", Profile: "p q", Key: "K", Value: "v"},
	} {
		s, err := new(Script).WriteParams(p)
		if err == nil || s.Len() != 0 {
			t.Errorf("%q accepted (%d lines)", p.Path(), s.Len())
		}
	}
	for _, blocks := range []string{
		"SECTION a\nK=v\rreset configfile\nENDSECTION a\n",
		"SECTION a\nK=v\x00x\nENDSECTION a\n",
		"SECTION a\nK=v\x1b[2J\nENDSECTION a\n",
	} {
		s, err := new(Script).WriteSections(blocks)
		if err == nil || s.Len() != 0 {
			t.Errorf("%q accepted", blocks)
		}
	}
}
