package change

import (
	"maps"
	"slices"
	"strconv"
)

// Extend folds one more change into r, the fold of some earlier changes, without
// those changes: it is what Fold would return for them plus c, computed from r alone.
// It reports false, leaving the work to Fold, when it cannot be sure of that:
// c does not come after every change in r (by Less), or c names a write or an add
// that r does not show (a head it no longer has, one not yet received), or c or r
// carry a field written twice by one change.
//
// The result equals Fold's only if r's changes are orderly (see Orderly); a caller
// that does not know that must Fold. r is not modified.
func Extend(r Record, c *Change) (Record, bool) {
	if r.Kind == "" {
		for _, op := range c.Ops {
			if len(op.Replaces) > 0 {
				return r, false
			}
		}
		return Fold([]Change{*c}), true
	}
	if c.Kind != r.Kind || c.Entity != r.ID || c.HLC <= r.Updated {
		return r, false
	}
	if !extendable(&r, c) {
		return r, false
	}
	out := r
	out.Updated, out.UpdatedBy = c.HLC, c.Author
	id := c.ID()
	cloned := map[string]bool{} // maps of out already copied from r
	for i, op := range c.Ops {
		switch op.Op {
		case OpSet:
			if !cloned["fields"] {
				out.Fields, cloned["fields"] = maps.Clone(out.Fields), true
				if out.Fields == nil {
					out.Fields = map[string]Field{}
				}
			}
			out.Fields[op.Field] = extendRegister(out.Fields[op.Field], Write{ID: id, At: c.HLC, By: c.Author, Value: op.Value}, op.Replaces)
		case OpAppend:
			if !cloned["items"] {
				out.Items, cloned["items"] = maps.Clone(out.Items), true
				if out.Items == nil {
					out.Items = map[string][]Item{}
				}
			}
			out.Items[op.Field] = append(slices.Clip(out.Items[op.Field]), Item{
				ID: c.Device + "." + strconv.FormatUint(c.Seq, 10) + "." + strconv.Itoa(i),
				At: c.HLC, By: c.Author, Value: op.Value,
			})
		}
	}
	// Set operations: every remove of the change applies to every add, its own included,
	// exactly as Fold gathers all adds and removes before deciding who is present.
	sets := map[string]bool{}
	for _, op := range c.Ops {
		if op.Op == OpAdd || op.Op == OpRemove {
			sets[op.Field] = true
		}
	}
	for f := range sets {
		elems := extendSet(out.Sets[f], id, c.Ops, f)
		if !cloned["sets"] {
			out.Sets, cloned["sets"] = maps.Clone(out.Sets), true
		}
		if len(elems) == 0 {
			delete(out.Sets, f)
			continue
		}
		if out.Sets == nil {
			out.Sets = map[string][]Elem{}
		}
		out.Sets[f] = elems
	}
	if len(out.Sets) == 0 {
		out.Sets = nil
	}
	return out, true
}

// extendable checks that every write and add c names is one r shows, and that
// neither c nor r's heads hold a field written twice by one change.
func extendable(r *Record, c *Change) bool {
	setFields := map[string]bool{}
	for _, op := range c.Ops {
		switch op.Op {
		case OpSet:
			if setFields[op.Field] {
				return false
			}
			setFields[op.Field] = true
			heads := r.Fields[op.Field].Heads
			for i, h := range heads {
				if i > 0 && heads[i-1] == h {
					return false
				}
			}
			for _, id := range op.Replaces {
				if !slices.Contains(heads, id) {
					return false
				}
			}
		case OpRemove:
			for _, id := range op.Replaces {
				if !setHolds(r.Sets[op.Field], id) {
					return false
				}
			}
		}
	}
	return true
}

func setHolds(elems []Elem, id ID) bool {
	for _, e := range elems {
		if slices.Contains(e.Adds, id) {
			return true
		}
	}
	return false
}

// extendRegister adds w, the latest write, to a register whose heads were f's,
// replacing the heads named in replaces.
func extendRegister(f Field, w Write, replaces []ID) Field {
	var heads []Write
	if len(f.Heads) > 0 {
		heads = append(heads, f.Conflict...)
		heads = append(heads, f.Write)
	}
	heads = slices.DeleteFunc(heads, func(h Write) bool { return slices.Contains(replaces, h.ID) })
	slices.SortFunc(heads, func(a, b Write) int {
		switch {
		case writeLess(a, b):
			return -1
		case writeLess(b, a):
			return 1
		}
		return 0
	})
	out := Field{Write: w}
	for _, h := range heads {
		out.Heads = append(out.Heads, h.ID)
	}
	out.Heads = append(out.Heads, w.ID)
	slices.SortFunc(out.Heads, cmpID)
	if len(heads) > 0 {
		out.Conflict = heads
	}
	return out
}

// extendSet applies the adds and removes of change id on field f to its present elements.
func extendSet(elems []Elem, id ID, ops []Op, f string) []Elem {
	removed := map[ID]bool{}
	added := map[string]int{}
	for _, op := range ops {
		if op.Field != f {
			continue
		}
		switch op.Op {
		case OpRemove:
			for _, r := range op.Replaces {
				removed[r] = true
			}
		case OpAdd:
			added[op.Elem]++
		}
	}
	out := make([]Elem, 0, len(elems)+len(added))
	for _, e := range elems {
		live := slices.DeleteFunc(slices.Clone(e.Adds), func(a ID) bool { return removed[a] })
		for range added[e.Value] {
			live = append(live, id)
		}
		delete(added, e.Value)
		if len(live) > 0 {
			slices.SortFunc(live, cmpID)
			out = append(out, Elem{Value: e.Value, Adds: live})
		}
	}
	for v, n := range added {
		adds := make([]ID, n)
		for i := range adds {
			adds[i] = id
		}
		out = append(out, Elem{Value: v, Adds: adds})
	}
	slices.SortFunc(out, func(a, b Elem) int { return cmpString(a.Value, b.Value) })
	return out
}

// Orderly reports whether every write or add the changes name (as replaced or
// removed) is one of them and comes before the change naming it. Changes written by
// people always are: one names only what it has seen. Only then may a record
// folded from them be extended (see Extend).
func Orderly(changes []Change) bool {
	byID := make(map[ID]*Change, len(changes))
	for i := range changes {
		byID[changes[i].ID()] = &changes[i]
	}
	for i := range changes {
		c := &changes[i]
		for _, op := range c.Ops {
			for _, id := range op.Replaces {
				named, ok := byID[id]
				if !ok || !Less(named, c) {
					return false
				}
			}
		}
	}
	return true
}
