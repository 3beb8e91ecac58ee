package queue

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"outpost/backend/core/store"
	"outpost/backend/metrics"
	"outpost/backend/ticket"
)

// A snapshot is a derived copy of the open tickets' queue entries, written when
// the index closes and read when it starts, so that the window's first page needs
// no pass over every stored ticket. It is never the truth: it is used only when it
// was taken at exactly the store's current version vector (the same changes fold
// to the same tickets), and the background load then reads every ticket from the
// store and replaces each entry it gave. A missing, stale or unreadable snapshot
// costs only the faster start.
const snapshotFormat = 3 // 2: entries count attachments; 3: and carry the source

type snapshot struct {
	Format  int
	Vector  store.Vector
	Entries []snapEntry
}

type snapEntry struct {
	Summary ticket.Summary
	Search  string
	Created int64
	Updated int64
	Fact    metrics.Ticket
}

// indexed is the version vector of the changes the index reflects: the store's vector
// when loading began, advanced by every commit since. Guarded by x.mu.
func (x *Index) noteIndexed(e store.Event) {
	if x.vec == nil {
		return
	}
	for _, c := range e.Changes {
		x.vec[c.Device] = max(x.vec[c.Device], c.Seq)
	}
}

// writeSnapshot saves the open tickets' entries with the vector they reflect. It is
// called once loading has finished; the file is replaced whole (write, sync, rename).
func (x *Index) writeSnapshot(path string) error {
	x.mu.RLock()
	s := snapshot{Format: snapshotFormat, Vector: maps.Clone(x.vec), Entries: make([]snapEntry, 0, x.open.len())}
	for _, e := range x.open.list {
		s.Entries = append(s.Entries, snapEntry{Summary: e.Summary, Search: e.search, Created: e.created, Updated: e.updated, Fact: e.fact})
	}
	x.mu.RUnlock()
	if s.Vector == nil {
		return errors.New("queue snapshot: no vector")
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("queue snapshot: %w", err)
	}
	w := bufio.NewWriter(f)
	err = gob.NewEncoder(w).Encode(&s)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("queue snapshot: %w", err)
	}
	return nil
}

// readSnapshot returns the entries of the snapshot at path if it was taken at vector
// now, and removes the file either way: a later start must not trust it again once
// the store has moved on without it being rewritten.
func readSnapshot(path string, now store.Vector) ([]*entry, bool) {
	if path == "" {
		return nil, false
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer func() { f.Close(); _ = os.Remove(path) }()
	var s snapshot
	if err := gob.NewDecoder(bufio.NewReader(f)).Decode(&s); err != nil || s.Format != snapshotFormat || !sameVector(s.Vector, now) {
		return nil, false
	}
	out := make([]*entry, 0, len(s.Entries))
	for _, se := range s.Entries {
		if se.Summary.ID == "" || !se.Summary.Status.Open() {
			return nil, false
		}
		if se.Summary.Tags == nil {
			se.Summary.Tags = []string{} // gob gives nil for an empty list; the UI reads "tags": []
		}
		out = append(out, &entry{Summary: se.Summary, search: se.Search, created: se.Created, updated: se.Updated,
			idKey: idKey(se.Summary.ID), fact: se.Fact})
	}
	return out, true
}

func sameVector(a, b store.Vector) bool {
	if len(a) != len(b) {
		return false
	}
	for d, s := range a {
		if b[d] != s {
			return false
		}
	}
	return true
}

// SnapshotPath is where an index started with Options.Snapshot keeps its snapshot in dataDir.
func SnapshotPath(dataDir string) string { return filepath.Join(dataDir, "queue-open.snapshot") }
