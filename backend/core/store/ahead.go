package store

import (
	"errors"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// Early changes (their device's previous ones have not arrived) wait in a buffer, so
// that Apply's result does not depend on the order changes come in. What a peer can
// make this replica keep that way is bounded:
//   - a change more than maxAhead past what this replica holds of its device is not
//     kept: a pull brings a device's changes in order;
//   - one that cannot be authentic is not kept (a bad signature, a removed device);
//   - one of a device this replica does not know yet waits in memory (strangers),
//     never on disk, and only so many of them (maxStrangers changes, maxStrangerBytes).
//
// Before, a hostile insider's changes with invented devices and sequence numbers were
// buffered on disk for good.
const (
	maxAhead         = 1024
	maxStrangers     = 4096
	maxStrangerBytes = 16 << 20
)

// registrations are the devices whose first change (which registers their key) is
// among changes: those whose early changes held in memory may now apply.
func registrations(changes []change.Change) map[string]bool {
	out := map[string]bool{}
	for i := range changes {
		if c := &changes[i]; c.Seq == 1 && c.Kind == KindDevice && c.Entity == c.Device {
			out[c.Device] = true
		}
	}
	return out
}

// holdEarly keeps c, early in its device's sequence (have is what this replica holds
// of it), where it may wait: the disk buffer when its device is known, memory when it
// is not (Apply applies those once the device's registration is in); or nowhere
// (counted as Ahead).
func (s *Store) holdEarly(b *batch, c *change.Change, have uint64, res *ApplyResult, pre verified) error {
	if c.Seq > have+maxAhead {
		res.Ahead++
		return nil
	}
	err := s.admit(b, c, pre)
	switch {
	case err == nil, errors.Is(err, errUnsigned):
		b.early[c.Device] = true
		return s.buffer(b.txn, c, res)
	case errors.Is(err, ErrUnknownDevice):
		s.strangers.hold(*c)
		res.Buffered++
	default:
		// Decided when it comes in order, with the device's key and removal as of then.
		res.Ahead++
	}
	return nil
}

// strangers are early changes of devices this replica does not know yet, kept in
// memory until the device's registration arrives (then Apply applies them) or, past
// maxStrangers, dropped oldest first: a pull brings them again. Guarded by writeMu.
type strangers struct {
	order    []change.ID
	byDevice map[string]map[uint64]change.Change
	bytes    int // estimated size of what is held
}

// size estimates what c takes in memory.
func size(c *change.Change) int {
	n := 256 + len(c.Sig) + len(c.Prev)
	for _, op := range c.Ops {
		n += 64 + len(op.Field) + len(op.Value) + len(op.Elem)
	}
	return n
}

func (st *strangers) hold(c change.Change) {
	if st.byDevice == nil {
		st.byDevice = map[string]map[uint64]change.Change{}
	}
	seqs := st.byDevice[c.Device]
	if _, ok := seqs[c.Seq]; ok {
		return
	}
	if seqs == nil {
		seqs = map[uint64]change.Change{}
		st.byDevice[c.Device] = seqs
	}
	seqs[c.Seq] = c
	st.bytes += size(&c)
	st.order = append(st.order, c.ID())
	for len(st.order) > maxStrangers || st.bytes > maxStrangerBytes {
		st.drop(st.order[0])
		st.order = st.order[1:]
	}
}

func (st *strangers) drop(id change.ID) {
	if seqs := st.byDevice[id.Device]; seqs != nil {
		if c, ok := seqs[id.Seq]; ok {
			st.bytes -= size(&c)
		}
		delete(seqs, id.Seq)
		if len(seqs) == 0 {
			delete(st.byDevice, id.Device)
		}
	}
}

// take removes and returns what is held of devices.
func (st *strangers) take(devices map[string]bool) []change.Change {
	var out []change.Change
	for dev := range devices {
		for _, c := range st.byDevice[dev] {
			st.bytes -= size(&c)
			out = append(out, c)
		}
		delete(st.byDevice, dev)
	}
	if len(out) > 0 {
		kept := st.order[:0]
		for _, id := range st.order {
			if !devices[id.Device] {
				kept = append(kept, id)
			}
		}
		st.order = kept
	}
	return out
}

// buffering are the devices that may have early changes buffered on disk: those found
// at Open and those buffered since (kept until the next Open, even once released).
// A change of a device not among them has nothing buffered to release or replace,
// so applying it reads no buffer keys; Badger's lookup of an absent key checks every
// level-0 table, and a catch-up applies changes by the hundred thousand. Guarded by writeMu.
type buffering map[string]bool

// loadBuffering finds the devices with changes buffered on disk, reading keys only.
func (s *Store) loadBuffering() error {
	s.buffering = buffering{}
	return s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixPending)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			rest := string(it.Item().Key()[len(prefixPending):])
			if i := strings.LastIndexByte(rest, '/'); i > 0 {
				s.buffering[rest[:i]] = true
			}
		}
		return nil
	})
}

// Waiting counts the early changes buffered on disk.
func (s *Store) Waiting() (int, error) {
	n := 0
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte(prefixPending)})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, err
}
