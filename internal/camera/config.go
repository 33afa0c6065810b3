package camera

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
)

// Config is a MOBOTIX configuration file: `#:` header lines, then sections
// `SECTION name` … `ENDSECTION name` holding `KEY=value` lines. It keeps every
// line as it was read, so an unchanged file is written back byte for byte, and
// a change touches only the lines it must.
type Config struct {
	lines        []configLine
	finalNewline bool
}

type lineKind int

const (
	lineOther        lineKind = iota // blank lines, comments, anything unrecognised
	lineHeader                       // "#:..." header line
	lineSectionStart                 // "SECTION name"
	lineSectionEnd                   // "ENDSECTION name"
	lineKeyValue                     // "KEY=value" inside a section
)

type configLine struct {
	raw     string // the line without its line ending
	eol     string // "\n", "\r\n" or "" for the last line without one
	kind    lineKind
	section string // the section the line belongs to (start, end and key lines)
	key     string
	value   string
}

// ConfigError says where a configuration file is malformed.
type ConfigError struct {
	Line int
	Msg  string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("configuration file line %d: %s", e.Line, e.Msg)
}

// ParseConfig reads a configuration file. It is strict about structure
// (sections must close, in order, and must not nest) and lenient about the
// rest: blank lines and unknown lines are kept as they are.
func ParseConfig(data []byte) (*Config, error) {
	c := &Config{}
	if len(data) == 0 {
		c.finalNewline = true
		return c, nil
	}
	text := string(data)
	c.finalNewline = strings.HasSuffix(text, "\n")
	if c.finalNewline {
		text = text[:len(text)-1]
	}
	current := ""
	split := strings.Split(text, "\n")
	for i, raw := range split {
		eol := "\n"
		if i == len(split)-1 && !c.finalNewline {
			eol = ""
		}
		if strings.HasSuffix(raw, "\r") {
			raw = raw[:len(raw)-1]
			eol = "\r" + eol
		}
		ln := configLine{raw: raw, eol: eol}
		trimmed := strings.TrimSpace(raw)
		switch {
		case strings.HasPrefix(raw, "#:"):
			ln.kind = lineHeader
		case strings.HasPrefix(trimmed, "SECTION "):
			name := strings.TrimSpace(strings.TrimPrefix(trimmed, "SECTION "))
			if current != "" {
				return nil, &ConfigError{i + 1, fmt.Sprintf("SECTION %s opens inside section %s, which was not closed", name, current)}
			}
			if name == "" {
				return nil, &ConfigError{i + 1, "SECTION without a name"}
			}
			current = name
			ln.kind, ln.section = lineSectionStart, name
		case strings.HasPrefix(trimmed, "ENDSECTION"):
			name := strings.TrimSpace(strings.TrimPrefix(trimmed, "ENDSECTION"))
			if current == "" {
				return nil, &ConfigError{i + 1, fmt.Sprintf("ENDSECTION %s without a SECTION", name)}
			}
			if name != "" && name != current {
				return nil, &ConfigError{i + 1, fmt.Sprintf("ENDSECTION %s closes section %s", name, current)}
			}
			ln.kind, ln.section = lineSectionEnd, current
			current = ""
		case current != "" && strings.Contains(raw, "=") && !strings.HasPrefix(trimmed, "#"):
			k, v, _ := strings.Cut(raw, "=")
			ln.kind, ln.section, ln.key, ln.value = lineKeyValue, current, strings.TrimSpace(k), v
		default:
			ln.section = current
		}
		c.lines = append(c.lines, ln)
	}
	if current != "" {
		return nil, &ConfigError{len(c.lines), fmt.Sprintf("section %s is not closed by ENDSECTION %s", current, current)}
	}
	return c, nil
}

// Bytes writes the file. An unchanged file comes back exactly as parsed.
func (c *Config) Bytes() []byte {
	var b bytes.Buffer
	for _, ln := range c.lines {
		b.WriteString(ln.raw)
		b.WriteString(ln.eol)
	}
	return b.Bytes()
}

// Clone returns an independent copy.
func (c *Config) Clone() *Config {
	out := &Config{finalNewline: c.finalNewline, lines: make([]configLine, len(c.lines))}
	copy(out.lines, c.lines)
	return out
}

// Headers returns the `#:` header lines without their `#:` prefix.
func (c *Config) Headers() []string {
	var out []string
	for _, ln := range c.lines {
		if ln.kind == lineHeader {
			out = append(out, strings.TrimPrefix(ln.raw, "#:"))
		}
	}
	return out
}

// Firmware returns the firmware version from the `#:MX-` header line, as
// `view section timestamp` reports it in VERSION (for example MX-V7.3.5.35),
// or "" when the file has no such line.
func (c *Config) Firmware() string {
	for _, h := range c.Headers() {
		if strings.HasPrefix(h, "MX-") {
			return strings.TrimSpace(h)
		}
	}
	return ""
}

// Sections lists the section names in file order.
func (c *Config) Sections() []string {
	var out []string
	for _, ln := range c.lines {
		if ln.kind == lineSectionStart {
			out = append(out, ln.section)
		}
	}
	return out
}

// HasSection reports whether the file holds the named section.
func (c *Config) HasSection(section string) bool {
	return c.sectionStart(section) >= 0
}

// Keys lists the keys of a section in file order.
func (c *Config) Keys(section string) []string {
	var out []string
	for _, ln := range c.lines {
		if ln.kind == lineKeyValue && ln.section == section {
			out = append(out, ln.key)
		}
	}
	return out
}

// Get returns the value of section/key as the camera reads it (MOBOTIX's
// own configuration parser, mxmConfigSection.cpp): the key matched without
// regard to case, a '#' anywhere in the value starting a comment, and the
// value trimmed. (Values mxwizard writes never carry a raw '#': they are
// percent-encoded.) The file's bytes stay as they are.
func (c *Config) Get(section, key string) (string, bool) {
	if i := c.find(section, key); i >= 0 {
		v := c.lines[i].value
		if h := strings.IndexByte(v, '#'); h >= 0 {
			v = v[:h]
		}
		return strings.TrimSpace(v), true
	}
	return "", false
}

// Value returns the value of section/key, or "" when it is missing.
func (c *Config) Value(section, key string) string {
	v, _ := c.Get(section, key)
	return v
}

// Set changes section/key, adding the key at the end of its section, or the
// section at the end of the file, when missing.
func (c *Config) Set(section, key, value string) {
	if i := c.find(section, key); i >= 0 {
		ln := &c.lines[i]
		ln.value = value
		ln.raw = ln.key + "=" + value
		return
	}
	eol := c.eol()
	kv := configLine{raw: key + "=" + value, eol: eol, kind: lineKeyValue, section: section, key: key, value: value}
	start := c.sectionStart(section)
	if start < 0 {
		c.terminateLast()
		c.lines = append(c.lines,
			configLine{raw: "SECTION " + section, eol: eol, kind: lineSectionStart, section: section},
			kv,
			configLine{raw: "ENDSECTION " + section, eol: eol, kind: lineSectionEnd, section: section})
		if !c.finalNewline {
			c.lines[len(c.lines)-1].eol = ""
		}
		return
	}
	end := start + 1
	for end < len(c.lines) && c.lines[end].kind != lineSectionEnd {
		end++
	}
	c.lines = append(c.lines[:end], append([]configLine{kv}, c.lines[end:]...)...)
}

// Delete removes section/key and reports whether it was there.
func (c *Config) Delete(section, key string) bool {
	i := c.find(section, key)
	if i < 0 {
		return false
	}
	c.lines = append(c.lines[:i], c.lines[i+1:]...)
	return true
}

// SectionText returns one section as a `SECTION`…`ENDSECTION` block, as the
// camera prints it and as a bare `write` takes it.
func (c *Config) SectionText(section string) string {
	var b strings.Builder
	in := false
	for _, ln := range c.lines {
		if ln.kind == lineSectionStart && ln.section == section {
			in = true
		}
		if in {
			b.WriteString(ln.raw)
			b.WriteString("\n")
		}
		if in && ln.kind == lineSectionEnd {
			break
		}
	}
	return b.String()
}

// ReplaceSection replaces (or appends) a whole section with the keys of src's
// section of the same name, as a bare `write` of a SECTION block does.
func (c *Config) ReplaceSection(src *Config, section string) {
	start := c.sectionStart(section)
	block := []configLine{}
	for _, ln := range src.lines {
		if ln.section == section && ln.kind != lineOther {
			ln.eol = c.eol()
			block = append(block, ln)
		}
	}
	if len(block) == 0 {
		return
	}
	if start < 0 {
		c.terminateLast()
		c.lines = append(c.lines, block...)
		return
	}
	end := start
	for end < len(c.lines) && c.lines[end].kind != lineSectionEnd {
		end++
	}
	rest := append([]configLine{}, c.lines[end+1:]...)
	if end+1 >= len(c.lines) {
		block[len(block)-1].eol = c.lines[end].eol
	}
	c.lines = append(append(c.lines[:start], block...), rest...)
}

// eol is the file's line ending: the first full one found, else "\n".
func (c *Config) eol() string {
	for _, ln := range c.lines {
		if ln.eol == "\n" || ln.eol == "\r\n" {
			return ln.eol
		}
	}
	return "\n"
}

// terminateLast gives the last line a full line ending before lines are
// appended after it.
func (c *Config) terminateLast() {
	if n := len(c.lines); n > 0 && !strings.HasSuffix(c.lines[n-1].eol, "\n") {
		c.lines[n-1].eol = strings.TrimSuffix(c.lines[n-1].eol, "\r") + c.eol()
	}
}

func (c *Config) find(section, key string) int {
	for i, ln := range c.lines {
		if ln.kind == lineKeyValue && ln.section == section && (key == "" || strings.EqualFold(ln.key, key)) {
			return i
		}
	}
	return -1
}

func (c *Config) sectionStart(section string) int {
	for i, ln := range c.lines {
		if ln.kind == lineSectionStart && ln.section == section {
			return i
		}
	}
	return -1
}

// Profile is a profile value: `key=value` pairs joined by `:`, kept in order.
// Inside a pair, `%`, `:` and `=` are percent-encoded (provisional: the real
// escaping is not documented; see keys.go).
type Profile []ProfileField

// ProfileField is one `key=value` pair of a profile.
type ProfileField struct {
	Key, Value string
}

// ParseProfile splits a profile value. Pairs without `=` keep an empty value.
func ParseProfile(value string) Profile {
	if value == "" {
		return nil
	}
	var p Profile
	for _, part := range strings.Split(value, ":") {
		k, v, _ := strings.Cut(part, "=")
		p = append(p, ProfileField{Key: unescapeProfile(k), Value: unescapeProfile(v)})
	}
	return p
}

// String joins the profile back into one value.
func (p Profile) String() string {
	parts := make([]string, len(p))
	for i, f := range p {
		parts[i] = escapeProfile(f.Key) + "=" + escapeProfile(f.Value)
	}
	return strings.Join(parts, ":")
}

// Get returns the value for key.
func (p Profile) Get(key string) string {
	for _, f := range p {
		if f.Key == key {
			return f.Value
		}
	}
	return ""
}

// With returns a copy of p with key set to value.
func (p Profile) With(key, value string) Profile {
	out := append(Profile{}, p...)
	for i := range out {
		if out[i].Key == key {
			out[i].Value = value
			return out
		}
	}
	return append(out, ProfileField{Key: key, Value: value})
}

var profileEscaper = strings.NewReplacer("%", "%25", ":", "%3A", "=", "%3D", "\n", "%0A", "\r", "%0D")

func escapeProfile(s string) string { return profileEscaper.Replace(s) }

func unescapeProfile(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
