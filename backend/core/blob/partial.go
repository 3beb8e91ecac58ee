package blob

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sync"
)

// ChunkSize is the unit in which blobs travel between peers and are verified on arrival.
const ChunkSize = 1 << 20

// MaxChunks bounds a manifest (a blob of at most 16 GiB).
const MaxChunks = 16 << 10

// Manifest lists the SHA-256 of each ChunkSize piece of a blob, so that a device fetching
// it from untrusted peers can verify every piece as it arrives. Its ListHash is recorded
// with the attachment in the signed change log.
type Manifest struct {
	Size   int64
	Chunks [][sha256.Size]byte
}

// ListHash is the SHA-256 of the concatenated chunk hashes.
func (m Manifest) ListHash() Hash {
	h := sha256.New()
	for _, c := range m.Chunks {
		h.Write(c[:])
	}
	return Hash(hex.EncodeToString(h.Sum(nil)))
}

// Valid reports whether the manifest is plausible for its size.
func (m Manifest) Valid() bool {
	return m.Size >= 0 && len(m.Chunks) == numChunks(m.Size) && len(m.Chunks) <= MaxChunks
}

// ChunkLen is the length of chunk i.
func (m Manifest) ChunkLen(i int) int {
	if i == len(m.Chunks)-1 {
		return int(m.Size - int64(i)*ChunkSize)
	}
	return ChunkSize
}

func numChunks(size int64) int {
	if size == 0 {
		return 1 // one empty chunk, so that every blob has a manifest to verify
	}
	return int((size + ChunkSize - 1) / ChunkSize)
}

// ManifestOf reads r to its end and returns its manifest.
func ManifestOf(r io.Reader) (Manifest, error) {
	var mw manifestWriter
	if _, err := io.Copy(&mw, r); err != nil {
		return Manifest{}, err
	}
	return mw.manifest(), nil
}

// manifestWriter hashes what is written to it piece by piece, so a blob's manifest is
// made in the same pass that stores or reads its bytes.
type manifestWriter struct {
	m   Manifest
	cur hash.Hash // the piece being written; nil before the first byte
	n   int       // bytes in it
}

func (w *manifestWriter) Write(p []byte) (int, error) {
	written := len(p)
	for len(p) > 0 {
		if w.cur == nil {
			w.cur = sha256.New()
		}
		take := min(len(p), ChunkSize-w.n)
		w.cur.Write(p[:take])
		w.n += take
		w.m.Size += int64(take)
		p = p[take:]
		if w.n == ChunkSize {
			w.m.Chunks = append(w.m.Chunks, [sha256.Size]byte(w.cur.Sum(nil)))
			w.cur, w.n = nil, 0
		}
	}
	return written, nil
}

// manifest ends the last, short piece; an empty blob has one empty piece.
func (w *manifestWriter) manifest() Manifest {
	if w.cur != nil {
		w.m.Chunks = append(w.m.Chunks, [sha256.Size]byte(w.cur.Sum(nil)))
		w.cur, w.n = nil, 0
	}
	if len(w.m.Chunks) == 0 {
		w.m.Chunks = append(w.m.Chunks, sha256.Sum256(nil))
	}
	return w.m
}

// Manifest returns the manifest of a held blob. Peers ask for it once per transfer, so
// the store keeps the last ones it made (Put makes one as it stores the bytes).
func (s *Store) Manifest(h Hash) (Manifest, error) {
	s.mu.Lock()
	m, ok := s.manifests[h]
	s.mu.Unlock()
	if ok {
		return m, nil
	}
	f, err := s.Open(h)
	if err != nil {
		return Manifest{}, err
	}
	defer f.Close()
	m, err = ManifestOf(f)
	if err != nil {
		return Manifest{}, fmt.Errorf("read file: %w", err)
	}
	s.keep(h, m)
	return m, nil
}

// maxManifests bounds the manifests a store keeps in memory.
const maxManifests = 256

// keep caches a blob's manifest.
func (s *Store) keep(h Hash, m Manifest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.manifests) >= maxManifests {
		clear(s.manifests)
	}
	s.manifests[h] = m
}

// ReadChunk returns chunk i of a held blob.
func (s *Store) ReadChunk(h Hash, i int) ([]byte, error) {
	return s.ReadChunkInto(h, i, make([]byte, ChunkSize))
}

// ReadChunkInto reads chunk i of a held blob into buf (of at least ChunkSize bytes, so a
// sender can reuse one buffer for every piece) and returns the part of buf it filled.
func (s *Store) ReadChunkInto(h Hash, i int, buf []byte) ([]byte, error) {
	if len(buf) < ChunkSize {
		return nil, fmt.Errorf("read file: a buffer of %d bytes is smaller than a piece", len(buf))
	}
	f, err := s.Open(h)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, err := f.ReadAt(buf[:ChunkSize], int64(i)*ChunkSize)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read file: %w", err)
	}
	return buf[:n], nil
}

// Partial is a blob being received from peers, kept in the store's tmp folder under its
// hash so that a transfer cut by a disconnect or a crash resumes where it stopped: the
// chunks already on disk prove themselves against the manifest when it is reopened.
// It is safe for concurrent use: pieces are verified in parallel and written in place.
//
// The whole file's hash is made as the pieces arrive: a piece that arrives in order is
// hashed from memory as it is written, and pieces that overtook it are read back from
// disk once the ones before them are here; Finish reads only what was not hashed yet.
type Partial struct {
	s *Store
	h Hash
	m Manifest

	mu   sync.Mutex
	f    *os.File // nil once closed; guarded by mu
	have []bool   // guarded by mu
	left int      // guarded by mu

	hmu     sync.Mutex // held while a piece is added to whole; taken before mu, never inside it
	whole   hash.Hash  // SHA-256 of the pieces before next, in order; guarded by hmu
	next    int        // guarded by hmu
	scratch []byte     // a piece read back from disk; guarded by hmu
}

// Partial opens (creating, or resuming) the download of blob h described by m. The caller
// has checked m against the attachment's list hash.
func (s *Store) Partial(h Hash, m Manifest) (*Partial, error) {
	if _, err := ParseHash(string(h)); err != nil {
		return nil, err
	}
	if !m.Valid() {
		return nil, fmt.Errorf("receive file: the list of its pieces does not fit its size")
	}
	if m.Size > s.MaxSize() {
		return nil, ErrTooLarge
	}
	f, err := os.OpenFile(s.partialPath(h), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("receive file: %w", err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("receive file: %w", err)
	}
	resumed := info.Size() > 0
	if err := f.Truncate(m.Size); err != nil {
		f.Close()
		return nil, fmt.Errorf("receive file: %w", err)
	}
	p := &Partial{s: s, h: h, m: m, f: f, have: make([]bool, len(m.Chunks)), left: len(m.Chunks), whole: sha256.New()}
	if !resumed {
		return p, nil // nothing on disk to prove itself
	}
	buf := make([]byte, ChunkSize)
	for i := range m.Chunks {
		n, err := f.ReadAt(buf[:m.ChunkLen(i)], int64(i)*ChunkSize)
		if (err == nil || errors.Is(err, io.EOF)) && n == m.ChunkLen(i) && sha256.Sum256(buf[:n]) == m.Chunks[i] {
			p.have[i] = true
			p.left--
			if p.next == i {
				p.whole.Write(buf[:n])
				p.next++
			}
		}
	}
	return p, nil
}

func (s *Store) partialPath(h Hash) string { return filepath.Join(s.root, "tmp", "partial-"+string(h)) }

// Missing lists the chunks not yet received.
func (p *Partial) Missing() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []int
	for i, ok := range p.have {
		if !ok {
			out = append(out, i)
		}
	}
	return out
}

// Have reports how many chunks are verified on disk.
func (p *Partial) Have() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.have) - p.left
}

// ErrBadChunk reports a chunk whose bytes are not the ones the manifest names.
var ErrBadChunk = errors.New("a piece of the file does not match its hash")

// ErrClosed reports a write to a download that was stopped.
var ErrClosed = errors.New("the download of this file was stopped")

// Write verifies chunk i and writes it in place. A chunk already held is ignored. The hash
// is checked outside the lock, so several pieces verify at once.
func (p *Partial) Write(i int, data []byte) error {
	if i < 0 || i >= len(p.m.Chunks) {
		return fmt.Errorf("%w: there is no piece %d", ErrBadChunk, i)
	}
	if len(data) != p.m.ChunkLen(i) || !bytes.Equal(chunkSum(data), p.m.Chunks[i][:]) {
		return ErrBadChunk
	}
	written, err := p.writeAt(i, data)
	if written {
		p.fold(i, data)
	}
	return err
}

// writeAt writes verified chunk i in place unless it is held already.
func (p *Partial) writeAt(i int, data []byte) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.f == nil {
		return false, ErrClosed
	}
	if p.have[i] {
		return false, nil
	}
	if _, err := p.f.WriteAt(data, int64(i)*ChunkSize); err != nil {
		return false, fmt.Errorf("receive file: %w", err)
	}
	startWriteback(p.f, int64(i)*ChunkSize, int64(len(data)))
	p.have[i] = true
	p.left--
	return true, nil
}

// fold adds piece i, just written as data, to the whole file's hash if it is the next
// one, and then the pieces after it that are on disk already.
func (p *Partial) fold(i int, data []byte) {
	p.hmu.Lock()
	defer p.hmu.Unlock()
	if i != p.next {
		return // the pieces before it are still missing
	}
	p.whole.Write(data)
	p.next++
	for p.next < len(p.m.Chunks) {
		p.mu.Lock()
		f, ok := p.f, p.have[p.next]
		p.mu.Unlock()
		if f == nil || !ok {
			return
		}
		if p.scratch == nil {
			p.scratch = make([]byte, ChunkSize)
		}
		n := p.m.ChunkLen(p.next)
		if _, err := f.ReadAt(p.scratch[:n], int64(p.next)*ChunkSize); err != nil && !errors.Is(err, io.EOF) {
			return // Finish reads it again, and reports what fails
		}
		p.whole.Write(p.scratch[:n])
		p.next++
	}
	p.scratch = nil
}

func chunkSum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// Done reports whether every chunk is verified.
func (p *Partial) Done() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.left == 0
}

// Finish checks the whole file against its hash, makes it durable and puts it in the
// store; only then does the blob exist. A mismatch discards the download.
func (p *Partial) Finish() error {
	p.mu.Lock()
	f, left := p.f, p.left
	if left == 0 {
		p.f = nil // later writes and closes find it closed
	}
	p.mu.Unlock()
	if left > 0 {
		return fmt.Errorf("receive file: %d pieces are still missing", left)
	}
	if f == nil {
		return ErrClosed
	}
	err := f.Sync()
	p.hmu.Lock()
	h, from := p.whole, min(int64(p.next)*ChunkSize, p.m.Size)
	p.hmu.Unlock()
	if err == nil && from < p.m.Size {
		_, err = io.Copy(h, io.NewSectionReader(f, from, p.m.Size-from)) // what arrived out of order
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("receive file: %w", err)
	}
	if Hash(hex.EncodeToString(h.Sum(nil))) != p.h {
		_ = os.Remove(p.partialPath())
		return ErrMismatch
	}
	dst := p.s.path(p.h)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return fmt.Errorf("receive file: %w", err)
	}
	if err := os.Rename(p.partialPath(), dst); err != nil {
		return fmt.Errorf("receive file: %w", err)
	}
	return syncDir(filepath.Dir(dst))
}

func (p *Partial) partialPath() string { return p.s.partialPath(p.h) }

// Close stops receiving; what arrived stays on disk for the next Partial of the same blob.
func (p *Partial) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.f == nil {
		return nil
	}
	err := p.f.Close()
	p.f = nil
	return err
}
