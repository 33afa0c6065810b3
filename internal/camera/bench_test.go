package camera

import (
	"strings"
	"testing"
)

// bigConfig is a configuration file of realistic size (about 60 KiB, like a
// camera with many event and profile entries).
func bigConfig() []byte {
	var b strings.Builder
	b.WriteString("#:MX-V7.3.5.35\n#:Configuration file\n")
	for s := 0; s < 80; s++ {
		name := "section" + strings.Repeat("x", s%7) + string(rune('a'+s%26))
		b.WriteString("SECTION " + name + "\n")
		for k := 0; k < 30; k++ {
			b.WriteString("KEY" + string(rune('A'+k%26)) + "=profile=value:other=thing:n=" + strings.Repeat("9", k%5) + "\n")
		}
		b.WriteString("ENDSECTION " + name + "\n")
	}
	return []byte(b.String())
}

func BenchmarkParseConfig(b *testing.B) {
	data := bigConfig()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseConfig(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConfigSetAndWrite(b *testing.B) {
	c, _ := ParseConfig(bigConfig())
	b.ReportAllocs()
	for b.Loop() {
		c.Set("sectionxxxd", "KEYC", "changed")
		_ = c.Bytes()
	}
}

func BenchmarkParseReplyConfigFile(b *testing.B) {
	body := []byte("#read::\n#helo\nOK helo\n#view configfile\n" + string(bigConfig()) + "OK view configfile\n#quit\nOK quit\n")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := ParseReply(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, ok := r.ConfigFile(); !ok {
			b.Fatal("no file")
		}
	}
}
