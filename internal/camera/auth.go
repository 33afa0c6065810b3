package camera

import (
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/icholy/digest"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// authTransport answers the camera's challenge: Basic (factory cameras) or
// Digest, whichever the camera asks for. It learns the scheme from the first
// 401 and then authenticates every request up front (one round trip). A
// request whose credentials were rejected is never repeated: a second try
// would count as another failed login for the camera's intrusion detection.
type authTransport struct {
	next       http.RoundTripper
	user       string
	password   secret.Secret
	allowPlain bool
	anonymous  bool
	count      *atomic.Int64

	mu      sync.Mutex
	scheme  string // "", "basic" or "digest"
	chal    *digest.Challenge
	nc      int
	offered []string // the schemes of the latest 401 challenge, sorted
}

// insecureError stops a Basic login over plain HTTP.
type insecureError struct{}

func (insecureError) Error() string { return ErrInsecureCredentials.Error() }

// downgradeError stops a switch from Digest to Basic within one session.
type downgradeError struct{}

func (downgradeError) Error() string { return ErrAuthDowngrade.Error() }

// learn takes a challenge seen elsewhere (an anonymous request) as the one
// to answer next, when the transport has none yet.
func (t *authTransport) learn(h http.Header, offered []string) {
	chal, scheme := parseChallenges(h)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.offered = offered
	if t.scheme == "" && scheme != "" {
		t.scheme, t.chal, t.nc = scheme, chal, 0
	}
}

func (t *authTransport) forgetChallenge() {
	t.mu.Lock()
	t.scheme, t.chal, t.nc = "", nil, 0
	t.mu.Unlock()
}

// CloseIdleConnections closes the connections of the transport underneath:
// http.Client.CloseIdleConnections only reaches a transport that has this
// method, so without it every camera's connection would stay open until
// its idle timeout, which a fleet audit of a thousand cameras feels.
func (t *authTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *authTransport) send(req *http.Request) (*http.Response, error) {
	t.count.Add(1)
	return t.next.RoundTrip(req)
}

// RoundTrip implements http.RoundTripper.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.anonymous {
		return t.send(req)
	}
	first, err := t.authorize(req)
	if err != nil {
		return nil, err
	}
	resp, err := t.send(first)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	// 401: learn the challenge. Credentials sent in the scheme the camera
	// asks for, with a nonce it did not call stale, were wrong: give the 401
	// back and do not try again. A changed scheme (a reboot brought Basic
	// back) or a stale nonce is not a refusal: learn and retry once.
	sentScheme := ""
	if a := strings.ToLower(first.Header.Get("Authorization")); a != "" {
		sentScheme, _, _ = strings.Cut(a, " ")
	}
	chal, scheme := parseChallenges(resp.Header)
	t.mu.Lock()
	t.offered = offeredSchemes(resp.Header)
	t.mu.Unlock()
	stale := scheme == "digest" && chal != nil && chal.Stale
	if scheme == "" || (sentScheme == scheme && !stale) {
		return resp, nil
	}
	if sentScheme == "digest" && scheme == "basic" {
		// The camera this session talked Digest with asks for Basic now:
		// a reboot lost an unstored change, or something else answers.
		// Either way the password is not sent in the weaker scheme
		// without a person deciding (a new connection learns afresh).
		drain(resp)
		return nil, &downgradeError{}
	}
	t.mu.Lock()
	t.scheme, t.chal, t.nc = scheme, chal, 0
	t.mu.Unlock()
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return resp, nil
	}
	drain(resp)
	retry, err := t.authorize(req)
	if err != nil {
		return nil, err
	}
	return t.send(retry)
}

func drain(resp *http.Response) {
	buf := make([]byte, 4096)
	for i := 0; i < 16; i++ {
		if _, err := resp.Body.Read(buf); err != nil {
			break
		}
	}
	resp.Body.Close()
}

// authorize clones req with an Authorization header for the known scheme.
func (t *authTransport) authorize(req *http.Request) (*http.Request, error) {
	t.mu.Lock()
	scheme, chal := t.scheme, t.chal
	if scheme == "digest" {
		t.nc++
	}
	nc := t.nc
	t.mu.Unlock()
	out := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		out.Body = body
	}
	switch scheme {
	case "basic":
		if req.URL.Scheme != "https" && !t.allowPlain {
			return nil, &insecureError{}
		}
		token := base64.StdEncoding.EncodeToString([]byte(t.user + ":" + t.password.Reveal()))
		out.Header.Set("Authorization", "Basic "+token)
	case "digest":
		cred, err := digest.Digest(chal, digest.Options{
			Method: req.Method, URI: req.URL.RequestURI(), Count: nc,
			Username: t.user, Password: t.password.Reveal(), GetBody: req.GetBody,
		})
		if err != nil {
			return nil, errors.New("digest authentication: " + err.Error())
		}
		out.Header.Set("Authorization", cred.String())
	}
	return out, nil
}

// offeredSchemes lists the schemes a 401 answer offers (basic, digest),
// sorted: the camera's own word on which logins it takes.
func offeredSchemes(h http.Header) []string {
	var out []string
	for _, v := range h.Values("WWW-Authenticate") {
		for _, part := range strings.Split(v, ",") {
			word := strings.ToLower(strings.TrimSpace(part))
			for _, s := range []string{"basic", "digest"} {
				if (word == s || strings.HasPrefix(word, s+" ")) && !slices.Contains(out, s) {
					out = append(out, s)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// parseChallenges prefers Digest over Basic when the camera offers both.
func parseChallenges(h http.Header) (*digest.Challenge, string) {
	if chal, err := digest.FindChallenge(h); err == nil {
		return chal, "digest"
	}
	for _, v := range h.Values("WWW-Authenticate") {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(v)), "basic") {
			return nil, "basic"
		}
	}
	return nil, ""
}
