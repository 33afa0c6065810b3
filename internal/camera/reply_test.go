package camera

import (
	"errors"
	"strings"
	"testing"
)

const sampleReply = "#read::\n#helo\nOK helo\n#view section timestamp\nSECTION timestamp\nVERSION=MX-V7.3.5.35\nDATE=2026-11-27\nENDSECTION timestamp\nOK view section timestamp\n#write params\nOK webserver/AUTH\n#ERR webserver/NOPE: unknown key\nOK write params\n#quit\nOK quit\n"

func TestParseReplyReadsSectionsAndErrors(t *testing.T) {
	r, err := ParseReply([]byte(sampleReply))
	if err != nil {
		t.Fatal(err)
	}
	ts, ok := r.Sections["timestamp"]
	if !ok || ts.Value("timestamp", "VERSION") != "MX-V7.3.5.35" {
		t.Fatalf("timestamp section not parsed: %+v", r.Sections)
	}
	errs := r.Errors()
	if len(errs) != 1 || !strings.Contains(errs[0], "webserver/NOPE") {
		t.Fatalf("errors = %q", errs)
	}
	w, _ := r.Command("write params")
	if !w.OK || len(w.Done) != 1 || w.Done[0] != "webserver/AUTH" {
		t.Fatalf("write params result = %+v", w)
	}
}

func TestParseReplyRefusesWhatIsNotAMobotix(t *testing.T) {
	for _, body := range []string{"", "<html>hello</html>", " #read::", "OK"} {
		if _, err := ParseReply([]byte(body)); !errors.Is(err, ErrNotMobotix) {
			t.Errorf("ParseReply(%q) = %v, want ErrNotMobotix", body, err)
		}
	}
}

func TestConfigFileComesOutWithoutTheWrapper(t *testing.T) {
	file := "#:MX-V7.3.5.35\n#comment without colon\nSECTION a\nK=v\nENDSECTION a\n"
	body := "#read::\n#helo\nOK helo\n#view configfile\n" + file + "OK view configfile\n#quit\nOK quit\n"
	r, err := ParseReply([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	got, ok := r.ConfigFile()
	if !ok || string(got) != file {
		t.Fatalf("config file = %q, want %q", got, file)
	}
	// The same as dropping 4 leading and 3 trailing lines, as mxbackup does.
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if strings.Join(lines[4:len(lines)-3], "\n")+"\n" != file {
		t.Fatal("the 4+3 wrapper rule does not hold for this reply")
	}
}

func TestParseReplyKeepsWhatArrivedOfACutReply(t *testing.T) {
	r, err := ParseReply([]byte("#read::\n#helo\nOK helo\n#view section timestamp\nSECTION timestamp\nVERSION=MX"))
	if err != nil {
		t.Fatal(err)
	}
	c, ok := r.Command("view section timestamp")
	if !ok || c.OK {
		t.Fatalf("a cut command must be present and not OK: %+v", c)
	}
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte(sampleReply))
	f.Add([]byte("#read::\n#view configfile\n#:MX\nSECTION a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseReply(data)
		if err != nil {
			if !errors.Is(err, ErrNotMobotix) {
				t.Fatalf("unexpected error kind %v", err)
			}
			return
		}
		_ = r.Errors()
		_, _ = r.ConfigFile()
	})
}
