package store

import (
	"slices"

	"outpost/backend/core/change"
)

// Event tells subscribers that changes were committed, locally or from a peer.
type Event struct {
	Local   bool            // made on this device (to be sent to peers)
	Changes []change.Change // in commit order
	recs    map[string]change.Record
}

// Record returns the committed state of a record the event touched, as the commit
// wrote it, so that a subscriber need not read it back from the store (a read
// waits for Badger's commit watermark, which can take milliseconds on a busy
// machine, all of it on the committing goroutine). It reports false when the
// event does not hold the record; read it with Store.Get then. The record is
// shared and immutable: do not modify it.
func (e Event) Record(kind, id string) (change.Record, bool) {
	r, ok := e.recs[kind+"/"+id]
	return r, ok && r.Kind == kind
}

// Touched returns the IDs of the records the event changed, by kind.
func (e Event) Touched() map[string][]string {
	out := map[string][]string{}
	for _, c := range e.Changes {
		if !slices.Contains(out[c.Kind], c.Entity) {
			out[c.Kind] = append(out[c.Kind], c.Entity)
		}
	}
	return out
}

// Subscribe calls fn after every commit, on the committing goroutine, in commit order.
// fn must not block and must not write to the store. It returns a function that unsubscribes.
func (s *Store) Subscribe(fn func(Event)) (cancel func()) {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	id := s.nextID
	s.nextID++
	if s.subs != nil {
		s.subs[id] = fn
	}
	return func() {
		s.subMu.Lock()
		defer s.subMu.Unlock()
		delete(s.subs, id)
	}
}

func (s *Store) publish(e Event) {
	s.subMu.Lock()
	fns := make([]func(Event), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.subMu.Unlock()
	for _, fn := range fns {
		fn(e)
	}
}

func (s *Store) isClosed() bool {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	return s.closed
}
