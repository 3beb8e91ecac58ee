package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// Tx is one user action: every Write inside it becomes a signed change in the
// local log, and all of them commit together, durably, or not at all.
type Tx struct {
	s       *Store
	b       *batch
	txn     *badger.Txn
	author  string
	changes []change.Change
	root    *Tx   // the transaction this one acts for another author in (see As); nil for the original
	chain   chain // the device's hash chain as this transaction extends it; on the root only
}

// Update runs fn as one user action by author. When fn returns an error nothing is written.
// It returns the changes committed.
func (s *Store) Update(ctx context.Context, author string, fn func(tx *Tx) error) ([]change.Change, error) {
	return s.update(ctx, author, fn)
}

func (s *Store) update(ctx context.Context, author string, fn func(tx *Tx) error) ([]change.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.writeMu.Lock()
	if s.isClosed() {
		s.writeMu.Unlock()
		return nil, ErrClosed
	}
	if err := s.checkSpace(); err != nil {
		s.writeMu.Unlock()
		return nil, err
	}
	b := s.newBatch()
	tx := &Tx{s: s, b: b, txn: b.txn, author: author}
	err := fn(tx)
	if err == nil {
		err = tx.signTail()
	}
	if err == nil {
		err = b.flush()
	}
	if err == nil {
		err = b.txn.Commit()
	}
	if err == nil {
		s.recent = b.recs // what it read or wrote is now the committed state
	}
	if errors.Is(err, badger.ErrTxnTooBig) {
		err = fmt.Errorf("the action is too large to save at once: %w", err)
	}
	b.discard()
	if err == nil && len(tx.changes) > 0 {
		s.publish(Event{Local: true, Changes: tx.changes, recs: b.recs})
		if rerr := s.reconsider(s.scope(tx.changes)); rerr != nil {
			s.log.Error("take verdicts again", "err", rerr)
		}
	}
	s.writeMu.Unlock()
	if err != nil {
		return nil, err
	}
	return tx.changes, nil
}

// As returns the same transaction acting for another author: its writes commit
// with the rest of the transaction, signed by this device, with author as their author.
// A bulk load (the demo dataset) records many people's actions in one commit this way.
func (tx *Tx) As(author string) *Tx {
	root := tx
	if tx.root != nil {
		root = tx.root
	}
	return &Tx{s: tx.s, b: tx.b, txn: tx.txn, author: author, root: root}
}

// Size estimates what the transaction will commit so far: bytes and entries, counted
// as Badger counts them against its limits (see Store.Limits), rounded up.
func (tx *Tx) Size() (bytes, entries int64) { return tx.b.size, tx.b.entries }

// Limits returns the most bytes and entries one transaction may commit. A bulk
// action (an import) fills transactions up to a share of them, by Tx.Size.
func (s *Store) Limits() (bytes, entries int64) { return s.db.MaxBatchSize(), s.db.MaxBatchCount() }

// Author returns who performs this action.
func (tx *Tx) Author() string { return tx.author }

// DeviceTag returns this device's short code.
func (tx *Tx) DeviceTag() string { return tx.s.dev.Tag() }

// Get returns a record as this transaction sees it. The record may be shared
// with the transaction: read it, do not change its maps or slices.
func (tx *Tx) Get(kind, id string) (change.Record, error) {
	return tx.b.get(kind, id)
}

// Next returns the next value of a local counter, starting at 1.
func (tx *Tx) Next(name string) (uint64, error) {
	if !change.ValidName(name) {
		return 0, fmt.Errorf("counter name %q", name)
	}
	n, err := getUint64(tx.txn, counterKey(name))
	if err != nil {
		return 0, err
	}
	n++
	if err := tx.txn.Set(counterKey(name), uint64Bytes(n)); err != nil {
		return 0, err
	}
	return n, nil
}

// Write records ops on entity kind/id as a new change from this device and returns
// the entity's new record.
func (tx *Tx) Write(kind, id string, ops []change.Op) (change.Record, error) {
	s := tx.s
	seq, err := getUint64(tx.txn, vectorKey(s.dev.ID))
	if err != nil {
		return change.Record{}, err
	}
	c := change.Change{
		Device: s.dev.ID, Seq: seq + 1, HLC: s.clock.Now(), Author: tx.author,
		Kind: kind, Entity: id, Ops: ops,
	}
	ch := &tx.top().chain
	if err := ch.link(tx.txn, &c); err != nil {
		return change.Record{}, err
	}
	if err := c.Validate(); err != nil {
		return change.Record{}, err
	}
	if err := s.check(&c); err != nil {
		return change.Record{}, err
	}
	raw, err := ch.seal(s.dev.Key, &c)
	if err != nil {
		return change.Record{}, err
	}
	before := tx.b.size
	if err := tx.b.putEncoded(&c, raw); err != nil {
		return change.Record{}, err
	}
	ch.grew(&c, tx.b.size-before)
	rec, err := tx.b.refold(kind, id)
	if err != nil {
		return change.Record{}, err
	}
	if err := tx.txn.Set(vectorKey(c.Device), uint64Bytes(c.Seq)); err != nil {
		return change.Record{}, err
	}
	if tx.root != nil {
		tx.root.changes = append(tx.root.changes, c)
	} else {
		tx.changes = append(tx.changes, c)
	}
	return rec, nil
}

func getUint64(txn *badger.Txn, key []byte) (uint64, error) {
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n uint64
	err = item.Value(func(v []byte) error { n = uint64Value(v); return nil })
	return n, err
}
