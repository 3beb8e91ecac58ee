package visit

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"sync"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// cache keeps every visit, and the number and title of the tickets they belong to,
// in memory: derived from the store, built at start and refreshed from its commits
// (local and remote), so views and flags never scan the disk.
type cache struct {
	st      *store.Store
	mu      sync.RWMutex
	built   bool
	visits  map[string]Visit
	tickets map[string]ticketInfo
	cancel  func()
}

type ticketInfo struct{ number, title string }

func newCache(st *store.Store) *cache {
	c := &cache{st: st, visits: map[string]Visit{}, tickets: map[string]ticketInfo{}}
	c.cancel = st.Subscribe(c.onCommit)
	c.mu.Lock()
	_ = c.build() // a failed scan is retried by the first read
	c.mu.Unlock()
	return c
}

// build scans every visit; the caller holds mu.
func (c *cache) build() error {
	visits := map[string]Visit{}
	err := c.st.Scan(Kind, func(r change.Record) error {
		if !r.Deleted() {
			visits[r.ID] = FromRecord(r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	c.visits, c.built = visits, true
	return nil
}

// onCommit refreshes the visits a commit touched and forgets touched tickets.
// It runs on the store's committing goroutine, reads only, and does not wait on anything slow.
func (c *cache) onCommit(e store.Event) {
	touched := e.Touched()
	if len(touched[Kind]) == 0 && len(touched[ticket.Kind]) == 0 {
		return
	}
	fresh := map[string]*Visit{}
	for _, id := range touched[Kind] {
		r, ok := e.Record(Kind, id)
		var err error
		if !ok {
			r, err = c.st.Get(Kind, id)
		}
		switch {
		case err == nil && !r.Deleted():
			v := FromRecord(r)
			fresh[id] = &v
		case err == nil || errors.Is(err, store.ErrNotFound):
			fresh[id] = nil
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, v := range fresh {
		if v == nil {
			delete(c.visits, id)
		} else {
			c.visits[id] = *v
		}
	}
	for _, id := range touched[ticket.Kind] {
		delete(c.tickets, id)
	}
}

// all returns every visit, earliest first.
func (c *cache) all() ([]Visit, error) {
	c.mu.RLock()
	if !c.built {
		c.mu.RUnlock()
		c.mu.Lock()
		err := error(nil)
		if !c.built {
			err = c.build()
		}
		c.mu.Unlock()
		if err != nil {
			return nil, err
		}
		c.mu.RLock()
	}
	out := make([]Visit, 0, len(c.visits))
	for _, v := range c.visits {
		out = append(out, v)
	}
	c.mu.RUnlock()
	slices.SortFunc(out, func(a, b Visit) int { return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.ID, b.ID)) })
	return out, nil
}

// ticket returns a ticket's number and title, reading the store once per ticket change.
func (c *cache) ticket(tickets *ticket.Service, id string) ticketInfo {
	c.mu.RLock()
	info, ok := c.tickets[id]
	c.mu.RUnlock()
	if ok {
		return info
	}
	if t, err := tickets.Get(id); err == nil {
		info = ticketInfo{number: t.Number, title: t.Title}
	}
	c.mu.Lock()
	c.tickets[id] = info
	c.mu.Unlock()
	return info
}
