package session

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mxwizard/mxwizard/internal/atomicfile"
	"github.com/mxwizard/mxwizard/internal/backup"
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/certs"
	"github.com/mxwizard/mxwizard/internal/report"
	"github.com/mxwizard/mxwizard/internal/secret"
	"github.com/mxwizard/mxwizard/internal/steps"
)

// RestoreOptions configure putting an encrypted configuration backup back
// on a camera (`mxwizard restore`).
type RestoreOptions struct {
	// Camera is how to reach the camera now (after a factory reset: the
	// factory address and password).
	Camera camera.Options
	// Backup is the encrypted configuration backup (<serial>-config.cfg.age).
	Backup string
	// Secrets is the camera's secrets file; empty: <serial>-secrets.json.age
	// next to the backup.
	Secrets string
	// Passphrase opens both.
	Passphrase secret.Secret
	// Force restores a backup of another firmware version.
	Force bool
	// PlanOnly shows what would change and writes nothing.
	PlanOnly bool
	// OutDir receives the restore's report (default: the backup's folder).
	OutDir string
	// BootTimeout and PollInterval tune the wait for the reboot.
	BootTimeout, PollInterval time.Duration
	// Progress hears what is going on.
	Progress func(string)
	// Tool is written into the report.
	Tool string
}

// RestoreResult is what a restore did.
type RestoreResult struct {
	BackupFirmware, CameraFirmware string
	// Differ lists the sections whose content the restore changes.
	Differ []string
	// Certificate is set when the certificate of the commissioning was
	// installed again.
	Certificate bool
	// MovesTo is the IP address the backup's network settings give the
	// camera at the reboot, when it is not the one the camera has now (a
	// whole factory reset brings back the factory address 10.x.x.x).
	MovesTo      string
	AddressAfter string
	Steps        []report.HandoverStep
	Files        Files
	Requests     int64
	Failed       bool
}

// Restore puts an encrypted configuration backup back on a camera the way
// MOBOTIX's own restore tools do (mxrestore: the whole file in one bare
// write, then store, update and a reboot): it refuses a backup of another
// firmware version (unless Force) or of another camera, says which sections
// change before writing anything, installs the certificate of the
// commissioning again from the secrets file when the camera lost it,
// reboots, reconnects where the restored configuration says, and proves the
// result by logging in with the admin password of the secrets file and
// checking all 22 steps. A report of the restore is written.
func Restore(ctx context.Context, o RestoreOptions) (*RestoreResult, error) {
	if err := backup.CheckPassphrase(o.Passphrase); err != nil {
		return nil, err
	}
	data, err := backup.ReadFile(o.Backup, o.Passphrase)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	saved, err := camera.ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("restore: the backup does not hold a configuration file: %w", err)
	}
	savedID := camera.IdentityOf(saved)
	res := &RestoreResult{BackupFirmware: saved.Firmware()}
	if o.Secrets == "" {
		o.Secrets = filepath.Join(filepath.Dir(o.Backup), SafeName(savedID.Serial)+"-secrets.json.age")
	}
	if o.OutDir == "" {
		o.OutDir = filepath.Dir(o.Backup)
	}
	sec, err := readSecretsFile(o.Secrets, o.Passphrase)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if !sec.exists {
		return nil, fmt.Errorf("restore: no secrets file %s: without the admin password set at commissioning the restored camera could not be logged into; give it with --secrets FILE", o.Secrets)
	}
	adminPW := sec.values[steps.AdminPassword]
	if adminPW.IsZero() {
		return nil, fmt.Errorf("restore: the secrets file %s holds no admin password", o.Secrets)
	}
	eng, before, err := connectForRestore(ctx, o, saved, adminPW, sec.header.AdminUser)
	if err != nil {
		return nil, err
	}
	client := eng.Client
	defer func() { eng.Client.Close() }()
	res.CameraFirmware = before.Identity.Firmware
	switch {
	case savedID.Serial != "" && before.Identity.Serial != savedID.Serial:
		return nil, fmt.Errorf("restore: the backup is of camera serial %s, this camera is serial %s: restore each camera from its own backup", savedID.Serial, before.Identity.Serial)
	case res.BackupFirmware != res.CameraFirmware && !o.Force:
		return nil, fmt.Errorf("restore: the backup was taken on firmware %s, the camera runs %s: a configuration of another firmware version can leave the camera misconfigured (MOBOTIX's own restore tool refuses it too); update the camera to %s, or restore anyway with --force",
			res.BackupFirmware, res.CameraFirmware, res.BackupFirmware)
	case before.Base.Scheme != "https" && !o.Camera.AllowPlainHTTP:
		return nil, errors.New("restore: the backup holds the password hashes and keys of the camera: it is not sent over plain HTTP; connect with https:// (or allow it with --allow-plain-http on a trusted network)")
	}
	for _, name := range saved.Sections() {
		if strings.TrimSpace(saved.SectionText(name)) != strings.TrimSpace(before.Config.SectionText(name)) {
			res.Differ = append(res.Differ, name)
		}
	}
	savedIP, nowIP := saved.Value(camera.SecEthernet, camera.KeyIPAddr), before.Config.Value(camera.SecEthernet, camera.KeyIPAddr)
	if ip := net.ParseIP(savedIP); ip != nil && net.ParseIP(nowIP) != nil && !ip.Equal(net.ParseIP(nowIP)) {
		res.MovesTo = ip.String()
	}
	var pair *certs.Pair
	if k, c := sec.values[steps.CertificateKey], sec.values[steps.CertificatePEM]; !k.IsZero() && !c.IsZero() {
		if pair, err = certs.ImportPair([]byte(c.Reveal()), []byte(k.Reveal())); err != nil {
			return nil, fmt.Errorf("restore: the certificate in the secrets file: %w", err)
		}
		res.Certificate = before.Certificate == nil || camera.FingerprintSHA256(before.Certificate.Raw) != camera.FingerprintSHA256(pair.Cert.Raw)
	}
	if o.PlanOnly {
		return res, nil
	}

	progress := func(format string, a ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(format, a...))
		}
	}
	progress("writing the %d sections of the backup; these change: %s", len(saved.Sections()), strings.Join(res.Differ, ", "))
	script, err := new(camera.Script).WriteSections(string(data))
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	if _, err := client.Run(ctx, script.Store().Update()); err != nil {
		return nil, fmt.Errorf("restore: writing the backup: %w", err)
	}
	// The restored users are active now: from here on the camera takes the
	// admin password of the commissioning (from the secrets file).
	user := sec.header.AdminUser
	if user == "" {
		user = o.Camera.User
	}
	next, err := client.WithPassword(user, adminPW)
	if err != nil {
		return nil, err
	}
	client.Close()
	eng.Client, eng.Password = next, adminPW
	if res.Certificate {
		progress("installing the certificate of the commissioning again")
		if err := next.PinNext(pair.Cert); err != nil {
			return nil, err
		}
		key, err := pair.KeyPEM()
		if err != nil {
			return nil, err
		}
		if err := next.UploadCertificate(ctx, secret.New(string(key)), pair.CertificatePEM()); err != nil {
			return nil, fmt.Errorf("restore: %w", err)
		}
	}
	// The restored configuration says where the camera answers after the
	// reboot: its ports moved by the offset of the address given from the
	// factory port (after a factory reset the address given is the factory
	// one; a port forward keeps its offset), else by the offset the camera
	// shows now (a camera restored from custom ports).
	scheme, port := restoredAddress(o.Camera.Address, saved)
	restored := *before
	restored.Config = saved
	altScheme, altPort := steps.AddressAfterReboot(&restored)
	primary, alt := camera.WithPort(before.Base, scheme, port), camera.WithPort(before.Base, altScheme, altPort)
	if res.MovesTo != "" {
		// The restored network settings move the camera: it is looked for
		// there, then once where it is now (a firmware that keeps its
		// address). The certificate it will present there is pinned for
		// that address from the file (or from this connection), never from
		// the network.
		alt = camera.WithPort(before.Base, scheme, port)
		primary = camera.WithHost(primary, res.MovesTo)
		fp := next.Fingerprint()
		if pair != nil {
			fp = camera.FingerprintSHA256(pair.Cert.Raw)
		}
		if err := o.Camera.Known.PinNext(res.MovesTo, fp); err != nil {
			return nil, fmt.Errorf("restore: pin the certificate for %s: %w", res.MovesTo, err)
		}
		progress("the backup's network settings move the camera from %s to %s at the reboot", nowIP, res.MovesTo)
	}
	progress("rebooting the camera")
	if err := next.Reboot(ctx); err != nil {
		return nil, fmt.Errorf("restore: reboot: %w", err)
	}
	next.SetBase(primary)
	next.ForgetAuthentication()
	progress("waiting for the camera at %s", next.Address())
	atAlt, err := next.WaitAfterReboot(ctx, o.BootTimeout, o.PollInterval, alt)
	if err != nil {
		if res.MovesTo != "" {
			return nil, fmt.Errorf("restore: after the reboot the camera should answer at %s (the network settings of the backup), and this computer does not reach it there: connect it to that network and check the camera with mxwizard audit --secrets; %w", res.MovesTo, err)
		}
		return nil, fmt.Errorf("restore: after the reboot, with the admin password of the secrets file: %w", err)
	}
	if atAlt && res.MovesTo != "" {
		progress("the camera answers at %s, not at %s: its network settings did not take effect", next.Address(), primary)
	}
	if pair != nil && next.Fingerprint() != camera.FingerprintSHA256(pair.Cert.Raw) {
		return nil, fmt.Errorf("restore: after the reboot the camera presents certificate %s, not the one of the commissioning", next.Fingerprint())
	}
	after, err := eng.Snapshot(ctx, false)
	if err != nil {
		return nil, err
	}
	if after, err = eng.ObserveEffects(ctx, after); err != nil {
		return nil, err
	}
	after.LogSinceReboot = true
	old, now := steps.CheckAll(before), steps.CheckAll(after)
	started := time.Now().UTC()
	for i, st := range steps.All() {
		info := st.Info()
		rec := report.HandoverStep{
			Step: info.Number, ID: info.ID, Title: info.Title, Menu: info.MenuPath, At: started,
			Before: report.Finding{Status: string(old[i].Status), Detail: old[i].Detail},
			After:  report.Finding{Status: string(now[i].Status), Detail: now[i].Detail},
		}
		res.Steps = append(res.Steps, rec)
		if now[i].Status == steps.Fail || now[i].Status == steps.Error || now[i].Status == steps.Unsupported {
			res.Failed = true
		}
	}
	res.AddressAfter, res.Requests = next.Address(), eng.Requests()
	h := &report.Handover{
		Camera: o.Camera.Address, AddressAfter: res.AddressAfter, Model: after.Identity.Model, Serial: after.Identity.Serial,
		Firmware: after.Identity.Firmware, Certificate: next.Fingerprint(), Started: started, Finished: time.Now().UTC(),
		Requests: res.Requests, Steps: res.Steps, Backup: filepath.Base(o.Backup), Secrets: filepath.Base(o.Secrets), Tool: o.Tool,
	}
	base := filepath.Join(o.OutDir, SafeName(after.Identity.Serial)+"-restore")
	js, err := h.JSON()
	if err != nil {
		return nil, err
	}
	html, err := h.HTML()
	if err != nil {
		return nil, err
	}
	secrets := []secret.Secret{o.Camera.Password, o.Passphrase, adminPW}
	for _, v := range sec.values {
		secrets = append(secrets, v)
	}
	if err := os.MkdirAll(o.OutDir, 0o700); err != nil {
		return nil, err
	}
	for ext, content := range map[string][]byte{".md": h.Markdown(), ".json": js, ".html": html} {
		if _, err := keepEarlier(base, ext, started); err != nil {
			return nil, err
		}
		if err := atomicfile.Write(base+ext, []byte(secret.Redact(string(content), secrets...)), 0o600); err != nil {
			return nil, err
		}
	}
	res.Files = Files{Backup: o.Backup, Secrets: o.Secrets, Report: base + ".md", JSON: base + ".json", HTML: base + ".html"}
	return res, nil
}

// connectForRestore logs in for a restore: at the address given with the
// password given (a factory-reset camera: the factory one), and, so that an
// interrupted restore can be finished by running it again, once with the
// admin password of the secrets file, and at the address the restored
// configuration names (the given address's port moved by the same offset).
func connectForRestore(ctx context.Context, o RestoreOptions, saved *camera.Config, adminPW secret.Secret, adminUser string) (*steps.Engine, *steps.Snapshot, error) {
	named, err := camera.ParseAddress(o.Camera.Address)
	if err != nil {
		return nil, nil, err
	}
	addrs := []string{o.Camera.Address}
	scheme, port := restoredAddress(o.Camera.Address, saved)
	if moved := camera.WithPort(named, scheme, port).String(); moved != named.String() {
		addrs = append(addrs, moved)
	}
	user := adminUser
	if user == "" {
		user = o.Camera.User
	}
	type login struct {
		user string
		pw   secret.Secret
	}
	logins := []login{{o.Camera.User, o.Camera.Password}}
	if !adminPW.Equal(o.Camera.Password) {
		logins = append(logins, login{user, adminPW})
	}
	var last error
	for _, addr := range addrs {
		for _, l := range logins {
			co := o.Camera
			co.Address, co.User, co.Password = addr, l.user, l.pw
			client, err := camera.New(co)
			if err != nil {
				return nil, nil, err
			}
			eng := &steps.Engine{Client: client, Password: l.pw, BootTimeout: o.BootTimeout, PollInterval: o.PollInterval, Progress: o.Progress}
			snap, err := eng.Snapshot(ctx, false)
			if err == nil {
				return eng, snap, nil
			}
			client.Close()
			last = err
			if !errors.Is(err, camera.ErrUnauthorized) {
				break // not here: the next address
			}
		}
	}
	return nil, nil, last
}

// restoredAddress is where a camera answers once the restored
// configuration is active: its ports, moved by the offset of the address
// the installer gave from the factory port of its scheme (0 for a camera
// reached directly; a port forward keeps its offset).
func restoredAddress(given string, saved *camera.Config) (scheme string, port int) {
	named, err := camera.ParseAddress(given)
	if err != nil {
		return "https", 443
	}
	def := 443
	if named.Scheme == "http" {
		def = 80
	}
	return steps.AddressAfterReboot(&steps.Snapshot{Config: saved, Base: named, PortOffset: camera.PortOf(named) - def})
}
