package backup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/mxwizard/mxwizard/internal/secret"
)

// Secrets is the content of the secrets file written at the end of a run:
// every password and key mxwizard set on one camera. Its secret fields are
// secret.Secret, so printing a Secrets value, logging it or passing it to
// json.Marshal shows masks only. MarshalSecrets and UnmarshalSecrets convert
// it to and from the plaintext JSON that goes into the encrypted file.
type Secrets struct {
	Camera        string        // camera address as the person entered it (host or IP, optional port)
	Model         string        // camera model, e.g. "M16B"
	Serial        string        // camera serial number (MAC address)
	WrittenAt     time.Time     // when the file was written
	AdminUser     string        // name of the administrator account
	AdminPassword secret.Secret // the administrator's password
	Users         []User        // further user accounts mxwizard created or changed
	RecordingKey  secret.Secret // key of the encrypted recording storage
	MxMessageKey  secret.Secret // MxMessageSystem network key
	Dot1xPassword secret.Secret // IEEE 802.1X password
	// CertificateKey and CertificatePEM are the private key and the
	// certificate mxwizard installed (step 16), PEM, for a re-hardening
	// after a factory reset.
	CertificateKey secret.Secret
	CertificatePEM secret.Secret
	// Previous holds every value a later run replaced, newest last: a camera
	// that lost power before the new value was stored still has the old
	// one, and the file must still open it.
	Previous []Previous
}

// Previous is a value the secrets file held before a run replaced it.
type Previous struct {
	Name     string        // the secret's name: admin_password, user:NAME, recording_key, ...
	Value    secret.Secret // the value it had
	Replaced time.Time     // when the run replaced it
}

// User is one camera user account in the secrets file.
type User struct {
	Name     string        // user name
	Group    string        // the camera user group the account belongs to
	Password secret.Secret // the account's password
}

// secretsWire is the JSON shape of the secrets file. It holds the secrets as
// plain strings because secret.Secret marshals as a mask. It is unexported so
// that no other code can produce plaintext secrets JSON by accident.
type secretsWire struct {
	Camera         string     `json:"camera"`
	Model          string     `json:"model,omitempty"`
	Serial         string     `json:"serial,omitempty"`
	WrittenAt      time.Time  `json:"written_at,omitzero"`
	AdminUser      string     `json:"admin_user,omitempty"`
	AdminPassword  string     `json:"admin_password,omitempty"`
	Users          []userWire `json:"users,omitempty"`
	RecordingKey   string     `json:"recording_key,omitempty"`
	MxMessageKey   string     `json:"mxmessage_key,omitempty"`
	Dot1xPassword  string     `json:"dot1x_password,omitempty"`
	CertificateKey string     `json:"certificate_key,omitempty"`
	CertificatePEM string     `json:"certificate_pem,omitempty"`
	Previous       []prevWire `json:"previous,omitempty"`
}

type prevWire struct {
	Name     string    `json:"name"`
	Value    string    `json:"value"`
	Replaced time.Time `json:"replaced,omitzero"`
}

type userWire struct {
	Name     string `json:"name"`
	Group    string `json:"group,omitempty"`
	Password string `json:"password,omitempty"`
}

// MarshalSecrets returns s as indented JSON WITH EVERY SECRET IN PLAINTEXT.
//
// This is the one place in mxwizard where plaintext secrets are serialised.
// The result must only ever go into Encrypt (or WriteFile): never to a file,
// a log, a report, the terminal or an error message. Do not keep it around
// longer than needed.
func MarshalSecrets(s Secrets) ([]byte, error) {
	w := secretsWire{
		Camera:         s.Camera,
		Model:          s.Model,
		Serial:         s.Serial,
		WrittenAt:      s.WrittenAt,
		AdminUser:      s.AdminUser,
		AdminPassword:  s.AdminPassword.Reveal(),
		RecordingKey:   s.RecordingKey.Reveal(),
		MxMessageKey:   s.MxMessageKey.Reveal(),
		Dot1xPassword:  s.Dot1xPassword.Reveal(),
		CertificateKey: s.CertificateKey.Reveal(),
		CertificatePEM: s.CertificatePEM.Reveal(),
	}
	for _, u := range s.Users {
		w.Users = append(w.Users, userWire{Name: u.Name, Group: u.Group, Password: u.Password.Reveal()})
	}
	for _, p := range s.Previous {
		w.Previous = append(w.Previous, prevWire{Name: p.Name, Value: p.Value.Reveal(), Replaced: p.Replaced})
	}
	// Without HTML escaping: a password with & < > is read by eye from
	// mxwizard backup decrypt, not as \u0026 \u003c \u003e.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(w); err != nil {
		// Only an unrepresentable time can get here; its text holds no secret.
		return nil, fmt.Errorf("encode secrets file: %w", err)
	}
	return b.Bytes(), nil
}

// UnmarshalSecrets parses the plaintext JSON of a decrypted secrets file.
// Unknown fields are ignored, so files of later versions still open. Errors
// never quote the input.
func UnmarshalSecrets(data []byte) (Secrets, error) {
	var w secretsWire
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&w); err != nil {
		return Secrets{}, describeJSONError(err)
	}
	if dec.More() {
		return Secrets{}, errors.New("the secrets file is not valid: unexpected data after the JSON object")
	}
	s := Secrets{
		Camera:         w.Camera,
		Model:          w.Model,
		Serial:         w.Serial,
		WrittenAt:      w.WrittenAt,
		AdminUser:      w.AdminUser,
		AdminPassword:  secret.New(w.AdminPassword),
		RecordingKey:   secret.New(w.RecordingKey),
		MxMessageKey:   secret.New(w.MxMessageKey),
		Dot1xPassword:  secret.New(w.Dot1xPassword),
		CertificateKey: secret.New(w.CertificateKey),
		CertificatePEM: secret.New(w.CertificatePEM),
	}
	for _, u := range w.Users {
		s.Users = append(s.Users, User{Name: u.Name, Group: u.Group, Password: secret.New(u.Password)})
	}
	for _, p := range w.Previous {
		s.Previous = append(s.Previous, Previous{Name: p.Name, Value: secret.New(p.Value), Replaced: p.Replaced})
	}
	return s, nil
}

// describeJSONError turns a decoding error into a message that says where
// the problem is without quoting the (secret) input.
func describeJSONError(err error) error {
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("the secrets file is not valid JSON (at byte %d)", syntaxErr.Offset)
	case errors.As(err, &typeErr):
		return fmt.Errorf("the secrets file is not valid: field %q has the wrong type (%s expected)", typeErr.Field, typeErr.Type)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("the secrets file is not valid JSON: it ends too early")
	default:
		return errors.New("the secrets file is not valid JSON")
	}
}
