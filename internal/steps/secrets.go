package steps

import (
	"fmt"
	"maps"
	"sort"
	"sync"

	"github.com/mxwizard/mxwizard/internal/profile"
	"github.com/mxwizard/mxwizard/internal/secret"
)

// Secrets collects the secrets of one run: resolved from the profile
// (env:/file:) or generated, each exactly once, so that a plan shown and the
// plan applied carry the same value. The engine saves them, encrypted,
// before a camera is changed.
type Secrets struct {
	mu     sync.Mutex
	values map[SecretName]secret.Secret
	// kept are the secrets an earlier run set on this camera (from its
	// secrets file): a secret the profile leaves to "generate" takes the kept
	// value instead of a new one, so a re-run or a re-hardening after a
	// factory reset gives the camera back the same passwords and keys.
	kept     map[SecretName]secret.Secret
	Generate func() (secret.Secret, error)
}

// NewSecrets makes a store that generates with gen.
func NewSecrets(gen func() (secret.Secret, error)) *Secrets {
	return &Secrets{values: map[SecretName]secret.Secret{}, Generate: gen}
}

// Resolve returns the secret called name, taking it from ref the first time.
func (g *Secrets) Resolve(name SecretName, ref profile.SecretRef) (secret.Secret, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if v, ok := g.values[name]; ok {
		return v, nil
	}
	if v, ok := g.kept[name]; ok && (ref.IsZero() || ref.IsGenerate()) {
		g.values[name] = v
		return v, nil
	}
	v, ok, err := ref.Resolve(string(name))
	if err != nil {
		return secret.Secret{}, err
	}
	if !ok {
		if g.Generate == nil {
			return secret.Secret{}, fmt.Errorf("%s: no generator for secrets", name)
		}
		if v, err = g.Generate(); err != nil {
			return secret.Secret{}, fmt.Errorf("generate %s: %w", name, err)
		}
	}
	g.values[name] = v
	return v, nil
}

// Fork returns a store that starts with every secret recorded so far and
// generates with the same generator, but whose new secrets stay its own. Plan
// a step with a fork to show the installer a plan whose secrets join the run
// only when that plan is applied (Engine.Apply commits them).
func (g *Secrets) Fork() *Secrets {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := &Secrets{values: make(map[SecretName]secret.Secret, len(g.values)), kept: maps.Clone(g.kept), Generate: g.Generate}
	for k, v := range g.values {
		f.values[k] = v
	}
	return f
}

// Keep offers the value an earlier run set on this camera: Resolve returns
// it instead of generating a new one (an env: or file: reference in the
// profile still wins: the installer asked for that value).
func (g *Secrets) Keep(name SecretName, v secret.Secret) {
	if v.IsZero() {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.kept == nil {
		g.kept = map[SecretName]secret.Secret{}
	}
	g.kept[name] = v
}

// KeptValue returns the value an earlier run set for name, if the camera's
// secrets file offered one (Keep), for a step that reuses more than a
// generated string (step 16's certificate and key).
func (g *Secrets) KeptValue(name SecretName) (secret.Secret, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	v, ok := g.kept[name]
	return v, ok
}

// Set records a secret chosen elsewhere (typed by the installer).
func (g *Secrets) Set(name SecretName, v secret.Secret) {
	g.mu.Lock()
	g.values[name] = v
	g.mu.Unlock()
}

// Get returns a recorded secret.
func (g *Secrets) Get(name SecretName) (secret.Secret, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	v, ok := g.values[name]
	return v, ok
}

// Names lists the recorded secrets' names, sorted.
func (g *Secrets) Names() []SecretName {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]SecretName, 0, len(g.values))
	for k := range g.values {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// All returns every recorded secret (for redaction and the secrets file).
func (g *Secrets) All() []secret.Secret {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]secret.Secret, 0, len(g.values))
	for _, v := range g.values {
		out = append(out, v)
	}
	return out
}
