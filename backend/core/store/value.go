package store

import (
	"errors"
	"fmt"
	"sync"

	"github.com/dgraph-io/badger/v4"
	"github.com/klauspost/compress/s2"
)

// The change log, the buffer of early changes and the records are stored packed: a
// value of packAbove bytes or more is kept as packedTag and its S2 (Snappy-family)
// compression when that is smaller, else as it is. The encodings are JSON, which
// compresses about threefold, and every byte a commit writes is written again by
// Badger: its write-ahead log (synced), the level-0 table it flushes and each level
// a compaction moves it to. Packing before Badger shrinks all of those at once; what
// is read back is unpacked before anything sees it, and a value stored unpacked (by
// an earlier build) reads as it is.
const (
	packedTag = 0x01 // no JSON encoding begins with it
	packAbove = 128
)

var errPacked = errors.New("a stored value does not unpack")

// pack returns raw as it is stored. It compresses into a pooled scratch buffer and
// keeps a copy of just the result: a commit holds its values until Badger has them.
func pack(raw []byte) []byte {
	if len(raw) < packAbove {
		return raw
	}
	scratch := packScratch.Get().(*[]byte)
	defer packScratch.Put(scratch)
	if need := s2.MaxEncodedLen(len(raw)); cap(*scratch) < need {
		*scratch = make([]byte, need)
	}
	enc := s2.Encode((*scratch)[:cap(*scratch)], raw)
	if 1+len(enc) >= len(raw) {
		return raw
	}
	out := make([]byte, 1+len(enc))
	out[0] = packedTag
	copy(out[1:], enc)
	return out
}

var packScratch = sync.Pool{New: func() any { return new([]byte) }}

// unpack returns the value v stores, decoded into buf when v is packed (buf may be
// nil; it is reused when large enough).
func unpack(buf, v []byte) ([]byte, error) {
	if !packed(v) {
		return v, nil
	}
	n, err := s2.DecodedLen(v[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errPacked, err)
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	out, err := s2.Decode(buf[:n], v[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errPacked, err)
	}
	return out, nil
}

// packed reports whether a stored value was packed.
func packed(v []byte) bool { return len(v) > 0 && v[0] == packedTag }

// unpacked calls fn with the value item stores, unpacked. The value is valid only
// during the call: it is Badger's, or buf's when it was packed. buf, when not nil,
// keeps the decoding buffer for the next call (a scan reuses one).
func unpacked(item *badger.Item, buf *[]byte, fn func(v []byte) error) error {
	return item.Value(func(v []byte) error {
		var into []byte
		if buf != nil {
			into = *buf
		}
		raw, err := unpack(into, v)
		if err != nil {
			return fmt.Errorf("read %q: %w", item.Key(), err)
		}
		if buf != nil && packed(v) { // raw is buf's, not Badger's: keep it for the next value
			*buf = raw
		}
		return fn(raw)
	})
}
