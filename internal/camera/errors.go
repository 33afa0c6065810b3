package camera

import (
	"crypto/x509"
	"errors"
	"fmt"
)

// Errors a person can act on. Client methods wrap them with the camera's
// address; test with errors.Is.
var (
	// ErrUnauthorized: the camera refused the user name or password.
	ErrUnauthorized = errors.New("the camera refused the user name or password")
	// ErrLockedOut: the camera's intrusion detection or IP-level access
	// control blocks this computer's address.
	ErrLockedOut = errors.New("the camera blocks this computer's address (intrusion detection or IP-level access control)")
	// ErrNotMobotix: the server answered, but not like a MOBOTIX camera.
	ErrNotMobotix = errors.New("the server does not answer like a MOBOTIX camera")
	// ErrUnreachable: no connection could be made.
	ErrUnreachable = errors.New("the camera cannot be reached")
	// ErrTimeout: the camera did not answer in time.
	ErrTimeout = errors.New("the camera did not answer in time")
	// ErrFingerprintChanged: the camera's TLS certificate is not the pinned one.
	ErrFingerprintChanged = errors.New("the camera's TLS certificate changed")
	// ErrUnknownCamera: first contact over HTTPS; the fingerprint must be accepted.
	ErrUnknownCamera = errors.New("the camera's TLS certificate is not known yet")
	// ErrInsecureCredentials: credentials would travel in plain text over HTTP.
	ErrInsecureCredentials = errors.New("refusing to send the password in plain text over HTTP")
	// ErrAuthDowngrade: a camera that took Digest in this session asks for
	// Basic now.
	ErrAuthDowngrade = errors.New("the camera switched from Digest to Basic authentication during the session")
	// ErrCamera: the camera answered a command with an error line.
	ErrCamera = errors.New("the camera reported an error")
)

// Error wraps one of the sentinel errors with the camera address and a hint
// saying what to do next.
type Error struct {
	Camera string // the camera's address as the person gave it
	Op     string // what mxwizard was doing
	Kind   error  // one of the Err... sentinels
	Detail string // extra facts (never a secret)
	Hint   string // what to do next
	// Status is the HTTP status the camera answered with, when the error
	// is one (0 otherwise).
	Status int
}

// isServerError reports whether the camera answered with a 5xx status: it
// may be busy or restarting, so the request may be tried again.
func isServerError(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status >= 500
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%s: %s: %s", e.Camera, e.Op, e.Kind.Error())
	if e.Detail != "" {
		msg += " (" + CleanText(e.Detail) + ")" // the detail may quote the camera
	}
	if e.Hint != "" {
		msg += "\n  try: " + e.Hint
	}
	return msg
}

// Unwrap lets errors.Is match the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// FingerprintError says which certificate was expected and which came.
type FingerprintError struct {
	Camera   string
	Pinned   string // SHA-256 fingerprint in the known-cameras file
	Received string // SHA-256 fingerprint the camera presented
	// Earlier is set when the received certificate is the one the camera
	// had before mxwizard installed its own (the known-cameras file
	// remembers it): a camera reset to factory defaults shows it again.
	Earlier bool
	// Certificate is the certificate received (nil when not known).
	Certificate *x509.Certificate
	// KnownFile is the known-cameras file ("" for a store in memory).
	KnownFile string
}

func (e *FingerprintError) Error() string {
	if e.Pinned == "" {
		return fmt.Sprintf("%s: %s\n  fingerprint (SHA-256): %s\n  try: compare it with the camera's certificate, then accept it (in the wizard, or with --accept-new)",
			e.Camera, ErrUnknownCamera, e.Received)
	}
	file := "the known-cameras file"
	if e.KnownFile != "" {
		file = e.KnownFile
	}
	if e.Earlier {
		return fmt.Sprintf("%s: %s\n  pinned   (SHA-256): %s\n  received (SHA-256): %s\n  the received one is the certificate this camera had before mxwizard installed its own: it was probably reset to factory defaults\n  try: connect with mxwizard wizard, which pins it again when you confirm, or remove the line of %s from %s",
			e.Camera, ErrFingerprintChanged, e.Pinned, e.Received, e.Camera, file)
	}
	return fmt.Sprintf("%s: %s\n  pinned   (SHA-256): %s\n  received (SHA-256): %s\n  try: if you installed a new certificate yourself or reset the camera, remove the line of %s from %s; otherwise someone may be intercepting the connection",
		e.Camera, ErrFingerprintChanged, e.Pinned, e.Received, e.Camera, file)
}

// Unwrap lets errors.Is match ErrFingerprintChanged or ErrUnknownCamera.
func (e *FingerprintError) Unwrap() error {
	if e.Pinned == "" {
		return ErrUnknownCamera
	}
	return ErrFingerprintChanged
}
