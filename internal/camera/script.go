package camera

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// Script is a remote-configuration script: any number of commands sent in one
// POST to /admin/remoteconfig. Build it with the methods, send it with
// Client.Run. Values are percent-encoded so that no value can ever start a
// new command line.
type Script struct {
	cmds []string
}

// Param is one parameter for `write params`: Section/Key=Value, or
// Section/Profile/Key=Value when Profile is set. A password or key goes in
// Secret instead of Value: it stays masked in every plan, log and error,
// and is revealed only when the script is put on the wire (Script.Bytes).
type Param struct {
	Section, Profile, Key, Value string
	Secret                       secret.Secret
}

// IsSecret reports whether the parameter carries a secret.
func (p Param) IsSecret() bool { return !p.Secret.IsZero() }

// wireValue is the value as sent to the camera.
func (p Param) wireValue() string {
	if p.IsSecret() {
		return p.Secret.Reveal()
	}
	return p.Value
}

// Path is the parameter's name as the camera takes it.
func (p Param) Path() string {
	if p.Profile != "" {
		return p.Section + "/" + p.Profile + "/" + p.Key
	}
	return p.Section + "/" + p.Key
}

// ViewConfigFile asks for the whole configuration file.
func (s *Script) ViewConfigFile() *Script { return s.add("view configfile") }

// ViewSection asks for one section.
func (s *Script) ViewSection(name string) *Script { return s.add("view section " + name) }

// WriteParams changes single parameters in RAM (not yet active). Values
// are percent-encoded; the names (section, profile, key) are sent as they
// are, so each must be a plain name of A-Z a-z 0-9 . _ - (a slash, an equals
// sign or a line break in a name could address another parameter or start a
// command): anything else is an error and nothing is added.
func (s *Script) WriteParams(params ...Param) (*Script, error) {
	if len(params) == 0 {
		return s, nil
	}
	for _, p := range params {
		for _, part := range []struct{ what, v string }{{"section", p.Section}, {"key", p.Key}, {"profile", p.Profile}} {
			if part.v == "" && part.what == "profile" {
				continue
			}
			if !plainName(part.v) {
				return s, fmt.Errorf("parameter %s name %q is not a plain name (A-Z a-z 0-9 . _ -): not sent", part.what, CleanText(part.v))
			}
		}
	}
	s.add("write params")
	for _, p := range params {
		s.add(p.Path() + "=" + EncodeValue(p.wireValue()))
	}
	return s, nil
}

// plainName reports whether v is a non-empty name of A-Z a-z 0-9 . _ -.
func plainName(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// WriteSections replaces whole sections (a bare `write` followed by
// SECTION…ENDSECTION blocks), as mxrestore does with a saved file. The blocks
// are sent line by line as they are in the file (a configuration file line
// cannot hold a line break, so nothing in it can start a command); lines that
// are neither structure, `#:` headers nor KEY=value are refused.
func (s *Script) WriteSections(blocks string) (*Script, error) {
	cfg, err := ParseConfig([]byte(blocks))
	if err != nil {
		return s, fmt.Errorf("sections to write: %w", err)
	}
	for i, ln := range cfg.lines {
		if ln.kind == lineOther && strings.TrimSpace(ln.raw) != "" {
			return s, fmt.Errorf("sections to write: line %d is not part of a section", i+1)
		}
		// A lone CR, a NUL or another control character inside a line
		// could end the line on the camera's side and start a command.
		if strings.ContainsFunc(ln.raw, func(r rune) bool { return r != '\t' && (r < 0x20 || r == 0x7f) }) {
			return s, fmt.Errorf("sections to write: line %d holds a control character (a lone CR, NUL, ...): nothing written", i+1)
		}
	}
	s.add("write")
	for _, ln := range cfg.lines {
		if strings.TrimSpace(ln.raw) != "" {
			s.add(ln.raw)
		}
	}
	return s, nil
}

// Update activates what was written.
func (s *Script) Update() *Script { return s.add("update") }

// Store saves the current configuration to flash (permanent memory).
func (s *Script) Store() *Script { return s.add("store") }

// ResetConfigFile brings back the factory defaults (in RAM, until stored).
func (s *Script) ResetConfigFile() *Script { return s.add("reset configfile") }

// ResetExceptSections brings back the factory defaults of every section
// but the ones named (in RAM, until stored).
func (s *Script) ResetExceptSections(names ...string) *Script {
	return s.add("reset exceptsection " + strings.Join(names, " "))
}

// Reboot restarts the camera after the script.
func (s *Script) Reboot() *Script { return s.add("reboot") }

// Len is the number of commands and parameter lines.
func (s *Script) Len() int { return len(s.cmds) }

func (s *Script) add(line string) *Script {
	s.cmds = append(s.cmds, line)
	return s
}

// Bytes is the request body: an empty line, helo, the commands, quit with the
// trailing space the help insists on, and an empty line.
func (s *Script) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString("\nhelo\n")
	for _, c := range s.cmds {
		b.WriteString(c)
		b.WriteString("\n")
	}
	b.WriteString("quit \n\n")
	return b.Bytes()
}

// valueSafe lists the bytes sent unencoded; everything else is %XX.
func valueSafe(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '-' || c == '_' || c == '.' || c == '~' || c == ',' || c == '/' || c == '@' || c == '!' || c == '*'
}

// EncodeValue percent-encodes a parameter value. Everything outside a small
// safe set is encoded (conservative: the camera's exact set is unknown), so
// CR, LF, `%`, `&`, `+`, `=`, `:` and space always arrive as data.
func EncodeValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if valueSafe(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// DecodeValue reverses EncodeValue (and any %XX encoding); an invalid escape
// is an error.
func DecodeValue(v string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '%' {
			b.WriteByte(v[i])
			continue
		}
		if i+2 >= len(v) || !isHex(v[i+1]) || !isHex(v[i+2]) {
			return "", fmt.Errorf("bad percent escape at byte %d", i)
		}
		b.WriteByte(unhex(v[i+1])<<4 | unhex(v[i+2]))
		i += 2
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
