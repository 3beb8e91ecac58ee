package store

import (
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// batch is one write transaction plus what it needs to refold records cheaply.
// Badger sorts all pending writes whenever an iterator opens on an update
// transaction, so index scans go to a read-only view of the committed data
// (writers are serialised, so the view and the transaction see the same base)
// and the changes added in this batch are kept in memory.
//
// A record is refolded by extending its current state with the new changes when
// they come after everything it holds (change.Extend), which is the common case;
// otherwise, or when its changes are not orderly, by folding all of its changes
// again. Records refolded in the batch are kept decoded and written once, at commit.
type batch struct {
	s       *Store
	txn     *badger.Txn
	view    *badger.Txn                // opened on first use (a refold of all of an entity's changes): opening one waits for Badger's commit watermark
	added   map[string][]change.Change // "kind/entity" -> changes put in this batch
	pending map[string][]change.Change // "kind/entity" -> changes put but not yet folded
	recs    map[string]change.Record   // "kind/entity" -> the record as this batch knows it
	recent  map[string]change.Record   // the records the previous committed batch knew (Store.recent); read-only
	dirty   map[string]bool            // keys of recs to write at commit
	tangled map[string]bool            // "kind/entity" -> the t/ marker is set
	absent  map[string]bool            // "kind/entity" -> no record was committed (a new entity)
	early   map[string]bool            // devices whose changes Apply buffered in this batch (see Store.release)
	size    int64                      // estimated bytes this batch will commit (see Tx.Size)
	entries int64                      // estimated entries this batch will commit
}

func (s *Store) newBatch() *batch {
	return &batch{s: s, txn: s.db.NewTransaction(true), recent: s.recent,
		added: map[string][]change.Change{}, pending: map[string][]change.Change{},
		recs: map[string]change.Record{}, dirty: map[string]bool{}, tangled: map[string]bool{}, absent: map[string]bool{},
		early: map[string]bool{}}
}

func (b *batch) discard() {
	b.txn.Discard()
	if b.view != nil {
		b.view.Discard()
	}
}

// putChange stores c in the log and the entity index; the caller refolds the entity's record.
func (b *batch) putChange(c *change.Change) error { return b.putEncoded(c, nil) }

// putEncoded is putChange of c encoded as raw (nil: encode it here).
func (b *batch) putEncoded(c *change.Change, raw []byte) error {
	if raw == nil {
		var err error
		if raw, err = c.Encode(); err != nil {
			return err
		}
	}
	if len(raw) > change.MaxChangeSize {
		return fmt.Errorf("%w: %d bytes (at most %d)", change.ErrInvalid, len(raw), change.MaxChangeSize)
	}
	stored := pack(raw)
	if err := b.txn.Set(changeKey(c.Device, c.Seq), stored); err != nil {
		return err
	}
	if err := b.txn.Set(indexKey(c.Kind, c.Entity, c.Device, c.Seq), nil); err != nil {
		return err
	}
	k := c.Kind + "/" + c.Entity
	if _, seen := b.added[k]; !seen {
		b.entries++ // the record, written once at flush
	}
	// The change, its index key, the vector and (about as large as the change) the record.
	b.size += int64(2*len(stored)+3*len(k)) + 4*entryOverhead
	b.entries += 3
	b.added[k] = append(b.added[k], *c)
	b.pending[k] = append(b.pending[k], *c)
	return nil
}

// putRefused stores c in the log and the entity index, marked refused for reason: it
// is held and sent on like any change, but its record is left as it was.
func (b *batch) putRefused(c *change.Change, reason error) error {
	raw, err := c.Encode()
	if err != nil {
		return err
	}
	raw = pack(raw)
	if err := b.txn.Set(changeKey(c.Device, c.Seq), raw); err != nil {
		return err
	}
	if err := b.txn.Set(indexKey(c.Kind, c.Entity, c.Device, c.Seq), nil); err != nil {
		return err
	}
	b.size += int64(2*len(raw)) + 3*entryOverhead
	b.entries += 3
	return b.txn.Set(refusedKey(c.Kind, c.Entity, c.Device, c.Seq), []byte(reason.Error()))
}

// get returns a record as this batch sees it, or ErrNotFound. The record is shared: callers must not change it.
func (b *batch) get(kind, entity string) (change.Record, error) {
	k := kind + "/" + entity
	if rec, ok := b.recs[k]; ok {
		return rec, nil
	}
	if rec, ok := b.recent[k]; ok { // consecutive transactions often touch the same records
		b.recs[k] = rec
		return rec, nil
	}
	if b.absent[k] {
		return change.Record{}, fmt.Errorf("%s %s: %w", kind, entity, ErrNotFound)
	}
	var rec change.Record
	var err error
	if b.s.mayHold(k) {
		rec, err = getRecord(b.txn, kind, entity)
	} else {
		err = fmt.Errorf("%s %s: %w", kind, entity, ErrNotFound)
	}
	switch {
	case err == nil:
		b.recs[k] = rec
	case errors.Is(err, ErrNotFound):
		// A new entity: asked for again when its first change is folded. Nor has it a
		// t/ marker, which is only ever written beside its record.
		b.absent[k] = true
		if _, ok := b.tangled[k]; !ok {
			b.tangled[k] = false
		}
	}
	return rec, err
}

// refold brings an entity's record up to date with the changes put since its last
// refold; it is written at commit (flush).
func (b *batch) refold(kind, entity string) (change.Record, error) {
	k := kind + "/" + entity
	pend := b.pending[k]
	delete(b.pending, k)
	rec, ok, err := b.extend(kind, entity, pend)
	if err != nil {
		return change.Record{}, err
	}
	if !ok {
		if rec, err = b.foldAll(kind, entity); err != nil {
			return change.Record{}, err
		}
	}
	b.dirty[k] = true
	b.recs[k] = rec
	return rec, nil
}

// extend folds pend into the current record if change.Extend can (see batch).
func (b *batch) extend(kind, entity string, pend []change.Change) (change.Record, bool, error) {
	if len(pend) == 0 {
		return change.Record{}, false, nil
	}
	rec, err := b.get(kind, entity) // first: a new entity's get tells isTangled it has no marker
	if errors.Is(err, ErrNotFound) {
		rec, err = change.Record{}, nil
	}
	if err != nil {
		return change.Record{}, false, err
	}
	tangled, err := b.isTangled(kind, entity)
	if err != nil || tangled {
		return change.Record{}, false, err
	}
	if len(pend) > 1 {
		pend = slices.Clone(pend)
		slices.SortFunc(pend, func(x, y change.Change) int {
			if change.Less(&x, &y) {
				return -1
			}
			return 1
		})
	}
	for i := range pend {
		var ok bool
		if rec, ok = change.Extend(rec, &pend[i]); !ok {
			return change.Record{}, false, nil
		}
	}
	return rec, true, nil
}

// foldAll folds every change of the entity and keeps its t/ marker.
func (b *batch) foldAll(kind, entity string) (change.Record, error) {
	if b.view == nil {
		b.view = b.s.db.NewTransaction(false)
	}
	cs, err := entityChanges(b.view, kind, entity)
	if err != nil {
		return change.Record{}, err
	}
	cs = append(cs, b.added[kind+"/"+entity]...)
	refused, err := refusedIn(b.txn, kind, entity)
	if err != nil {
		return change.Record{}, err
	}
	if len(refused) > 0 {
		cs = slices.DeleteFunc(cs, func(c change.Change) bool { return refused[c.ID()] })
	}
	rec := change.Fold(cs)
	orderly := change.Orderly(cs)
	was, err := b.isTangled(kind, entity)
	if err != nil {
		return change.Record{}, err
	}
	switch {
	case !orderly && !was:
		err = b.txn.Set(tangledKey(kind, entity), nil)
	case orderly && was:
		err = b.txn.Delete(tangledKey(kind, entity))
	}
	if err != nil {
		return change.Record{}, err
	}
	b.tangled[kind+"/"+entity] = !orderly
	return rec, nil
}

func (b *batch) isTangled(kind, entity string) (bool, error) {
	k := kind + "/" + entity
	if t, ok := b.tangled[k]; ok {
		return t, nil
	}
	_, err := b.txn.Get(tangledKey(kind, entity))
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		b.tangled[k] = false
		return false, nil
	case err != nil:
		return false, err
	}
	b.tangled[k] = true
	return true, nil
}

// entryOverhead is what Badger counts on top of a key and value for one entry (its
// meta, user meta, expiry and skiplist node), rounded up.
const entryOverhead = 64

// flush writes the records refolded in this batch; it runs once, before commit.
func (b *batch) flush() error {
	for k := range b.dirty {
		rec := b.recs[k]
		raw, err := rec.Encode()
		if err != nil {
			return err
		}
		if err := b.txn.Set([]byte(prefixRecord+k), pack(raw)); err != nil {
			return err
		}
		b.s.heldAdd(k)
	}
	clear(b.dirty)
	return nil
}
