package queue

import (
	"runtime"
	"sync"
)

// entrySet holds entries by ticket ID in a slice: a question walks contiguous
// memory, and a large walk is cut into parts for several cores (scan).
type entrySet struct {
	at   map[string]int // ticket ID -> index in list
	list []*entry
}

func newEntrySet() entrySet { return entrySet{at: map[string]int{}} }

func (s *entrySet) get(id string) (*entry, bool) {
	i, ok := s.at[id]
	if !ok {
		return nil, false
	}
	return s.list[i], true
}

// put adds en, or replaces the entry of the same ticket.
func (s *entrySet) put(en *entry) {
	if i, ok := s.at[en.ID]; ok {
		s.list[i] = en
		return
	}
	s.at[en.ID] = len(s.list)
	s.list = append(s.list, en)
}

// remove forgets ticket id: the last entry takes its place.
func (s *entrySet) remove(id string) {
	i, ok := s.at[id]
	if !ok {
		return
	}
	last := len(s.list) - 1
	if i != last {
		s.list[i] = s.list[last]
		s.at[s.list[i].ID] = i
	}
	s.list[last] = nil
	s.list = s.list[:last]
	delete(s.at, id)
}

func (s *entrySet) len() int { return len(s.list) }

// scanParallelAbove is the size from which scan uses every core: below it, starting
// goroutines costs more than it saves.
const scanParallelAbove = 20_000

// slicePool recycles the slices a question collects its matches in: at 100,000
// tickets each is most of a megabyte, and allocating them for every question made the
// collector run often over a heap of 100,000 entries, a tail of tens of milliseconds.
type slicePool[T any] struct{ p sync.Pool }

func (sp *slicePool[T]) get() []T {
	if b, ok := sp.p.Get().(*[]T); ok {
		return (*b)[:0]
	}
	return nil
}

// put returns s for reuse; it must not be used afterwards.
func (sp *slicePool[T]) put(s []T) {
	clear(s) // keep no entry alive from here
	s = s[:0]
	sp.p.Put(&s)
}

var (
	entryBufs slicePool[*entry]
	riskBufs  slicePool[risk]
)

// scan calls fn on consecutive parts of es, at once on every core for a large es,
// and returns the parts' results in order, in a slice from pool (put it back when done).
// fn appends its results to dst and returns it.
func scan[T any](es []*entry, pool *slicePool[T], fn func(part []*entry, dst []T) []T) []T {
	n := runtime.GOMAXPROCS(0)
	if len(es) < scanParallelAbove || n < 2 {
		return fn(es, pool.get())
	}
	parts := make([][]T, n)
	var wg sync.WaitGroup
	size := (len(es) + n - 1) / n
	for i := range n {
		lo, hi := min(i*size, len(es)), min((i+1)*size, len(es))
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i] = fn(es[lo:hi], pool.get())
		}()
	}
	wg.Wait()
	out := parts[0]
	for _, p := range parts[1:] {
		out = append(out, p...)
		pool.put(p)
	}
	return out
}
