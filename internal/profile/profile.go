// Package profile is the site profile: every answer the hardening steps need,
// as YAML, so that the answers for the first camera apply to the next ones
// without questions. Secrets are never literal in a profile: they are
// `generate`, `env:NAME` or `file:PATH`.
package profile

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// Profile holds the settings for all steps.
type Profile struct {
	// FactoryReset resets the camera to factory defaults first (step 2).
	FactoryReset bool `yaml:"factory_reset"`

	Admin          Account           `yaml:"admin"`
	Groups         []Group           `yaml:"groups"`
	Users          []User            `yaml:"users"`
	PublicAccess   []string          `yaml:"public_access"`
	IPAccess       IPAccess          `yaml:"ip_access"`
	Intrusion      Intrusion         `yaml:"intrusion"`
	WebCrawling    string            `yaml:"web_crawling"`
	Authentication string            `yaml:"authentication"`
	WebServer      WebServer         `yaml:"web_server"`
	RecordingKey   SecretRef         `yaml:"recording_key"`
	MxMessage      MxMessage         `yaml:"mxmessage"`
	ErrorNotify    ErrorNotify       `yaml:"error_notification"`
	StorageFailure StorageFailure    `yaml:"storage_failure"`
	Certificate    Certificate       `yaml:"certificate"`
	OpenVPN        OpenVPN           `yaml:"openvpn"`
	Dot1X          Dot1X             `yaml:"ieee8021x"`
	Manual         map[string]string `yaml:"manual"`
	VMS            map[string]string `yaml:"vms_checklist"`
	NAS            map[string]string `yaml:"nas_checklist"`

	// CameraName is the name the camera gets (ethernet/HOSTNAME, set with
	// step 16, whose certificate names it). It is never read from the
	// profile file: a site's hosts list gives each camera its own.
	CameraName string `yaml:"-"`
}

// Account is the admin account (step 3).
type Account struct {
	User     string    `yaml:"user"`
	Password SecretRef `yaml:"password"`
}

// Group is one user group with its rights (step 4).
type Group struct {
	Name   string   `yaml:"name"`
	Rights []string `yaml:"rights"`
}

// User is one person's account (step 5).
type User struct {
	Name     string    `yaml:"name"`
	Group    string    `yaml:"group"`
	Password SecretRef `yaml:"password"`
}

// IPAccess is the IP-level access control (step 7).
type IPAccess struct {
	Rules   []string `yaml:"rules"`    // "allow 192.168.1.0/255.255.255.0", "deny .example.com"
	NoMatch string   `yaml:"no_match"` // allow|deny
}

// Intrusion is intrusion detection (step 8).
type Intrusion struct {
	Threshold int           `yaml:"threshold"`
	Window    time.Duration `yaml:"window"`
	Lockout   time.Duration `yaml:"lockout"`
	Notify    []string      `yaml:"notify"`
}

// WebServer is the web server's ports and switches (step 11).
type WebServer struct {
	HTTP      bool `yaml:"http"`
	HTTPPort  int  `yaml:"http_port"`
	HTTPSPort int  `yaml:"https_port"`
}

// MxMessage is the MxMessageSystem (step 13).
type MxMessage struct {
	Used bool      `yaml:"used"`
	Key  SecretRef `yaml:"key"`
}

// ErrorNotify is error notification (step 14).
type ErrorNotify struct {
	Methods     []string `yaml:"methods"`
	DeadTime    int      `yaml:"dead_time_minutes"`
	AfterReboot bool     `yaml:"after_reboot"`
}

// StorageFailure is storage failure detection (step 15).
type StorageFailure struct {
	Tests       []string `yaml:"tests"`
	Sensitivity string   `yaml:"sensitivity"`
	Notify      []string `yaml:"notify"`
}

// Certificate is the camera's X.509 certificate (step 16).
type Certificate struct {
	Mode     string   `yaml:"mode"` // self-signed|import|keep
	KeyType  string   `yaml:"key_type"`
	Names    []string `yaml:"names"` // extra DNS names and IP addresses
	CertFile string   `yaml:"cert_file"`
	KeyFile  string   `yaml:"key_file"`
	Org      string   `yaml:"organization"`
}

// OpenVPN is the OpenVPN client (step 17).
type OpenVPN struct {
	Needed bool   `yaml:"needed"`
	Server string `yaml:"server"`
	Port   int    `yaml:"port"`
	Proto  string `yaml:"proto"`
}

// Dot1X is IEEE 802.1X (step 20).
type Dot1X struct {
	Enabled  bool      `yaml:"enabled"`
	EAP      string    `yaml:"eap"`
	Identity string    `yaml:"identity"`
	Password SecretRef `yaml:"password"`
}

// SecretRef says where a secret comes from: "generate", "env:NAME" or
// "file:PATH". A literal value is refused when the profile is loaded.
type SecretRef string

// IsZero reports an empty reference.
func (r SecretRef) IsZero() bool { return r == "" }

// IsGenerate reports whether mxwizard should generate the secret.
func (r SecretRef) IsGenerate() bool { return r == "generate" }

// Validate refuses literals.
func (r SecretRef) Validate(field string) error {
	s := string(r)
	switch {
	case s == "", s == "generate":
		return nil
	case strings.HasPrefix(s, "env:") && len(s) > 4:
		return nil
	case strings.HasPrefix(s, "file:") && len(s) > 5:
		return nil
	}
	return fmt.Errorf("%s: a secret must be \"generate\", \"env:NAME\" or \"file:PATH\", never the value itself (the value was not shown)", field)
}

// Resolve reads an env: or file: secret. For "generate" it returns
// ok=false: the caller generates one.
func (r SecretRef) Resolve(field string) (secret.Secret, bool, error) {
	s := string(r)
	switch {
	case s == "" || s == "generate":
		return secret.Secret{}, false, nil
	case strings.HasPrefix(s, "env:"):
		v, ok := os.LookupEnv(s[4:])
		if !ok || v == "" {
			return secret.Secret{}, false, fmt.Errorf("%s: environment variable %s is not set", field, s[4:])
		}
		return secret.New(v), true, nil
	case strings.HasPrefix(s, "file:"):
		data, err := os.ReadFile(s[5:])
		if err != nil {
			return secret.Secret{}, false, fmt.Errorf("%s: read %s: %w", field, s[5:], errors.Unwrap(err))
		}
		line, _, _ := strings.Cut(string(data), "\n")
		line = strings.TrimRight(line, "\r")
		if line == "" {
			return secret.Secret{}, false, fmt.Errorf("%s: %s is empty", field, s[5:])
		}
		return secret.New(line), true, nil
	}
	return secret.Secret{}, false, r.Validate(field)
}

// MaxBytes is the largest profile read: a real one is a few kilobytes.
const MaxBytes = 1 << 20

// maxMappingEntries bounds the keys of one YAML mapping: the YAML library
// checks duplicate keys in quadratic time, so an absurd number of keys
// would take minutes. The largest real mapping is a checklist of a dozen.
const maxMappingEntries = 1000

// Load reads a profile file.
func Load(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", path, err)
	}
	return p, nil
}

// Parse reads a profile from YAML, refusing unknown fields and literal
// secrets, and fills defaults.
func Parse(data []byte) (*Profile, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("not a valid profile: it is larger than %d KiB (a profile is a few kilobytes): check that this is the right file", MaxBytes>>10)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("not a valid profile: %s", scrubYAMLError(err))
	}
	if err := checkMappings(&root); err != nil {
		return nil, err
	}
	p := Default()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("not a valid profile: %s", scrubYAMLError(err))
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// checkMappings refuses a mapping with more keys than any profile has,
// before the strict decoder spends quadratic time on it.
func checkMappings(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode && len(n.Content)/2 > maxMappingEntries {
		return fmt.Errorf("not a valid profile: line %d: a mapping with %d keys (at most %d): check that this is the right file", n.Line, len(n.Content)/2, maxMappingEntries)
	}
	for _, c := range n.Content {
		if err := checkMappings(c); err != nil {
			return err
		}
	}
	return nil
}

// scrubYAMLError keeps the line numbers of a YAML error but drops quoted
// values, which could be a secret typed into the wrong field.
func scrubYAMLError(err error) string {
	msg := err.Error()
	var out []string
	for _, line := range strings.Split(msg, "\n") {
		if i := strings.Index(line, "`"); i >= 0 {
			line = line[:i] + "(value not shown)"
		}
		out = append(out, strings.TrimSpace(line))
	}
	return strings.Join(out, "; ")
}

// Default is the profile mxwizard uses when nothing else is said: every
// step hardened as the guide recommends.
func Default() *Profile {
	return &Profile{
		Admin:          Account{User: "admin", Password: "generate"},
		IPAccess:       IPAccess{NoMatch: "deny"},
		Intrusion:      Intrusion{Threshold: 5, Window: time.Minute, Lockout: 10 * time.Minute, Notify: []string{"email"}},
		WebCrawling:    "forbid",
		Authentication: "digest",
		WebServer:      WebServer{HTTP: false, HTTPPort: 8080, HTTPSPort: 8443},
		RecordingKey:   "generate",
		MxMessage:      MxMessage{Used: false, Key: "generate"},
		ErrorNotify:    ErrorNotify{Methods: []string{"email"}, DeadTime: 5, AfterReboot: true},
		StorageFailure: StorageFailure{Tests: []string{"ping", "transfer", "lostevents"}, Sensitivity: "high", Notify: []string{"email"}},
		Certificate:    Certificate{Mode: "self-signed", KeyType: "rsa2048"},
	}
}

// WithoutLiterals is a copy of p in which every secret reference that is not
// "generate", "env:NAME" or "file:PATH" is emptied: what may be written
// where secrets never go (a state file), whatever the profile held.
func (p *Profile) WithoutLiterals() *Profile {
	c := *p
	clean := func(r *SecretRef) {
		if r.Validate("") != nil {
			*r = ""
		}
	}
	clean(&c.Admin.Password)
	clean(&c.RecordingKey)
	clean(&c.MxMessage.Key)
	clean(&c.Dot1X.Password)
	c.Users = append([]User(nil), p.Users...)
	for i := range c.Users {
		clean(&c.Users[i].Password)
	}
	return &c
}

// Validate checks the profile's own consistency (the camera's limits are
// checked again by the steps).
func (p *Profile) Validate() error {
	var errs []error
	refs := map[string]SecretRef{
		"admin.password": p.Admin.Password, "recording_key": p.RecordingKey,
		"mxmessage.key": p.MxMessage.Key, "ieee8021x.password": p.Dot1X.Password,
	}
	for i, u := range p.Users {
		refs[fmt.Sprintf("users[%d].password", i)] = u.Password
	}
	for field, r := range refs {
		if err := r.Validate(field); err != nil {
			errs = append(errs, err)
		}
	}
	if p.IPAccess.NoMatch != "" && p.IPAccess.NoMatch != "allow" && p.IPAccess.NoMatch != "deny" {
		errs = append(errs, enumError("ip_access.no_match", "allow", "deny"))
	}
	if p.WebCrawling != "allow" && p.WebCrawling != "forbid" {
		errs = append(errs, enumError("web_crawling", "allow", "forbid"))
	}
	if p.Authentication != "basic" && p.Authentication != "digest" {
		errs = append(errs, enumError("authentication", "basic", "digest"))
	}
	switch p.Certificate.Mode {
	case "self-signed", "import", "keep":
	default:
		errs = append(errs, enumError("certificate.mode", "self-signed", "import", "keep"))
	}
	if p.Certificate.Mode == "import" && (p.Certificate.CertFile == "" || p.Certificate.KeyFile == "") {
		errs = append(errs, errors.New("certificate.mode import needs cert_file and key_file"))
	}
	return errors.Join(errs...)
}

// enumError says which words a field takes without repeating the value
// given: a secret pasted into the wrong field must not reach the terminal.
func enumError(field string, words ...string) error {
	return fmt.Errorf("%s: use %s or %s (the value given was not shown)", field, strings.Join(words[:len(words)-1], ", "), words[len(words)-1])
}

//go:embed example.yaml
var example []byte

// Example is a commented profile that hardens a factory-new camera fully.
func Example() []byte { return append([]byte(nil), example...) }
