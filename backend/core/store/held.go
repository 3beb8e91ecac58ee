package store

import (
	"github.com/bits-and-blooms/bloom/v3"
	"github.com/dgraph-io/badger/v4"
)

// held answers "might this replica hold a record under this key?" from memory: a
// Bloom filter of the record keys, built from the stored keys at the first write and
// added to at every write. A "no" is certain, so a change to an entity this replica
// has never seen reads nothing from the store; Badger's lookup of an absent key
// checks every level-0 table and level, and a new device's catch-up, or an import,
// creates records by the hundred thousand. A "maybe" (1% of absent keys) is a lookup
// as before. The filter is derived and never stored. Guarded by Store.writeMu.
type held struct {
	f    *bloom.BloomFilter // nil: not built yet, or rebuilt at the next write
	n    uint               // keys added
	room uint               // keys the filter was sized for
	off  bool               // the keys could not be read: every record is looked up, until the next Open
}

// heldFalsePositive is the share of absent keys the filter lets through to a lookup.
const (
	heldFalsePositive = 0.01
	heldMinRoom       = 1 << 16
)

// mayHold reports whether the record under key k ("kind/entity") may be stored. It
// builds the filter first if need be; if it cannot, every key may be, and it does not
// try again (a scan of every key per write would be worse than the lookups it saves).
func (s *Store) mayHold(k string) bool {
	if s.held.off {
		return true
	}
	if s.held.f == nil && s.buildHeld() != nil {
		s.held.off = true
		return true
	}
	return s.held.f.TestString(k)
}

// heldAdd notes a record key ("kind/entity") being written. Past the room the filter
// was sized for it is rebuilt, larger, before the next write reads it.
func (s *Store) heldAdd(k string) {
	if s.held.f == nil {
		return // built from the store when next needed (the store then holds k), or off
	}
	s.held.f.AddString(k)
	if s.held.n++; s.held.n > s.held.room {
		s.held.f = nil
	}
}

// buildHeld reads every record key (keys only, twice: to count them, then to add
// them) into a filter with room for twice as many.
func (s *Store) buildHeld() error {
	var f *bloom.BloomFilter
	var n, room uint
	err := s.db.View(func(txn *badger.Txn) error {
		each := func(fn func(k []byte)) {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixRecord)})
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				fn(it.Item().Key()[len(prefixRecord):])
			}
		}
		each(func([]byte) { n++ })
		room = max(2*n, heldMinRoom)
		f = bloom.NewWithEstimates(room, heldFalsePositive)
		each(func(k []byte) { f.Add(k) })
		return nil
	})
	if err != nil {
		s.log.Warn("read the record keys; records are looked up one by one", "err", err)
		return err
	}
	s.held = held{f: f, n: n, room: room}
	return nil
}
