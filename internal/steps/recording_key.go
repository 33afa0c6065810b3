package steps

import (
	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// recordingKey is step 12.
type recordingKey struct{}

func (recordingKey) Info() Info {
	return Info{
		12, "recording-key", "Set an encryption key for recordings",
		"Admin Menu > Storage > Storage on External File Server / Flash Device",
		"A stolen SD card or a copied file-server share must not give away the recordings.",
	}
}

func (recordingKey) Check(s *Snapshot) Finding {
	if s.Value(camera.SecStorage, camera.KeyEncryptKey) == "" {
		return fail("recordings are stored unencrypted (no key set)")
	}
	return pass("recordings are encrypted (a key is set)")
}

func (r recordingKey) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: r.Info()}
	if s.Value(camera.SecStorage, camera.KeyEncryptKey) != "" {
		return pl, nil
	}
	key, err := gen.Resolve(RecordingKey, p.RecordingKey)
	if err != nil {
		return nil, err
	}
	pl.Params = append(pl.Params, camera.Param{Section: camera.SecStorage, Key: camera.KeyEncryptKey, Secret: key})
	pl.Secrets = map[SecretName]secret.Secret{RecordingKey: key}
	pl.NeedsReboot = true
	pl.Notes = append(pl.Notes, "without this key the recordings cannot be played back elsewhere: it goes into the encrypted secrets file")
	return pl, nil
}
