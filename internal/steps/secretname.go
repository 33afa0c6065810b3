package steps

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mxwizard/mxwizard/internal/password"
)

// SecretName names one secret of a run: how the steps resolve it, how the
// session files it in the secrets file, and how the wizard labels and
// checks it. It is the one place a secret's name, label and policy live.
type SecretName string

// The secrets the steps set.
const (
	AdminPassword SecretName = "admin_password" // step 3
	RecordingKey  SecretName = "recording_key"  // step 12
	MxMessageKey  SecretName = "mxmessage_key"  // step 13
	Dot1xPassword SecretName = "dot1x_password" // step 20
	// CertificateKey and CertificatePEM are the private key and the
	// certificate step 16 installed: kept so that a re-hardening after a
	// factory reset can give the camera back the same certificate (nothing
	// pinned to it breaks). Only the key is secret; the certificate travels
	// with it.
	CertificateKey SecretName = "certificate_key"
	CertificatePEM SecretName = "certificate_pem"
)

const userSecretPrefix = "user:"

// UserPassword names the password of the camera user name (step 5).
func UserPassword(name string) SecretName { return SecretName(userSecretPrefix + name) }

// User returns the user name of a user's password, ok false for the others.
func (n SecretName) User() (string, bool) {
	return strings.CutPrefix(string(n), userSecretPrefix)
}

// Label names the secret for people.
func (n SecretName) Label() string {
	switch n {
	case AdminPassword:
		return "admin password"
	case RecordingKey:
		return "recording key"
	case MxMessageKey:
		return "MxMessageSystem key"
	case Dot1xPassword:
		return "802.1X password"
	case CertificateKey:
		return "private key of the certificate"
	case CertificatePEM:
		return "certificate"
	}
	if u, ok := n.User(); ok {
		return "password of " + u
	}
	return string(n)
}

// ShownOnce reports whether a generated value of the secret is shown to
// the installer once (passwords and keys people may need to type); the
// certificate's private key and the certificate are never shown: they live
// only in the encrypted secrets file.
func (n SecretName) ShownOnce() bool { return n != CertificateKey && n != CertificatePEM }

// SecretPolicy is what a secret typed by the installer must meet.
type SecretPolicy struct {
	// Strict means the whole password policy (password.Evaluate) must hold.
	Strict bool
	// MinLength is the least number of characters.
	MinLength int
	// OfLoginUser means the secret is the password of the account mxwizard
	// is logged in with (its name must not be in it).
	OfLoginUser bool
}

// Policy is the secret's policy.
func (n SecretName) Policy() SecretPolicy {
	switch n {
	case AdminPassword:
		return SecretPolicy{Strict: true, MinLength: password.MinLength, OfLoginUser: true}
	case RecordingKey:
		return SecretPolicy{Strict: true, MinLength: password.MinLength}
	case MxMessageKey:
		return SecretPolicy{MinLength: 6}
	}
	if _, ok := n.User(); ok {
		return SecretPolicy{Strict: true, MinLength: password.MinLength}
	}
	return SecretPolicy{MinLength: 1}
}

// Precheck judges a secret typed twice by the quick rules (given, the same
// twice, long enough); a Strict policy then needs password.Evaluate, which
// takes longer and runs off any UI goroutine. The error never quotes the
// entry.
func (n SecretName) Precheck(one, two string) error {
	min := n.Policy().MinLength
	switch {
	case one == "":
		return errors.New("type it, or go back and let mxwizard generate one")
	case one != two:
		return errors.New("the two entries differ: type it twice, the same way")
	case utf8.RuneCountInString(one) < min:
		return errors.New("use at least " + strconv.Itoa(min) + " characters")
	}
	return nil
}
