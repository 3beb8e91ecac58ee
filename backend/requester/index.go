package requester

import (
	"fmt"
	"sync"

	"outpost/backend/core/change"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// index is derived from the store and never stored: which requesters hold an address, and
// which requester each ticket links to (with whether the ticket is open). It only narrows a
// search: every answer is checked against the records before it is used.
//
// It is built on first use and kept fresh by a store subscription. A record committed while
// the index is being built, or whose commit did not carry it, is marked dirty and read again
// before the next answer, so a commit is never missed. Before the first use commits are
// passed over: the build reads them (a bulk import keeps no list of what it wrote).
type index struct {
	mu       sync.Mutex
	ready    bool
	building bool                           // a build is reading the store: commits meanwhile are dirty
	byEmail  map[string]map[string]struct{} // address -> requester IDs that held it when last seen
	emails   map[string][]string            // requester ID -> its addresses when last seen
	links    map[string]link                // ticket ID -> its requester
	dirty    map[docKey]struct{}
}

type docKey struct{ kind, id string }

// link is what the index knows of one ticket.
type link struct {
	requester string
	open      bool
}

func newIndex() *index {
	return &index{dirty: map[docKey]struct{}{}}
}

// observe takes a commit into the index. It runs on the committing goroutine and does not block.
func (x *index) observe(e store.Event) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range e.Changes {
		if c.Kind != Kind && c.Kind != ticket.Kind {
			continue
		}
		if !x.ready && !x.building {
			continue // the build, when the index is first used, reads it from the store
		}
		k := docKey{c.Kind, c.Entity}
		r, ok := e.Record(c.Kind, c.Entity)
		if !x.ready || !ok {
			x.dirty[k] = struct{}{}
			continue
		}
		delete(x.dirty, k)
		x.put(r)
	}
}

// put records what r says, in place of what the index knew of it.
func (x *index) put(r change.Record) {
	x.forget(r.Kind, r.ID)
	if r.Deleted() {
		return
	}
	switch r.Kind {
	case Kind:
		list := r.Members(fEmails)
		x.emails[r.ID] = list
		for _, e := range list {
			if x.byEmail[e] == nil {
				x.byEmail[e] = map[string]struct{}{}
			}
			x.byEmail[e][r.ID] = struct{}{}
		}
	case ticket.Kind:
		if id := r.String(ticket.FieldRequesterID); id != "" {
			t := ticket.FromRecord(r)
			x.links[r.ID] = link{requester: id, open: t.Status.Open() && t.MergedInto == ""}
		}
	}
}

// forget drops what the index knew of record kind/id.
func (x *index) forget(kind, id string) {
	switch kind {
	case Kind:
		for _, e := range x.emails[id] {
			delete(x.byEmail[e], id)
		}
		delete(x.emails, id)
	case ticket.Kind:
		delete(x.links, id)
	}
}

// fresh builds the index if it is not built, and reads the dirty records again through g
// (the caller's transaction, or the store). The caller holds x.mu; a build releases it
// while it reads, so commits meanwhile do not wait (they are marked dirty).
func (x *index) fresh(st *store.Store, g record.Getter) error {
	if !x.ready {
		x.building = true
		x.mu.Unlock()
		built, err := build(st)
		x.mu.Lock()
		x.building = false
		if err != nil {
			return err
		}
		if !x.ready {
			x.byEmail, x.emails, x.links, x.ready = built.byEmail, built.emails, built.links, true
		}
	}
	for k := range x.dirty {
		r, err := g.Get(k.kind, k.id)
		switch {
		case record.Gone(r, err):
			x.forget(k.kind, k.id)
		case err != nil:
			return fmt.Errorf("requester index: %w", err)
		default:
			x.put(r)
		}
		delete(x.dirty, k)
	}
	return nil
}

// build reads every requester and every ticket linked to one into a new index. Commits
// made meanwhile are dirty (observe leaves them so until the index is ready).
func build(st *store.Store) (*index, error) {
	x := &index{byEmail: map[string]map[string]struct{}{}, emails: map[string][]string{}, links: map[string]link{}}
	err := st.Scan(Kind, func(r change.Record) error { x.put(r); return nil })
	if err != nil {
		return nil, fmt.Errorf("requester index: %w", err)
	}
	err = st.ScanEncoded(ticket.Kind, func(id string, raw []byte) error {
		p, err := change.PeekRegister(raw, ticket.FieldRequesterID)
		if err != nil || !p.Found || string(p.Value) == `""` {
			return nil
		}
		if r, err := change.DecodeRecord(raw); err == nil {
			x.put(r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("requester index: %w", err)
	}
	return x, nil
}

// holders returns the requesters that held email when last seen.
func (x *index) holders(email string) []string {
	var out []string
	for id := range x.byEmail[email] {
		out = append(out, id)
	}
	return out
}

// ticketsOf returns the tickets linked to requester id.
func (x *index) ticketsOf(id string) []string {
	var out []string
	for t, l := range x.links {
		if l.requester == id {
			out = append(out, t)
		}
	}
	return out
}

// openCounts counts the open tickets of every requester.
func (x *index) openCounts() map[string]int {
	out := map[string]int{}
	for _, l := range x.links {
		if l.open {
			out[l.requester]++
		}
	}
	return out
}
