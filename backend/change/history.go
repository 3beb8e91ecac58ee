package change

import (
	"encoding/json"
	"slices"
	"time"
)

// Entry is one line of a record's per-field history.
type Entry struct {
	At         time.Time       `json:"at"`
	By         string          `json:"by"`
	Device     string          `json:"device"`
	Write      string          `json:"write"`
	Field      string          `json:"field"`
	Op         OpKind          `json:"op"`
	Value      json.RawMessage `json:"value,omitempty"`
	Elem       string          `json:"elem,omitempty"`
	Concurrent bool            `json:"concurrent"` // one of several current values of a field edited concurrently
	Resolves   bool            `json:"resolves"`   // settled an earlier concurrent edit
}

// History lists every operation of changes, oldest first, marking writes that are
// in an unresolved concurrent edit of rec and writes that resolved one.
func History(changes []Change, rec Record) []Entry {
	cs := slices.Clone(changes)
	slices.SortFunc(cs, func(a, b Change) int {
		if Less(&a, &b) {
			return -1
		}
		if Less(&b, &a) {
			return 1
		}
		return 0
	})
	var out []Entry
	for _, c := range cs {
		for _, op := range c.Ops {
			e := Entry{At: c.HLC.Time(), By: c.Author, Device: c.Device, Write: c.ID().String(),
				Field: op.Field, Op: op.Op, Value: op.Value, Elem: op.Elem}
			if op.Op == OpSet {
				f := rec.Fields[op.Field]
				e.Concurrent = len(f.Heads) > 1 && slices.Contains(f.Heads, c.ID())
				e.Resolves = len(op.Replaces) > 1
			}
			out = append(out, e)
		}
	}
	return out
}
