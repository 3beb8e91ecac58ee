package store

import (
	"crypto/ed25519"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// chainSignBytes is how many bytes of a bulk transaction's changes one signature
// covers at most: a run this long is verified with one signature on every replica,
// and a sync chunk ends at most this far past its byte budget (at a signed change).
const chainSignBytes = 256 << 10

// chain is this device's hash chain as one transaction extends it: each change names
// the link of the one before (change.Link). A user action signs every change it writes;
// a bulk transaction (Tx.Bulk) signs one change per chainSignBytes and its last one
// at commit, each signature vouching for the unsigned changes before it.
type chain struct {
	prev     []byte // the link of the device's latest change; nil before the first is known
	known    bool   // prev was read from the log or set by this transaction
	bulk     bool
	unsigned int64 // bytes written since the last signed change
}

// Bulk marks the transaction a bulk load (an import, a restore): its changes are
// chained and signed once per run of about 256 KiB instead of one by one, which the
// replicas receiving them verify once per run.
func (tx *Tx) Bulk() { tx.top().chain.bulk = true }

// top returns the transaction that holds the changes (see As).
func (tx *Tx) top() *Tx {
	if tx.root != nil {
		return tx.root
	}
	return tx
}

// link sets c.Prev to the link of the device's change before it.
func (ch *chain) link(txn *badger.Txn, c *change.Change) error {
	if !ch.known && c.Seq > 1 {
		prev, err := getChange(txn, c.Device, c.Seq-1)
		if err != nil {
			return err
		}
		l, err := prev.Link()
		if err != nil {
			return err
		}
		ch.prev = l[:]
	}
	ch.known = true
	c.Prev = ch.prev
	return nil
}

// seal signs c unless the transaction is a bulk load that has not yet written
// chainSignBytes unsigned, and makes c the link the next change names. It returns c's
// encoding when it has it (an unsigned change), else nil.
func (ch *chain) seal(key ed25519.PrivateKey, c *change.Change) ([]byte, error) {
	sign := !ch.bulk || ch.unsigned >= chainSignBytes
	l, raw, err := c.SealEncoded(key, sign)
	if err != nil {
		return nil, err
	}
	ch.prev = l[:]
	return raw, nil
}

// grew notes a change written (size: what it added to the batch).
func (ch *chain) grew(c *change.Change, size int64) {
	if c.Signed() {
		ch.unsigned = 0
		return
	}
	ch.unsigned += size
}

// signTail signs the transaction's last change if a bulk load left it unsigned, so
// that every change a transaction commits is vouched for by a signature it commits.
func (tx *Tx) signTail() error {
	t := tx.top()
	if len(t.changes) == 0 {
		return nil
	}
	c := &t.changes[len(t.changes)-1]
	if c.Signed() {
		return nil
	}
	if c.Device != tx.s.dev.ID {
		return errors.New("sign a transaction's last change: written for another device")
	}
	if _, err := c.Seal(tx.s.dev.Key, true); err != nil {
		return err
	}
	raw, err := c.Encode()
	if err != nil {
		return err
	}
	return tx.txn.Set(changeKey(c.Device, c.Seq), pack(raw))
}
