package store

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// Rejection names a change that was not applied and why.
type Rejection struct {
	ID  change.ID
	Err error
}

// ApplyResult says what Apply did with each change it was given.
type ApplyResult struct {
	Applied    int         // merged into records (including earlier-buffered ones released by this batch)
	Duplicates int         // already held: applying twice is a no-op
	Buffered   int         // held back until the changes before them from the same device arrive
	Ahead      int         // too far ahead of what this replica holds to buffer (see maxAhead): a pull brings them in order
	Rejected   []Rejection // invalid, badly signed, from an unknown or removed device, or too far in the future
}

// Apply merges changes that came from other replicas. Each is validated, its
// signature checked against its origin device's key, and applied in per-device
// sequence order; a change whose predecessors are missing is buffered until they
// arrive, if it is within maxAhead of them (see holdEarly; one further ahead is left
// for a pull). Within that bound the result does not depend on the order or
// repetition of the input.
// The batch commits durably in as few transactions as Badger allows.
func (s *Store) Apply(changes []change.Change) (ApplyResult, error) {
	return s.apply(changes, false)
}

// ApplyAll is Apply for a batch that one peer sent as a whole (a sync chunk, a
// backup): when any change in it is forged (a bad signature, a broken or reordered
// chain) it applies none of them and returns an error wrapping ErrForged.
func (s *Store) ApplyAll(changes []change.Change) (ApplyResult, error) {
	return s.apply(changes, true)
}

func (s *Store) apply(changes []change.Change, whole bool) (ApplyResult, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.isClosed() {
		return ApplyResult{}, ErrClosed
	}
	res, err := s.applyLocked(changes, whole)
	if err != nil {
		return res, err
	}
	// Early changes of devices that registered in this call, held in memory until now.
	// They came from whoever sent them, not from this call's sender: what they bring
	// is counted, but refusals and failures among them are logged here, not returned.
	if early := s.strangers.take(s.registered(registrations(changes))); len(early) > 0 {
		more, err := s.applyLocked(early, false)
		if err != nil {
			s.log.Warn("apply early changes of a device that registered", "err", err)
		}
		res.Applied += more.Applied
		for _, r := range more.Rejected {
			s.log.Warn("refused an early change of a device that registered", "change", r.ID, "err", r.Err)
		}
	}
	return res, nil
}

// registered keeps the devices of devices whose registration this replica holds.
func (s *Store) registered(devices map[string]bool) map[string]bool {
	for dev := range devices {
		if _, err := s.Get(KindDevice, dev); err != nil {
			delete(devices, dev)
		}
	}
	return devices
}

func (r *ApplyResult) add(o ApplyResult) {
	r.Applied += o.Applied
	r.Duplicates += o.Duplicates
	r.Buffered += o.Buffered
	r.Ahead += o.Ahead
	r.Rejected = append(r.Rejected, o.Rejected...)
}

// applyLocked is apply with writeMu held.
func (s *Store) applyLocked(changes []change.Change, whole bool) (ApplyResult, error) {
	var res ApplyResult
	pre, forged := s.preverify(changes)
	if forged != nil && whole {
		return res, forged
	}
	batch := applyBatch
	for len(changes) > 0 {
		if err := s.checkSpace(); err != nil {
			return res, err
		}
		n := min(batch, len(changes))
		part, applied, used, err := s.applyPart(changes[:n], pre)
		if errors.Is(err, badger.ErrTxnTooBig) && n > 1 {
			batch = n / 2 // nothing of this part was committed: retry it smaller
			continue
		}
		if err != nil {
			return res, fmt.Errorf("apply changes: %w", err)
		}
		res.add(part)
		for _, c := range applied {
			if err := s.clock.Observe(c.HLC); err != nil {
				// Applied changes passed the drift check; one failing it now means this
				// device's clock went back. Its next timestamps still order after its own.
				s.log.Warn("a change applied is stamped further ahead than this clock follows", "device", c.Device, "err", err)
			}
		}
		if len(applied) > 0 {
			s.publish(Event{Changes: applied, recs: s.recent}) // applyPart left its committed records there
			if err := s.reconsider(s.scope(applied)); err != nil {
				return res, err
			}
		}
		changes = changes[used:]
	}
	return res, nil
}

// applyBatch is how many remote changes one transaction takes at most. A
// transaction also ends once it holds 1/applyShare of what Badger takes in one
// (Store.Limits), so a bulk chunk commits in as few synced writes as fit, and is
// never built whole only to be refused as too big; a part Badger refuses anyway
// (the estimate is short) is retried in halves.
const (
	applyBatch = 8192
	applyShare = 2
)

// applyPart applies changes, from the first, in one transaction that commits whole
// or not at all, and reports how many it took (all, or as many as fit).
func (s *Store) applyPart(changes []change.Change, pre verified) (ApplyResult, []change.Change, int, error) {
	var res ApplyResult
	var applied []change.Change
	b := s.newBatch()
	defer b.discard()
	maxBytes, maxEntries := s.Limits()
	used := 0
	for used < len(changes) {
		got, err := s.applyOne(b, &changes[used], &res, pre)
		if err != nil {
			return res, nil, 0, err
		}
		used++
		applied = append(applied, got...)
		if b.size >= maxBytes/applyShare || b.entries >= maxEntries/applyShare {
			break
		}
	}
	// What the part buffered may complete a buffered run: a gap filled, or the
	// signature that vouches for it come, in whatever order the part held them.
	for _, dev := range slices.Sorted(maps.Keys(b.early)) {
		have, err := getUint64(b.txn, vectorKey(dev))
		if err != nil {
			return res, nil, 0, err
		}
		more, err := s.release(b, dev, have, &res)
		if err != nil {
			return res, nil, 0, err
		}
		applied = append(applied, more...)
	}
	// Refold each touched record once, after all of this part's changes are in.
	type entity struct{ kind, id string }
	done := map[entity]bool{}
	for _, c := range applied {
		e := entity{c.Kind, c.Entity}
		if done[e] || c.Kind == KindDevice {
			continue
		}
		done[e] = true
		if _, err := b.refold(e.kind, e.id); err != nil {
			return res, nil, 0, err
		}
	}
	if err := b.flush(); err != nil {
		return res, nil, 0, err
	}
	if err := b.txn.Commit(); err != nil {
		return res, nil, 0, err
	}
	s.recent = b.recs
	return res, applied, used, nil
}

// applyOne applies c if it is next in its device's sequence (then also any
// buffered successors), buffers it if it is early, and skips it if already held.
func (s *Store) applyOne(b *batch, c *change.Change, res *ApplyResult, pre verified) ([]change.Change, error) {
	txn := b.txn
	reject := func(err error) ([]change.Change, error) {
		res.Rejected = append(res.Rejected, Rejection{ID: c.ID(), Err: err})
		return nil, nil
	}
	if err := c.Validate(); err != nil {
		return reject(err)
	}
	if err := s.clock.Check(c.HLC); err != nil {
		return reject(err)
	}
	have, err := getUint64(txn, vectorKey(c.Device))
	if err != nil {
		return nil, err
	}
	switch {
	case c.Seq <= have:
		res.Duplicates++
		return nil, nil
	case c.Seq > have+1:
		return nil, s.holdEarly(b, c, have, res, pre)
	}
	if err := s.admit(b, c, pre); errors.Is(err, errUnsigned) {
		b.early[c.Device] = true
		return nil, s.buffer(txn, c, res)
	} else if err != nil {
		return reject(err)
	}
	if err := s.put(b, c); err != nil {
		return nil, err
	}
	if err := s.dropPending(txn, c); err != nil {
		return nil, err
	}
	res.Applied++
	if err := txn.Set(vectorKey(c.Device), uint64Bytes(c.Seq)); err != nil {
		return nil, err
	}
	more, err := s.release(b, c.Device, c.Seq, res)
	return append([]change.Change{*c}, more...), err
}

// release applies the buffered changes of device that follow seq, in order, as
// long as each is authentic: signed, or vouched for by a signed change later in the
// buffered run whose chain leads back to it. A gap, or an unsigned change whose
// signature has not come, ends it; those stay buffered. It advances the vector.
func (s *Store) release(b *batch, device string, seq uint64, res *ApplyResult) ([]change.Change, error) {
	if !s.buffering[device] {
		return nil, nil
	}
	run, err := pendingRun(b.txn, device, seq+1)
	if err != nil || len(run) == 0 {
		return nil, err
	}
	pre, _ := s.preverify(run) // a forged change is vouched for by nothing: admit refuses it
	var applied []change.Change
	for i := range run {
		next := &run[i]
		aerr := s.admit(b, next, pre)
		if errors.Is(aerr, errUnsigned) {
			break // still waiting for its signature
		}
		if err := b.txn.Delete(pendingKey(device, next.Seq)); err != nil {
			return nil, err
		}
		if aerr != nil {
			res.Rejected = append(res.Rejected, Rejection{ID: next.ID(), Err: aerr})
			break
		}
		if err := s.put(b, next); err != nil {
			return nil, err
		}
		applied = append(applied, *next)
	}
	if len(applied) == 0 {
		return nil, nil
	}
	res.Applied += len(applied)
	return applied, b.txn.Set(vectorKey(device), uint64Bytes(seq+uint64(len(applied))))
}

// pendingRun returns the buffered changes of device from seq on, up to the first gap.
func pendingRun(txn *badger.Txn, device string, seq uint64) ([]change.Change, error) {
	var run []change.Change
	for ; ; seq++ {
		c, err := getPending(txn, device, seq)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return run, nil
		}
		if err != nil {
			return nil, err
		}
		run = append(run, c)
	}
}

// put stores an admitted change. Device records are refolded at once because
// admitting the next change may need the key or removal they carry; other
// records are refolded once per batch.
func (s *Store) put(b *batch, c *change.Change) error {
	if err := s.check(c); err != nil {
		return b.putRefused(c, err)
	}
	if err := b.putChange(c); err != nil {
		return err
	}
	if c.Kind == KindDevice {
		_, err := b.refold(c.Kind, c.Entity)
		return err
	}
	return nil
}

// admit checks that c is signed by its origin device and that the device was not
// removed before c. A signature pre found good with the same key is not checked again.
func (s *Store) admit(b *batch, c *change.Change, pre verified) error {
	dev, err := b.get(KindDevice, c.Device)
	var pub []byte
	switch {
	case err == nil:
		if _, err := dev.Get(FieldDevicePubKey, &pub); err != nil {
			return err
		}
		if dev.Deleted() {
			if after := uint64(dev.Int(FieldRevokedAfter)); c.Seq > after {
				return fmt.Errorf("%w: %s", ErrRevoked, c.Device)
			}
		}
	case errors.Is(err, ErrNotFound) && c.Kind == KindDevice && c.Entity == c.Device && c.Seq == 1:
		pub = registeredKey(c) // a device's first change registers its own key
	case errors.Is(err, ErrNotFound):
		return fmt.Errorf("%w: %s", ErrUnknownDevice, c.Device)
	default:
		return err
	}
	if len(pub) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: %s has no valid public key", ErrUnknownDevice, c.Device)
	}
	if pre.checked(c, pub) {
		return nil
	}
	if !c.Signed() {
		return errUnsigned
	}
	return c.Verify(ed25519.PublicKey(pub))
}

// errUnsigned is admit's answer for an unsigned change that nothing in its batch
// vouched for: it waits (buffered) for the signed change of its device that does.
var errUnsigned = errors.New("unsigned change awaits the signature that vouches for it")

// registeredKey returns the public key a device's first change registers, or nil.
func registeredKey(c *change.Change) []byte {
	var pub []byte
	for _, op := range c.Ops {
		if op.Op == change.OpSet && op.Field == FieldDevicePubKey {
			r := change.Record{Fields: map[string]change.Field{op.Field: {Write: change.Write{Value: op.Value}}}}
			if _, err := r.Get(op.Field, &pub); err != nil {
				return nil
			}
		}
	}
	return pub
}

// buffer keeps c until it can be applied: the changes before it from its device, or
// the signed change that vouches for it, have not arrived.
func (s *Store) buffer(txn *badger.Txn, c *change.Change, res *ApplyResult) error {
	s.buffering[c.Device] = true // before the write: a device never has a buffered change it is not listed for
	if _, err := txn.Get(pendingKey(c.Device, c.Seq)); err == nil {
		res.Duplicates++
		return nil
	}
	raw, err := c.Encode()
	if err != nil {
		res.Rejected = append(res.Rejected, Rejection{ID: c.ID(), Err: err})
		return nil
	}
	if err := txn.Set(pendingKey(c.Device, c.Seq), pack(raw)); err != nil {
		return err
	}
	res.Buffered++
	return nil
}

// dropPending deletes a buffered copy of c, now applied: an unsigned change buffered
// until its signature came, which then arrived with it in one batch.
func (s *Store) dropPending(txn *badger.Txn, c *change.Change) error {
	if !s.buffering[c.Device] {
		return nil
	}
	_, err := txn.Get(pendingKey(c.Device, c.Seq))
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return nil
	case err != nil:
		return err
	}
	return txn.Delete(pendingKey(c.Device, c.Seq))
}

func getPending(txn *badger.Txn, dev string, seq uint64) (change.Change, error) {
	item, err := txn.Get(pendingKey(dev, seq))
	if err != nil {
		return change.Change{}, err
	}
	var c change.Change
	err = unpacked(item, nil, func(v []byte) error {
		var err error
		c, err = change.Decode(v)
		return err
	})
	return c, err
}
