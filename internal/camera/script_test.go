package camera

import (
	"strings"
	"testing"
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
	s := new(Script).WriteParams(Param{Section: "users", Profile: "admin", Key: "password", Value: evil, Secret: true})
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
