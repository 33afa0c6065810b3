package backup

import (
	"bytes"
	"context"
	"crypto/subtle"
	"runtime/debug"
	"sync/atomic"

	"filippo.io/age"
)

// scryptSlot lets one scrypt operation run at a time in the whole process.
// At age's default work factor an operation takes about 0.6 s and 256 MiB
// of memory: a site run with many cameras side by side would otherwise
// hold one such work area per camera at the same time.
var scryptSlot = make(chan struct{}, 1)

// scryptRuns counts the operations that ran in the slot, and
// scryptInSlot the ones running now (never more than one): what the tests
// and the site benchmarks observe.
var scryptRuns, scryptInSlot, scryptMostAtOnce atomic.Int64

// withScryptSlot runs f, which does one scrypt operation, in the scrypt
// slot. Before the slot is given to the next operation the work area f
// left behind is collected and its memory given back to the system
// (debug.FreeOSMemory): a plain collection is not enough, because other
// goroutines' small allocations settle in the freed pages and the next
// 256 MiB then lands in new ones (measured: 557 MB for three cameras with
// runtime.GC, see docs/performance.md). A ctx that ends while waiting for
// the slot returns its error and f does not run.
func withScryptSlot(ctx context.Context, f func() error) error {
	select {
	case scryptSlot <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	n := scryptInSlot.Add(1)
	for {
		most := scryptMostAtOnce.Load()
		if n <= most || scryptMostAtOnce.CompareAndSwap(most, n) {
			break
		}
	}
	scryptRuns.Add(1)
	defer func() {
		scryptInSlot.Add(-1)
		debug.FreeOSMemory()
		<-scryptSlot
	}()
	return f()
}

// newScryptRecipient is age's passphrase recipient at the work factor in
// force (age's default unless a test lowered it).
func newScryptRecipient(passphrase string) (*age.ScryptRecipient, error) {
	recipient, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return nil, err
	}
	if wf := workFactor.Load(); wf != 0 {
		recipient.SetWorkFactor(int(wf))
	}
	return recipient, nil
}

// keyKeepingRecipient is age's own scrypt recipient that also keeps the
// file key it wrapped and the stanza it wrote. The file just written can
// then be opened again, header MAC and payload authenticated by age, with
// that key instead of a second scrypt run; the stanza is age's, so the
// passphrase opens the file for every age implementation.
type keyKeepingRecipient struct {
	*age.ScryptRecipient
	fileKey []byte
	stanza  *age.Stanza
}

// Wrap wraps fileKey with the passphrase and keeps both.
func (r *keyKeepingRecipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	stanzas, _, err := r.WrapWithLabels(fileKey)
	return stanzas, err
}

// WrapWithLabels is age's, keeping the key and the stanza.
func (r *keyKeepingRecipient) WrapWithLabels(fileKey []byte) ([]*age.Stanza, []string, error) {
	stanzas, labels, err := r.ScryptRecipient.WrapWithLabels(fileKey)
	if err == nil && len(stanzas) == 1 {
		r.fileKey, r.stanza = bytes.Clone(fileKey), stanzas[0]
	}
	return stanzas, labels, err
}

// forget overwrites the kept file key.
func (r *keyKeepingRecipient) forget() {
	for i := range r.fileKey {
		r.fileKey[i] = 0
	}
}

// keptKeyIdentity opens exactly the file whose only stanza is the one the
// recipient wrote, with the file key it kept.
type keptKeyIdentity struct{ r *keyKeepingRecipient }

// Unwrap returns the kept file key for the kept stanza, and
// age.ErrIncorrectIdentity for any other header.
func (i keptKeyIdentity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	want := i.r.stanza
	if want == nil || len(stanzas) != 1 || !sameStanza(stanzas[0], want) {
		return nil, age.ErrIncorrectIdentity
	}
	return bytes.Clone(i.r.fileKey), nil
}

func sameStanza(a, b *age.Stanza) bool {
	if a.Type != b.Type || len(a.Args) != len(b.Args) {
		return false
	}
	for k := range a.Args {
		if a.Args[k] != b.Args[k] {
			return false
		}
	}
	return subtle.ConstantTimeCompare(a.Body, b.Body) == 1
}

// ScryptRuns is the number of scrypt operations (one per encryption or
// decryption to a passphrase) this process ran so far, and the most that
// ever ran at the same time.
func ScryptRuns() (runs, mostAtOnce int64) {
	return scryptRuns.Load(), scryptMostAtOnce.Load()
}
