package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"filippo.io/age"
)

func TestWriteFileRunsScryptOnceAndTheFileOpensWithThePassphrase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.json.age")
	plain := []byte(`{"admin_password":"Sup3rS3cretCameraPassw0rd"}`)
	before, _ := ScryptRuns()
	if err := WriteFile(t.Context(), path, plain, goodPass); err != nil {
		t.Fatal(err)
	}
	after, _ := ScryptRuns()
	if after-before != 1 {
		t.Errorf("WriteFile ran scrypt %d times, want 1 (the read-back uses the kept file key)", after-before)
	}
	// age's own passphrase identity, as every other age implementation does.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	id, err := age.NewScryptIdentity(goodPass.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatalf("age does not open the file with the passphrase: %v", err)
	}
	var got bytes.Buffer
	if _, err := got.ReadFrom(r); err != nil || !bytes.Equal(got.Bytes(), plain) {
		t.Fatalf("age read %q (%v), want the plaintext", got.Bytes(), err)
	}
}

func TestTheKeptFileKeyOpensOnlyItsOwnFile(t *testing.T) {
	encryptKeeping := func(plain string) (*keyKeepingRecipient, []byte) {
		base, err := newScryptRecipient(goodPass.Reveal())
		if err != nil {
			t.Fatal(err)
		}
		r := &keyKeepingRecipient{ScryptRecipient: base}
		var buf bytes.Buffer
		if err := encryptTo(t.Context(), &buf, nil, bytes.NewReader([]byte(plain)), r); err != nil {
			t.Fatal(err)
		}
		return r, buf.Bytes()
	}
	first, firstFile := encryptKeeping("first")
	_, secondFile := encryptKeeping("second")
	if _, err := age.Decrypt(bytes.NewReader(firstFile), keptKeyIdentity{first}); err != nil {
		t.Fatalf("the kept key does not open its own file: %v", err)
	}
	if _, err := age.Decrypt(bytes.NewReader(secondFile), keptKeyIdentity{first}); err == nil {
		t.Fatal("the kept key of one file opened another file")
	}
	// A file whose payload was altered after the header fails the read-back.
	altered := bytes.Clone(firstFile)
	altered[len(altered)-1] ^= 1
	if r, err := age.Decrypt(bytes.NewReader(altered), keptKeyIdentity{first}); err == nil {
		var b bytes.Buffer
		if _, err := b.ReadFrom(r); err == nil {
			t.Fatal("an altered payload read back without an error")
		}
	}
	first.forget()
	if !bytes.Equal(first.fileKey, make([]byte, len(first.fileKey))) {
		t.Error("forget left the file key in memory")
	}
}

func TestScryptRunsOneAtATime(t *testing.T) {
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Go(func() {
			path := filepath.Join(dir, fmt.Sprintf("camera-%d.cfg.age", i))
			if err := WriteFile(t.Context(), path, []byte("config"), goodPass); err != nil {
				errs <- err
				return
			}
			if _, err := ReadFile(path, goodPass); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, most := ScryptRuns(); most != 1 {
		t.Errorf("%d scrypt operations ran at the same time, want 1", most)
	}
}

func TestAWaitForTheScryptSlotEndsWithTheContext(t *testing.T) {
	scryptSlot <- struct{}{} // somebody else's operation runs
	defer func() { <-scryptSlot }()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	path := filepath.Join(t.TempDir(), "x.age")
	err := WriteFile(ctx, path, []byte("config"), goodPass)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("WriteFile while the slot is taken and the context ended: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("a file was written although the encryption never ran")
	}
}
