package store

import (
	"bytes"
	"crypto/ed25519"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

// verified holds the changes of one Apply call whose signatures were checked
// ahead of time, each with the key that checked it.
type verified map[*change.Change]ed25519.PublicKey

// minPreverify is the smallest batch whose signatures are checked ahead, in parallel.
const minPreverify = 32

// preverify checks, spread over the CPUs, the signatures of those changes whose
// origin device's key is already committed. Checking a signature is most of the
// cost of applying a change, and admit runs one change at a time. admit still
// decides: it skips its own check only when the key it would use is the one a
// signature was found good with here, so the result is exactly as without this.
func (s *Store) preverify(changes []change.Change) verified {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || len(changes) < minPreverify {
		return nil
	}
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
				continue // unknown here: admit decides
			}
			var pub []byte
			if _, err := rec.Get(FieldDevicePubKey, &pub); err == nil && len(pub) == ed25519.PublicKeySize {
				keys[dev] = pub
			}
		}
		return nil
	})
	if err != nil {
		return nil
	}
	good := make([]bool, len(changes))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(changes)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(changes) {
					return
				}
				c := &changes[i]
				if pub := keys[c.Device]; pub != nil { // admit validates first; Verify is safe on any change
					good[i] = c.Verify(pub) == nil
				}
			}
		}()
	}
	wg.Wait()
	v := verified{}
	for i := range changes {
		if good[i] {
			v[&changes[i]] = keys[changes[i].Device]
		}
	}
	return v
}

// checked reports whether c's signature was found good with pub ahead of time.
func (v verified) checked(c *change.Change, pub []byte) bool {
	pre, ok := v[c]
	return ok && bytes.Equal(pre, pub)
}
