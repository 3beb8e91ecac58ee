package store

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// ErrForged reports a batch of changes holding one whose signature or chain does not
// verify with its origin device's key: forged, altered or reordered on the way.
var ErrForged = errors.New("a change in the batch is forged")

// verified holds the changes of one Apply call found authentic ahead of time, each
// with the key that vouched for it: its own signature, or the signature of a later
// change of its device whose chain leads back to it (change.VerifyRun).
type verified map[*change.Change]ed25519.PublicKey

// checked reports whether c was found authentic with pub ahead of time.
func (v verified) checked(c *change.Change, pub []byte) bool {
	pre, ok := v[c]
	return ok && bytes.Equal(pre, pub)
}

// preverify checks the changes whose origin device's key is known (committed, or
// registered by the device's first change in the batch): every signature, spread over
// the CPUs, and every chain link. It returns the changes found authentic, and an error
// wrapping ErrForged naming the first that is not. An unsigned change at the end of its
// device's run (its signature is still to come) is neither. admit still decides: it
// trusts this only with the key it would use itself, so the result is exactly as if
// each change were checked alone.
func (s *Store) preverify(changes []change.Change) (verified, error) {
	keys, err := s.batchKeys(changes)
	if err != nil {
		return nil, nil // admit decides
	}
	links := make([][change.LinkSize]byte, len(changes))
	good := make([]bool, len(changes))
	parallel(len(changes), func(i int) {
		c := &changes[i]
		pub := keys[c.Device]
		if pub == nil {
			return
		}
		if l, err := c.Link(); err == nil {
			links[i] = l
		}
		if c.Signed() {
			good[i] = c.Verify(pub) == nil
		}
	})
	v := verified{}
	var bad error
	for dev, idx := range runs(changes) {
		pub := keys[dev]
		if pub == nil {
			continue
		}
		vouched := false // the change after this one (in sequence) is authentic
		for k := len(idx) - 1; k >= 0; k-- {
			i := idx[k]
			c := &changes[i]
			next := k+1 < len(idx) && changes[idx[k+1]].Seq == c.Seq+1
			switch {
			case c.Signed() && good[i]:
				v[c], vouched = pub, true
			case c.Signed():
				bad = cmpErr(bad, fmt.Errorf("%w: %s: bad signature", ErrForged, c.ID()))
				vouched = false
			case next && vouched && bytes.Equal(changes[idx[k+1]].Prev, links[i][:]):
				v[c] = pub // the authentic change after it names it
			case next && vouched:
				bad = cmpErr(bad, fmt.Errorf("%w: %s is not the change %s names before it", ErrForged, c.ID(), changes[idx[k+1]].ID()))
				vouched = false
			default:
				vouched = false // an unsigned tail: the signature that vouches for it comes in a later batch
			}
		}
	}
	return v, bad
}

func cmpErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// batchKeys returns the public key of each device with changes in the batch: the
// committed one, or the one its first change registers; nil when unknown.
func (s *Store) batchKeys(changes []change.Change) (map[string]ed25519.PublicKey, error) {
	keys := map[string]ed25519.PublicKey{}
	err := s.db.View(func(txn *badger.Txn) error {
		for i := range changes {
			dev := changes[i].Device
			if _, seen := keys[dev]; seen {
				continue
			}
			keys[dev] = nil
			rec, err := getRecord(txn, KindDevice, dev)
			if err != nil {
				continue
			}
			var pub []byte
			if _, err := rec.Get(FieldDevicePubKey, &pub); err == nil && len(pub) == ed25519.PublicKeySize {
				keys[dev] = pub
			}
		}
		return nil
	})
	for i := range changes {
		c := &changes[i]
		if keys[c.Device] == nil && c.Kind == KindDevice && c.Entity == c.Device && c.Seq == 1 {
			if pub := registeredKey(c); len(pub) == ed25519.PublicKeySize {
				keys[c.Device] = pub
			}
		}
	}
	return keys, err
}

// runs groups the batch's changes by device, each device's in sequence order (as
// indexes into changes); a sequence number given twice keeps its first copy.
func runs(changes []change.Change) map[string][]int {
	out := map[string][]int{}
	for i := range changes {
		out[changes[i].Device] = append(out[changes[i].Device], i)
	}
	for dev, idx := range out {
		slices.SortStableFunc(idx, func(a, b int) int {
			switch sa, sb := changes[a].Seq, changes[b].Seq; {
			case sa < sb:
				return -1
			case sa > sb:
				return 1
			}
			return 0
		})
		out[dev] = slices.CompactFunc(idx, func(a, b int) bool { return changes[a].Seq == changes[b].Seq })
	}
	return out
}

// minParallel is the smallest batch whose checks are spread over the CPUs.
const minParallel = 32

// parallel runs fn(0..n-1) spread over the CPUs.
func parallel(n int, fn func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || n < minParallel {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				fn(i)
			}
		}()
	}
	wg.Wait()
}
