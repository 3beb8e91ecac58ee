package sop

import (
	"sync"

	"outpost/backend/core/change"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
)

// summaries keeps every SOP's summary in memory, derived from the store: filled
// by one scan on first use, and refreshed for the SOPs a commit touched (the
// store's commit callback only marks them; the next list re-reads them), so a
// list of thousands of SOPs never decodes every revision of every record.
type summaries struct {
	st     *store.Store
	mu     sync.Mutex // guards loaded and byID; held while reading the store
	loaded bool
	byID   map[string]Summary // stale is recomputed at each list
	dmu    sync.Mutex         // guards dirty only, so a commit never waits for a read
	dirty  map[string]bool
	cancel func()
}

func newSummaries(st *store.Store) *summaries {
	c := &summaries{st: st, byID: map[string]Summary{}, dirty: map[string]bool{}}
	c.cancel = st.Subscribe(c.onCommit)
	return c
}

// onCommit marks the SOPs a commit touched. It runs on the committing goroutine and does not block.
func (c *summaries) onCommit(e store.Event) {
	c.dmu.Lock()
	defer c.dmu.Unlock()
	for _, ch := range e.Changes {
		if ch.Kind == Kind {
			c.dirty[ch.Entity] = true
		}
	}
}

// all returns the current summaries of the SOPs that are not deleted.
func (c *summaries) all() ([]Summary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dmu.Lock()
	dirty := c.dirty // commits from here on are marked for the next call
	c.dirty = map[string]bool{}
	c.dmu.Unlock()
	if !c.loaded {
		err := c.st.Scan(Kind, func(r change.Record) error {
			if !r.Deleted() {
				c.byID[r.ID] = SummaryFromRecord(r, "")
			}
			return nil
		})
		if err != nil {
			c.requeue(dirty)
			return nil, err
		}
		c.loaded = true
		dirty = nil // the scan read everything committed before it
	}
	for id := range dirty {
		r, err := c.st.Get(Kind, id)
		switch {
		case record.Gone(r, err):
			delete(c.byID, id)
		case err != nil:
			c.requeue(dirty)
			return nil, err
		default:
			c.byID[id] = SummaryFromRecord(r, "")
		}
	}
	out := make([]Summary, 0, len(c.byID))
	for _, s := range c.byID {
		out = append(out, s)
	}
	return out, nil
}

// requeue marks ids dirty again after a failed read.
func (c *summaries) requeue(ids map[string]bool) {
	c.dmu.Lock()
	defer c.dmu.Unlock()
	for id := range ids {
		c.dirty[id] = true
	}
}
