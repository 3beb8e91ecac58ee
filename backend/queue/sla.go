package queue

import (
	"cmp"
	"strings"
	"sync/atomic"
	"time"

	"outpost/backend/metrics"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// SortSLA orders the queue by SLA risk: the largest share of a target used first
// (breached tickets, most overdue first), then the oldest.
const SortSLA = "sla"

// Row is one ticket in the queue. SLA is present on open tickets once the SLA engine
// is set (see sla.Badge for its JSON shape); it is computed at query time, never stored.
type Row struct {
	ticket.Summary
	SLA *sla.Badge `json:"sla,omitempty"`
}

// slaSource is how the index reaches the SLA engine and the current time.
type slaSource struct {
	v atomic.Pointer[slaFuncs]
}

type slaFuncs struct {
	engine func() *sla.Engine
	now    func() time.Time
}

// SetSLA lets queries carry SLA badges and sort by risk: engine returns the team's
// current engine (nil for none), now the current time.
func (x *Index) SetSLA(engine func() *sla.Engine, now func() time.Time) {
	x.sla.v.Store(&slaFuncs{engine: engine, now: now})
}

func (x *Index) engine() (*sla.Engine, time.Time) {
	f := x.sla.v.Load()
	if f == nil {
		return nil, time.Time{}
	}
	return f.engine(), f.now()
}

// badges computes the badges of every open entry when all is set (to sort by them);
// otherwise it returns nil and badge computes them for the returned page only.
func (x *Index) badges(es []*entry, all bool) map[*entry]*sla.Badge {
	e, now := x.engine()
	if e == nil || !all {
		return nil
	}
	out := make(map[*entry]*sla.Badge, len(es))
	for _, en := range es {
		if en.Status.Open() {
			out[en] = e.Evaluate(en.fact.Timeline, now).Badge()
		}
	}
	return out
}

func (x *Index) badge(computed map[*entry]*sla.Badge, en *entry) *sla.Badge {
	if b, ok := computed[en]; ok {
		return b
	}
	e, now := x.engine()
	if e == nil || !en.Status.Open() {
		return nil
	}
	return e.Evaluate(en.fact.Timeline, now).Badge()
}

func byRisk(b map[*entry]*sla.Badge) func(a, c *entry) int {
	share := func(e *entry) float64 {
		if x := b[e]; x != nil {
			return x.Share
		}
		return -1
	}
	return func(a, c *entry) int {
		return cmp.Or(cmp.Compare(share(c), share(a)), a.Created.Compare(c.Created), strings.Compare(a.ID, c.ID))
	}
}

// OpenSLA calls fn with the SLA state of every open ticket at now, using engine.
func (x *Index) OpenSLA(engine *sla.Engine, now time.Time, fn func(ticket.Summary, sla.Result)) {
	x.wait(true)
	x.mu.RLock()
	open := make([]*entry, 0, len(x.items)/4)
	for _, e := range x.items {
		if e.Status.Open() {
			open = append(open, e)
		}
	}
	x.mu.RUnlock()
	for _, e := range open {
		fn(e.Summary, engine.Evaluate(e.fact.Timeline, now))
	}
}

// Facts returns what the reports need of every ticket. The values are shared and must not be changed.
func (x *Index) Facts() []metrics.Ticket {
	x.wait(false)
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]metrics.Ticket, 0, len(x.items))
	for _, e := range x.items {
		out = append(out, e.fact)
	}
	return out
}

// Timeline returns one ticket's timeline, if the ticket is indexed.
func (x *Index) Timeline(id string) (sla.Timeline, bool) {
	x.wait(true)
	x.mu.RLock()
	e, ok := x.items[id]
	x.mu.RUnlock()
	if !ok && !x.Loaded() { // perhaps a closed ticket not read yet
		x.wait(false)
		x.mu.RLock()
		e, ok = x.items[id]
		x.mu.RUnlock()
	}
	if !ok {
		return sla.Timeline{}, false
	}
	return e.fact.Timeline, true
}

func factOf(t ticket.Ticket) metrics.Ticket {
	f := metrics.Ticket{ID: t.ID, Number: t.Number, Title: t.Title, Category: t.Category, Source: string(t.Source),
		Assignee: t.Assignee, Priority: t.Priority, Timeline: t.Timeline()}
	for _, w := range t.WorkLogs {
		f.WorkLogs = append(f.WorkLogs, metrics.WorkLog{By: w.Author, At: w.At, Minutes: w.Minutes})
	}
	return f
}
