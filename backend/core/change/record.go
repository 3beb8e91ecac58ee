package change

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"outpost/backend/core/hlc"
)

// FieldDeleted is the register that marks a record deleted (a tombstone).
const FieldDeleted = "deleted"

// Record is the merged state of one entity: the fold of every change made to it.
// Its encoding depends only on the set of changes, never on the order they arrived in.
type Record struct {
	Kind      string            `json:"kind"`
	ID        string            `json:"id"`
	Created   hlc.Timestamp     `json:"created"`
	CreatedBy string            `json:"createdBy"`
	Updated   hlc.Timestamp     `json:"updated"`
	UpdatedBy string            `json:"updatedBy"`
	Fields    map[string]Field  `json:"fields,omitempty"`
	Sets      map[string][]Elem `json:"sets,omitempty"`
	Items     map[string][]Item `json:"items,omitempty"`
}

// Write is one value written to a register.
type Write struct {
	ID    ID              `json:"id"`
	At    hlc.Timestamp   `json:"at"`
	By    string          `json:"by"`
	Value json.RawMessage `json:"v"`
}

// Field is a register: the winning write, the heads a new write must name,
// and the concurrent writes that lost (a conflict a person should look at).
type Field struct {
	Write
	Heads    []ID    `json:"heads"`
	Conflict []Write `json:"conflict,omitempty"`
}

// Elem is a present member of an add-wins set with the adds that keep it there.
type Elem struct {
	Value string `json:"v"`
	Adds  []ID   `json:"adds"`
}

// Item is an append-only entry such as a comment or a work log.
type Item struct {
	ID    string          `json:"id"`
	At    hlc.Timestamp   `json:"at"`
	By    string          `json:"by"`
	Value json.RawMessage `json:"v"`
}

// Less orders changes by (HLC, device, sequence): the total order every replica agrees on.
func Less(a, b *Change) bool {
	if a.HLC != b.HLC {
		return a.HLC < b.HLC
	}
	if a.Device != b.Device {
		return a.Device < b.Device
	}
	return a.Seq < b.Seq
}

func writeLess(a, b Write) bool {
	if a.At != b.At {
		return a.At < b.At
	}
	return a.ID.Less(b.ID)
}

// Fold merges changes to one entity into its record. Duplicates are ignored and the
// input order does not matter: the result is a pure function of the set of changes.
func Fold(changes []Change) Record {
	cs := slices.Clone(changes)
	slices.SortFunc(cs, func(a, b Change) int {
		switch {
		case Less(&a, &b):
			return -1
		case Less(&b, &a):
			return 1
		}
		return 0
	})
	cs = slices.CompactFunc(cs, func(a, b Change) bool { return a.ID() == b.ID() })

	var r Record
	if len(cs) == 0 {
		return r
	}
	first, last := cs[0], cs[len(cs)-1]
	r.Kind, r.ID = first.Kind, first.Entity
	r.Created, r.CreatedBy = first.HLC, first.Author
	r.Updated, r.UpdatedBy = last.HLC, last.Author

	sets := 0
	for i := range cs {
		sets += len(cs[i].Ops)
	}
	writes := make(map[string][]Write, sets) // sized once: a ticket's first change sets a score of fields
	replaced := map[string]map[ID]bool{}
	adds := map[string]map[string][]ID{}
	removed := map[string]map[ID]bool{}
	for _, c := range cs {
		for i, op := range c.Ops {
			switch op.Op {
			case OpSet:
				writes[op.Field] = append(writes[op.Field], Write{ID: c.ID(), At: c.HLC, By: c.Author, Value: op.Value})
				markAll(replaced, op.Field, op.Replaces)
			case OpAppend:
				if r.Items == nil {
					r.Items = map[string][]Item{}
				}
				r.Items[op.Field] = append(r.Items[op.Field], Item{
					ID: c.Device + "." + strconv.FormatUint(c.Seq, 10) + "." + strconv.Itoa(i),
					At: c.HLC, By: c.Author, Value: op.Value,
				})
			case OpAdd:
				if adds[op.Field] == nil {
					adds[op.Field] = map[string][]ID{}
				}
				adds[op.Field][op.Elem] = append(adds[op.Field][op.Elem], c.ID())
			case OpRemove:
				markAll(removed, op.Field, op.Replaces)
			}
		}
	}
	if len(writes) > 0 {
		r.Fields = make(map[string]Field, len(writes))
	}
	for f, ws := range writes {
		r.Fields[f] = register(ws, replaced[f])
	}
	for f, elems := range adds {
		var present []Elem
		for v, ids := range elems {
			var live []ID
			for _, id := range ids {
				if !removed[f][id] {
					live = append(live, id)
				}
			}
			if len(live) > 0 {
				slices.SortFunc(live, cmpID)
				present = append(present, Elem{Value: v, Adds: live})
			}
		}
		if len(present) > 0 {
			slices.SortFunc(present, func(a, b Elem) int { return cmpString(a.Value, b.Value) })
			if r.Sets == nil {
				r.Sets = map[string][]Elem{}
			}
			r.Sets[f] = present
		}
	}
	return r
}

func markAll(m map[string]map[ID]bool, field string, ids []ID) {
	if len(ids) == 0 {
		return
	}
	if m[field] == nil {
		m[field] = map[ID]bool{}
	}
	for _, id := range ids {
		m[field][id] = true
	}
}

// register resolves one field: heads are the writes nobody replaced; the winner is
// the latest head by (HLC, device); the other heads are a real concurrent edit.
func register(ws []Write, replaced map[ID]bool) Field {
	if len(ws) == 1 && !replaced[ws[0].ID] { // a field written once: most of a new record's
		return Field{Write: ws[0], Heads: []ID{ws[0].ID}}
	}
	var heads []Write
	for _, w := range ws {
		if !replaced[w.ID] {
			heads = append(heads, w)
		}
	}
	if len(heads) == 0 { // only a forged cycle of replacements gets here
		heads = ws
	}
	slices.SortFunc(heads, func(a, b Write) int {
		switch {
		case writeLess(a, b):
			return -1
		case writeLess(b, a):
			return 1
		}
		return 0
	})
	winner := heads[len(heads)-1]
	f := Field{Write: winner}
	for _, h := range heads {
		f.Heads = append(f.Heads, h.ID)
	}
	slices.SortFunc(f.Heads, cmpID)
	if len(heads) > 1 {
		f.Conflict = slices.Clone(heads[:len(heads)-1])
	}
	return f
}

func cmpID(a, b ID) int {
	switch {
	case a.Less(b):
		return -1
	case b.Less(a):
		return 1
	}
	return 0
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Encode returns the record's canonical encoding (see compactVersion).
func (r *Record) Encode() ([]byte, error) {
	return r.appendCompact(make([]byte, 0, 256+128*len(r.Fields))), nil
}

// DecodeRecord parses a stored record: the compact encoding Encode writes, or the
// encoding/json form earlier versions stored (canonical ones take a fast path). The
// record does not keep b.
func DecodeRecord(b []byte) (Record, error) {
	if bytes.HasPrefix(b, []byte(`{"v":`)) { // compact: the version is checked
		return decodeCompact(b)
	}
	if r, err := decodeRecordFast(b); err == nil {
		return r, nil
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("decode record: %w", err)
	}
	return r, nil
}

// Get decodes the winning value of field into v; it reports whether the field was ever written.
func (r *Record) Get(field string, v any) (bool, error) {
	f, ok := r.Fields[field]
	if !ok {
		return false, nil
	}
	if err := json.Unmarshal(f.Value, v); err != nil {
		return true, fmt.Errorf("%s/%s field %s: %w", r.Kind, r.ID, field, err)
	}
	return true, nil
}

// String returns a string field, or "" when it is unset or not a string.
func (r *Record) String(field string) string {
	if s, ok := plainString(r.Fields[field].Value); ok {
		return s
	}
	var s string
	_, _ = r.Get(field, &s)
	return s
}

// Int returns an integer field, or 0 when it is unset or not a number.
func (r *Record) Int(field string) int {
	if n, ok := plainInt(r.Fields[field].Value); ok {
		return n
	}
	var n int
	_, _ = r.Get(field, &n)
	return n
}

// Bool returns a boolean field, or false.
func (r *Record) Bool(field string) bool {
	switch v := r.Fields[field].Value; string(v) {
	case "true":
		return true
	case "false", "":
		return false
	}
	var b bool
	_, _ = r.Get(field, &b)
	return b
}

// Heads returns the writes a new write to field must name as replaced.
func (r *Record) Heads(field string) []ID {
	return slices.Clone(r.Fields[field].Heads)
}

// Members returns the values present in set field, sorted.
func (r *Record) Members(field string) []string {
	var out []string
	for _, e := range r.Sets[field] {
		out = append(out, e.Value)
	}
	return out
}

// Adds returns the adds keeping elem in set field: what a remove must name.
func (r *Record) Adds(field, elem string) []ID {
	for _, e := range r.Sets[field] {
		if e.Value == elem {
			return slices.Clone(e.Adds)
		}
	}
	return nil
}

// Deleted reports whether the record carries a tombstone.
func (r *Record) Deleted() bool { return r.Bool(FieldDeleted) }

// Conflicts lists the fields whose last writes were concurrent and disagree. Concurrent
// writes of one value (two devices importing the same file) agree: they are no conflict.
func (r *Record) Conflicts() []string {
	var out []string
	for name, f := range r.Fields {
		for _, w := range f.Conflict {
			if !bytes.Equal(w.Value, f.Value) {
				out = append(out, name)
				break
			}
		}
	}
	slices.Sort(out)
	return out
}
