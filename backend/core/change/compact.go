package change

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"

	"outpost/backend/core/hlc"
)

// The compact encoding of a record (what Encode writes). A record's fields are
// usually written by a few changes, most often by one (a new ticket), so a field names
// its winning write by its place in a table of the record's writes instead of
// repeating the write's device, sequence, time and author, and a field whose only
// head is its winner leaves the heads out:
//
//	{"v":2,"kind":K,"id":I,"created":N,"createdBy":A,"updated":N,"updatedBy":A,
//	 "dev":["device",...],                    devices, sorted
//	 "w":[[dev,seq,at,"by"],...],             writes, sorted by (device, seq, at, by)
//	 "fields":{"name":[w,VALUE]                the winner is the only head, no conflict
//	          |[w,VALUE,HEADS,[[w,VALUE],...]]},  HEADS: [[dev,seq],...] or null
//	 "sets":{"name":[["member",ADDS],...]},   ADDS: [[dev,seq],...] or null
//	 "items":{"name":[["id",at,"by",VALUE],...]}}
//
// Names and maps are written in sorted order, so the encoding is a pure function of
// the record. It is about a third of the length of the record's encoding/json form,
// which earlier versions stored and DecodeRecord still reads.
const compactVersion = `{"v":2,`

// stamp is one write as the table lists it.
type stamp struct {
	id ID
	at hlc.Timestamp
	by string
}

func cmpStamp(a, b stamp) int {
	return cmp.Or(cmp.Compare(a.id.Device, b.id.Device), cmp.Compare(a.id.Seq, b.id.Seq),
		cmp.Compare(a.at, b.at), cmp.Compare(a.by, b.by))
}

// tables are a record's devices and writes, and the places they are listed at.
type tables struct {
	devs   []string
	devAt  map[string]int
	writes []stamp
	wAt    map[stamp]int
}

func tablesOf(r *Record) tables {
	var t tables
	seen := map[string]bool{}
	dev := func(d string) {
		if !seen[d] {
			seen[d] = true
			t.devs = append(t.devs, d)
		}
	}
	ws := map[stamp]bool{}
	write := func(w Write) {
		s := stamp{w.ID, w.At, w.By}
		if !ws[s] {
			ws[s] = true
			t.writes = append(t.writes, s)
			dev(w.ID.Device)
		}
	}
	for _, f := range r.Fields {
		write(f.Write)
		for _, w := range f.Conflict {
			write(w)
		}
		for _, h := range f.Heads {
			dev(h.Device)
		}
	}
	for _, es := range r.Sets {
		for _, e := range es {
			for _, a := range e.Adds {
				dev(a.Device)
			}
		}
	}
	slices.Sort(t.devs)
	slices.SortFunc(t.writes, cmpStamp)
	t.devAt = make(map[string]int, len(t.devs))
	for i, d := range t.devs {
		t.devAt[d] = i
	}
	t.wAt = make(map[stamp]int, len(t.writes))
	for i, w := range t.writes {
		t.wAt[w] = i
	}
	return t
}

// appendCompact appends the record's compact encoding to b.
func (r *Record) appendCompact(b []byte) []byte {
	t := tablesOf(r)
	b = append(b, compactVersion...)
	b = appendKey(b, "kind", false)
	b = appendString(b, r.Kind)
	b = appendKey(b, "id", true)
	b = appendString(b, r.ID)
	b = appendKey(b, "created", true)
	b = strconv.AppendUint(b, uint64(r.Created), 10)
	b = appendKey(b, "createdBy", true)
	b = appendString(b, r.CreatedBy)
	b = appendKey(b, "updated", true)
	b = strconv.AppendUint(b, uint64(r.Updated), 10)
	b = appendKey(b, "updatedBy", true)
	b = appendString(b, r.UpdatedBy)
	b = appendKey(b, "dev", true)
	b = appendList(b, len(t.devs), func(b []byte, i int) []byte { return appendString(b, t.devs[i]) })
	b = appendKey(b, "w", true)
	b = appendList(b, len(t.writes), func(b []byte, i int) []byte {
		w := t.writes[i]
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(t.devAt[w.id.Device]), 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, w.id.Seq, 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, uint64(w.at), 10)
		b = append(b, ',')
		b = appendString(b, w.by)
		return append(b, ']')
	})
	if len(r.Fields) > 0 {
		b = appendKey(b, "fields", true)
		b = appendMap(b, r.Fields, func(b []byte, f Field) []byte { return t.appendField(b, f) })
	}
	if len(r.Sets) > 0 {
		b = appendKey(b, "sets", true)
		b = appendMap(b, r.Sets, func(b []byte, es []Elem) []byte {
			return appendNullable(b, es == nil, len(es), func(b []byte, i int) []byte {
				b = append(b, '[')
				b = appendString(b, es[i].Value)
				b = append(b, ',')
				b = t.appendIDs(b, es[i].Adds)
				return append(b, ']')
			})
		})
	}
	if len(r.Items) > 0 {
		b = appendKey(b, "items", true)
		b = appendMap(b, r.Items, func(b []byte, its []Item) []byte {
			return appendNullable(b, its == nil, len(its), func(b []byte, i int) []byte {
				it := its[i]
				b = append(b, '[')
				b = appendString(b, it.ID)
				b = append(b, ',')
				b = strconv.AppendUint(b, uint64(it.At), 10)
				b = append(b, ',')
				b = appendString(b, it.By)
				b = append(b, ',')
				b = appendValue(b, it.Value)
				return append(b, ']')
			})
		})
	}
	return append(b, '}')
}

// appendField writes [w,VALUE], or [w,VALUE,HEADS,CONFLICTS] unless the winner is the only head.
func (t tables) appendField(b []byte, f Field) []byte {
	b = append(b, '[')
	b = t.appendWrite(b, f.Write)
	if len(f.Heads) == 1 && f.Heads[0] == f.ID && len(f.Conflict) == 0 {
		return append(b, ']')
	}
	b = append(b, ',')
	b = t.appendIDs(b, f.Heads)
	b = append(b, ',')
	b = appendList(b, len(f.Conflict), func(b []byte, i int) []byte {
		b = append(b, '[')
		b = t.appendWrite(b, f.Conflict[i])
		return append(b, ']')
	})
	return append(b, ']')
}

// appendWrite writes w,VALUE (a write's place in the table, then its value).
func (t tables) appendWrite(b []byte, w Write) []byte {
	b = strconv.AppendInt(b, int64(t.wAt[stamp{w.ID, w.At, w.By}]), 10)
	b = append(b, ',')
	return appendValue(b, w.Value)
}

func (t tables) appendIDs(b []byte, ids []ID) []byte {
	return appendNullable(b, ids == nil, len(ids), func(b []byte, i int) []byte {
		b = append(b, '[')
		b = strconv.AppendInt(b, int64(t.devAt[ids[i].Device]), 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, ids[i].Seq, 10)
		return append(b, ']')
	})
}

// appendValue writes a value as it was written (change.Validate checked it is JSON), null for none.
func appendValue(b []byte, v json.RawMessage) []byte {
	if len(v) == 0 {
		return append(b, "null"...)
	}
	return append(b, v...)
}

func appendKey(b []byte, k string, comma bool) []byte {
	if comma {
		b = append(b, ',')
	}
	b = appendString(b, k)
	return append(b, ':')
}

func appendList(b []byte, n int, elem func([]byte, int) []byte) []byte {
	b = append(b, '[')
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = elem(b, i)
	}
	return append(b, ']')
}

func appendNullable(b []byte, null bool, n int, elem func([]byte, int) []byte) []byte {
	if null {
		return append(b, "null"...)
	}
	return appendList(b, n, elem)
}

func appendMap[V any](b []byte, m map[string]V, value func([]byte, V) []byte) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		b = appendKey(b, k, i > 0)
		b = value(b, m[k])
	}
	return append(b, '}')
}

// appendString writes s as a JSON string; its bytes other than quotes, backslashes
// and control characters are written as they are.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
