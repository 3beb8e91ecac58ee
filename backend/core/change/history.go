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
	Value      json.RawMessage `json:"value,omitempty" ts_type:"unknown"`
	Elem       string          `json:"elem,omitempty"`
	Concurrent bool            `json:"concurrent"`        // one of several current values of a field edited concurrently
	Resolves   bool            `json:"resolves"`          // settled an earlier concurrent edit
	Refused    string          `json:"refused,omitempty"` // why the write was left out of the record (its author may not make it), "" when applied
}

// History lists every operation of changes, oldest first, marking the writes that were
// concurrent (unresolved heads of rec, or heads a later write settled together) and the
// writes that settled them.
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
	settled := map[string]map[ID]bool{} // field -> writes a later write named among several heads
	for _, c := range cs {
		for _, op := range c.Ops {
			if op.Op != OpSet || len(op.Replaces) < 2 {
				continue
			}
			if settled[op.Field] == nil {
				settled[op.Field] = map[ID]bool{}
			}
			for _, r := range op.Replaces {
				settled[op.Field][r] = true
			}
		}
	}
	var out []Entry
	for _, c := range cs {
		for _, op := range c.Ops {
			e := Entry{At: c.HLC.Time(), By: c.Author, Device: c.Device, Write: c.ID().String(),
				Field: op.Field, Op: op.Op, Value: op.Value, Elem: op.Elem}
			if op.Op == OpSet {
				f := rec.Fields[op.Field]
				e.Concurrent = len(f.Heads) > 1 && slices.Contains(f.Heads, c.ID()) || settled[op.Field][c.ID()]
				e.Resolves = len(op.Replaces) > 1
			}
			out = append(out, e)
		}
	}
	return out
}
