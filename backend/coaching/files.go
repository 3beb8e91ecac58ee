package coaching

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"slices"

	"filippo.io/age"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/field"
)

// MaxFiles bounds the files one coaching item carries (their keys travel in the sealed content).
const MaxFiles = 20

// File is an attachment of a coaching item, sealed like the item: its name, type and key
// are inside the sealed content; the change log and every device's blob store hold only
// its ciphertext (an age file, encrypted to the file's own key), under Blob. A device that
// can open the item opens the file; the others fetch and keep bytes they cannot read.
type File struct {
	Name  string    `json:"name"`
	Size  int64     `json:"size"`  // of the file itself
	Type  string    `json:"type"`  // sniffed from the file's first bytes
	Blob  blob.Hash `json:"blob"`  // the ciphertext's hash, as the change log names it
	Plain blob.Hash `json:"plain"` // the file's own SHA-256, checked as it is opened
	Key   string    `json:"key"`   // the age identity ("AGE-SECRET-KEY-1...") it is encrypted to
}

// AttachFile encrypts r's bytes to a key of their own, stores the ciphertext in blobs and
// adds the file to item id (its author's): the key and name go into the sealed content and
// the ciphertext's hash into the clear record, in one change.
func (s *Service) AttachFile(ctx context.Context, id, name string, r io.Reader, blobs *blob.Store) (Item, error) {
	if _, err := s.items.Writer(); err != nil {
		return Item{}, err
	}
	f, err := seal(r, blobs)
	if err != nil {
		return Item{}, err
	}
	f.Name = attach.SafeName(name)
	op, err := attach.SealedItem(blobs, f.Blob)
	if err != nil {
		return Item{}, fmt.Errorf("attach file: %w", err)
	}
	rec, err := s.items.Edit(ctx, id, func(cur *Content, _ *bool) error {
		if len(cur.Files) >= MaxFiles {
			return field.Errorf("file", "a coaching item carries at most %d files", MaxFiles)
		}
		cur.Files = append(cur.Files, f)
		return nil
	}, op)
	if err != nil {
		return Item{}, err
	}
	return s.open(rec)
}

// seal encrypts r to a new identity into blobs, measuring and sniffing the plaintext on the way.
func seal(r io.Reader, blobs *blob.Store) (File, error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return File{}, fmt.Errorf("attach file: %w", err)
	}
	sum := sha256.New()
	head := &prefix{max: 512}
	plain := io.TeeReader(r, io.MultiWriter(sum, head))
	pr, pw := io.Pipe()
	var n int64
	go func() {
		w, err := age.Encrypt(pw, id.Recipient())
		if err == nil {
			n, err = io.Copy(w, plain)
		}
		if err == nil {
			err = w.Close()
		}
		pw.CloseWithError(err)
	}()
	h, _, err := blobs.Put(pr)
	pr.CloseWithError(io.ErrClosedPipe) // stops the encrypting goroutine if Put gave up early
	if err != nil {
		return File{}, err
	}
	return File{Size: n, Type: http.DetectContentType(head.b), Blob: h,
		Plain: blob.Hash(hex.EncodeToString(sum.Sum(nil))), Key: id.String()}, nil
}

// prefix keeps the first max bytes written to it.
type prefix struct {
	b   []byte
	max int
}

func (p *prefix) Write(b []byte) (int, error) {
	if room := p.max - len(p.b); room > 0 {
		p.b = append(p.b, b[:min(room, len(b))]...)
	}
	return len(b), nil
}

// OpenFile returns the bytes of file h of item id, decrypted, if this person can read the
// item; reading them to the end fails with blob.ErrMismatch if they are not the file's.
func (s *Service) OpenFile(id string, h blob.Hash, blobs *blob.Store) (io.ReadCloser, File, error) {
	it, err := s.Get(id)
	if err != nil {
		return nil, File{}, err
	}
	i := slices.IndexFunc(it.Files, func(f File) bool { return f.Blob == h })
	if i < 0 {
		return nil, File{}, fmt.Errorf("%w: %s", ErrNotFound, h)
	}
	f := it.Files[i]
	key, err := age.ParseX25519Identity(f.Key)
	if err != nil {
		return nil, File{}, fmt.Errorf("open file: %w", err)
	}
	c, err := blobs.Open(h)
	if err != nil {
		return nil, File{}, err
	}
	plain, err := age.Decrypt(c, key)
	if err != nil {
		c.Close()
		return nil, File{}, fmt.Errorf("open file: %w", blob.ErrMismatch)
	}
	return &checked{r: plain, c: c, sum: sha256.New(), want: f.Plain}, f, nil
}

// checked hashes what is read through it and fails at the end if it is not the file.
type checked struct {
	r    io.Reader
	c    io.Closer
	sum  hash.Hash
	want blob.Hash
}

func (c *checked) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.sum.Write(p[:n])
	if err == io.EOF && !bytes.Equal([]byte(hex.EncodeToString(c.sum.Sum(nil))), []byte(c.want)) {
		return n, blob.ErrMismatch
	}
	return n, err
}

func (c *checked) Close() error { return c.c.Close() }

// RemoveFile takes file h off item id (its author's): its name and key leave the sealed
// content, and the clear item naming its ciphertext is marked removed in the same change,
// so the ciphertext is no longer live and each device frees it (blob.Store.Collect).
// The item's sealed history keeps the versions that named it, readable only by its readers.
func (s *Service) RemoveFile(ctx context.Context, id string, h blob.Hash) (Item, error) {
	if _, err := s.items.Writer(); err != nil {
		return Item{}, err
	}
	rec, err := s.items.Get(id)
	if err != nil {
		return Item{}, err
	}
	var ops []change.Op
	for _, m := range attach.List(rec, nil) {
		if m.Hash == h {
			ops = append(ops, change.Op{Op: change.OpAdd, Field: attach.FieldRemoved, Elem: m.ID})
		}
	}
	rec, err = s.items.Edit(ctx, id, func(cur *Content, _ *bool) error {
		i := slices.IndexFunc(cur.Files, func(f File) bool { return f.Blob == h })
		if i < 0 {
			return fmt.Errorf("%w: %s", ErrNotFound, h)
		}
		cur.Files = slices.Delete(cur.Files, i, i+1)
		return nil
	}, ops...)
	if err != nil {
		return Item{}, err
	}
	return s.open(rec)
}

// keepFiles carries an item's files over an edit of its text: files change only by
// AttachFile and RemoveFile (and stay with the item's history).
func keepFiles(cur *Content, next Content) {
	files := cur.Files
	*cur = next
	cur.Files = files
}
