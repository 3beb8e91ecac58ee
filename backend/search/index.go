// Package search keeps a full-text index (bleve) of tickets and SOPs. The index
// is derived data: it is rebuilt from the store when missing or stale, catches
// up from the change log when it is behind, and follows the store's commits on
// its own goroutine. It is never a source of truth: deleting it loses nothing.
package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// Internal keys kept inside the index, written in the same batch as the
// documents they describe, so after a crash they still match what was persisted.
var (
	keySchema = []byte("schema") // schemaVersion
	keyVector = []byte("vector") // JSON store.Vector of the changes the index reflects
)

// batchSize is how many documents go into one index batch.
const batchSize = 1000

// Options configure Open.
type Options struct {
	Dir    string       // directory of the index; "" keeps it in memory
	Logger *slog.Logger // defaults to slog.Default()
	Files  Files        // the attachments' bytes, for text attachments; nil indexes none
}

// Status tells the UI whether results may be incomplete.
type Status struct {
	Ready   bool   `json:"ready"`   // the start-up build or catch-up is done
	Rebuilt bool   `json:"rebuilt"` // the index was missing or stale and was rebuilt
	Docs    uint64 `json:"docs"`
	Pending int    `json:"pending"` // records waiting to be indexed
}

type docKey struct{ kind, id string }

// start says what the worker must do before following commits.
type start int

const (
	startReady start = iota
	startCatchUp
	startRebuild
)

// Index is the search index over one store. It is safe for concurrent use.
type Index struct {
	st       *store.Store
	idx      bleve.Index
	log      *slog.Logger
	analyzer analysis.Analyzer
	files    Files
	unsub    func()

	mu       sync.Mutex
	pending  map[docKey]struct{}
	awaiting map[blob.Hash][]docKey // text attachments not here yet -> the records that carry them
	seen     store.Vector           // highest sequence per device among the commits received
	received uint64                 // commits received
	indexed  uint64                 // commits indexed
	ready    bool
	rebuilt  bool
	progress chan struct{} // closed and replaced whenever indexed or ready changes

	// owned by the worker goroutine
	vec    store.Vector // the changes the index reflects
	dirty  bool         // vec advanced without a document batch to carry it
	broken bool         // a batch failed: the stored vector must not advance this session

	wake   chan struct{}
	stop   chan struct{}
	exited chan struct{}
}

// Open opens (or creates) the index for st and starts following its commits.
// It returns at once; a rebuild or catch-up runs in the background (see Status and Flush).
func Open(st *store.Store, opts Options) (*Index, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("search mapping: %w", err)
	}
	x := &Index{
		st: st, log: opts.Logger, files: opts.Files, pending: map[docKey]struct{}{}, seen: store.Vector{}, awaiting: map[blob.Hash][]docKey{},
		progress: make(chan struct{}), wake: make(chan struct{}, 1), stop: make(chan struct{}), exited: make(chan struct{}),
	}
	x.unsub = st.Subscribe(x.onCommit) // before reading the vector: no commit falls between
	idx, marker, err := openBleve(opts.Dir, m, x.log)
	if err != nil {
		x.unsub()
		return nil, err
	}
	x.idx = idx
	x.analyzer = idx.Mapping().AnalyzerNamed(en.AnalyzerName)
	now, err := st.Vector()
	if err != nil {
		x.unsub()
		_ = idx.Close()
		return nil, err
	}
	plan := startRebuild
	switch {
	case marker != nil && maps.Equal(marker, now):
		plan = startReady
	case marker != nil && covers(now, marker):
		plan = startCatchUp
	case marker != nil: // the index knows changes the store does not (a restored store): start over
		if x.idx, err = recreate(idx, opts.Dir, m); err != nil {
			x.unsub()
			return nil, err
		}
	}
	x.rebuilt = plan == startRebuild
	go x.run(plan, marker, now)
	return x, nil
}

// openBleve opens the index in dir, or creates it; marker is the vector the
// index reflects, nil when it must be rebuilt.
func openBleve(dir string, m mapping.IndexMapping, log *slog.Logger) (bleve.Index, store.Vector, error) {
	if dir == "" {
		idx, err := bleve.NewMemOnly(m)
		if err != nil {
			return nil, nil, fmt.Errorf("create search index: %w", err)
		}
		return idx, nil, nil
	}
	idx, err := bleve.Open(dir)
	if err == nil {
		marker, ok := readMarker(idx)
		if ok {
			return idx, marker, nil
		}
		log.Info("search index is from another version or incomplete; rebuilding it")
		idx, err = recreate(idx, dir, m)
		return idx, nil, err
	}
	if !errors.Is(err, bleve.ErrorIndexPathDoesNotExist) {
		log.Warn("search index unreadable; rebuilding it", "err", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, nil, fmt.Errorf("remove search index: %w", err)
	}
	idx, err = bleve.New(dir, m)
	if err != nil {
		return nil, nil, fmt.Errorf("create search index: %w", err)
	}
	return idx, nil, nil
}

// recreate closes idx and starts an empty index in its place.
func recreate(idx bleve.Index, dir string, m mapping.IndexMapping) (bleve.Index, error) {
	_ = idx.Close()
	if dir == "" {
		return bleve.NewMemOnly(m)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("remove search index: %w", err)
	}
	idx, err := bleve.New(dir, m)
	if err != nil {
		return nil, fmt.Errorf("create search index: %w", err)
	}
	return idx, nil
}

func readMarker(idx bleve.Index) (store.Vector, bool) {
	schema, err := idx.GetInternal(keySchema)
	if err != nil || string(schema) != schemaVersion {
		return nil, false
	}
	raw, err := idx.GetInternal(keyVector)
	if err != nil || raw == nil {
		return nil, false
	}
	var v store.Vector
	if json.Unmarshal(raw, &v) != nil || v == nil {
		return nil, false
	}
	return v, true
}

// covers reports whether vector a holds every change b holds.
func covers(a, b store.Vector) bool {
	for d, seq := range b {
		if a[d] < seq {
			return false
		}
	}
	return true
}

// onCommit notes the records a commit touched. It runs on the committing
// goroutine, in commit order, and never blocks.
func (x *Index) onCommit(e store.Event) {
	x.mu.Lock()
	for _, c := range e.Changes {
		if indexed(c.Kind) {
			x.pending[docKey{c.Kind, c.Entity}] = struct{}{}
		}
		x.seen[c.Device] = max(x.seen[c.Device], c.Seq)
	}
	x.received++
	x.mu.Unlock()
	x.wakeUp()
}

// wakeUp tells the worker there are records to index; it never blocks.
func (x *Index) wakeUp() {
	select {
	case x.wake <- struct{}{}:
	default:
	}
}

// run builds or catches up, then indexes commits as they arrive, until Close.
func (x *Index) run(plan start, marker, now store.Vector) {
	defer close(x.exited)
	var err error
	switch plan {
	case startReady:
		x.vec = marker
	case startCatchUp:
		err = x.catchUp(marker)
	case startRebuild:
		err = x.rebuild(now)
	}
	if err != nil && !x.stopping() {
		x.log.Error("search index build failed; search results may be incomplete", "err", err)
		x.broken = true
	}
	x.mu.Lock()
	x.ready = true
	x.notifyLocked()
	x.mu.Unlock()
	for {
		select {
		case <-x.stop:
			return
		case <-x.wake:
			if !x.settle() {
				return
			}
			x.drain()
		}
	}
}

// Commits are indexed once the store has been quiet for settleQuiet, or settleMost
// after the first of them: a burst (an import, a bulk edit, someone typing fast) is
// indexed in one batch after it, and the writes in it do not queue behind indexing.
// A flood of records (a new device's first catch-up, pending at least bulkPending
// documents) is indexed once it has stopped for quietBulk, or every settleBulk during
// a long one: indexing stays behind the data and leaves the cores to applying it, in
// one pass after it (Status.Pending says how far behind).
const (
	settleQuiet = 50 * time.Millisecond
	settleMost  = time.Second
	settleBulk  = time.Minute
	quietBulk   = time.Second
	bulkPending = 2 * batchSize
)

// settle waits until commits have stopped for settleQuiet (or settleMost has passed;
// quietBulk and settleBulk during a flood). It reports false when the index is closing.
func (x *Index) settle() bool {
	began := time.Now()
	deadline, quiet := began.Add(settleMost), settleQuiet
	for {
		x.mu.Lock()
		if len(x.pending) >= bulkPending {
			deadline, quiet = began.Add(settleBulk), quietBulk
		}
		x.mu.Unlock()
		t := time.NewTimer(min(quiet, time.Until(deadline)))
		select {
		case <-x.stop:
			t.Stop()
			return false
		case <-x.wake: // another commit: wait for quiet again, up to the deadline
			t.Stop()
			if time.Now().Before(deadline) {
				continue
			}
			return true
		case <-t.C:
			return true
		}
	}
}

func (x *Index) stopping() bool {
	select {
	case <-x.stop:
		return true
	default:
		return false
	}
}

// rebuild indexes every ticket and SOP in the store; now is a vector read before the scan.
func (x *Index) rebuild(now store.Vector) error {
	// Full batches are indexed on a goroutine of their own while the next is read and
	// built from the store: reading records and analysing text take the two cores
	// together. Batches are indexed in order, and the marker goes in the last one.
	full := make(chan *bleve.Batch, 1)
	var failed atomic.Pointer[error]
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		for b := range full {
			if failed.Load() == nil {
				if err := x.idx.Batch(b); err != nil {
					failed.Store(&err)
				}
			}
		}
	}()
	b := x.idx.NewBatch()
	var err error
	for _, kind := range indexedKinds {
		err = x.st.Scan(kind, func(r change.Record) error {
			if doc, ok := x.document(r); ok {
				if err := b.Index(docID(kind, r.ID), doc); err != nil {
					return err
				}
			}
			if b.Size() >= batchSize {
				if x.stopping() {
					return errStopped
				}
				if e := failed.Load(); e != nil {
					return *e
				}
				full <- b
				b = x.idx.NewBatch()
			}
			return nil
		})
		if err != nil {
			break
		}
	}
	close(full)
	<-indexed
	if e := failed.Load(); e != nil && err == nil {
		err = *e
	}
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	x.vec = now
	return x.commit(b)
}

var errStopped = errors.New("search index closing")

// catchUp reindexes the records changed after marker, read from the change log.
func (x *Index) catchUp(marker store.Vector) error {
	have := maps.Clone(marker)
	keys := map[docKey]struct{}{}
	for !x.stopping() {
		cs, err := x.st.ChangesAfter(have, 4<<20)
		if err != nil {
			return fmt.Errorf("catch up search index: %w", err)
		}
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			if indexed(c.Kind) {
				keys[docKey{c.Kind, c.Entity}] = struct{}{}
			}
			have[c.Device] = max(have[c.Device], c.Seq)
		}
	}
	x.log.Debug("search index catching up", "records", len(keys))
	return x.index(keys, have)
}

// drain indexes the records touched by the commits received so far.
func (x *Index) drain() {
	x.mu.Lock()
	keys, seen, target := x.pending, maps.Clone(x.seen), x.received
	x.pending = map[docKey]struct{}{}
	x.mu.Unlock()
	vec := maps.Clone(x.vec)
	if vec == nil {
		vec = store.Vector{}
	}
	for d, s := range seen {
		vec[d] = max(vec[d], s)
	}
	if err := x.index(keys, vec); err != nil && !x.stopping() {
		x.log.Error("search index update failed; it will catch up at the next start", "err", err)
		x.broken = true
	}
	x.mu.Lock()
	x.indexed = target
	x.notifyLocked()
	x.mu.Unlock()
}

// index re-reads the given records from the store and writes them, with vec as
// the new marker in the last batch.
func (x *Index) index(keys map[docKey]struct{}, vec store.Vector) error {
	b := x.idx.NewBatch()
	for k := range keys {
		r, err := x.st.Get(k.kind, k.id)
		switch {
		case errors.Is(err, store.ErrNotFound):
			b.Delete(docID(k.kind, k.id))
		case err != nil:
			return err
		default:
			if doc, ok := x.document(r); ok {
				if err := b.Index(docID(k.kind, k.id), doc); err != nil {
					return err
				}
			} else {
				b.Delete(docID(k.kind, k.id))
			}
		}
		if b.Size() >= batchSize {
			if x.stopping() {
				return errStopped // the marker stays: the next start indexes these again
			}
			if err := x.idx.Batch(b); err != nil {
				return err
			}
			b.Reset()
		}
	}
	x.vec = vec
	if len(keys) == 0 {
		x.dirty = true // carried by the next batch, or written at Close
		return nil
	}
	return x.commit(b)
}

// commit writes b with the marker of what the index now reflects.
func (x *Index) commit(b *bleve.Batch) error {
	if !x.broken {
		raw, err := json.Marshal(x.vec)
		if err != nil {
			return err
		}
		b.SetInternal(keySchema, []byte(schemaVersion))
		b.SetInternal(keyVector, raw)
		x.dirty = false
	}
	if err := x.idx.Batch(b); err != nil {
		return fmt.Errorf("write search index: %w", err)
	}
	return nil
}

func (x *Index) notifyLocked() {
	close(x.progress)
	x.progress = make(chan struct{})
}

// Flush waits until every commit made before the call is searchable.
func (x *Index) Flush(ctx context.Context) error {
	x.mu.Lock()
	target := x.received
	x.mu.Unlock()
	for {
		x.mu.Lock()
		done, ch := x.ready && x.indexed >= target, x.progress
		x.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-x.exited:
			return errStopped
		case <-ch:
		}
	}
}

// Status reports whether the index is complete.
func (x *Index) Status() Status {
	n, _ := x.idx.DocCount()
	x.mu.Lock()
	defer x.mu.Unlock()
	return Status{Ready: x.ready, Rebuilt: x.rebuilt, Docs: n, Pending: len(x.pending)}
}

// Close stops following the store, records what the index reflects, and closes it.
// Close it before the store.
func (x *Index) Close() error {
	x.unsub()
	close(x.stop)
	<-x.exited
	if x.dirty && !x.broken {
		if err := x.commit(x.idx.NewBatch()); err != nil {
			x.log.Warn("search index marker not saved", "err", err)
		}
	}
	if err := x.idx.Close(); err != nil {
		return fmt.Errorf("close search index: %w", err)
	}
	return nil
}
