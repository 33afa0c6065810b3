package camsim_test

import (
	"bytes"
	"flag"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/camera/camsim"
	"github.com/mxwizard/mxwizard/internal/camera/camsim/camsimtest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/transcripts")

const transcriptDir = "../../../testdata/transcripts"

// transcript is a recorded exchange: the request script and the full reply,
// stored as a small txtar-like file ("-- script --", "-- reply --").
type transcript struct {
	comment, script, reply string
}

func (tr transcript) bytes() []byte {
	return []byte(tr.comment + "-- script --\n" + tr.script + "-- reply --\n" + tr.reply)
}

func parseTranscript(t *testing.T, data string) transcript {
	t.Helper()
	comment, rest, ok := strings.Cut(data, "-- script --\n")
	if !ok {
		t.Fatal("transcript has no -- script -- part")
	}
	s, reply, ok := strings.Cut(rest, "-- reply --\n")
	if !ok {
		t.Fatal("transcript has no -- reply -- part")
	}
	return transcript{comment: comment, script: s, reply: reply}
}

// checkGolden compares a reply with the stored transcript (or rewrites it
// with -update).
func checkGolden(t *testing.T, name, comment, script, reply string) {
	t.Helper()
	path := filepath.Join(transcriptDir, name)
	if *update {
		if err := os.WriteFile(path, transcript{comment, script, reply}.bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden transcript (run with -update to create it): %v", err)
	}
	want := parseTranscript(t, string(data))
	if want.script != script {
		t.Errorf("%s: the stored script differs from the test's:\n%q\n%q", name, want.script, script)
	}
	if want.reply != reply {
		t.Errorf("%s: reply differs from the golden transcript\n--- got ---\n%s\n--- want ---\n%s", name, reply, want.reply)
	}
}

// mxbackupFile cuts the configuration file out of a view configfile reply
// the way mxbackup does: drop exactly 4 leading and 3 trailing lines.
func mxbackupFile(t *testing.T, body string) string {
	t.Helper()
	lines := strings.SplitAfter(body, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) < 8 {
		t.Fatalf("reply too short for 4+3 wrapper lines:\n%s", body)
	}
	return strings.Join(lines[4:len(lines)-3], "")
}

func TestViewConfigfileMatchesTheToolsAndTheDownload(t *testing.T) {
	_, plain, _ := camsimtest.New(t)
	res := script(t, plain.URL, viewConfigScript)
	if res.err != nil || res.status != http.StatusOK {
		t.Fatalf("status %d err %v", res.status, res.err)
	}
	checkGolden(t, "view-configfile.txt",
		"# mxbackup: view configfile on a factory-new simulated camera (admin/meinsm, Basic).\n",
		viewConfigScript, res.body)

	if !strings.HasPrefix(res.body, camera.ReplyPrefix) {
		t.Fatalf("reply does not start with %s", camera.ReplyPrefix)
	}
	file := mxbackupFile(t, res.body)
	if !strings.HasPrefix(file, "#:MX-") {
		t.Errorf("the file cut out by mxbackup starts with %q, want #:MX-", file[:min(20, len(file))])
	}
	if !strings.HasSuffix(file, "ENDSECTION timestamp\n") {
		t.Errorf("the file does not end with the timestamp section: %q", file[max(0, len(file)-40):])
	}
	dl := call{url: plain.URL + camera.PathConfigFile, user: camera.FactoryUser, pass: camera.FactoryPassword}.do(t)
	if dl.status != http.StatusOK {
		t.Fatalf("download: %d", dl.status)
	}
	if dl.body != file {
		t.Errorf("GET %s differs from view configfile", camera.PathConfigFile)
	}
	_, params, err := mime.ParseMediaType(dl.header.Get("Content-Disposition"))
	if err != nil || params["filename"] != "mx10-8-0-123.cfg" {
		t.Errorf("Content-Disposition %q: want attachment; filename=mx10-8-0-123.cfg", dl.header.Get("Content-Disposition"))
	}
	reply, err := camera.ParseReply([]byte(res.body))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := reply.ConfigFile(); !ok || string(got) != file {
		t.Errorf("camera.ParseReply's ConfigFile differs from the mxbackup cut")
	}
	cfg, err := camera.ParseConfig([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Firmware() != camsim.DefaultFirmware {
		t.Errorf("firmware header %q", cfg.Firmware())
	}
}

func TestViewSectionTimestampAsMxrestoreReadsIt(t *testing.T) {
	_, plain, _ := camsimtest.New(t, camsim.Options{Firmware: "V7.3.1.57"})
	res := script(t, plain.URL, "\nhelo\nview section timestamp\nquit\n\n")
	body := res.body
	// mxrestore: received[versionpos+8:datepos-1]
	vp, dp := strings.Index(body, "VERSION="), strings.Index(body, "DATE=")
	if vp < 0 || dp < 0 || dp < vp {
		t.Fatalf("no VERSION= before DATE= in\n%s", body)
	}
	if body[dp-1] != '\n' || body[dp-2] == '\r' {
		t.Errorf("VERSION line does not end in a bare LF directly before DATE=")
	}
	version := body[vp+8 : dp-1]
	file := mxbackupFile(t, script(t, plain.URL, viewConfigScript).body)
	header := strings.SplitN(file, "\n", 2)[0]
	if version != "MX-V7.3.1.57" || header[2:] != version {
		t.Errorf("VERSION %q, header %q: mxrestore compares VERSION with the header without #:", version, header)
	}
}

func TestMxrestoreRestoresASavedFile(t *testing.T) {
	_, a, _ := camsimtest.New(t)
	mustScript(t, a.URL, "\nhelo\nwrite params\nethernet/HOSTNAME=lobby\nusers/operator/group=users\nusers/operator/password=Lobby-2026!\npageoptions/ROBOTS=forbid\nupdate\nstore\nquit\n")
	saved := mxbackupFile(t, script(t, a.URL, viewConfigScript).body)

	camB, b, _ := camsimtest.New(t)
	// mxrestore: "\nhelo\nwrite\n" + the file + "store\nupdate\nquit\n\n"
	res := script(t, b.URL, "\nhelo\nwrite\n"+saved+"store\nupdate\nquit\n\n")
	if res.status != http.StatusOK || !strings.HasPrefix(res.body, camera.ReplyPrefix) {
		t.Fatalf("restore: %d %q", res.status, res.body)
	}
	reply, _ := camera.ParseReply([]byte(res.body))
	if errs := reply.Errors(); len(errs) > 0 {
		t.Fatalf("restore reported errors: %v", errs)
	}
	if got := camB.RAMConfig().Bytes(); string(got) != saved {
		t.Errorf("after the restore the configuration differs from the saved file")
	}
	// Stored before update: it survives a reboot, and the restored user's
	// password (a hash in the file) works.
	camB.Reboot()
	camsimtest.WaitReady(t, camB, 5*time.Second)
	if got := camB.ActiveConfig().Value(camera.SecEthernet, camera.KeyHostname); got != "lobby" {
		t.Errorf("after reboot HOSTNAME=%q, want lobby", got)
	}
	r := call{url: b.URL + "/control/rcontrol?action=x", user: "operator", pass: "Lobby-2026!"}.do(t)
	if r.status != http.StatusOK {
		t.Errorf("restored user operator cannot log in: %d", r.status)
	}
}

func TestWriteParamsTranscript(t *testing.T) {
	_, plain, _ := camsimtest.New(t)
	s := "\nhelo\nwrite params\n" +
		"ethernet/HOSTNAME=lobby-cam\n" +
		"pageoptions/ROBOTS=forbid\n" +
		"webserver/HTTPS_PORT=22\n" +
		"users/operator/group=users\n" +
		"users/operator/password=Op%3Aerat0r%21\n" +
		"groups/ab=live\n" +
		"update\nview section ethernet pageoptions\nquit \n\n"
	res := script(t, plain.URL, s)
	checkGolden(t, "write-params.txt",
		"# write params: good lines acknowledged by path, bad lines refused (reserved port, short group name); values never echoed.\n",
		s, res.body)
	reply, err := camera.ParseReply([]byte(res.body))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := reply.Command("write params")
	if w.OK {
		t.Error("write params with refused lines closed with OK")
	}
	wantDone := []string{"ethernet/HOSTNAME", "pageoptions/ROBOTS", "users/operator/group", "users/operator/password"}
	if strings.Join(w.Done, " ") != strings.Join(wantDone, " ") {
		t.Errorf("acknowledged %v, want %v", w.Done, wantDone)
	}
	if len(w.Errors) != 2 || !strings.HasPrefix(w.Errors[0], "webserver/HTTPS_PORT:") || !strings.HasPrefix(w.Errors[1], "groups/ab:") {
		t.Errorf("errors %v", w.Errors)
	}
	if eth := reply.Sections[camera.SecEthernet]; eth == nil || eth.Value(camera.SecEthernet, camera.KeyHostname) != "lobby-cam" {
		t.Errorf("view section ethernet after update: %v", reply.Sections)
	}
	if bytes.Contains([]byte(res.body), []byte("erat0r")) {
		t.Error("the reply echoes the password")
	}
}
