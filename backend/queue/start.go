package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"

	"outpost/backend/core/change"
	"outpost/backend/ticket"
)

// load reads the stored tickets in two phases (see Index). The first peeks at each
// record's status and deletion mark and decodes only the tickets that may be open; the
// second decodes the rest. A ticket a commit indexed meanwhile keeps the commit's copy.
func (x *Index) load() {
	defer close(x.allReady)
	x.mu.Lock() // a commit's event is noted before this (and counted in now) or after it
	now, verr := x.st.Vector()
	if verr == nil {
		x.vec = now // without it no snapshot is written: only the next start is slower
	}
	x.mu.Unlock()
	if verr == nil {
		if snap, ok := readSnapshot(x.snapPath, now); ok {
			x.loadFromSnapshot(snap)
			return
		}
	}
	var err error
	// The first phase decides when the window can show its queue: it runs on two cores
	// when there are two, over two ranges of ticket IDs (random base32, so about even).
	parts := [][2]string{{"", ""}}
	if runtime.NumCPU() > 1 {
		parts = [][2]string{{"", "j"}, {"j", ""}}
	}
	errs := make(chan error, len(parts))
	for _, part := range parts {
		go func() { errs <- x.st.ScanEncodedRange(ticket.Kind, part[0], part[1], x.firstLook) }()
	}
	for range parts {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	close(x.openReady)
	if err == nil {
		err = x.st.ScanEncoded(ticket.Kind, func(id string, raw []byte) error {
			if x.stopped() {
				return errStopped
			}
			x.mu.RLock()
			want := x.later[id]
			x.mu.RUnlock()
			if !want {
				return nil
			}
			r, err := change.DecodeRecord(raw)
			if err != nil {
				return fmt.Errorf("read ticket %s: %w", id, err)
			}
			en := entryOf(r)
			x.mu.Lock()
			if x.later[id] { // not indexed by a commit meanwhile
				delete(x.later, id)
				if !r.Deleted() {
					x.set(id, en)
				}
			}
			x.mu.Unlock()
			return nil
		})
	}
	x.finish(err)
}

// finish records how loading ended.
func (x *Index) finish(err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.complete = err == nil
	if errors.Is(err, errStopped) {
		err = nil // closed: nobody is waiting for the rest
	}
	x.loadErr = err
	x.touched, x.later = nil, map[string]bool{}
}

// loadFromSnapshot answers questions about open tickets from a snapshot taken at the
// store's current vector, then reads every stored ticket and replaces what the
// snapshot gave: the snapshot only lets the first page come before that read.
func (x *Index) loadFromSnapshot(snap []*entry) {
	x.mu.Lock()
	x.usedSnapshot = true
	for _, en := range snap {
		if !x.touched[en.ID] {
			x.set(en.ID, en)
		}
	}
	x.mu.Unlock()
	close(x.openReady)
	err := x.st.ScanEncoded(ticket.Kind, func(id string, raw []byte) error {
		if x.stopped() {
			return errStopped
		}
		x.mu.RLock()
		stale := x.touched[id]
		x.mu.RUnlock()
		if stale {
			return nil
		}
		r, err := change.DecodeRecord(raw)
		if err != nil {
			return fmt.Errorf("read ticket %s: %w", id, err)
		}
		x.put(r, false)
		return nil
	})
	x.finish(err)
}

// firstLook indexes a stored ticket that may be open and leaves a surely closed one for later.
func (x *Index) firstLook(id string, raw []byte) error {
	if x.stopped() {
		return errStopped
	}
	if closed, err := surelyClosed(raw); err == nil && closed {
		x.mu.Lock()
		if !x.touched[id] {
			x.later[id] = true
		}
		x.mu.Unlock()
		return nil
	}
	r, err := change.DecodeRecord(raw)
	if err != nil {
		return fmt.Errorf("read ticket %s: %w", id, err)
	}
	x.put(r, false)
	return nil
}

// errStopped ends loading when the index is closed.
var errStopped = errors.New("ticket queue closed while loading")

func (x *Index) stopped() bool {
	select {
	case <-x.stop:
		return true
	default:
		return false
	}
}

// surelyClosed reports whether an encoded ticket record is resolved or closed, not
// deleted, and without a concurrent status write (which FromRecord weighs): the
// tickets the first phase may leave for later. Anything else is read at once.
func surelyClosed(raw []byte) (bool, error) {
	regs, err := change.PeekRegisters(raw, change.FieldDeleted, "status")
	if err != nil || regs[0].Found {
		return false, err
	}
	st := regs[1]
	if !st.Found || st.Conflict {
		return false, nil
	}
	var s ticket.Status
	if err := json.Unmarshal(st.Value, &s); err != nil {
		return false, nil
	}
	return !s.Open(), nil
}

// wait blocks until the tickets a question needs are indexed: the open ones, or all.
func (x *Index) wait(openOnly bool) {
	if openOnly {
		<-x.openReady
	} else {
		<-x.allReady
	}
}

// Loaded reports whether every stored ticket is indexed (closed ones load after the open ones).
func (x *Index) Loaded() bool {
	select {
	case <-x.allReady:
		return true
	default:
		return false
	}
}

// Err returns what stopped the index from loading the stored tickets, if anything did.
func (x *Index) Err() error {
	<-x.allReady
	return x.loadErr
}
