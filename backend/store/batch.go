package store

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/change"
)

// batch is one write transaction plus what it needs to refold records cheaply.
// Badger sorts all pending writes whenever an iterator opens on an update
// transaction, so index scans go to a read-only view of the committed data
// (writers are serialised, so the view and the transaction see the same base)
// and the changes added in this batch are kept in memory.
type batch struct {
	txn   *badger.Txn
	view  *badger.Txn
	added map[string][]change.Change // "kind/entity" -> changes put in this batch
}

func (s *Store) newBatch() *batch {
	return &batch{txn: s.db.NewTransaction(true), view: s.db.NewTransaction(false), added: map[string][]change.Change{}}
}

func (b *batch) discard() {
	b.txn.Discard()
	b.view.Discard()
}

// putChange stores c in the log and the entity index; the caller refolds the entity's record.
func (b *batch) putChange(c *change.Change) error {
	raw, err := c.Encode()
	if err != nil {
		return err
	}
	if len(raw) > change.MaxChangeSize {
		return fmt.Errorf("%w: %d bytes (at most %d)", change.ErrInvalid, len(raw), change.MaxChangeSize)
	}
	if err := b.txn.Set(changeKey(c.Device, c.Seq), raw); err != nil {
		return err
	}
	if err := b.txn.Set(indexKey(c.Kind, c.Entity, c.Device, c.Seq), nil); err != nil {
		return err
	}
	k := c.Kind + "/" + c.Entity
	b.added[k] = append(b.added[k], *c)
	return nil
}

// refold recomputes an entity's record from all of its changes and stores it.
func (b *batch) refold(kind, entity string) (change.Record, error) {
	cs, err := entityChanges(b.view, kind, entity)
	if err != nil {
		return change.Record{}, err
	}
	cs = append(cs, b.added[kind+"/"+entity]...)
	rec := change.Fold(cs)
	raw, err := rec.Encode()
	if err != nil {
		return change.Record{}, err
	}
	if err := b.txn.Set(recordKey(kind, entity), raw); err != nil {
		return change.Record{}, err
	}
	return rec, nil
}
