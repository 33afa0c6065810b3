package camera

import (
	"bytes"
	"strings"
)

// ReplyPrefix starts every remote-configuration reply of a real camera; tools
// treat anything else as "not a MOBOTIX".
const ReplyPrefix = "#read::"

// Reply is a parsed remote-configuration reply.
type Reply struct {
	// Commands holds each command's result in script order.
	Commands []CommandResult
	// Sections holds every SECTION block printed, by name (the last wins).
	Sections map[string]*Config

	raw []byte // the reply as it arrived
}

// CommandResult is what the camera said about one command.
type CommandResult struct {
	Command string   // the command as echoed, e.g. "view section timestamp"
	OK      bool     // an "OK <command>" line closed it
	Errors  []string // "#ERR" lines, without the prefix
	Body    []string // lines printed between the echo and the OK line
	Done    []string // parameters acknowledged ("OK <section/key>" lines)
}

// ParseReply reads a reply. It is strict only where it matters (the body must
// start with #read::, else ErrNotMobotix) and lenient about the rest: unknown
// lines are kept in the current command's body, and a reply cut short keeps
// what arrived.
func ParseReply(body []byte) (*Reply, error) {
	if !bytes.HasPrefix(body, []byte(ReplyPrefix)) {
		return nil, ErrNotMobotix
	}
	r := &Reply{Sections: map[string]*Config{}, raw: body}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var cur *CommandResult
	for _, line := range lines[1:] {
		switch {
		case cur != nil && cur.Command == "view configfile" && line != "OK view configfile":
			cur.Body = append(cur.Body, line)
		case strings.HasPrefix(line, "#ERR"):
			msg := strings.TrimSpace(strings.TrimPrefix(line, "#ERR"))
			if cur == nil {
				r.Commands = append(r.Commands, CommandResult{})
				cur = &r.Commands[len(r.Commands)-1]
			}
			cur.Errors = append(cur.Errors, msg)
		case strings.HasPrefix(line, "OK "):
			what := strings.TrimPrefix(line, "OK ")
			if cur != nil && what == cur.Command {
				cur.OK = true
				cur = nil
			} else if cur != nil {
				cur.Done = append(cur.Done, what)
			}
		case strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "#:"):
			r.Commands = append(r.Commands, CommandResult{Command: strings.TrimSpace(line[1:])})
			cur = &r.Commands[len(r.Commands)-1]
		default:
			if cur != nil {
				cur.Body = append(cur.Body, line)
			}
		}
	}
	for _, c := range r.Commands {
		if !strings.HasPrefix(c.Command, "view section") {
			continue
		}
		if cfg, err := ParseConfig([]byte(strings.Join(c.Body, "\n") + "\n")); err == nil {
			for _, name := range cfg.Sections() {
				one, _ := ParseConfig([]byte(cfg.SectionText(name)))
				r.Sections[name] = one
			}
		}
	}
	return r, nil
}

// Command returns the first result whose command starts with prefix.
func (r *Reply) Command(prefix string) (CommandResult, bool) {
	for _, c := range r.Commands {
		if strings.HasPrefix(c.Command, prefix) {
			return c, true
		}
	}
	return CommandResult{}, false
}

// Errors lists every error line of the reply, prefixed by its command.
func (r *Reply) Errors() []string {
	var out []string
	for _, c := range r.Commands {
		for _, e := range c.Errors {
			if c.Command != "" {
				out = append(out, c.Command+": "+e)
			} else {
				out = append(out, e)
			}
		}
	}
	return out
}

// ConfigFile returns the configuration file printed by `view configfile`,
// exactly as the camera sent it (the 4 leading and 3 trailing wrapper lines
// removed).
func (r *Reply) ConfigFile() ([]byte, bool) {
	c, ok := r.Command("view configfile")
	if !ok {
		return nil, false
	}
	return []byte(strings.Join(c.Body, "\n") + "\n"), true
}
