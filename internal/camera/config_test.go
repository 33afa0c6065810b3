package camera

import (
	"bytes"
	"strings"
	"testing"
)

const sampleConfig = "#:MX-V7.3.5.35\n#:Configuration file of camera mx10-8-0-123\nSECTION ethernet\nHOSTNAME=mx10-8-0-123\nIPADDR=10.8.0.123\nENDSECTION ethernet\n\nSECTION users\nadmin=group=admins:pwhash={HA1}0123abcd\nENDSECTION users\nSECTION timestamp\nVERSION=MX-V7.3.5.35\nDATE=2026-11-27\nENDSECTION timestamp\n"

func TestConfigRoundTripsByteForByte(t *testing.T) {
	for name, in := range map[string]string{
		"a typical file":           sampleConfig,
		"CRLF line ends":           strings.ReplaceAll(sampleConfig, "\n", "\r\n"),
		"no final newline":         strings.TrimSuffix(sampleConfig, "\n"),
		"odd spacing and comments": "#:MX-V5.2.0.61\n  SECTION a\nK= spaced value \n# comment\nENDSECTION a\n\n\n",
		"an empty file":            "",
		"values holding = and :":   "SECTION events\nEV=a=b:c=d==\nENDSECTION events\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := ParseConfig([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Bytes(); !bytes.Equal(got, []byte(in)) {
				t.Fatalf("round trip changed the file:\n got %q\nwant %q", got, in)
			}
		})
	}
}

func TestConfigReadsSectionsKeysAndFirmware(t *testing.T) {
	c, err := ParseConfig([]byte(sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Firmware(); got != "MX-V7.3.5.35" {
		t.Errorf("Firmware = %q", got)
	}
	if got := strings.Join(c.Sections(), ","); got != "ethernet,users,timestamp" {
		t.Errorf("Sections = %q", got)
	}
	if v, ok := c.Get("ethernet", "HOSTNAME"); !ok || v != "mx10-8-0-123" {
		t.Errorf("Get HOSTNAME = %q, %v", v, ok)
	}
	p := ParseProfile(c.Value("users", "admin"))
	if p.Get("group") != "admins" || p.Get("pwhash") != "{HA1}0123abcd" {
		t.Errorf("profile = %+v", p)
	}
}

func TestConfigSetChangesOnlyTheLineItMust(t *testing.T) {
	c, _ := ParseConfig([]byte(sampleConfig))
	c.Set("ethernet", "HOSTNAME", "gate-1")
	c.Set("ethernet", "NEWKEY", "x")
	c.Set("brandnew", "A", "1")
	want := strings.Replace(sampleConfig, "HOSTNAME=mx10-8-0-123\nIPADDR=10.8.0.123\n", "HOSTNAME=gate-1\nIPADDR=10.8.0.123\nNEWKEY=x\n", 1) +
		"SECTION brandnew\nA=1\nENDSECTION brandnew\n"
	if got := string(c.Bytes()); got != want {
		t.Fatalf("after Set:\n got %q\nwant %q", got, want)
	}
	if !c.Delete("ethernet", "NEWKEY") || c.Delete("ethernet", "NEWKEY") {
		t.Fatal("Delete must remove once and then report absence")
	}
}

func TestConfigReplaceSectionTakesTheWholeBlock(t *testing.T) {
	c, _ := ParseConfig([]byte(sampleConfig))
	src, _ := ParseConfig([]byte("SECTION users\nbob=group=users:pwhash=x\nENDSECTION users\n"))
	c.ReplaceSection(src, "users")
	if _, ok := c.Get("users", "admin"); ok {
		t.Fatal("old key survived ReplaceSection")
	}
	if c.Value("users", "bob") != "group=users:pwhash=x" {
		t.Fatalf("new key missing: %q", c.Bytes())
	}
	if _, err := ParseConfig(c.Bytes()); err != nil {
		t.Fatalf("result no longer parses: %v", err)
	}
}

func TestConfigRejectsBrokenStructure(t *testing.T) {
	for name, in := range map[string]string{
		"an unclosed section":    "SECTION a\nK=v\n",
		"a nested section":       "SECTION a\nSECTION b\nENDSECTION b\nENDSECTION a\n",
		"a stray ENDSECTION":     "ENDSECTION a\n",
		"a mismatched close":     "SECTION a\nENDSECTION b\n",
		"a section with no name": "SECTION \nENDSECTION\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseConfig([]byte(in)); err == nil {
				t.Fatal("accepted a broken file")
			}
		})
	}
}

func TestProfileEscapesSeparators(t *testing.T) {
	p := Profile{}.With("note", "a:b=c%d").With("group", "admins")
	back := ParseProfile(p.String())
	if back.Get("note") != "a:b=c%d" || back.Get("group") != "admins" {
		t.Fatalf("profile round trip lost data: %q -> %+v", p.String(), back)
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(sampleConfig))
	f.Add([]byte("SECTION a\r\nK=v\r\nENDSECTION a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if !bytes.Equal(c.Bytes(), data) {
			t.Fatalf("round trip changed %q into %q", data, c.Bytes())
		}
		c.Set("fuzz", "K", "v")
		if _, err := ParseConfig(c.Bytes()); err != nil {
			t.Fatalf("Set produced an unparsable file: %v", err)
		}
	})
}

// TestValuesAreReadAsTheCameraReadsThem: keys without regard to case, a
// '#' anywhere starting a comment, values trimmed (MOBOTIX's MxPEG SDK,
// mxmConfigSection.cpp); the file itself round-trips unchanged.
func TestValuesAreReadAsTheCameraReadsThem(t *testing.T) {
	in := "SECTION webserver\nauth = digest # set by the installer\nHTTPS_port=8443\nENDSECTION webserver\n"
	c, err := ParseConfig([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Value(SecWebServer, KeyAuthMethod); got != "digest" {
		t.Errorf("AUTH = %q, want digest", got)
	}
	if got := c.Value(SecWebServer, KeyHTTPSPort); got != "8443" {
		t.Errorf("HTTPS_PORT = %q, want 8443", got)
	}
	if string(c.Bytes()) != in {
		t.Errorf("the file changed: %q", c.Bytes())
	}
}
