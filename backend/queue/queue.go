// Package queue keeps the ticket queue in memory: summaries of every ticket,
// built from the store at start and kept current from its commit events, so that
// filtering and sorting the queue never touches the disk. It is derived data.
package queue

import (
	"cmp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/metrics"
	"outpost/backend/ticket"
)

// Filter selects and orders queue entries. Zero values select everything open.
type Filter struct {
	Text          string          `json:"text,omitempty"`
	Statuses      []ticket.Status `json:"statuses,omitempty"`
	Assignee      string          `json:"assignee,omitempty"`
	Unassigned    bool            `json:"unassigned,omitempty"`
	Priorities    []int           `json:"priorities,omitempty"`
	Category      string          `json:"category,omitempty"`
	Tag           string          `json:"tag,omitempty"`
	IncludeClosed bool            `json:"includeClosed,omitempty"`
	Sort          string          `json:"sort,omitempty"` // "priority" (default), "age", "updated", "sla" (most at risk first)
	Limit         int             `json:"limit,omitempty"`
	Offset        int             `json:"offset,omitempty"` // skip this many matches (a page further down the list)
}

// DefaultLimit caps a query that names no limit.
const DefaultLimit = 2000

// Result is one page of the queue and how many tickets matched in all.
type Result struct {
	Total   int   `json:"total"`
	Tickets []Row `json:"tickets"`
}

type entry struct {
	ticket.Summary
	search  string // lower-cased number, title, category, requester
	created int64  // the record's creation timestamp (hybrid logical clock), for cheap comparisons
	updated int64  // its last update's, likewise
	idKey   uint64 // the ID's first bytes, for cheap ordering (see byID)
	fact    metrics.Ticket
	model   atomic.Pointer[slaModel] // the SLA model of fact.Timeline under one engine (see risks); derived on first use
}

// Index is the in-memory queue. It is safe for concurrent use.
//
// It loads in the background (Start): first every ticket that may be open, so that the
// queue people look at is ready quickly, then the closed ones. A question about open
// tickets waits for the first phase only; one that needs closed tickets, for both.
type Index struct {
	st     *store.Store
	mu     sync.RWMutex
	items  entrySet // every ticket not deleted
	open   entrySet // the open ones among them: what most questions read
	cancel func()
	sla    slaSource

	stop      chan struct{}   // closed by Close: the loader gives up
	openReady chan struct{}   // closed once every open ticket is indexed
	allReady  chan struct{}   // closed once every ticket is
	touched   map[string]bool // tickets a commit indexed while loading: the loader's older copy is stale
	later     map[string]bool // tickets seen closed by the loader, still to be read in the second phase
	loadErr   error           // set before allReady closes
	complete  bool            // every stored ticket was read (not cut short by Close); set before allReady closes

	snapPath     string       // where the open tickets' snapshot is kept ("" for none; see snapshot.go)
	usedSnapshot bool         // the open tickets came from the snapshot; set before openReady closes
	vec          store.Vector // the version vector the index reflects (see noteIndexed); guarded by mu
}

// Options configure an index.
type Options struct {
	// Snapshot names a file for a derived copy of the open tickets: read at start to
	// answer the first questions before every ticket is read, rewritten at Close.
	Snapshot string
}

// Build indexes every ticket and subscribes the index to the store's commits; it
// returns once all are indexed.
func Build(st *store.Store) (*Index, error) {
	x := Start(st)
	<-x.allReady
	if x.loadErr != nil {
		x.cancel()
		return nil, x.loadErr
	}
	return x, nil
}

// Start returns an index that follows the store's commits at once and loads the tickets
// already stored in the background (see Index).
func Start(st *store.Store) *Index { return StartWith(st, Options{}) }

// StartWith is Start with options.
func StartWith(st *store.Store, o Options) *Index {
	x := &Index{st: st, items: newEntrySet(), open: newEntrySet(), stop: make(chan struct{}), openReady: make(chan struct{}), allReady: make(chan struct{}),
		touched: map[string]bool{}, later: map[string]bool{}, snapPath: o.Snapshot}
	x.cancel = st.Subscribe(x.onCommit)
	go x.load()
	return x
}

// Close stops following the store and loading from it. An index with a snapshot
// file that finished loading rewrites it.
func (x *Index) Close() {
	x.cancel()
	select {
	case <-x.stop:
	default:
		close(x.stop)
	}
	<-x.allReady
	if x.snapPath != "" && x.complete && x.loadErr == nil {
		_ = x.writeSnapshot(x.snapPath) // derived: without it the next start reads every ticket
	}
}

// Len returns the number of tickets, counting those not read yet.
func (x *Index) Len() int {
	<-x.openReady
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.items.len() + len(x.later)
}

// onCommit refreshes touched tickets. It runs on the store's committing goroutine and does not block.
// A commit of many tickets (a catch-up's part, an import's batch) reads them on every core.
func (x *Index) onCommit(e store.Event) {
	ids := e.Touched()[ticket.Kind]
	recs := make([]change.Record, 0, len(ids))
	for _, id := range ids {
		r, ok := e.Record(ticket.Kind, id)
		var err error
		if !ok {
			r, err = x.st.Get(ticket.Kind, id)
		}
		if err == nil {
			recs = append(recs, r)
		}
	}
	entries := entriesOf(recs)
	for i, r := range recs {
		x.install(r.ID, entries[i], true)
	}
	x.mu.Lock()
	x.noteIndexed(e)
	x.mu.Unlock()
}

// entriesParallelAbove is how many tickets one commit must touch for their entries to
// be built on every core: below it, starting goroutines costs more than it saves.
const entriesParallelAbove = 256

// entriesOf returns the queue entry of each record (nil for a deleted one), in order.
func entriesOf(recs []change.Record) []*entry {
	out := make([]*entry, len(recs))
	build := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			if !recs[i].Deleted() {
				out[i] = entryOf(recs[i])
			}
		}
	}
	n := runtime.GOMAXPROCS(0)
	if len(recs) < entriesParallelAbove || n < 2 {
		build(0, len(recs))
		return out
	}
	var wg sync.WaitGroup
	size := (len(recs) + n - 1) / n
	for lo := 0; lo < len(recs); lo += size {
		wg.Go(func() { build(lo, min(lo+size, len(recs))) })
	}
	wg.Wait()
	return out
}

// put indexes r. A commit's copy (fromCommit) always wins; the loader's copy is
// dropped when a commit indexed the ticket since the loader's snapshot was taken.
func (x *Index) put(r change.Record, fromCommit bool) {
	var en *entry
	if !r.Deleted() {
		en = entryOf(r)
	}
	x.install(r.ID, en, fromCommit)
}

// install indexes en as ticket id (nil: forgets it), as put does.
func (x *Index) install(id string, en *entry, fromCommit bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if fromCommit {
		if x.touched != nil {
			x.touched[id] = true
		}
		delete(x.later, id)
	} else if x.touched[id] {
		return
	}
	x.set(id, en)
}

// set indexes en as ticket id, or forgets the ticket when en is nil. x.mu must be held.
func (x *Index) set(id string, en *entry) {
	if en == nil {
		x.items.remove(id)
		x.open.remove(id)
		return
	}
	x.items.put(en)
	if en.Status.Open() {
		x.open.put(en)
	} else {
		x.open.remove(id)
	}
}

func entryOf(r change.Record) *entry {
	t := ticket.Brief(r) // the queue shows no comment or escalation text
	return &entry{
		Summary: t.Summary,
		// The clock's timestamps, not their millisecond wall time: tickets created or updated
		// within one millisecond still order as they happened.
		created: int64(r.Created),
		idKey:   idKey(r.ID),
		updated: int64(r.Updated),
		search:  strings.ToLower(t.Number + "\x00" + t.Title + "\x00" + t.Category + "\x00" + t.Requester.Name),
		fact:    factOf(t),
	}
}

// Query returns the tickets matching f in f's order.
func (x *Index) Query(f Filter) Result {
	x.wait(f.onlyOpen())
	text := strings.ToLower(strings.TrimSpace(f.Text))
	x.mu.RLock()
	matched := scan(x.scope(f.onlyOpen()), &entryBufs, func(part, out []*entry) []*entry {
		for _, e := range part {
			if f.matches(e, text) {
				out = append(out, e)
			}
		}
		return out
	})
	x.mu.RUnlock()
	defer func() { entryBufs.put(matched) }()
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	end := max(f.Offset, 0) + limit // only the tickets up to the page's end need ordering
	if f.Sort == SortSLA {
		rs := x.risks(matched)
		sortTop(rs, end, byRisk)
		for i := range rs {
			matched[i] = rs[i].e
		}
		riskBufs.put(rs)
	} else {
		sortTop(matched, end, order(f.Sort))
	}
	page := matched[min(max(f.Offset, 0), len(matched)):]
	page = page[:min(limit, len(page))]
	res := Result{Total: len(matched), Tickets: make([]Row, 0, len(page))}
	for _, e := range page {
		res.Tickets = append(res.Tickets, Row{Summary: e.Summary, SLA: x.badge(e)})
	}
	return res
}

// scope returns the open tickets or all of them. x.mu must be held.
func (x *Index) scope(openOnly bool) []*entry {
	if openOnly {
		return x.open.list
	}
	return x.items.list
}

// onlyOpen reports whether f selects open tickets only.
func (f *Filter) onlyOpen() bool {
	if len(f.Statuses) == 0 {
		return !f.IncludeClosed
	}
	for _, s := range f.Statuses {
		if !s.Open() {
			return false
		}
	}
	return true
}

func (f *Filter) matches(e *entry, text string) bool {
	switch {
	case !f.IncludeClosed && len(f.Statuses) == 0 && !e.Status.Open():
		return false
	case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, e.Status):
		return false
	case f.Unassigned && e.Assignee != "":
		return false
	case f.Assignee != "" && e.Assignee != f.Assignee:
		return false
	case len(f.Priorities) > 0 && !slices.Contains(f.Priorities, e.Priority):
		return false
	case f.Category != "" && !strings.EqualFold(e.Category, f.Category):
		return false
	case f.Tag != "" && !slices.Contains(e.Tags, f.Tag):
		return false
	case text != "" && !strings.Contains(e.search, text):
		return false
	}
	return true
}

func order(sort string) func(a, b *entry) int {
	// Comparisons return early: cmp.Or would evaluate every argument, comparing IDs
	// (strings) on each of the hundreds of thousands of comparisons a large queue makes.
	switch sort {
	case "age":
		return func(a, b *entry) int {
			if c := cmp.Compare(a.created, b.created); c != 0 {
				return c
			}
			return byID(a, b)
		}
	case "updated":
		return func(a, b *entry) int {
			if c := cmp.Compare(b.updated, a.updated); c != 0 {
				return c
			}
			return byID(a, b)
		}
	default:
		return func(a, b *entry) int {
			if c := cmp.Compare(a.Priority, b.Priority); c != 0 {
				return c
			}
			if c := cmp.Compare(a.created, b.created); c != 0 {
				return c
			}
			return byID(a, b)
		}
	}
}

// byID orders entries by ticket ID: by the IDs' first eight bytes as a number, then by the whole ID.
func byID(a, b *entry) int {
	if c := cmp.Compare(a.idKey, b.idKey); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// idKey is the first eight bytes of id as a big-endian number (zero-padded): comparing
// two keys agrees with comparing the IDs whenever the keys differ.
func idKey(id string) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(id) {
			k |= uint64(id[i])
		}
	}
	return k
}
