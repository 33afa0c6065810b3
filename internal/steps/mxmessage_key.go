package steps

import (
	"fmt"

	"github.com/mxwizard/mxwizard/internal/camera"
	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// mxMessageKey is step 13.
type mxMessageKey struct{}

func (mxMessageKey) Info() Info {
	return Info{
		13, "mxmessage-key", "Change default password for MxMessage (only necessary if utilized)",
		"Admin Menu > MxMessageSystem > Network Distribution of Messages",
		"Messages between cameras trigger actions; with the factory key anybody on the network can send them.",
	}
}

func (mxMessageKey) Check(s *Snapshot) Finding {
	if s.Value(camera.SecMxMessage, camera.KeyMxEnable) != "1" {
		return pass("network distribution of messages is off")
	}
	if s.Value(camera.SecMxMessage, camera.KeyMxKey) == "" {
		return fail("network distribution is on with the factory key")
	}
	return pass("network distribution is on with an own key")
}

func (m mxMessageKey) Plan(s *Snapshot, p *profile.Profile, gen *Secrets) (*Plan, error) {
	pl := &Plan{Step: m.Info()}
	on := s.Value(camera.SecMxMessage, camera.KeyMxEnable) == "1"
	if !p.MxMessage.Used {
		if on {
			pl.Params = append(pl.Params, param(camera.SecMxMessage, camera.KeyMxEnable, "0"))
			pl.Notes = append(pl.Notes, "MxMessageSystem is not used here: its network distribution is switched off")
		}
		return pl, nil
	}
	if s.Value(camera.SecMxMessage, camera.KeyMxKey) == "" {
		key, err := gen.Resolve(MxMessageKey, p.MxMessage.Key)
		if err != nil {
			return nil, err
		}
		if key.Len() < 6 {
			return nil, fmt.Errorf("mxmessage.key: the camera needs at least 6 characters")
		}
		pl.Params = append(pl.Params, camera.Param{Section: camera.SecMxMessage, Key: camera.KeyMxKey, Secret: key})
		pl.Secrets = map[SecretName]secret.Secret{MxMessageKey: key}
		pl.Notes = append(pl.Notes, "every camera that exchanges messages with this one needs the same key")
	}
	if !on {
		pl.Params = append(pl.Params, param(camera.SecMxMessage, camera.KeyMxEnable, "1"))
	}
	return pl, nil
}
