// Package store keeps the local replica in Badger: the change log, the version
// vector and the records folded from it. Every write is one durable transaction
// that commits the change and the new record state together.
package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
)

// Errors callers branch on.
var (
	ErrAlreadyRunning = errors.New("Outpost is already running with this data directory")
	ErrNotFound       = errors.New("not found")
	ErrClosed         = errors.New("store is closed")
	ErrUnknownDevice  = errors.New("change from a device this replica does not know")
	ErrRevoked        = errors.New("change from a removed device")
)

// Kinds and fields the store itself relies on.
const (
	KindDevice        = "device"
	FieldDevicePubKey = "pubkey"
	FieldDeviceName   = "name"
	FieldRevokedAfter = "revokedAfter" // last sequence accepted from a removed device
)

// Options configure Open.
type Options struct {
	Dir        string           // data directory; created if missing
	DeviceName string           // shown to peers; defaults to the host name
	Now        func() time.Time // wall clock; defaults to time.Now
	Logger     *slog.Logger     // defaults to slog.Default()
	Random     io.Reader        // source of a new device's ID and key; defaults to crypto/rand (a test replaying a seed passes a seeded one)

	// MinFreeBytes is the free disk space below which writes are refused
	// (ErrDiskFull), on top of what the next compaction may write; 0 means
	// MinFreeBytes.
	MinFreeBytes uint64
}

// Identity is this device: its ID, the short tag used in human ticket numbers, and its signing key.
type Identity struct {
	ID   string             `json:"id"`
	Name string             `json:"name"`
	Key  ed25519.PrivateKey `json:"key"`
}

// Tag is the device's short code, the prefix of the ticket numbers it hands out.
func (id Identity) Tag() string { return strings.ToUpper(id.ID[:4]) }

// PublicKey returns the key peers verify this device's changes with.
func (id Identity) PublicKey() ed25519.PublicKey { return id.Key.Public().(ed25519.PublicKey) }

// Store is the local replica. It is safe for concurrent use.
type Store struct {
	db    *badger.DB
	lock  *DirLock
	log   *slog.Logger
	clock *hlc.Clock
	now   func() time.Time
	dev   Identity

	dir     string // the data directory
	minFree uint64 // refuse writes below this much free disk space

	writeMu   sync.Mutex               // one writer at a time: local sequence numbers and record folds stay consistent
	checker   atomic.Pointer[Checker]  // decides whether changes were allowed (see SetChecker)
	recent    map[string]change.Record // the records the last committed batch read or wrote, as committed (guarded by writeMu)
	strangers strangers                // early changes of unknown devices (guarded by writeMu; see holdEarly)
	buffering buffering                // devices that may have early changes on disk (guarded by writeMu)
	held      held                     // which records may be stored (guarded by writeMu)

	subMu  sync.Mutex
	subs   map[int]func(Event)
	nextID int
	closed bool
}

// Open opens (or creates) the replica in opts.Dir. A second Open of the same
// directory, from this or another process, fails with ErrAlreadyRunning.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = wallClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.DeviceName == "" {
		opts.DeviceName, _ = os.Hostname()
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	lock, err := LockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := dropEmptyLogs(filepath.Join(opts.Dir, "db")); err != nil {
		lock.Unlock()
		return nil, err
	}
	bopts := badger.DefaultOptions(filepath.Join(opts.Dir, "db")).
		WithSyncWrites(true).
		WithLogger(badgerLogger{opts.Logger}).
		WithNumVersionsToKeep(1).
		WithValueLogFileSize(64 << 20).
		WithMemTableSize(16 << 20).
		WithBlockCacheSize(64 << 20).
		WithIndexCacheSize(32 << 20).
		WithCompactL0OnClose(true).
		// Every memtable flushed holds changes, records and index keys, so each level-0
		// table spans the whole key space and a compaction into the next level rewrites
		// all of it: with Badger's 5 tables a bulk load rewrote its data again and again.
		// At 20, a 100k-ticket import took 8% less CPU and 35% less memory (855 -> 555 MB).
		WithNumLevelZeroTables(20).
		WithNumLevelZeroTablesStall(40)
	db, err := badger.Open(bopts)
	if err != nil {
		lock.Unlock()
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, ErrAlreadyRunning
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	if opts.MinFreeBytes == 0 {
		opts.MinFreeBytes = MinFreeBytes
	}
	s := &Store{db: db, lock: lock, log: opts.Logger, now: opts.Now, subs: map[int]func(Event){},
		dir: opts.Dir, minFree: opts.MinFreeBytes}
	if err := s.loadBuffering(); err != nil {
		_ = db.Close()
		lock.Unlock()
		return nil, fmt.Errorf("open store: %w", err)
	}
	if err := s.loadIdentity(ctx, opts.DeviceName, opts.Random); err != nil {
		_ = db.Close()
		lock.Unlock()
		return nil, err
	}
	return s, nil
}

// Close flushes and closes the replica.
func (s *Store) Close() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.subMu.Lock()
	if s.closed {
		s.subMu.Unlock()
		return nil
	}
	s.closed = true
	s.subs = nil
	s.subMu.Unlock()
	s.stopHeld()
	err := s.db.Close()
	s.lock.Unlock()
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Device returns this device's identity.
func (s *Store) Device() Identity { return s.dev }

// Clock returns the store's hybrid logical clock.
func (s *Store) Clock() *hlc.Clock { return s.clock }

// Now returns the store's wall clock (Options.Now): what services compare "already started" against.
func (s *Store) Now() time.Time { return s.now() }

// loadIdentity reads this device's identity, or creates one and registers it as the
// device's first change (sequence 1), so that peers learn its key before anything it signs.
func (s *Store) loadIdentity(ctx context.Context, name string, random io.Reader) error {
	var last hlc.Timestamp
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(keyIdentity)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error { return json.Unmarshal(v, &s.dev) })
	})
	if err != nil {
		return fmt.Errorf("read device identity: %w", err)
	}
	last, err = s.lastTimestamp()
	if err != nil {
		return err
	}
	s.clock = hlc.NewClock(s.now, last)
	if s.dev.ID != "" {
		if name != "" && name != s.dev.Name {
			return s.rename(ctx, name)
		}
		return nil
	}
	if random == nil {
		random = rand.Reader
	}
	id, seed := make([]byte, 16), make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(random, id); err != nil {
		return fmt.Errorf("generate device ID: %w", err)
	}
	if _, err := io.ReadFull(random, seed); err != nil {
		return fmt.Errorf("generate device key: %w", err)
	}
	s.dev = Identity{ID: idEncoding.EncodeToString(id), Name: name, Key: ed25519.NewKeyFromSeed(seed)}
	raw, err := json.Marshal(s.dev)
	if err != nil {
		return fmt.Errorf("encode identity: %w", err)
	}
	_, err = s.update(ctx, "", func(tx *Tx) error {
		if err := tx.txn.Set(keyIdentity, raw); err != nil {
			return err
		}
		pub, _ := change.Set(FieldDevicePubKey, []byte(s.dev.PublicKey()), nil)
		nm, _ := change.Set(FieldDeviceName, name, nil)
		_, err := tx.Write(KindDevice, s.dev.ID, []change.Op{pub, nm})
		return err
	})
	if err != nil {
		return fmt.Errorf("register device: %w", err)
	}
	return nil
}

// rename gives this device a new name, as peers see it (--name on a later start).
func (s *Store) rename(ctx context.Context, name string) error {
	s.dev.Name = name
	raw, err := json.Marshal(s.dev)
	if err != nil {
		return fmt.Errorf("encode identity: %w", err)
	}
	_, err = s.update(ctx, "", func(tx *Tx) error {
		if err := tx.txn.Set(keyIdentity, raw); err != nil {
			return err
		}
		r, err := tx.Get(KindDevice, s.dev.ID)
		if err != nil {
			return err
		}
		op, err := change.Set(FieldDeviceName, name, r.Heads(FieldDeviceName))
		if err != nil {
			return err
		}
		_, err = tx.Write(KindDevice, s.dev.ID, []change.Op{op})
		return err
	})
	if err != nil {
		return fmt.Errorf("rename device: %w", err)
	}
	return nil
}

// lastTimestamp returns the highest HLC in the change log, so a restarted clock never goes back.
func (s *Store) lastTimestamp() (hlc.Timestamp, error) {
	var last hlc.Timestamp
	vec, err := s.Vector()
	if err != nil {
		return 0, err
	}
	err = s.db.View(func(txn *badger.Txn) error {
		for dev, seq := range vec {
			c, err := getChange(txn, dev, seq)
			if err != nil {
				return err
			}
			if c.HLC > last {
				last = c.HLC
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read last timestamp: %w", err)
	}
	return last, nil
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewID returns a random 128-bit identifier in lowercase base32 (26 characters).
func NewID() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return idEncoding.EncodeToString(b)
}

type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any) {
	l.log.Error(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (l badgerLogger) Warningf(f string, a ...any) {
	l.log.Warn(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (l badgerLogger) Infof(f string, a ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
func (l badgerLogger) Debugf(f string, a ...any) {
	l.log.Debug(strings.TrimSpace(fmt.Sprintf(f, a...)), "component", "badger")
}
