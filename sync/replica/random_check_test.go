package replica

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"sort"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// check compares the healed peers with each other and with what was acknowledged:
// every acknowledged change in every log, byte for byte; equal state hashes and
// records; each record the fold of its log; and each field, comment list and tag
// set as the merge rules make them of the acknowledged writes (expect).
func (h *history) check() error {
	var errs []error
	lost, err := h.checkLogs()
	if err != nil {
		return err
	}
	h.res.lost = lost
	if lost > 0 {
		errs = append(errs, fmt.Errorf("%d acknowledged changes are missing from a replica's log", lost))
	}
	recs, err := h.checkRecords()
	if err != nil {
		errs = append(errs, err)
	}
	if recs != nil {
		if err := h.checkMerge(recs); err != nil {
			errs = append(errs, err)
		}
	}
	for _, p := range h.peers {
		if ref, err := p.st.Refused(); err != nil || len(ref) > 0 {
			errs = append(errs, fmt.Errorf("%s refused changes %+v (%v)", p.name, ref, err))
		}
	}
	return errors.Join(errs...)
}

// checkLogs counts the acknowledged changes that some peer does not hold as written.
func (h *history) checkLogs() (int, error) {
	want := map[change.ID][]byte{}
	for _, c := range h.acked {
		raw, err := c.Encode()
		if err != nil {
			return 0, err
		}
		want[c.ID()] = raw
	}
	missing := map[change.ID]bool{}
	for _, p := range h.peers {
		held := map[change.ID][]byte{}
		for _, id := range h.records {
			cs, err := p.st.History("ticket", id)
			if err != nil {
				return 0, fmt.Errorf("%s history of %s: %w", p.name, id, err)
			}
			for _, c := range cs {
				raw, err := c.Encode()
				if err != nil {
					return 0, err
				}
				held[c.ID()] = raw
			}
		}
		for id, raw := range want {
			if !bytes.Equal(held[id], raw) {
				missing[id] = true
				h.note("LOST: %s lacks change %s", p.name, id)
			}
		}
	}
	return len(missing), nil
}

// checkRecords compares state hashes and records, and each record with the fold
// of its log; it returns peer 0's records, encoded, by ID.
func (h *history) checkRecords() (map[string]change.Record, error) {
	var hashes []string
	for _, p := range h.peers {
		hs, err := p.st.StateHash()
		if err != nil {
			return nil, err
		}
		hashes = append(hashes, hs)
	}
	recs := map[string]change.Record{}
	var errs []error
	for _, id := range h.records {
		var first []byte
		for i, p := range h.peers {
			rec, err := p.st.Get("ticket", id)
			raw, _ := rec.Encode()
			switch {
			case errors.Is(err, store.ErrNotFound):
				raw = []byte("(none)") // never written, so on no replica
			case err != nil:
				return nil, fmt.Errorf("%s: %w", p.name, err)
			}
			if i == 0 {
				first, recs[id] = raw, rec
			} else if !bytes.Equal(raw, first) {
				h.res.divergent = true
				errs = append(errs, fmt.Errorf("record %s differs:\n  %s: %s\n  %s: %s", id, h.peers[0].name, first, p.name, raw))
			}
			cs, err := p.st.History("ticket", id)
			if err != nil {
				return nil, err
			}
			folded := change.Fold(cs)
			if fr, _ := folded.Encode(); len(cs) > 0 && !bytes.Equal(fr, raw) {
				errs = append(errs, fmt.Errorf("%s's record %s is not the fold of its log:\n  held:   %s\n  folded: %s", p.name, id, raw, fr))
			}
		}
	}
	h.res.hash = hashes[0]
	for i, hs := range hashes[1:] {
		if hs != hashes[0] {
			h.res.divergent = true
			errs = append(errs, fmt.Errorf("state hashes differ: %s %s, %s %s", h.peers[0].name, hashes[0], h.peers[i+1].name, hs))
			break
		}
	}
	if len(errs) > 0 {
		return recs, errors.Join(errs...)
	}
	return recs, nil
}

// checkMerge compares the records with what the merge rules make of the
// acknowledged writes, worked out here on their own, and counts the fields
// left with concurrent writes (more than one head).
func (h *history) checkMerge(recs map[string]change.Record) error {
	want := expect(h.acked)
	var errs []error
	for _, id := range h.records {
		rec, exp := recs[id], want[id]
		if exp == nil {
			exp = &expected{} // never written
		}
		for f, w := range exp.winners {
			got := rec.Fields[f]
			if got.ID != w.ID || !bytes.Equal(got.Value, w.Value) {
				errs = append(errs, fmt.Errorf("%s.%s: won by %s %s, want %s %s", id, f, got.ID, got.Value, w.ID, w.Value))
			}
			if len(got.Heads) > 1 {
				h.res.conflicts++
			}
		}
		if len(rec.Fields) != len(exp.winners) {
			errs = append(errs, fmt.Errorf("%s has %d fields, want %d", id, len(rec.Fields), len(exp.winners)))
		}
		var items []string
		for _, it := range rec.Items["comments"] {
			items = append(items, it.ID)
		}
		sort.Strings(items)
		if !slices.Equal(items, exp.comments) {
			errs = append(errs, fmt.Errorf("%s comments %v, want %v", id, items, exp.comments))
		}
		if got := rec.Members("tags"); !slices.Equal(got, exp.tags) {
			errs = append(errs, fmt.Errorf("%s tags %v, want %v", id, got, exp.tags))
		}
	}
	return errors.Join(errs...)
}

// expected is what one record must hold.
type expected struct {
	winners  map[string]change.Write // field -> winning write
	comments []string                // item IDs, sorted
	tags     []string                // present members, sorted
}

// expect applies the merge rules to changes (all of them, in any order): a
// register is won by the latest (HLC, device, sequence) write that no other write
// replaced; an appended item is always there; a tag is present while one of its
// adds has not been removed.
func expect(changes []change.Change) map[string]*expected {
	writes := map[string]map[string][]change.Write{}
	replaced := map[change.ID]map[string]bool{} // write -> fields it was replaced in
	adds := map[string]map[string][]change.ID{}
	removed := map[change.ID]map[string]bool{}
	out := map[string]*expected{}
	for _, c := range changes {
		if out[c.Entity] == nil {
			out[c.Entity] = &expected{winners: map[string]change.Write{}}
			writes[c.Entity] = map[string][]change.Write{}
			adds[c.Entity] = map[string][]change.ID{}
		}
		e := out[c.Entity]
		for i, op := range c.Ops {
			switch op.Op {
			case change.OpSet:
				writes[c.Entity][op.Field] = append(writes[c.Entity][op.Field], change.Write{ID: c.ID(), At: c.HLC, Value: op.Value})
				for _, r := range op.Replaces {
					mark(replaced, r, c.Entity+"/"+op.Field)
				}
			case change.OpAppend:
				e.comments = append(e.comments, fmt.Sprintf("%s.%d.%d", c.Device, c.Seq, i))
			case change.OpAdd:
				adds[c.Entity][op.Elem] = append(adds[c.Entity][op.Elem], c.ID())
			case change.OpRemove:
				for _, r := range op.Replaces {
					mark(removed, r, c.Entity+"/"+op.Elem)
				}
			}
		}
	}
	for id, e := range out {
		for f, ws := range writes[id] {
			var best *change.Write
			for k := range ws {
				w := &ws[k]
				if replaced[w.ID][id+"/"+f] {
					continue
				}
				if best == nil || w.At > best.At || (w.At == best.At && best.ID.Less(w.ID)) {
					best = w
				}
			}
			if best != nil {
				e.winners[f] = *best
			}
		}
		for tag, ids := range adds[id] {
			if slices.ContainsFunc(ids, func(a change.ID) bool { return !removed[a][id+"/"+tag] }) {
				e.tags = append(e.tags, tag)
			}
		}
		sort.Strings(e.comments)
		sort.Strings(e.tags)
	}
	return out
}

func mark(m map[change.ID]map[string]bool, id change.ID, what string) {
	if m[id] == nil {
		m[id] = map[string]bool{}
	}
	m[id][what] = true
}
