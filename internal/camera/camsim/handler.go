package camsim

import (
	"bytes"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
)

// response is what the camera answers to one request.
type response struct {
	status int
	header http.Header
	body   []byte
	abort  bool // close the connection without an answer
}

func text(status int, body string) *response {
	return &response{status: status, header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}}, body: []byte(body)}
}

func page(title, body string) *response {
	doc := "<!DOCTYPE html>\n<html><head><title>" + html.EscapeString(title) + "</title></head><body>\n" + body + "\n</body></html>\n"
	return &response{status: http.StatusOK, header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, body: []byte(doc)}
}

var abortResponse = &response{abort: true}

// route is one path the camera serves: the right it needs ("" is always
// public), the methods and the handler (run with c.mu held).
type route struct {
	right   string
	methods string // space-separated
	bodyMax int64  // 0: the body is not read
	handle  func(c *Camera, r *http.Request, body []byte) *response
}

// Paths of the screens (docs/protocol.md, provisional).
const (
	pathLive          = "/control/userimage.html"
	pathPlayer        = "/control/player"
	pathMultiView     = "/control/multiview"
	pathGuest         = "/cgi-bin/guestimage.html"
	pathImage         = camera.PathImage
	pathControlAction = "/control/rcontrol"
)

var routes = map[string]route{
	camera.PathRemoteConfig: {right: camera.RightAdmin, methods: "POST", bodyMax: maxBody, handle: (*Camera).remoteConfig},
	camera.PathConfigFile:   {right: camera.RightAdmin, methods: "GET", handle: (*Camera).configFile},
	camera.PathRControl:     {right: camera.RightAdmin, methods: "GET POST", handle: (*Camera).adminAction},
	camera.PathWebLog:       {right: camera.RightAdmin, methods: "GET", handle: (*Camera).logFile},
	camera.PathMedia:        {right: camera.RightAdmin, methods: "GET POST", bodyMax: maxBody, handle: (*Camera).media},
	camera.PathCameraInfo:   {right: camera.RightInfo, methods: "GET", handle: (*Camera).cameraInfo},
	camera.PathControl:      {right: camera.RightSetup, methods: "GET", handle: (*Camera).control},
	camera.PathAdminControl: {right: camera.RightAdmin, methods: "GET", handle: (*Camera).adminControl},
	pathControlAction:       {right: camera.RightControl, methods: "GET POST", handle: func(*Camera, *http.Request, []byte) *response { return text(http.StatusOK, "OK\n") }},
	pathImage:               {right: camera.RightImage, methods: "GET", handle: (*Camera).image},
	"/":                     {right: camera.RightLive, methods: "GET", handle: (*Camera).livePage},
	pathLive:                {right: camera.RightLive, methods: "GET", handle: (*Camera).livePage},
	pathPlayer:              {right: camera.RightPlayer, methods: "GET", handle: screen("Player")},
	pathMultiView:           {right: camera.RightMultiView, methods: "GET", handle: screen("MultiView")},
	pathGuest:               {right: camera.RightGuest, methods: "GET", handle: screen("Guest")},
	camera.PathRobots:       {methods: "GET", handle: (*Camera).robots},
}

func (rt route) allows(method string) bool {
	for _, m := range strings.Fields(rt.methods) {
		if m == method {
			return true
		}
	}
	return false
}

// ServeHTTP answers one request, in the order of docs/protocol.md: faults,
// boot state, IP-level access control, intrusion lock-out, the path, public
// access, authentication, rights.
func (c *Camera) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.lock()
	c.requests++
	n := c.requests
	faults, latency, closed := c.faults, c.opts.Latency, c.closed
	c.mu.Unlock()

	fault := faults.at(n)
	if fault == FaultNone && faults.Hook != nil {
		fault = faults.Hook(n, r)
	}
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			c.finish(w, r, "", abortResponse)
			return
		}
	}
	var resp *response
	user := ""
	switch fault {
	case FaultDrop:
		resp = abortResponse
	case FaultFail:
		resp = text(http.StatusInternalServerError, "500 Internal Server Error\n")
	case FaultStall:
		select {
		case <-r.Context().Done():
		case <-closed:
		}
		resp = abortResponse
	case FaultGarbage:
		resp = &response{status: http.StatusOK, header: http.Header{"Content-Type": {"text/html"}}, body: []byte("<html><body><h1>It works!</h1></body></html>\n")}
	default:
		resp, user = c.handle(r)
	}
	c.finish(w, r, user, resp)
}

// finish logs the request and writes the answer (or closes the connection).
func (c *Camera) finish(w http.ResponseWriter, r *http.Request, user string, resp *response) {
	status := resp.status
	if resp.abort {
		status = 0
	}
	c.lock()
	c.logRequestLocked(r, user, status)
	c.mu.Unlock()
	if resp.abort {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	for k, v := range resp.header {
		w.Header()[k] = v
	}
	w.Header().Set("Server", "MOBOTIX Camera (simulated)")
	w.Header().Set("Content-Length", fmt.Sprint(len(resp.body)))
	w.WriteHeader(resp.status)
	_, _ = w.Write(resp.body)
}

func (c *Camera) handle(r *http.Request) (*response, string) {
	ipAddr := remoteIP(r)
	ip := ""
	if ipAddr != nil {
		ip = ipAddr.String()
	}
	c.lock()
	defer c.mu.Unlock()
	if c.goneLocked(r) {
		return abortResponse, ""
	}
	now := c.now()
	// 1. IP-level access control, before anything else.
	if ipAddr != nil && !admits(c.active, ipAddr) {
		c.syslogLocked("IP-level access control: connection from %s refused", ip)
		return abortResponse, ""
	}
	// 2. Intrusion detection lock-out.
	if c.lockedOutLocked(ip, now) {
		return text(http.StatusForbidden, forbiddenIDS+"\n"), ""
	}
	rt, ok := routes[r.URL.Path]
	if !ok {
		return text(http.StatusNotFound, "404 Not Found\n"), ""
	}
	if !rt.allows(r.Method) {
		resp := text(http.StatusMethodNotAllowed, "405 Method Not Allowed\n")
		resp.header.Set("Allow", strings.ReplaceAll(rt.methods, " ", ", "))
		return resp, ""
	}
	// 3. Public access, 4. authentication, 5. rights.
	public := rt.right == "" || c.publicLocked(rt.right)
	user, res := c.authenticateLocked(r, now)
	if !public {
		switch res {
		case authOK:
		case authBad:
			c.failedLoginLocked(ip, now)
			resp := text(http.StatusUnauthorized, "401 Unauthorized\n")
			resp.header["Www-Authenticate"] = c.challengeLocked(now, false)
			// The log names the user a refused login tried, as web servers
			// do, so that failed logins stand apart from the challenge
			// every client gets first (logged with "-").
			return resp, attemptedUser(r)
		default:
			resp := text(http.StatusUnauthorized, "401 Unauthorized\n")
			resp.header["Www-Authenticate"] = c.challengeLocked(now, res == authStale)
			return resp, ""
		}
		if !c.hasRightLocked(user, rt.right) {
			return text(http.StatusForbidden, "403 Forbidden: user "+user+" lacks the right "+rt.right+"\n"), user
		}
	} else if res != authOK {
		user = ""
	}
	var body []byte
	if rt.bodyMax > 0 && r.Body != nil {
		c.mu.Unlock()
		data, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, rt.bodyMax))
		c.lock()
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			return text(http.StatusRequestEntityTooLarge, fmt.Sprintf("413 Request Entity Too Large (at most %d bytes)\n", rt.bodyMax)), user
		case err != nil:
			return abortResponse, user
		case c.goneLocked(r):
			return abortResponse, user
		}
		body = data
	}
	return rt.handle(c, r, body), user
}

// goneLocked: the camera is booting, the connection dates from before the
// last reboot, or the request came to a web server the boot did not start
// (HTTP or HTTPS switched off): closed without an answer.
func (c *Camera) goneLocked(r *http.Request) bool {
	if c.booting {
		return true
	}
	if e, ok := r.Context().Value(connKey{}).(uint64); ok && e != c.epoch {
		return true
	}
	httpPorts, httpsPort := webPorts(c.honouredConfigLocked(c.booted))
	if r.TLS == nil {
		return len(httpPorts) == 0
	}
	return httpsPort == 0
}

func (c *Camera) remoteConfig(_ *http.Request, body []byte) *response {
	out := c.runScriptLocked(body)
	if out.reboot {
		c.startRebootLocked()
	}
	return &response{status: http.StatusOK, header: http.Header{"Content-Type": {"text/plain"}}, body: out.b.Bytes()}
}

func (c *Camera) configFile(*http.Request, []byte) *response {
	name := c.ram.Value(camera.SecEthernet, camera.KeyHostname)
	if checkHostname(name) != nil {
		name = "camera"
	}
	return &response{status: http.StatusOK, body: c.ram.Bytes(), header: http.Header{
		"Content-Type":        {"application/octet-stream"},
		"Content-Disposition": {mime.FormatMediaType("attachment", map[string]string{"filename": name + ".cfg"})},
	}}
}

func (c *Camera) adminAction(r *http.Request, _ []byte) *response {
	switch r.URL.Query().Get("action") {
	case "storeconfig":
		if err := c.storeLocked(); err != nil {
			return text(http.StatusInternalServerError, "ERROR - storeconfig: "+err.Error()+"\n")
		}
		return text(http.StatusOK, "OK - storeconfig\n")
	case "reboot":
		c.startRebootLocked()
		return text(http.StatusOK, "OK - Reboot\n")
	}
	return text(http.StatusBadRequest, "ERROR - unknown action\n")
}

func (c *Camera) logFile(r *http.Request, _ []byte) *response {
	switch r.URL.Query().Get("type") {
	case "webserver":
		return text(http.StatusOK, c.webLogTextLocked())
	case "system":
		return text(http.StatusOK, strings.Join(c.syslog, "\n")+"\n")
	}
	return text(http.StatusBadRequest, "ERROR - type must be webserver or system\n")
}

func (c *Camera) cameraInfo(r *http.Request, _ []byte) *response {
	info := fmt.Sprintf("%s\nModel: %s\nSerial: %s\nFirmware: %s\nHostname: %s\n",
		camera.MobotixSignature,
		c.active.Value(camera.SecSystem, camera.KeyModel),
		c.active.Value(camera.SecSystem, camera.KeySerial),
		c.opts.Firmware,
		c.active.Value(camera.SecEthernet, camera.KeyHostname))
	if r.URL.Query().Has("text") {
		return text(http.StatusOK, info)
	}
	return page("Camera Info", "<h1>Camera Info</h1>\n<pre>"+html.EscapeString(info)+"</pre>")
}

func (c *Camera) control(r *http.Request, _ []byte) *response {
	q := r.URL.Query()
	switch {
	case q.Has("list"):
		return text(http.StatusOK, strings.Join(c.active.Sections(), "\n")+"\n")
	case q.Has("read"):
		s := q.Get("section")
		if s == camera.SecUsers || s == camera.SecGroups {
			return text(http.StatusForbidden, "ERROR - section "+s+" is in the admin menu\n")
		}
		if !c.active.HasSection(s) {
			return text(http.StatusNotFound, "ERROR - no such section\n")
		}
		return text(http.StatusOK, c.active.SectionText(s))
	}
	return text(http.StatusBadRequest, "ERROR - the simulated camera supports list and read; change settings with "+camera.PathRemoteConfig+"\n")
}

// adminControl answers /admin/control?list with the sections of the
// configuration, admin ones included (doc: the Admin-menu sections).
func (c *Camera) adminControl(r *http.Request, _ []byte) *response {
	if !r.URL.Query().Has("list") {
		return text(http.StatusBadRequest, "ERROR - the simulated camera supports list\n")
	}
	return text(http.StatusOK, strings.Join(c.active.Sections(), "\n")+"\n")
}

func (c *Camera) livePage(*http.Request, []byte) *response {
	host := c.active.Value(camera.SecEthernet, camera.KeyHostname)
	return page("MOBOTIX "+host, "<h1>Live</h1>\n<img src=\""+pathImage+"\" alt=\"live image\">\n<p>"+camera.MobotixSignature+"</p>")
}

func screen(title string) func(*Camera, *http.Request, []byte) *response {
	return func(*Camera, *http.Request, []byte) *response {
		return page(title, "<h1>"+title+"</h1>\n<p>"+camera.MobotixSignature+"</p>")
	}
}

var (
	jpegOnce sync.Once
	jpegData []byte
)

func (c *Camera) image(*http.Request, []byte) *response {
	jpegOnce.Do(func() {
		img := image.NewGray(image.Rect(0, 0, 16, 12))
		for i := range img.Pix {
			img.Pix[i] = uint8(i * 5)
		}
		img.SetGray(0, 0, color.Gray{Y: 255})
		var b bytes.Buffer
		_ = jpeg.Encode(&b, img, nil)
		jpegData = b.Bytes()
	})
	return &response{status: http.StatusOK, header: http.Header{"Content-Type": {"image/jpeg"}}, body: jpegData}
}

func (c *Camera) robots(*http.Request, []byte) *response {
	if c.honouredLocked(camera.SecPageOptions, camera.KeyRobots) == robotsForbid {
		return text(http.StatusOK, "User-agent: *\nDisallow: /\n")
	}
	return text(http.StatusOK, "User-agent: *\nAllow: /\n")
}

// media serves the certificate slot (MOBOTIX 7).
func (c *Camera) media(r *http.Request, body []byte) *response {
	if r.Method == http.MethodGet {
		if r.URL.Query().Get("file") != camera.CertFileName {
			return text(http.StatusNotFound, "404 Not Found\n")
		}
		slot := c.cert
		if c.pending != nil {
			slot = *c.pending
		}
		var b bytes.Buffer
		for _, der := range slot.Certificate {
			_ = pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: der})
		}
		return &response{status: http.StatusOK, header: http.Header{"Content-Type": {camera.CertContentType}}, body: b.Bytes()}
	}
	name, pemData, err := certificateUpload(r.Header.Get("Content-Type"), body)
	if err != nil {
		return text(http.StatusBadRequest, "ERROR - upload: "+err.Error()+"\n")
	}
	// MOBOTIX 7 (tool): the key alone first, then the leaf certificate
	// alone; the pair is activated at the next reboot.
	if name == camera.KeyFileName {
		if b, _ := pem.Decode(pemData); b == nil || b.Type != "PRIVATE KEY" || bytes.Contains(pemData, []byte("CERTIFICATE")) {
			return text(http.StatusBadRequest, "ERROR - upload: "+camera.KeyFileName+" must hold the private key alone, unencrypted PKCS#8 (BEGIN PRIVATE KEY)\n")
		}
		c.uploadedKey = pemData
		return text(http.StatusOK, "OK - upload\n")
	}
	if bytes.Contains(pemData, []byte("PRIVATE KEY")) {
		return text(http.StatusBadRequest, "ERROR - upload: "+camera.CertFileName+" must hold the certificate alone; upload the key first as "+camera.KeyFileName+"\n")
	}
	if c.uploadedKey == nil {
		return text(http.StatusBadRequest, "ERROR - upload: no private key: upload "+camera.KeyFileName+" first\n")
	}
	cert, err := tls.X509KeyPair(pemData, c.uploadedKey)
	if err != nil {
		return text(http.StatusBadRequest, "ERROR - upload: the certificate does not match the uploaded private key\n")
	}
	pemData = append(append([]byte(nil), pemData...), c.uploadedKey...)
	c.uploadedKey = nil
	c.pending, c.pendingPEM = &cert, pemData
	if err := c.persistLocked(pendingFile, pemData); err != nil {
		c.syslogLocked("state directory: %v", err)
	}
	c.syslogLocked("web server: certificate uploaded; active after the next reboot")
	return text(http.StatusOK, "OK - upload\n")
}

// certificateUpload reads the strict multipart body of a certificate
// upload: the boundary is taken from Content-Type by hand and must not be
// quoted (CONFIRMED: the camera is strict); one part, field some_file, file
// name httpd_cert.pem, type application/x-x509-ca-cert.
func certificateUpload(contentType string, body []byte) (name string, data []byte, err error) {
	boundary, err := multipartBoundary(contentType)
	if err != nil {
		return "", nil, err
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	found := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", nil, errors.New("malformed multipart body")
		}
		if part.FormName() != camera.CertFieldName {
			continue
		}
		if found {
			return "", nil, errors.New("more than one " + camera.CertFieldName + " part")
		}
		name = part.FileName()
		if name != camera.CertFileName && name != camera.KeyFileName {
			return "", nil, errors.New("the file name must be " + camera.KeyFileName + " or " + camera.CertFileName)
		}
		if strings.TrimSpace(part.Header.Get("Content-Type")) != camera.CertContentType {
			return "", nil, errors.New("the part type must be " + camera.CertContentType)
		}
		data, err = io.ReadAll(io.LimitReader(part, maxBody))
		if err != nil {
			return "", nil, errors.New("malformed multipart body")
		}
		found = true
	}
	if !found {
		return "", nil, errors.New("no " + camera.CertFieldName + " part")
	}
	return name, data, nil
}

func multipartBoundary(contentType string) (string, error) {
	fields := strings.Split(contentType, ";")
	if !strings.EqualFold(strings.TrimSpace(fields[0]), "multipart/form-data") {
		return "", errors.New("Content-Type must be multipart/form-data")
	}
	for _, f := range fields[1:] {
		k, v, _ := strings.Cut(f, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "boundary") {
			continue
		}
		v = strings.TrimSpace(v)
		switch {
		case strings.HasPrefix(v, `"`):
			return "", errors.New("the multipart boundary must not be quoted")
		case v == "" || len(v) > 70:
			return "", errors.New("the multipart boundary must have 1 to 70 characters")
		}
		for i := 0; i < len(v); i++ {
			ch := v[i]
			if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.IndexByte("'()+_,-./:=?", ch) >= 0) {
				return "", errors.New("the multipart boundary holds a character outside the RFC 2046 set")
			}
		}
		return v, nil
	}
	return "", errors.New("Content-Type has no boundary")
}
