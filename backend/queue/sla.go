package queue

import (
	"cmp"
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

// risk is an entry's place in the SLA order: the share of its target most at risk.
type risk struct {
	e     *entry
	share float64 // -1 for a ticket without a badge (closed, or no engine)
}

// risks measures every entry's SLA share at once (Engine.Measure: no due times, no
// labels), to sort by it; the page's badges are computed afterwards, for its rows only.
func (x *Index) risks(es []*entry) []risk {
	e, now := x.engine()
	return scan(es, &riskBufs, func(part []*entry, out []risk) []risk {
		for _, en := range part {
			r := risk{e: en, share: -1}
			if e != nil && en.Status.Open() {
				r.share = en.riskAt(e, now)
			}
			out = append(out, r)
		}
		return out
	})
}

// slaModel is an entry's sla.Model under one engine: an entry never changes (a
// commit makes a new one), so the model holds until the team's SLA settings do.
type slaModel struct {
	engine *sla.Engine
	m      sla.Model
}

// riskAt is the share of the target most at risk at now: from the entry's model, one
// calendar lookup per running clock, where Measure would walk the whole timeline.
func (en *entry) riskAt(e *sla.Engine, now time.Time) float64 {
	mc := en.model.Load()
	if mc == nil || mc.engine != e {
		mc = &slaModel{engine: e, m: e.Model(en.fact.Timeline)}
		en.model.Store(mc)
	}
	if !mc.m.Valid() || now.Before(mc.m.Last) {
		return riskShare(e.Measure(en.fact.Timeline, now)) // a clock behind the ticket's last event
	}
	if !mc.m.Open {
		return -1
	}
	resp, responded, res := mc.m.Shares(now)
	if !responded && resp >= res {
		return resp
	}
	return res
}

// riskShare is the Share of r.Badge() without building the badge: the response
// target while it is not met and at least as used as the resolution target.
func riskShare(r sla.Result) float64 {
	if !r.Open {
		return -1
	}
	if !r.Response.Done && r.Response.Share >= r.Resolution.Share {
		return r.Response.Share
	}
	return r.Resolution.Share
}

func (x *Index) badge(en *entry) *sla.Badge {
	e, now := x.engine()
	if e == nil || !en.Status.Open() {
		return nil
	}
	return e.Evaluate(en.fact.Timeline, now).Badge()
}

func byRisk(a, c risk) int {
	if x := cmp.Compare(c.share, a.share); x != 0 {
		return x
	}
	if x := cmp.Compare(a.e.created, c.e.created); x != 0 {
		return x
	}
	return byID(a.e, c.e)
}

// OpenSLA calls fn with the SLA state of every open ticket at now, using engine.
func (x *Index) OpenSLA(engine *sla.Engine, now time.Time, fn func(ticket.Summary, sla.Result)) {
	x.wait(true)
	x.mu.RLock()
	open := make([]*entry, 0, x.items.len()/4)
	for _, e := range x.open.list {
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
	out := make([]metrics.Ticket, 0, x.items.len())
	for _, e := range x.items.list {
		out = append(out, e.fact)
	}
	return out
}

// Timeline returns one ticket's timeline, if the ticket is indexed.
func (x *Index) Timeline(id string) (sla.Timeline, bool) {
	x.wait(true)
	x.mu.RLock()
	e, ok := x.items.get(id)
	x.mu.RUnlock()
	if !ok && !x.Loaded() { // perhaps a closed ticket not read yet
		x.wait(false)
		x.mu.RLock()
		e, ok = x.items.get(id)
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
