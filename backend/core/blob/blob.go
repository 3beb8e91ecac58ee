// Package blob implements the content-addressed store of attachment bytes: files named by
// the SHA-256 of their content in a fan-out folder of the data directory, beside (never
// inside) the change log, which carries only their metadata.
package blob

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Dir is the blob store's folder inside the data directory.
const Dir = "blobs"

// DefaultMaxSize is the largest file accepted unless the team sets another limit.
const DefaultMaxSize = 200 << 20

var (
	// ErrNotFound reports a blob this device does not hold (yet).
	ErrNotFound = errors.New("this file is not on this device yet")
	// ErrTooLarge reports a file over the size limit.
	ErrTooLarge = errors.New("the file is larger than the team's limit")
	// ErrMismatch reports bytes whose hash is not the one they were stored or asked for under.
	ErrMismatch = errors.New("the file's content does not match its hash: it is damaged")
	// ErrBadHash reports a name that is not a SHA-256 in lower-case hex.
	ErrBadHash = errors.New("not a SHA-256 hash")
)

// Hash is a blob's SHA-256 in lower-case hex.
type Hash string

// ParseHash checks that s names a blob.
func ParseHash(s string) (Hash, error) {
	if len(s) != 2*sha256.Size || strings.ToLower(s) != s {
		return "", ErrBadHash
	}
	if _, err := hex.DecodeString(s); err != nil {
		return "", ErrBadHash
	}
	return Hash(s), nil
}

// Store holds blobs under dir/blobs/ab/abcdef... (the first two hex digits fan out).
// It is safe for concurrent use: a blob appears under its name only by an atomic rename of
// a complete, synced, verified temporary file.
type Store struct {
	root    string
	maxSize atomic.Int64 // the team's limit, which may change while the store is open

	mu        sync.Mutex
	manifests map[Hash]Manifest // recently computed manifests (a cache); guarded by mu
}

// Open opens (creating) the blob store of the data directory dataDir. maxSize <= 0 means
// DefaultMaxSize.
func Open(dataDir string, maxSize int64) (*Store, error) {
	if maxSize <= 0 {
		maxSize = DefaultMaxSize
	}
	root := filepath.Join(dataDir, Dir)
	if err := os.MkdirAll(filepath.Join(root, "tmp"), 0o700); err != nil {
		return nil, fmt.Errorf("open blob store: %w", err)
	}
	s := &Store{root: root, manifests: map[Hash]Manifest{}}
	s.maxSize.Store(maxSize)
	return s, nil
}

// MaxSize is the largest blob the store accepts.
func (s *Store) MaxSize() int64 { return s.maxSize.Load() }

// SetMaxSize changes the largest blob the store accepts (the team changed its limit);
// n <= 0 means DefaultMaxSize. Blobs already held stay.
func (s *Store) SetMaxSize(n int64) {
	if n <= 0 {
		n = DefaultMaxSize
	}
	s.maxSize.Store(n)
}

func (s *Store) path(h Hash) string { return filepath.Join(s.root, string(h[:2]), string(h)) }

// Put reads r to its end, stores its bytes and returns their hash and size. Storing bytes
// already held is harmless. A read error or a file over the limit stores nothing.
func (s *Store) Put(r io.Reader) (Hash, int64, error) {
	return s.put(r, "")
}

// PutVerified stores r's bytes only if they hash to want (bytes fetched from a peer).
func (s *Store) PutVerified(r io.Reader, want Hash) (int64, error) {
	_, n, err := s.put(r, want)
	return n, err
}

func (s *Store) put(r io.Reader, want Hash) (Hash, int64, error) {
	tmp, err := os.CreateTemp(filepath.Join(s.root, "tmp"), "put-*")
	if err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	h := sha256.New()
	var mw manifestWriter
	limit := s.MaxSize()
	n, err := io.Copy(io.MultiWriter(tmp, h, &mw), io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = ErrTooLarge
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, ErrTooLarge) {
			return "", 0, err
		}
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	got := Hash(hex.EncodeToString(h.Sum(nil)))
	if want != "" && got != want {
		return "", 0, ErrMismatch
	}
	dst := s.path(got)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	if err := syncDir(filepath.Dir(dst)); err != nil {
		return "", 0, fmt.Errorf("store file: %w", err)
	}
	s.keep(got, mw.manifest())
	return got, n, nil
}

// Has reports whether the blob is here.
func (s *Store) Has(h Hash) bool {
	_, err := os.Stat(s.path(h))
	return err == nil
}

// Size is a held blob's length in bytes.
func (s *Store) Size(h Hash) (int64, error) {
	info, err := os.Stat(s.path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("read file: %w", err)
	}
	return info.Size(), nil
}

// Open returns the blob's bytes. The caller closes it; Verify checks them against the hash.
func (s *Store) Open(h Hash) (*os.File, error) {
	f, err := os.Open(s.path(h))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("open file: %w", err)
	}
	return f, nil
}

// Verify rereads the blob and checks its hash; a damaged blob is removed, so a peer's good
// copy can replace it.
func (s *Store) Verify(h Hash) error {
	f, err := s.Open(h)
	if err != nil {
		return err
	}
	sum := sha256.New()
	_, err = io.Copy(sum, f)
	f.Close()
	if err != nil {
		return fmt.Errorf("read file: %w", err)
	}
	if Hash(hex.EncodeToString(sum.Sum(nil))) != h {
		_ = os.Remove(s.path(h))
		s.forget(h)
		return ErrMismatch
	}
	return nil
}

// Usage is the bytes and count of the blobs held.
func (s *Store) Usage() (bytes int64, count int, err error) {
	err = s.each(func(h Hash, size int64) error {
		bytes += size
		count++
		return nil
	})
	return bytes, count, err
}

// Collect removes every blob that live does not name and that is older than grace, and
// returns how many bytes it freed. live must come from every live record of the replica
// (removed attachments left out); grace keeps a blob whose metadata has not been written
// or has not arrived yet.
func (s *Store) Collect(live func(Hash) bool, grace time.Duration) (freed int64, err error) {
	cutoff := time.Now().Add(-grace)
	err = s.each(func(h Hash, size int64) error {
		if live(h) {
			return nil
		}
		if info, err := os.Stat(s.path(h)); err != nil || info.ModTime().After(cutoff) {
			return nil
		}
		if err := os.Remove(s.path(h)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		s.forget(h)
		freed += size
		return nil
	})
	return freed, err
}

// forget drops what the store keeps in memory of a blob it no longer holds.
func (s *Store) forget(h Hash) {
	s.mu.Lock()
	delete(s.manifests, h)
	s.mu.Unlock()
}

func (s *Store) each(fn func(Hash, int64) error) error {
	fans, err := os.ReadDir(s.root)
	if err != nil {
		return fmt.Errorf("list files: %w", err)
	}
	for _, fan := range fans {
		if !fan.IsDir() || len(fan.Name()) != 2 {
			continue // tmp and anything else
		}
		entries, err := os.ReadDir(filepath.Join(s.root, fan.Name()))
		if err != nil {
			return fmt.Errorf("list files: %w", err)
		}
		for _, e := range entries {
			h, err := ParseHash(e.Name())
			if err != nil || e.IsDir() {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue // removed meanwhile
			}
			if err := fn(h, info.Size()); err != nil {
				return err
			}
		}
	}
	return nil
}

// syncDir makes a rename in dir durable (where the system allows opening a folder).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, os.ErrPermission) {
		return err
	}
	return nil
}
