package camsim_test

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// The factory script of mxbackup, as real tools send it.
const viewConfigScript = "\nhelo\nview configfile\nquit\n\n"

// httpClient talks to the simulated camera; local, when set, is the
// source address (a second installer laptop on 127.0.0.2 ...).
func httpClient(local net.IP) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if local != nil {
		d.LocalAddr = &net.TCPAddr{IP: local}
	}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext:     d.DialContext,
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // the simulated camera's certificate is self-signed
			// A fresh connection per request: tests look at connection-level
			// behaviour (IP rules, reboots).
			DisableKeepAlives: true,
		},
	}
}

// call is one HTTP request to the camera.
type call struct {
	method, url string
	user, pass  string // Basic when user is set
	body        string
	header      http.Header
	client      *http.Client
}

// result is the answer, or the transport error.
type result struct {
	status int
	header http.Header
	body   string
	err    error
}

func (c call) do(t testing.TB) result {
	t.Helper()
	method := c.method
	if method == "" {
		method = http.MethodGet
		if c.body != "" {
			method = http.MethodPost
		}
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.url, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.pass)
	}
	hc := c.client
	if hc == nil {
		hc = httpClient(nil)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return result{err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: string(data), err: err}
}

// script posts a remote-configuration script as admin/meinsm.
func script(t testing.TB, base, s string) result {
	t.Helper()
	return scriptAs(t, base, camera.FactoryUser, camera.FactoryPassword, s)
}

func scriptAs(t testing.TB, base, user, pass, s string) result {
	t.Helper()
	return call{
		method: http.MethodPost, url: base + camera.PathRemoteConfig, user: user, pass: pass, body: s,
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}},
	}.do(t)
}

// mustScript posts a script and fails unless it got 200 and a reply.
func mustScript(t testing.TB, base, s string) *camera.Reply {
	t.Helper()
	res := script(t, base, s)
	if res.err != nil || res.status != http.StatusOK {
		t.Fatalf("script %q: status %d, err %v, body %q", s, res.status, res.err, res.body)
	}
	reply, err := camera.ParseReply([]byte(res.body))
	if err != nil {
		t.Fatalf("reply does not parse: %v\n%s", err, res.body)
	}
	return reply
}

// clock is an injectable camera clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 27, 19, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// closedWithoutAnswer: the request got no HTTP answer at all.
func closedWithoutAnswer(r result) bool {
	return r.err != nil && r.status == 0
}
