package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// Vector maps each device to the highest contiguous sequence this replica holds from it.
type Vector map[string]uint64

// Get returns the record of kind/id, or ErrNotFound.
func (s *Store) Get(kind, id string) (change.Record, error) {
	var rec change.Record
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		rec, err = getRecord(txn, kind, id)
		return err
	})
	return rec, err
}

// Scan calls fn for every record of kind, in ID order, until fn returns an error.
func (s *Store) Scan(kind string, fn func(change.Record) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		p := recordPrefix(kind)
		opts := badger.DefaultIteratorOptions
		opts.Prefix = p
		it := txn.NewIterator(opts)
		defer it.Close()
		var buf []byte
		for it.Seek(p); it.ValidForPrefix(p); it.Next() {
			var rec change.Record
			err := unpacked(it.Item(), &buf, func(v []byte) error {
				var err error
				rec, err = change.DecodeRecord(v)
				return err
			})
			if err != nil {
				return fmt.Errorf("scan %s: %w", kind, err)
			}
			if err := fn(rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// ScanEncoded calls fn with the ID and the encoded record (change.Record.Encode) of every
// record of kind, in ID order, until fn returns an error. raw is valid only during the call:
// a reader that passes over most records peeks at them (change.PeekRegister) and decodes
// (change.DecodeRecord) only those it keeps.
func (s *Store) ScanEncoded(kind string, fn func(id string, raw []byte) error) error {
	return s.ScanEncodedRange(kind, "", "", fn)
}

// ScanEncodedRange is ScanEncoded for the records whose IDs are from from (inclusive)
// to to (exclusive; "" for no end): readers split a kind into ranges scanned in parallel.
func (s *Store) ScanEncodedRange(kind, from, to string, fn func(id string, raw []byte) error) error {
	return s.db.View(func(txn *badger.Txn) error {
		p := recordPrefix(kind)
		opts := badger.DefaultIteratorOptions
		opts.Prefix = p
		it := txn.NewIterator(opts)
		defer it.Close()
		var buf []byte
		for it.Seek(append(p, from...)); it.ValidForPrefix(p); it.Next() {
			item := it.Item()
			id := string(item.Key()[len(p):])
			if to != "" && id >= to {
				break
			}
			if err := unpacked(item, &buf, func(v []byte) error { return fn(id, v) }); err != nil {
				return err
			}
		}
		return nil
	})
}

// History returns every change made to kind/id, oldest first by (HLC, device, seq).
func (s *Store) History(kind, id string) ([]change.Change, error) {
	var cs []change.Change
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		cs, err = entityChanges(txn, kind, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(cs, func(i, j int) bool { return change.Less(&cs[i], &cs[j]) })
	return cs, nil
}

// Vector returns the replica's version vector.
func (s *Store) Vector() (Vector, error) {
	v := Vector{}
	err := s.db.View(func(txn *badger.Txn) error {
		p := []byte(prefixVector)
		opts := badger.DefaultIteratorOptions
		opts.Prefix = p
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek(p); it.ValidForPrefix(p); it.Next() {
			dev := string(it.Item().Key()[len(p):])
			err := it.Item().Value(func(b []byte) error { v[dev] = uint64Value(b); return nil })
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read version vector: %w", err)
	}
	return v, nil
}

// ChangesAfter returns changes this replica holds that a replica at vector have
// lacks, in per-device sequence order, stopping once about maxBytes are gathered
// (at least one change is returned when any is missing).
func (s *Store) ChangesAfter(have Vector, maxBytes int) ([]change.Change, error) {
	var out []change.Change
	err := s.changesAfter(have, maxBytes, func(c change.Change, _ []byte) { out = append(out, c) })
	return out, err
}

// EncodedChangesAfter is ChangesAfter with each change's encoding as stored (unpacked),
// so that a peer is sent the bytes the log holds instead of an encoding made again.
func (s *Store) EncodedChangesAfter(have Vector, maxBytes int) ([]change.Change, [][]byte, error) {
	var out []change.Change
	var raws [][]byte
	err := s.changesAfter(have, maxBytes, func(c change.Change, raw []byte) {
		out = append(out, c)
		raws = append(raws, bytes.Clone(raw))
	})
	return out, raws, err
}

// changesAfter hands fn the changes ChangesAfter returns, each with its encoding
// (valid only during the call).
func (s *Store) changesAfter(have Vector, maxBytes int, fn func(change.Change, []byte)) error {
	mine, err := s.Vector()
	if err != nil {
		return err
	}
	devs := make([]string, 0, len(mine))
	for d := range mine {
		devs = append(devs, d)
	}
	sort.Strings(devs)
	size := 0
	return s.db.View(func(txn *badger.Txn) error {
		for _, d := range devs {
			if have[d] >= mine[d] {
				continue
			}
			full, err := changesFrom(txn, d, have[d]+1, mine[d], maxBytes-size, func(c change.Change, raw []byte) {
				fn(c, raw)
				size += len(raw)
			})
			if err != nil || full {
				return err
			}
		}
		return nil
	})
}

// changesFrom reads device's changes from seq to last in order with one
// iterator (a seek, then the log in key order, rather than a lookup per change),
// handing each to fn with its encoded size. It stops once maxBytes are handed
// over, at a signed change (so that what it hands over can be verified without what
// follows: at most chainSignBytes more), and then reports full.
func changesFrom(txn *badger.Txn, device string, seq, last uint64, maxBytes int, fn func(change.Change, []byte)) (bool, error) {
	p := changePrefix(device)
	opts := badger.DefaultIteratorOptions
	opts.Prefix = p
	opts.PrefetchValues = false
	it := txn.NewIterator(opts)
	defer it.Close()
	size := 0
	var buf []byte
	it.Seek(changeKey(device, seq))
	for ; seq <= last; seq++ {
		if !it.ValidForPrefix(p) || uint64Value(it.Item().Key()[len(p):]) != seq {
			return false, fmt.Errorf("read change %s:%d: %w", device, seq, badger.ErrKeyNotFound)
		}
		var c change.Change
		n := 0
		err := unpacked(it.Item(), &buf, func(v []byte) error {
			n = len(v) // as sent: a chunk's size counts encodings, not what the disk holds
			var err error
			if c, err = change.Decode(v); err == nil {
				fn(c, v)
			}
			return err
		})
		if err != nil {
			return false, err
		}
		if size += n; size >= maxBytes && c.Signed() {
			return true, nil
		}
		it.Next()
	}
	return false, nil
}

func getRecord(txn *badger.Txn, kind, id string) (change.Record, error) {
	item, err := txn.Get(recordKey(kind, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return change.Record{}, fmt.Errorf("%s %s: %w", kind, id, ErrNotFound)
	}
	if err != nil {
		return change.Record{}, fmt.Errorf("read %s %s: %w", kind, id, err)
	}
	var rec change.Record
	err = unpacked(item, nil, func(v []byte) error {
		var err error
		rec, err = change.DecodeRecord(v)
		return err
	})
	return rec, err
}

func getChange(txn *badger.Txn, dev string, seq uint64) (change.Change, error) {
	item, err := txn.Get(changeKey(dev, seq))
	if err != nil {
		return change.Change{}, fmt.Errorf("read change %s:%d: %w", dev, seq, err)
	}
	var c change.Change
	err = unpacked(item, nil, func(v []byte) error {
		var err error
		c, err = change.Decode(v)
		return err
	})
	return c, err
}

// entityChanges loads every change indexed under kind/entity, including those
// written earlier in the same transaction.
func entityChanges(txn *badger.Txn, kind, entity string) ([]change.Change, error) {
	p := indexPrefix(kind, entity)
	opts := badger.DefaultIteratorOptions
	opts.Prefix = p
	opts.PrefetchValues = false
	it := txn.NewIterator(opts)
	var ids []change.ID
	for it.Seek(p); it.ValidForPrefix(p); it.Next() {
		dev, seq, ok := splitIndexKey(p, it.Item().Key())
		if !ok {
			continue
		}
		ids = append(ids, change.ID{Device: dev, Seq: seq})
	}
	it.Close()
	cs := make([]change.Change, 0, len(ids))
	for _, id := range ids {
		c, err := getChange(txn, id.Device, id.Seq)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// StateHash returns a SHA-256 over every record and the version vector: two
// replicas that hold the same changes have the same hash.
func (s *Store) StateHash() (string, error) {
	h := sha256.New()
	err := s.db.View(func(txn *badger.Txn) error {
		for _, p := range [][]byte{[]byte(prefixRecord), []byte(prefixVector)} {
			opts := badger.DefaultIteratorOptions
			opts.Prefix = p
			it := txn.NewIterator(opts)
			var buf []byte // records are hashed as encoded, not as stored: packing is this replica's own
			for it.Seek(p); it.ValidForPrefix(p); it.Next() {
				h.Write(it.Item().Key())
				h.Write([]byte{0})
				hash := func(v []byte) error { h.Write(v); return nil }
				var err error
				if string(p) == prefixRecord {
					err = unpacked(it.Item(), &buf, hash)
				} else {
					err = it.Item().Value(hash) // vectors are never packed
				}
				if err != nil {
					it.Close()
					return err
				}
				h.Write([]byte{0})
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash state: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
