package store

import (
	"encoding/binary"
	"strings"
)

// Key schema. Every key starts with a one-byte prefix naming its kind, then
// '/'-separated names (devices, kinds, entities and fields are change.ValidName,
// so they never contain '/'); sequence numbers are 8-byte big-endian so scans come back in order.
//
//	m/identity                      this device's identity (ID, name, signing key); never replicated
//	m/counter/<name>                next local number for <name> (human ticket numbers), uint64
//	c/<device>/<seq>                the change <device>:<seq>, JSON (the change log)
//	v/<device>                      highest contiguous sequence applied from <device>, uint64 (the version vector)
//	p/<device>/<seq>                a change that arrived before its predecessors; applied when the gap fills
//	x/<kind>/<entity>/<device>/<seq> index of the changes to one entity (empty value)
//	r/<kind>/<entity>               the record: the fold of the entity's changes, JSON (derived, rebuilt on apply)
//	t/<kind>/<entity>               marks a record some of whose changes name writes that do not precede them
//	                                (derived, kept by every full fold): such a record is always folded whole
//	q/<kind>/<entity>/<device>/<seq> a change held but refused by the checker (its reason); left out of the record
const (
	prefixMeta    = "m/"
	prefixChange  = "c/"
	prefixVector  = "v/"
	prefixPending = "p/"
	prefixIndex   = "x/"
	prefixRecord  = "r/"
	prefixTangled = "t/"
	prefixRefused = "q/"
)

var keyIdentity = []byte(prefixMeta + "identity")

func counterKey(name string) []byte { return []byte(prefixMeta + "counter/" + name) }

func changeKey(device string, seq uint64) []byte { return seqKey(prefixChange+device+"/", seq) }

func changePrefix(device string) []byte { return []byte(prefixChange + device + "/") }

func vectorKey(device string) []byte { return []byte(prefixVector + device) }

func pendingKey(device string, seq uint64) []byte { return seqKey(prefixPending+device+"/", seq) }

func pendingPrefix(device string) []byte { return []byte(prefixPending + device + "/") }

func indexPrefix(kind, entity string) []byte {
	return []byte(prefixIndex + kind + "/" + entity + "/")
}

func indexKey(kind, entity, device string, seq uint64) []byte {
	return seqKey(prefixIndex+kind+"/"+entity+"/"+device+"/", seq)
}

func recordKey(kind, entity string) []byte { return []byte(prefixRecord + kind + "/" + entity) }

func tangledKey(kind, entity string) []byte { return []byte(prefixTangled + kind + "/" + entity) }

// refusedKey marks a change kept in the log but left out of its record (see Checker):
// q/<kind>/<entity>/<device>/<seq>, holding why it was refused.
func refusedKey(kind, entity, device string, seq uint64) []byte {
	return seqKey(prefixRefused+kind+"/"+entity+"/"+device+"/", seq)
}

func refusedPrefix(kind, entity string) []byte {
	return []byte(prefixRefused + kind + "/" + entity + "/")
}

// splitRefusedKey reads a refusedKey; kinds, entities and devices hold no "/".
func splitRefusedKey(key []byte) (kind, entity, device string, seq uint64, ok bool) {
	rest := string(key[len(prefixRefused):])
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) != 4 || len(parts[3]) != 8 {
		return "", "", "", 0, false
	}
	return parts[0], parts[1], parts[2], binary.BigEndian.Uint64([]byte(parts[3])), true
}

func recordPrefix(kind string) []byte { return []byte(prefixRecord + kind + "/") }

func seqKey(prefix string, seq uint64) []byte {
	k := make([]byte, len(prefix)+8)
	copy(k, prefix)
	binary.BigEndian.PutUint64(k[len(prefix):], seq)
	return k
}

// splitIndexKey returns the device and sequence at the end of an index key.
func splitIndexKey(prefix, key []byte) (string, uint64, bool) {
	rest := key[len(prefix):]
	if len(rest) < 10 || rest[len(rest)-9] != '/' {
		return "", 0, false
	}
	dev := string(rest[:len(rest)-9])
	if strings.Contains(dev, "/") {
		return "", 0, false
	}
	return dev, binary.BigEndian.Uint64(rest[len(rest)-8:]), true
}

func uint64Value(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func uint64Bytes(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}
