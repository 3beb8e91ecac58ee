package coaching

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store/storetest"
	"outpost/backend/person"
)

const (
	fileSecret = "Tamarind-Ocelot-8264" // in the file's bytes
	fileName   = "Wisteria-Gondola-3390.txt"
)

// carry copies to every device the blobs that its replica's live records name, from the
// device that holds them: what the transfer does between real peers (sync/transfer).
func carry(t *testing.T, from *blob.Store, to ...*device) {
	t.Helper()
	for _, d := range to {
		live, err := attach.Live(d.st)
		if err != nil {
			t.Fatal(err)
		}
		for h := range live {
			f, err := from.Open(h)
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.blobs(t).PutVerified(f, h)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

func (d *device) blobs(t *testing.T) *blob.Store {
	t.Helper()
	b, err := blob.Open(d.dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSealedFilesAreCiphertextOnOtherDevices: a file attached to a coaching note shared with
// a technician is fetched by every device, but only as ciphertext: a device whose person may
// not read the note holds no byte of the file or its name, and cannot open it; the
// technician's device opens it, and so does the lead's.
func TestSealedFilesAreCiphertextOnOtherDevices(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	tech := newDevice(t, "Bo", person.RoleTechnician, "techbo")
	other := newDevice(t, "Cy", person.RoleTechnician, "techcy")
	storetest.Sync(t, lead.st, tech.st, other.st)

	note, err := lead.coach.AddNote(ctx, "techbo", Content{Title: "Escalations", Body: "Walk through the ticket history"}, true)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(strings.Repeat(fileSecret+" collected logs before escalating\n", 5000)) // 260 KB
	leadBlobs := lead.blobs(t)
	it, err := lead.coach.AttachFile(ctx, note.ID, fileName, bytes.NewReader(data), leadBlobs)
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Files) != 1 || it.Files[0].Name != fileName || it.Files[0].Size != int64(len(data)) || it.Files[0].Type != "text/plain; charset=utf-8" {
		t.Fatalf("files = %+v", it.Files)
	}
	if _, err := lead.coach.Update(ctx, note.ID, Content{Title: "Escalations", Body: "Walk through the history first"}); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, lead.st, tech.st, other.st)
	carry(t, leadBlobs, tech, other)
	h := it.Files[0].Blob
	if !other.blobs(t).Has(h) {
		t.Fatal("the device that may not read the note does not hold the ciphertext: it could not pass it on")
	}

	for _, d := range []struct {
		name string
		dev  *device
	}{{"lead", lead}, {"other technician", other}, {"technician", tech}} {
		_, _, found := scanDir(t, d.dev.dir, []string{fileSecret, fileName})
		if len(found) > 0 {
			t.Errorf("%s's data directory holds the file's plaintext or name: %v", d.name, found)
		}
	}
	if _, _, err := other.coach.OpenFile(note.ID, h, other.blobs(t)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("the other technician opened the file: %v", err)
	}
	for _, d := range []*device{tech, lead} {
		r, f, err := d.coach.OpenFile(note.ID, h, d.blobs(t))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, data) || f.Name != fileName {
			t.Fatalf("opened %d bytes (%v) named %q", len(got), err, f.Name)
		}
	}
	if list := attach.List(mustGet(t, other, note.ID), nil); len(list) != 1 || list[0].Name != attach.SealedName || list[0].Hash != h {
		t.Fatalf("the clear record names %+v", list)
	}
}

func mustGet(t *testing.T, d *device, id string) change.Record {
	t.Helper()
	r, err := d.st.Get(Kind, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A sealed file whose ciphertext is not here is said to be missing; one altered on disk
// does not open as the file.
func TestADamagedSealedFileIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	note, err := lead.coach.AddNote(ctx, "techbo", Content{Body: "Notes"}, false)
	if err != nil {
		t.Fatal(err)
	}
	blobs := lead.blobs(t)
	it, err := lead.coach.AttachFile(ctx, note.ID, "a.txt", strings.NewReader(strings.Repeat("first version\n", 100)), blobs)
	if err != nil {
		t.Fatal(err)
	}
	h := it.Files[0].Blob
	elsewhere, err := blob.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lead.coach.OpenFile(note.ID, h, elsewhere); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("a file whose ciphertext is not here: %v", err)
	}
	path := filepath.Join(lead.dir, blob.Dir, string(h[:2]), string(h))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-20] ^= 1
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	r, _, err := lead.coach.OpenFile(note.ID, h, blobs)
	if err == nil {
		_, err = io.ReadAll(r)
		r.Close()
	}
	if err == nil {
		t.Fatal("an altered ciphertext opened")
	}
}

// A removed file leaves the note's sealed content (no reader sees it, none opens it) and
// its ciphertext is no longer named by a live record, so every device frees it; the other
// file of the note stays.
func TestARemovedSealedFileIsFreed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lead := newDevice(t, "Ana", person.RoleLead, "")
	tech := newDevice(t, "Bo", person.RoleTechnician, "techbo")
	storetest.Sync(t, lead.st, tech.st)
	note, err := lead.coach.AddNote(ctx, "techbo", Content{Body: "Notes"}, true)
	if err != nil {
		t.Fatal(err)
	}
	blobs := lead.blobs(t)
	if _, err := lead.coach.AttachFile(ctx, note.ID, "keep.txt", strings.NewReader("kept\n"), blobs); err != nil {
		t.Fatal(err)
	}
	it, err := lead.coach.AttachFile(ctx, note.ID, fileName, strings.NewReader(fileSecret), blobs)
	if err != nil {
		t.Fatal(err)
	}
	gone, kept := it.Files[1].Blob, it.Files[0].Blob
	storetest.Sync(t, lead.st, tech.st)
	if _, err := tech.coach.RemoveFile(ctx, note.ID, gone); err == nil {
		t.Fatal("the technician removed a file of the lead's note")
	}
	it, err = lead.coach.RemoveFile(ctx, note.ID, gone)
	if err != nil {
		t.Fatal(err)
	}
	if len(it.Files) != 1 || it.Files[0].Name != "keep.txt" {
		t.Fatalf("files after the removal: %+v", it.Files)
	}
	if _, err := lead.coach.RemoveFile(ctx, note.ID, gone); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removing it again: %v", err)
	}
	storetest.Sync(t, lead.st, tech.st)
	for _, d := range []*device{lead, tech} {
		seen, err := d.coach.Get(note.ID)
		if err != nil || len(seen.Files) != 1 || seen.Files[0].Blob != kept {
			t.Fatalf("a reader sees files %+v (%v)", seen.Files, err)
		}
		if _, _, err := d.coach.OpenFile(note.ID, gone, blobs); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the removed file opened: %v", err)
		}
		live, err := attach.Live(d.st)
		if err != nil {
			t.Fatal(err)
		}
		if live[gone] || !live[kept] {
			t.Fatalf("live blobs after the removal: %v (removed %s, kept %s)", live, gone, kept)
		}
	}
}
