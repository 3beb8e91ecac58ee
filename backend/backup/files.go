package backup

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/store"
)

// Files is the attachments' bytes a backup carries: the blobs that live records name and
// that are on this device (a file still travelling from a peer is not).
type Files struct {
	Blobs  *blob.Store
	hashes []blob.Hash
	sizes  []int64
}

// LiveFiles lists the blobs of st's live attachments held in blobs.
func LiveFiles(st *store.Store, blobs *blob.Store) (*Files, error) {
	live, err := attach.Live(st)
	if err != nil {
		return nil, err
	}
	f := &Files{Blobs: blobs}
	for h := range live {
		if blobs.Has(h) {
			f.hashes = append(f.hashes, h)
		}
	}
	return f, nil
}

// fileHead precedes a file's bytes.
type fileHead struct {
	Hash blob.Hash `json:"hash"`
	Size int64     `json:"size"`
}

func (f *Files) count(info *Info) error {
	if f == nil {
		return nil
	}
	f.sizes = make([]int64, len(f.hashes))
	for i, h := range f.hashes {
		n, err := f.Blobs.Size(h)
		if err != nil {
			return fmt.Errorf("read attachment: %w", err)
		}
		f.sizes[i] = n
		info.Files++
		info.FileBytes += n
	}
	return nil
}

func (f *Files) write(w *bufio.Writer) error {
	if f == nil {
		return nil
	}
	for i, h := range f.hashes {
		head, _ := json.Marshal(fileHead{Hash: h, Size: f.sizes[i]})
		writeFrame(w, head)
		r, err := f.Blobs.Open(h)
		if err != nil {
			return fmt.Errorf("read attachment: %w", err)
		}
		n, err := io.Copy(w, io.LimitReader(r, f.sizes[i]))
		r.Close()
		if err == nil && n != f.sizes[i] {
			err = fmt.Errorf("attachment %s changed size while it was backed up", h)
		}
		if err != nil {
			return fmt.Errorf("back up attachment: %w", err)
		}
	}
	return nil
}

// files reads the files section (version 2), handing each file's bytes to fn.
func (b *reader) files(info Info, fn func(blob.Hash, io.Reader) error) error {
	if b.version < 2 {
		return nil
	}
	count := 0
	for {
		raw, err := b.frame(1 << 10)
		if err != nil {
			return err
		}
		if raw == nil {
			break
		}
		var h fileHead
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if dec.Decode(&h) != nil || h.Size < 0 {
			return fmt.Errorf("%w: attachment %d cannot be read", ErrDamaged, count+1)
		}
		if _, err := blob.ParseHash(string(h.Hash)); err != nil {
			return fmt.Errorf("%w: attachment %d cannot be read", ErrDamaged, count+1)
		}
		body := io.LimitReader(b, h.Size)
		if fn != nil {
			if err := fn(h.Hash, body); err != nil {
				return err
			}
		}
		if _, err := io.Copy(io.Discard, body); err != nil { // a cut file fails at the next frame or the checksum
			return ErrDamaged
		}
		count++
	}
	if count != info.Files {
		return fmt.Errorf("%w: holds %d attachments, its header says %d", ErrDamaged, count, info.Files)
	}
	return nil
}

// restoreFile stores each file of a verified backup, checked against its hash.
func restoreFile(blobs *blob.Store, res *Result) func(blob.Hash, io.Reader) error {
	if blobs == nil {
		return nil
	}
	return func(h blob.Hash, r io.Reader) error {
		if _, err := blobs.PutVerified(r, h); err != nil {
			return fmt.Errorf("restore attachment %s: %w", h, err)
		}
		res.Files++
		return nil
	}
}
