package backup

import (
	"bytes"
	"context"
	"testing"
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// A backup carries the attachments' bytes; restored on a new laptop they are there and
// verify. A backup made without them says so, and restores the records alone.
func TestBackupCarriesAttachments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := source(t)
	dir := t.TempDir()
	blobs, _ := blob.Open(dir, 0)
	op, _ := change.Set("title", "Switch in room 4 is dead", nil)
	src.Update(ctx, "ana", func(tx *store.Tx) error { _, err := tx.Write("ticket", "photo-ticket", []change.Op{op}); return err })
	photo := bytes.Repeat([]byte("rack photo "), 300_000)
	h, _, _ := blobs.Put(bytes.NewReader(photo))
	if _, err := attach.Add(ctx, src, blobs, "ana", "ticket", "photo-ticket", attach.Meta{Hash: h, Name: "rack.jpg"}); err != nil {
		t.Fatal(err)
	}
	files, err := LiveFiles(src, blobs)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	info, err := Write(src, &buf, time.Now(), files)
	if err != nil || info.Files != 1 || info.FileBytes != int64(len(photo)) || info.FilesLeft {
		t.Fatalf("Write = %+v, %v", info, err)
	}
	dst := open(t, "new-laptop")
	dstBlobs, _ := blob.Open(t.TempDir(), 0)
	res, err := Restore(ctx, dst, dstBlobs, bytes.NewReader(buf.Bytes()), nil)
	if err != nil || res.Files != 1 {
		t.Fatalf("Restore = %+v, %v", res, err)
	}
	if err := dstBlobs.Verify(h); err != nil {
		t.Fatalf("restored file: %v", err)
	}
	rec, _ := dst.Get("ticket", "photo-ticket")
	if l := attach.List(rec, dstBlobs); len(l) != 1 || !l[0].Here {
		t.Fatalf("restored attachment: %+v", l)
	}

	// Damage one byte of the file's bytes inside the backup: refused before anything is written.
	bad := bytes.Clone(buf.Bytes())
	i := bytes.Index(bad, []byte("rack photo rack photo"))
	bad[i+3] ^= 1
	fresh := open(t, "another-laptop")
	if _, err := Restore(ctx, fresh, dstBlobs, bytes.NewReader(bad), nil); err == nil {
		t.Fatal("a backup with a damaged attachment was restored")
	}

	buf.Reset()
	info, err = Write(src, &buf, time.Now(), nil)
	if err != nil || !info.FilesLeft || info.Files != 0 {
		t.Fatalf("Write without files = %+v, %v", info, err)
	}
	if got, err := Verify(bytes.NewReader(buf.Bytes())); err != nil || !got.FilesLeft {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
}
