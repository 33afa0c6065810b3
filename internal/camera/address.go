package camera

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ParseAddress turns what a person types (an IP address, a host name, with
// an optional port and scheme) into the camera's base URL. Without a scheme
// it is HTTPS, the safe default. User information in the address is refused:
// a password in an address ends up in shell history and process lists.
func ParseAddress(s string) (*url.URL, error) {
	in := strings.TrimSpace(s)
	// Every message quotes the address without a user name or password
	// typed into it, and never url.Parse's own text, which repeats it whole.
	shown := CleanText(redactUserinfo(in))
	if in == "" {
		return nil, fmt.Errorf("empty camera address: give an IP address or host name, e.g. 192.168.1.10 or https://cam1.example.com:8443")
	}
	if !strings.Contains(in, "://") {
		in = "https://" + in
	}
	u, err := url.Parse(in)
	if err != nil {
		return nil, fmt.Errorf("camera address %q is not valid: %s (e.g. 192.168.1.10, cam1:8443, http://10.0.0.5)", shown, parseProblem(err))
	}
	if u.User != nil {
		return nil, fmt.Errorf("camera address %q holds a user name or password: give the address alone and the password through a prompt, MXWIZARD_PASSWORD or --password-file", shown)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("camera address %q: scheme %q is not http or https", shown, u.Scheme)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("camera address %q has a path or query: give only scheme, host and port", shown)
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("camera address %q has no host", shown)
	}
	if ip := net.ParseIP(host); ip == nil && !validHostname(host) {
		return nil, fmt.Errorf("camera address %q: %q is neither an IP address nor a valid host name", shown, host)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("camera address %q: port %q is not between 1 and 65535", shown, p)
		}
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// parseProblem says what url.Parse disliked without quoting the input.
func parseProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var esc url.EscapeError
	var host url.InvalidHostError
	switch {
	case errors.As(err, &esc):
		return "a % is not followed by two hex digits"
	case errors.As(err, &host):
		return "the host part holds a character a host name cannot have"
	}
	return "it is not of the form [https://]HOST[:PORT]"
}

func redactUserinfo(s string) string {
	at := strings.LastIndex(s, "@")
	start := strings.Index(s, "://")
	if at < 0 {
		return s
	}
	if start < 0 {
		return "…@" + s[at+1:]
	}
	return s[:start+3] + "…@" + s[at+1:]
}

func validHostname(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// WithPort returns base with another scheme and port (after a port change).
func WithPort(base *url.URL, scheme string, port int) *url.URL {
	host := base.Hostname()
	def := (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
	u := &url.URL{Scheme: scheme, Host: host}
	if strings.Contains(host, ":") {
		u.Host = "[" + host + "]"
	}
	if !def {
		u.Host = net.JoinHostPort(host, strconv.Itoa(port))
	}
	return u
}

// WithHost returns u at another host (an IP address or name), with the
// same scheme and port.
func WithHost(u *url.URL, host string) *url.URL {
	v := &url.URL{Scheme: u.Scheme, Host: host}
	if strings.Contains(host, ":") {
		v.Host = "[" + host + "]"
	}
	if p := u.Port(); p != "" {
		v.Host = net.JoinHostPort(host, p)
	}
	return v
}

// PortOf returns the URL's port, or the scheme's default.
func PortOf(u *url.URL) int {
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
		return n
	}
	if u.Scheme == "http" {
		return 80
	}
	return 443
}
