package camsim

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// The remote-configuration interpreter (docs/protocol.md). It is lenient:
// whatever the script holds, it answers #read:: and error lines, never
// panics, and a rejected line changes nothing.

// scriptOutput collects the reply of one script.
type scriptOutput struct {
	b      bytes.Buffer
	reboot bool
}

func (o *scriptOutput) line(s string) {
	o.b.WriteString(s)
	o.b.WriteByte('\n')
}

func (o *scriptOutput) errf(what, format string, args ...any) {
	o.line("#ERR " + what + ": " + fmt.Sprintf(format, args...))
}

var helpLines = []string{
	"helo                               begin the script",
	"view configfile                    print the configuration file (RAM)",
	"view section NAME [NAME...]        print sections",
	"write params                       then section/KEY=value or section/profile/KEY=value lines (values %XX-encoded)",
	"write                              then whole SECTION ... ENDSECTION blocks",
	"update                             activate what was written",
	"store                              save the configuration to flash (permanent memory)",
	"restore configfile|section NAMES   bring the flash copy back and activate it",
	"reset configfile|section NAMES|exceptsection NAMES   factory defaults, activated",
	"reboot                             restart the camera after the reply",
	"help                               this list",
	"quit                               end the script",
}

// runScriptLocked interprets a remote-configuration script. c.mu is held.
func (c *Camera) runScriptLocked(body []byte) *scriptOutput {
	out := &scriptOutput{}
	out.line(camera.ReplyPrefix)
	lines := strings.Split(string(body), "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i >= len(lines) || strings.TrimSpace(lines[i]) != "helo" {
		out.errf("helo", "script must start with helo")
		return out
	}
	i++
	out.line("#helo")
	out.line("OK helo")
	quit := false
	for i < len(lines) && !quit {
		line := strings.TrimSpace(lines[i])
		i++
		if line == "" || strings.HasPrefix(line, "#") {
			continue // blank lines and comments
		}
		f := strings.Fields(line)
		cmd := strings.Join(f, " ")
		switch {
		case cmd == "quit":
			out.line("#quit")
			out.line("OK quit")
			quit = true
		case cmd == "helo":
			out.line("#helo")
			out.line("OK helo")
		case f[0] == "view":
			out.line("#" + cmd)
			if c.viewLocked(out, f[1:]) {
				out.line("OK " + cmd)
			}
		case cmd == "write params":
			out.line("#" + cmd)
			ok := true
			for i < len(lines) && looksLikeParam(strings.TrimSpace(lines[i])) {
				p := strings.TrimSpace(lines[i])
				i++
				path, raw, _ := strings.Cut(p, "=")
				if err := c.writeParamLocked(path, raw); err != nil {
					out.errf(path, "%s", err)
					ok = false
				} else {
					out.line("OK " + path)
				}
			}
			if ok {
				out.line("OK " + cmd)
			}
		case cmd == "write":
			out.line("#write")
			var ok bool
			i, ok = c.writeSectionsLocked(out, lines, i)
			if ok {
				out.line("OK write")
			}
		case cmd == "update":
			out.line("#update")
			c.active = c.ram.Clone()
			out.line("OK update")
		case cmd == "store":
			out.line("#store")
			if err := c.storeLocked(); err != nil {
				out.errf("store", "%s", err)
			} else {
				out.line("OK store")
			}
		case f[0] == "restore" || f[0] == "reset":
			out.line("#" + cmd)
			if c.restoreLocked(out, f[0], f[1:]) {
				out.line("OK " + cmd)
			}
		case cmd == "reboot":
			out.line("#reboot")
			out.line("OK reboot")
			out.reboot = true
		case cmd == "help":
			out.line("#help")
			for _, h := range helpLines {
				out.line(h)
			}
			out.line("OK help")
		default:
			what := redactCommand(line)
			out.line("#" + what)
			out.errf(what, "unknown command")
		}
	}
	if !quit {
		out.errf("quit", "script must end with quit")
	}
	return out
}

// redactCommand shortens an unknown line for its echo: up to the first
// space or "=", so that no value is ever echoed.
func redactCommand(line string) string {
	if i := strings.IndexAny(line, " \t="); i >= 0 {
		line = line[:i]
	}
	if len(line) > 64 {
		line = line[:64] + "..."
	}
	return line
}

// looksLikeParam: name/name= or name/name/name= (the write params block
// ends at the first line that does not look like that).
func looksLikeParam(line string) bool {
	path, _, ok := strings.Cut(line, "=")
	if !ok {
		return false
	}
	parts := strings.Split(path, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.ContainsAny(p, " \t") {
			return false
		}
	}
	return true
}

func (c *Camera) viewLocked(out *scriptOutput, args []string) bool {
	switch {
	case len(args) == 1 && args[0] == "configfile":
		data := c.ram.Bytes()
		out.b.Write(data)
		if len(data) > 0 && data[len(data)-1] != '\n' {
			out.b.WriteByte('\n')
		}
		return true
	case len(args) >= 2 && args[0] == "section":
		ok := true
		for _, name := range args[1:] {
			if !c.ram.HasSection(name) {
				out.errf(name, "no such section")
				ok = false
				continue
			}
			out.b.WriteString(c.ram.SectionText(name))
		}
		return ok
	}
	out.errf("view", "use view configfile or view section NAME")
	return false
}

// restoreLocked runs restore (from flash) and reset (factory defaults):
// the copy goes to RAM and is activated.
func (c *Camera) restoreLocked(out *scriptOutput, verb string, args []string) bool {
	src := c.flash
	if verb == "reset" {
		src = c.factory
	}
	switch {
	case len(args) == 1 && args[0] == "configfile":
		c.ram = src.Clone()
		c.active = src.Clone()
		return true
	case len(args) >= 2 && (args[0] == "section" || (verb == "reset" && args[0] == "exceptsection")):
		names := args[1:]
		for _, n := range names {
			if !src.HasSection(n) {
				out.errf(n, "no such section")
				return false
			}
		}
		if args[0] == "exceptsection" {
			keep := map[string]bool{}
			for _, n := range names {
				keep[n] = true
			}
			names = nil
			for _, n := range src.Sections() {
				if !keep[n] {
					names = append(names, n)
				}
			}
		}
		for _, n := range names {
			c.ram.ReplaceSection(src, n)
			c.active.ReplaceSection(src, n)
		}
		return true
	}
	if verb == "reset" {
		out.errf(verb, "use reset configfile, reset section NAMES or reset exceptsection NAMES")
	} else {
		out.errf(verb, "use restore configfile or restore section NAMES")
	}
	return false
}

// writeSectionsLocked takes the SECTION…ENDSECTION blocks after a bare
// write and replaces those sections in RAM, values verbatim. It returns the
// index of the first line after the block and whether every section was
// taken.
func (c *Camera) writeSectionsLocked(out *scriptOutput, lines []string, i int) (int, bool) {
	ok := true
	for i < len(lines) {
		t := strings.TrimSpace(lines[i])
		if t == "" || strings.HasPrefix(t, "#:") {
			i++
			continue
		}
		if !strings.HasPrefix(t, "SECTION ") {
			break
		}
		name := strings.TrimSpace(strings.TrimPrefix(t, "SECTION "))
		start := i
		i++
		for i < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[i]), "ENDSECTION") {
			i++
		}
		if i >= len(lines) {
			out.errf(sectionLabel(name), "SECTION without ENDSECTION: nothing written")
			return i, false
		}
		i++
		if err := c.writeSectionLocked(name, lines[start:i]); err != nil {
			out.errf(sectionLabel(name), "%s", err)
			ok = false
			continue
		}
		out.line("OK " + name)
	}
	return i, ok
}

func sectionLabel(name string) string {
	if validSectionName(name) {
		return name
	}
	return "SECTION"
}

func validSectionName(s string) bool { return s != "" && len(s) <= 64 && nameChars(s) }

// writeSectionLocked replaces one whole section in RAM.
func (c *Camera) writeSectionLocked(name string, block []string) error {
	if !validSectionName(name) {
		return errors.New("bad section name")
	}
	for _, ln := range block[1 : len(block)-1] {
		t := strings.TrimSpace(ln)
		if t != "" && !strings.HasPrefix(t, "#") && !strings.Contains(t, "=") {
			return errors.New("a line inside the section is not KEY=value")
		}
		if strings.HasPrefix(t, "SECTION ") {
			return errors.New("sections cannot nest")
		}
	}
	src, err := camera.ParseConfig([]byte(strings.Join(block, "\n") + "\n"))
	if err != nil {
		return err
	}
	if got := src.Sections(); len(got) != 1 || got[0] != name {
		return errors.New("malformed section")
	}
	if err := c.checkSectionLocked(src, name); err != nil {
		return err
	}
	next := c.ram.Clone()
	// Read-only keys keep the camera's values whatever the block says.
	rules := keyRules[name]
	keep := map[string]string{}
	for k, r := range rules {
		if v, ok := c.ram.Get(name, k); ok && r.readOnly {
			keep[k] = v
		}
	}
	next.ReplaceSection(src, name)
	for _, k := range sortedKeys(keep) {
		next.Set(name, k, keep[k])
	}
	if err := invariant(next, name); err != nil {
		return err
	}
	if name == camera.SecGroups {
		if err := invariant(next, camera.SecUsers); err != nil {
			return err
		}
	}
	c.ram = next
	return nil
}

// checkSectionLocked validates (and where needed rewrites) the lines of a
// section given whole: secrets given in plain text are hashed, a password
// field becomes a pwhash, read-only keys are ignored.
func (c *Camera) checkSectionLocked(src *camera.Config, name string) error {
	switch name {
	case camera.SecUsers:
		for _, u := range src.Keys(name) {
			if !validName(u) {
				return fmt.Errorf("user %q: %s", u, errName)
			}
			p := camera.ParseProfile(src.Value(name, u))
			var out camera.Profile
			for _, f := range p {
				switch f.Key {
				case camera.ProfGroup:
					if !validName(f.Value) {
						return fmt.Errorf("user %s: group %q: %s", u, f.Value, errName)
					}
					out = append(out, f)
				case camera.ProfPasswordHash:
					if f.Value != "" && !isPasswordHash(f.Value) {
						return fmt.Errorf("user %s: pwhash is not {camsim-HA1}<32 hex digits>", u)
					}
					out = out.With(f.Key, f.Value)
				case camera.ProfPassword:
					if err := checkPassword(f.Value); err != nil {
						return fmt.Errorf("user %s: %s", u, err)
					}
					out = out.With(camera.ProfPasswordHash, PasswordHash(u, f.Value))
				default:
					return fmt.Errorf("user %s: unknown field %q", u, f.Key)
				}
			}
			src.Set(name, u, out.String())
		}
		return nil
	case camera.SecGroups:
		for _, g := range src.Keys(name) {
			if !validName(g) {
				return fmt.Errorf("group %q: %s", g, errName)
			}
			if err := checkRights(src.Value(name, g)); err != nil {
				return fmt.Errorf("group %s: %s", g, err)
			}
		}
		return nil
	}
	rules, known := keyRules[name]
	for _, k := range src.Keys(name) {
		v := src.Value(name, k)
		if err := plainText(v); err != nil {
			return fmt.Errorf("%s: %s", k, err)
		}
		if !known {
			continue
		}
		r, ok := rules[k]
		switch {
		case !ok:
			return fmt.Errorf("%s: unknown key", k)
		case r.readOnly:
		case r.secret:
			if v != "" && !isSecretHash(v) {
				if err := r.check(v); err != nil {
					return fmt.Errorf("%s: %s", k, err)
				}
				src.Set(name, k, secretHash(v))
			}
		default:
			if err := r.check(v); err != nil {
				return fmt.Errorf("%s: %s", k, err)
			}
		}
	}
	return nil
}

// writeParamLocked changes one parameter in RAM (write params).
func (c *Camera) writeParamLocked(path, raw string) error {
	// A '#' anywhere in a line starts a comment, and values are trimmed
	// (doc: mxmConfigSection.cpp): a value that means '#' must carry %23.
	if h := strings.IndexByte(raw, '#'); h >= 0 {
		raw = raw[:h]
	}
	value, err := camera.DecodeValue(strings.TrimSpace(raw))
	if err != nil {
		return err
	}
	parts := strings.Split(path, "/")
	section := parts[0]
	if !c.ram.HasSection(section) {
		return errors.New("no such section")
	}
	switch section {
	case camera.SecUsers, camera.SecGroups, camera.SecWebServer:
	default:
		// writeKey checks everything before it changes anything, and these
		// sections have no invariant: no copy needed.
		return writeKey(c.ram, section, parts[1:], value)
	}
	next := c.ram.Clone()
	switch section {
	case camera.SecUsers:
		err = writeUser(next, parts[1:], value)
	case camera.SecGroups:
		err = writeGroup(next, parts[1:], value)
	default:
		err = writeKey(next, section, parts[1:], value)
	}
	if err != nil {
		return err
	}
	if err := invariant(next, section); err != nil {
		return err
	}
	if section == camera.SecGroups {
		if err := invariant(next, camera.SecUsers); err != nil {
			return err
		}
	}
	c.ram = next
	return nil
}

func writeKey(cfg *camera.Config, section string, names []string, value string) error {
	rules, known := keyRules[section]
	if known {
		if len(names) != 1 {
			return fmt.Errorf("section %s has no profiles", section)
		}
		r, ok := rules[names[0]]
		switch {
		case !ok:
			return errors.New("unknown key")
		case r.readOnly:
			return errors.New("read-only")
		case r.secret && value == "":
			cfg.Set(section, names[0], "")
			return nil
		}
		if err := r.check(value); err != nil {
			return err
		}
		if r.secret {
			value = secretHash(value)
		}
		cfg.Set(section, names[0], value)
		return nil
	}
	if err := plainText(value); err != nil {
		return err
	}
	if len(names) == 1 {
		cfg.Set(section, names[0], value)
		return nil
	}
	prof := camera.ParseProfile(cfg.Value(section, names[0])).With(names[1], value)
	cfg.Set(section, names[0], prof.String())
	return nil
}

func writeUser(cfg *camera.Config, names []string, value string) error {
	user := names[0]
	if !validName(user) {
		return errors.New("user " + errName.Error())
	}
	cur, exists := cfg.Get(camera.SecUsers, user)
	if len(names) == 1 {
		if value != "" {
			return fmt.Errorf("use users/%s/%s= or users/%s/%s=; users/%s= (empty) deletes", user, camera.ProfGroup, user, camera.ProfPassword, user)
		}
		if !exists {
			return errors.New("no such user")
		}
		cfg.Delete(camera.SecUsers, user)
		return nil
	}
	prof := camera.ParseProfile(cur)
	switch names[1] {
	case camera.ProfGroup:
		if _, ok := cfg.Get(camera.SecGroups, value); !ok {
			return fmt.Errorf("no such group %q", value)
		}
		prof = prof.With(camera.ProfGroup, value)
	case camera.ProfPassword:
		if !exists {
			return fmt.Errorf("no such user (set users/%s/%s first)", user, camera.ProfGroup)
		}
		if err := checkPassword(value); err != nil {
			return err
		}
		prof = prof.With(camera.ProfPasswordHash, PasswordHash(user, value))
	case camera.ProfPasswordHash:
		return fmt.Errorf("write-only: set users/%s/%s", user, camera.ProfPassword)
	default:
		return fmt.Errorf("unknown field (use %s or %s)", camera.ProfGroup, camera.ProfPassword)
	}
	cfg.Set(camera.SecUsers, user, prof.String())
	return nil
}

func writeGroup(cfg *camera.Config, names []string, value string) error {
	if len(names) != 1 {
		return errors.New("groups have no profiles: use groups/NAME=rights")
	}
	group := names[0]
	if !validName(group) {
		return errors.New("group " + errName.Error())
	}
	_, exists := cfg.Get(camera.SecGroups, group)
	if value == "" {
		switch {
		case group == camera.AdminGroup || group == groupUndefined:
			return fmt.Errorf("the preset group %s cannot be removed", group)
		case !exists:
			return errors.New("no such group")
		}
		cfg.Delete(camera.SecGroups, group)
		for _, u := range cfg.Keys(camera.SecUsers) {
			prof := camera.ParseProfile(cfg.Value(camera.SecUsers, u))
			if prof.Get(camera.ProfGroup) == group {
				cfg.Set(camera.SecUsers, u, prof.With(camera.ProfGroup, groupUndefined).String())
			}
		}
		return nil
	}
	if err := checkRights(value); err != nil {
		return err
	}
	cfg.Set(camera.SecGroups, group, strings.Join(splitList(value), ","))
	return nil
}
