package store

import (
	"sync"
	"sync/atomic"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/dgraph-io/badger/v4"
)

// held answers "might this replica hold a record under this key?" from memory: Bloom
// filters of the record keys. A "no" is certain, so a change to an entity this replica
// has never seen reads nothing from the store; Badger's lookup of an absent key checks
// every level-0 table and level, and a new device's catch-up, or an import, creates
// records by the hundred thousand. A "maybe" (about 1% of absent keys) is a lookup as
// before. The filters are derived and never stored.
//
// The first write after Open starts reading the stored record keys in the background
// (at 100k tickets that takes a second or more: keys sit in Badger's blocks beside their
// values); until it is done every key may be held, as without the filter, and the keys
// written meanwhile are noted and added when it is. A filter that fills up is followed
// by one twice its size, so the keys are never read again. Guarded by Store.writeMu,
// except what the background reading hands over (ready).
type held struct {
	filters  []*bloom.BloomFilter // a key may be held if any of them may hold it; none: every key may be
	n, room  uint                 // keys in the newest filter, and how many it was sized for
	building bool                 // the stored keys are being read
	since    []string             // keys written while they are
	off      bool                 // the keys could not be read: every record is looked up, until the next Open

	ready   atomic.Pointer[heldBuilt] // what the reading built, to install at the next write
	closing atomic.Bool               // Close is waiting for the reading: stop it
	reading sync.WaitGroup
}

// heldBuilt is a filter of the stored keys, or why there is none.
type heldBuilt struct {
	f       *bloom.BloomFilter
	n, room uint
	err     error
}

const (
	heldFalsePositive = 0.01 // the share of absent keys a filter lets through to a lookup
	heldMinRoom       = 1 << 16
)

// mayHold reports whether the record under key k ("kind/entity") may be stored.
func (s *Store) mayHold(k string) bool {
	s.installHeld()
	if len(s.held.filters) == 0 {
		s.startHeld()
		return true
	}
	for _, f := range s.held.filters {
		if f.TestString(k) {
			return true
		}
	}
	return false
}

// heldAdd notes a record key ("kind/entity") being written.
func (s *Store) heldAdd(k string) {
	if s.held.building {
		s.held.since = append(s.held.since, k)
	}
	if len(s.held.filters) == 0 {
		return
	}
	if s.held.n >= s.held.room {
		s.held.room *= 2
		s.held.n = 0
		s.held.filters = append(s.held.filters, bloom.NewWithEstimates(s.held.room, heldFalsePositive))
	}
	s.held.filters[len(s.held.filters)-1].AddString(k)
	s.held.n++
}

// startHeld starts reading the stored record keys, unless that is under way, done or off.
func (s *Store) startHeld() {
	if s.held.building || s.held.off || len(s.held.filters) > 0 {
		return
	}
	s.held.building, s.held.since = true, nil
	txn := s.db.NewTransaction(false) // the store as of now: later writes are noted in since
	s.held.reading.Add(1)
	go func() {
		defer s.held.reading.Done()
		defer txn.Discard()
		s.held.ready.Store(s.readHeld(txn))
	}()
}

// readHeld builds a filter of the record keys txn sees, sized for twice as many keys as
// Badger's tables hold of every kind (a record is one of several keys per change).
func (s *Store) readHeld(txn *badger.Txn) *heldBuilt {
	var keys uint
	for _, t := range s.db.Tables() {
		keys += uint(t.KeyCount)
	}
	b := &heldBuilt{room: max(2*keys, heldMinRoom)}
	b.f = bloom.NewWithEstimates(b.room, heldFalsePositive)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixRecord)})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if s.held.closing.Load() {
			b.err = ErrClosed
			return b
		}
		b.f.Add(it.Item().Key()[len(prefixRecord):])
		b.n++
	}
	return b
}

// installHeld puts in place what the background reading built, with the keys written
// meanwhile.
func (s *Store) installHeld() {
	b := s.held.ready.Swap(nil)
	if b == nil {
		return
	}
	since := s.held.since
	s.held.building, s.held.since = false, nil
	if b.err != nil {
		s.log.Warn("read the record keys; records are looked up one by one", "err", b.err)
		s.held.off = true
		return
	}
	s.held.filters, s.held.n, s.held.room = []*bloom.BloomFilter{b.f}, b.n, b.room
	for _, k := range since {
		s.heldAdd(k)
	}
}

// stopHeld stops the background reading, if any, and waits for it.
func (s *Store) stopHeld() {
	s.held.closing.Store(true)
	s.held.reading.Wait()
}
