// Package backup writes a replica's change log to one file and restores it, so a
// lost or replaced laptop gets its data back. A backup is taken from a consistent
// snapshot while the app runs; a restore merges it through the same validated path
// as changes from a peer.
package backup

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"time"

	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// File format, version 2 (version 1 is the same without the files section):
//
//	magic      "OUTPOST-BACKUP\n" (15 bytes)
//	version    1 byte (2)
//	header     uvarint length + JSON Info
//	changes    repeated: uvarint length (> 0) + the change's JSON, as stored in the change log
//	end        uvarint 0
//	files      repeated: uvarint length (> 0) + JSON {"hash","size"}, then exactly size bytes
//	end        uvarint 0
//	checksum   SHA-256 of every byte before it (32 bytes)
const (
	magic   = "OUTPOST-BACKUP\n"
	version = 2
)

// Errors callers branch on.
var (
	ErrNotBackup   = errors.New("this file is not an Outpost backup")
	ErrNewerFormat = errors.New("this backup was written by a newer version of Outpost; update Outpost to restore it")
	ErrDamaged     = errors.New("this backup is damaged or incomplete (its checksum does not match); nothing was restored")
)

// Info describes a backup: where and when it was taken and what it holds.
type Info struct {
	Device     string       `json:"device"`
	DeviceName string       `json:"deviceName"`
	Taken      time.Time    `json:"taken"`
	Changes    int          `json:"changes"`
	Vector     store.Vector `json:"vector"`
	Files      int          `json:"files"`               // attachment files carried
	FileBytes  int64        `json:"fileBytes"`           // their bytes
	FilesLeft  bool         `json:"filesLeft,omitempty"` // attachments' bytes were left out on purpose
}

// chunkBytes bounds the changes read or applied at once.
const chunkBytes = 4 << 20

// Write writes st's change log, as of the moment it starts, to w. The app may keep
// writing meanwhile: changes up to the version vector read at the start are immutable,
// so the backup is exactly the replica at that moment.
// files carries the attachments' bytes; nil leaves them out (and the header says so).
func Write(st *store.Store, w io.Writer, now time.Time, files *Files) (Info, error) {
	snap, err := st.Vector()
	if err != nil {
		return Info{}, err
	}
	info := Info{Device: st.Device().ID, DeviceName: st.Device().Name, Taken: now.UTC(), Vector: snap, FilesLeft: files == nil}
	if err := files.count(&info); err != nil {
		return Info{}, err
	}
	for _, n := range snap {
		info.Changes += int(n)
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, h), 1<<20)
	head, err := json.Marshal(info)
	if err != nil {
		return Info{}, err
	}
	bw.WriteString(magic)
	bw.WriteByte(version)
	writeFrame(bw, head)
	have := store.Vector{}
	written := 0
	for !covers(have, snap) {
		cs, err := st.ChangesAfter(have, chunkBytes)
		if err != nil {
			return Info{}, fmt.Errorf("read change log: %w", err)
		}
		if len(cs) == 0 {
			break
		}
		for i := range cs {
			c := &cs[i]
			have[c.Device] = c.Seq
			if c.Seq > snap[c.Device] {
				continue // written after the backup started
			}
			raw, err := c.Encode()
			if err != nil {
				return Info{}, err
			}
			writeFrame(bw, raw)
			written++
		}
	}
	if written != info.Changes {
		return Info{}, fmt.Errorf("read %d changes of the %d the replica holds", written, info.Changes)
	}
	writeFrame(bw, nil)
	if err := files.write(bw); err != nil {
		return Info{}, err
	}
	writeFrame(bw, nil)
	if err := bw.Flush(); err != nil {
		return Info{}, fmt.Errorf("write backup: %w", err)
	}
	if _, err := w.Write(h.Sum(nil)); err != nil {
		return Info{}, fmt.Errorf("write backup: %w", err)
	}
	return info, nil
}

func covers(have, want store.Vector) bool {
	for d, n := range want {
		if have[d] < n {
			return false
		}
	}
	return true
}

func writeFrame(w *bufio.Writer, b []byte) {
	var n [binary.MaxVarintLen64]byte
	w.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
	w.Write(b)
}

// WriteFile writes a backup of st to path atomically (a partial file never has the final name), readable by the owner only.
func WriteFile(st *store.Store, path string, now time.Time, files *Files) (Info, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".outpost-backup-*")
	if err != nil {
		return Info{}, fmt.Errorf("create backup file: %w", err)
	}
	defer os.Remove(tmp.Name())
	info, err := Write(st, tmp, now, files)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return Info{}, fmt.Errorf("write backup file: %w", err)
	}
	return info, nil
}

// reader reads a backup's frames, summing the bytes it consumes (not those buffered ahead).
type reader struct {
	in      *bufio.Reader
	sum     hash.Hash
	version byte
}

func (b *reader) ReadByte() (byte, error) {
	c, err := b.in.ReadByte()
	if err == nil {
		b.sum.Write([]byte{c})
	}
	return c, err
}

func (b *reader) Read(p []byte) (int, error) {
	n, err := b.in.Read(p)
	b.sum.Write(p[:n])
	return n, err
}

func newReader(r io.Reader) (*reader, Info, error) {
	br := &reader{in: bufio.NewReaderSize(r, 64<<10), sum: sha256.New()}
	head := make([]byte, len(magic)+1)
	if _, err := io.ReadFull(br, head); err != nil || string(head[:len(magic)]) != magic {
		return nil, Info{}, ErrNotBackup
	}
	if head[len(magic)] > version || head[len(magic)] == 0 {
		return nil, Info{}, ErrNewerFormat
	}
	br.version = head[len(magic)]
	raw, err := br.frame(1 << 20)
	if err != nil || len(raw) == 0 {
		return nil, Info{}, ErrNotBackup
	}
	var info Info
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, Info{}, ErrNotBackup
	}
	return br, info, nil
}

// frame reads one length-prefixed frame (nil at the end marker).
func (b *reader) frame(limit int) ([]byte, error) {
	n, err := binary.ReadUvarint(b)
	if err != nil {
		return nil, ErrDamaged
	}
	if n > uint64(limit) {
		return nil, ErrDamaged
	}
	if n == 0 {
		return nil, nil
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(b, buf); err != nil {
		return nil, ErrDamaged
	}
	return buf, nil
}

// each reads every change of a backup, calling fn with chunks of about chunkBytes,
// then checks the checksum (fn has by then seen every change: callers that must not
// act on a damaged file verify first).
// Files met after the changes go to file (nil: their bytes are read and dropped).
func each(r io.Reader, fn func([]change.Change) error, file func(h blob.Hash, r io.Reader) error) (Info, error) {
	br, info, err := newReader(r)
	if err != nil {
		return Info{}, err
	}
	var chunk []change.Change
	size, count := 0, 0
	for {
		raw, err := br.frame(change.MaxChangeSize)
		if err != nil {
			return info, err
		}
		if raw == nil {
			break
		}
		c, err := change.Decode(raw)
		if err != nil {
			// The decoder's detail would repeat the file's bytes: say where, not what.
			return info, fmt.Errorf("%w: change %d cannot be read", ErrDamaged, count+1)
		}
		chunk = append(chunk, c)
		size += len(raw)
		count++
		if size >= chunkBytes {
			if err := fn(chunk); err != nil {
				return info, err
			}
			chunk, size = nil, 0
		}
	}
	if len(chunk) > 0 {
		if err := fn(chunk); err != nil {
			return info, err
		}
	}
	if err := br.files(info, file); err != nil {
		return info, err
	}
	want := br.sum.Sum(nil)
	got := make([]byte, sha256.Size)
	if _, err := io.ReadFull(br.in, got); err != nil || !bytes.Equal(got, want) {
		return info, ErrDamaged
	}
	if _, err := br.in.ReadByte(); err != io.EOF {
		return info, fmt.Errorf("%w: data after the end", ErrDamaged)
	}
	if count != info.Changes {
		return info, fmt.Errorf("%w: holds %d changes, its header says %d", ErrDamaged, count, info.Changes)
	}
	return info, nil
}

// Verify reads a whole backup and checks its structure, every change and the checksum.
func Verify(r io.Reader) (Info, error) {
	return each(r, func([]change.Change) error { return nil }, nil)
}

// Progress reports how far a restore is.
type Progress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// Result says what a restore did.
type Result struct {
	Info       Info `json:"info"`
	Applied    int  `json:"applied"`    // changes this replica did not hold
	Duplicates int  `json:"duplicates"` // changes it already held
	Rejected   int  `json:"rejected"`   // changes refused (for example from a device removed from the team)
	Files      int  `json:"files"`      // attachment files restored
}

// Restore verifies the backup in r and then merges its changes into st through
// store.Apply: validated, signature-checked and folded like changes from a peer.
// A file that is not a backup, or is damaged or truncated, is refused before anything
// is written. The replica keeps its own device identity (see the README's "Backup and restore").
// Attachment files go into blobs, each stored only if its bytes match its hash; nil leaves them out.
func Restore(ctx context.Context, st *store.Store, blobs *blob.Store, r io.ReadSeeker, progress func(Progress)) (Result, error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	info, err := Verify(r)
	if err != nil {
		return Result{}, err
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return Result{}, fmt.Errorf("read backup: %w", err)
	}
	res := Result{Info: info}
	done := 0
	_, err = each(r, func(cs []change.Change) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		ar, err := st.Apply(cs)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		res.Applied += ar.Applied
		res.Duplicates += ar.Duplicates
		res.Rejected += len(ar.Rejected)
		done += len(cs)
		progress(Progress{Done: done, Total: info.Changes})
		return nil
	}, restoreFile(blobs, &res))
	return res, err
}

// RestoreFile restores the backup at path into st.
func RestoreFile(ctx context.Context, st *store.Store, blobs *blob.Store, path string, progress func(Progress)) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("open backup: %w", err)
	}
	defer f.Close()
	return Restore(ctx, st, blobs, f, progress)
}
