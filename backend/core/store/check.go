package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// Checker decides whether a change was allowed (a team's roles are one: see
// backend/roles). Every replica asks it of every change, its own before writing one
// and a peer's on arrival; it must not write.
type Checker interface {
	// Check returns nil for a change that was allowed, else why not.
	Check(c *change.Change) error
	// Scope says whose changes' verdicts change c may alter (a grant, a revocation, a
	// change of the rules): those of devices, or of every device when all.
	Scope(c *change.Change) (devices []string, all bool)
}

// SetChecker installs the checker. This device's own change that it refuses is not
// written (the action fails with its error); a peer's is kept in the log, so that
// every replica holds the same changes, but marked refused and left out of every
// record. Verdicts are taken again when a change in a checker's scope commits.
func (s *Store) SetChecker(c Checker) { s.checker.Store(&c) }

func (s *Store) check(c *change.Change) error {
	if p := s.checker.Load(); p != nil && *p != nil {
		return (*p).Check(c)
	}
	return nil
}

// Refusal is a change kept in the log but left out of the records, and why.
type Refusal struct {
	ID     change.ID `json:"id"`
	Kind   string    `json:"kind"`
	Entity string    `json:"entity"`
	Author string    `json:"author"`
	At     string    `json:"at"`
	Reason string    `json:"reason"`
}

// RefusedOf maps the changes to one entity that this replica holds but refused to
// why each was refused.
func (s *Store) RefusedOf(kind, entity string) (map[change.ID]string, error) {
	out := map[change.ID]string{}
	err := s.db.View(func(txn *badger.Txn) error {
		return eachRefused(txn, refusedPrefix(kind, entity), func(_, _, dev string, seq uint64, reason []byte) error {
			out[change.ID{Device: dev, Seq: seq}] = string(reason)
			return nil
		})
	})
	return out, err
}

// Refused lists the changes this replica holds but refused, oldest first.
func (s *Store) Refused() ([]Refusal, error) {
	var out []Refusal
	err := s.db.View(func(txn *badger.Txn) error {
		return eachRefused(txn, []byte(prefixRefused), func(kind, entity, dev string, seq uint64, reason []byte) error {
			c, err := getChange(txn, dev, seq)
			if err != nil {
				return err
			}
			out = append(out, Refusal{ID: c.ID(), Kind: kind, Entity: entity, Author: c.Author, At: c.HLC.Time().UTC().Format("2006-01-02 15:04:05"), Reason: string(reason)})
			return nil
		})
	})
	slices.SortFunc(out, func(a, b Refusal) int { return strings.Compare(a.At, b.At) })
	return out, err
}

// eachRefused calls f with every refused change under prefix (a refusedPrefix, or
// all of them) and why it was refused.
func eachRefused(txn *badger.Txn, prefix []byte, f func(kind, entity, device string, seq uint64, reason []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		kind, entity, dev, seq, ok := splitRefusedKey(it.Item().Key())
		if !ok {
			continue
		}
		reason, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := f(kind, entity, dev, seq, reason); err != nil {
			return err
		}
	}
	return nil
}

// refusedIn returns the refused changes of an entity, as tx sees them.
func refusedIn(txn *badger.Txn, kind, entity string) (map[change.ID]bool, error) {
	p := refusedPrefix(kind, entity)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
	defer it.Close()
	var out map[change.ID]bool
	for it.Seek(p); it.ValidForPrefix(p); it.Next() {
		dev, seq, ok := splitIndexKey(p, it.Item().Key())
		if !ok {
			continue
		}
		if out == nil {
			out = map[change.ID]bool{}
		}
		out[change.ID{Device: dev, Seq: seq}] = true
	}
	return out, nil
}

// Rejudge takes the verdict on every change again: after the checker's rules
// changed as a whole (the device joined a team, whose owner is another).
func (s *Store) Rejudge() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.isClosed() {
		return ErrClosed
	}
	return s.reconsider(nil, true)
}

// scope returns the devices whose verdicts the changes cs may alter.
func (s *Store) scope(cs []change.Change) (devices []string, all bool) {
	p := s.checker.Load()
	if p == nil || *p == nil {
		return nil, false
	}
	for i := range cs {
		ds, a := (*p).Scope(&cs[i])
		if a {
			return nil, true
		}
		for _, d := range ds {
			if !slices.Contains(devices, d) {
				devices = append(devices, d)
			}
		}
	}
	return devices, false
}

// reconsider takes the verdicts again on the changes of devices (or of every device):
// a change now allowed joins its record, one now refused leaves it. It runs with
// writeMu held, after the commit of a change in a checker's scope.
func (s *Store) reconsider(devices []string, all bool) error {
	if !all && len(devices) == 0 {
		return nil
	}
	if all {
		vec, err := s.Vector()
		if err != nil {
			return err
		}
		devices = devices[:0]
		for d := range vec {
			devices = append(devices, d)
		}
	}
	flips, err := s.verdictFlips(devices)
	if err != nil || len(flips) == 0 {
		return err
	}
	for len(flips) > 0 {
		n := min(len(flips), 2000)
		if err := s.applyFlips(flips[:n]); err != nil {
			return fmt.Errorf("take verdicts again: %w", err)
		}
		flips = flips[n:]
	}
	return nil
}

type flip struct {
	c      change.Change
	refuse error // nil: the change is now allowed
}

func (s *Store) verdictFlips(devices []string) ([]flip, error) {
	var out []flip
	err := s.db.View(func(txn *badger.Txn) error {
		for _, d := range devices {
			p := changePrefix(d)
			it := txn.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true})
			for it.Seek(p); it.ValidForPrefix(p); it.Next() {
				var c change.Change
				err := unpacked(it.Item(), nil, func(v []byte) error {
					var err error
					c, err = change.Decode(v)
					return err
				})
				if err != nil {
					it.Close()
					return err
				}
				verdict := s.check(&c)
				_, err = txn.Get(refusedKey(c.Kind, c.Entity, c.Device, c.Seq))
				was := err == nil
				if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
					it.Close()
					return err
				}
				if was != (verdict != nil) {
					out = append(out, flip{c: c, refuse: verdict})
				}
			}
			it.Close()
		}
		return nil
	})
	return out, err
}

func (s *Store) applyFlips(flips []flip) error {
	b := s.newBatch()
	defer b.discard()
	var changed []change.Change
	for _, f := range flips {
		k := refusedKey(f.c.Kind, f.c.Entity, f.c.Device, f.c.Seq)
		var err error
		if f.refuse != nil {
			err = b.txn.Set(k, []byte(f.refuse.Error()))
		} else {
			err = b.txn.Delete(k)
		}
		if err != nil {
			return err
		}
		changed = append(changed, f.c)
	}
	type entity struct{ kind, id string }
	done := map[entity]bool{}
	for _, c := range changed {
		e := entity{c.Kind, c.Entity}
		if done[e] {
			continue
		}
		done[e] = true
		rec, err := b.foldAll(e.kind, e.id)
		if err != nil {
			return err
		}
		k := e.kind + "/" + e.id
		b.dirty[k], b.recs[k] = true, rec
	}
	if err := b.flush(); err != nil {
		return err
	}
	if err := b.txn.Commit(); err != nil {
		return err
	}
	s.recent = b.recs
	s.publish(Event{Changes: changed, recs: b.recs})
	return nil
}
