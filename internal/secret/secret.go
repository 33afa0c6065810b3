// Package secret holds the one type mxwizard uses for passwords, keys and
// passphrases: a value that refuses to print itself.
package secret

import (
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// Mask is what every printing path shows instead of a secret.
const Mask = "********"

// Secret is a password, key or passphrase. Its String, GoString, Format,
// MarshalJSON, MarshalText and LogValue all yield Mask, so a secret that
// reaches fmt, a logger, a JSON report or an error message stays hidden. The
// only way to read the value is Reveal, which is easy to search for.
type Secret struct {
	value string
}

// New wraps a plain value.
func New(value string) Secret { return Secret{value: value} }

// Reveal returns the plain value. Call it only where the value must leave the
// process on purpose: on the wire to the camera or into an encrypted file.
func (s Secret) Reveal() string { return s.value }

// IsZero reports whether no value was set.
func (s Secret) IsZero() bool { return s.value == "" }

// Len is the length of the value in bytes.
func (s Secret) Len() int { return len(s.value) }

// Equal compares two secrets in constant time.
func (s Secret) Equal(o Secret) bool {
	return subtle.ConstantTimeCompare([]byte(s.value), []byte(o.value)) == 1
}

// String implements fmt.Stringer with the mask.
func (s Secret) String() string { return Mask }

// GoString implements fmt.GoStringer with the mask (covers %#v).
func (s Secret) GoString() string { return "secret.Secret(" + Mask + ")" }

// MarshalJSON writes the mask, never the value.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(Mask) }

// MarshalText writes the mask, never the value.
func (s Secret) MarshalText() ([]byte, error) { return []byte(Mask), nil }

// LogValue implements slog.LogValuer with the mask.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Mask) }

// Redact replaces every occurrence of the given secrets' values in text with
// the mask: the value as it is and as it travels percent-encoded (the
// camera's script encoding, URL query and path escaping, either case of
// hex digits), because a camera may echo a refused value in either form.
// Use it on text that came from elsewhere (a camera reply, a wrapped error)
// before it is shown or stored. Empty secrets are ignored.
func Redact(text string, secrets ...Secret) string {
	for _, s := range secrets {
		if len(s.value) < 3 { // too short to redact without mangling text
			continue
		}
		for _, form := range encodings(s.value) {
			text = strings.ReplaceAll(text, form, Mask)
		}
	}
	return text
}

// encodings lists the forms a value can take in text, longest first, so
// that a shorter form never cuts a longer one in half.
func encodings(v string) []string {
	q, p := url.QueryEscape(v), url.PathEscape(v)
	forms := []string{v, q, p, lowerHex(q), lowerHex(p), percentAll(v, "%%%02X"), percentAll(v, "%%%02x")}
	var out []string
	for _, f := range forms {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// lowerHex writes the hex digits of every %XX escape in lower case.
func lowerHex(v string) string {
	b := []byte(v)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// percentAll encodes every byte outside A-Z a-z 0-9 - _ . ~ (the camera
// script's encoding is of this kind).
func percentAll(v, format string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, format, c)
	}
	return b.String()
}
