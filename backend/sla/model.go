package sla

import "time"

// Model is a ticket's SLA measure reduced to what still changes with time: the time
// each target has counted up to the ticket's last event, and whether its clock runs
// on from there. For any instant at or after Last, Shares gives exactly the shares
// Measure gives, with one calendar lookup per running clock instead of a walk of the
// whole timeline: what ordering a large queue by SLA risk needs, every query.
type Model struct {
	Open bool
	Last time.Time // the last event (or creation): Shares holds from here on
	resp target
	res  target
	ok   bool
}

type target struct {
	done    bool          // met (response), so the clock no longer counts
	running bool          // the clock counts on after Last
	elapsed time.Duration // counted up to Last
	length  time.Duration // the target
	clock   *Clock
}

// Model prepares the model of timeline tl. Its Valid is false for a timeline whose
// events are out of order (Measure then stays the way to ask).
func (e *Engine) Model(tl Timeline) Model {
	last := tl.Created
	for i, ev := range tl.Events {
		if i > 0 && ev.At.Before(tl.Events[i-1].At) {
			return Model{}
		}
		if ev.At.After(last) {
			last = ev.At
		}
	}
	r := e.evaluate(tl, last, false)
	m := Model{Open: r.Open, Last: last, ok: true}
	m.resp = e.modelOf(r.Response, r.Open && !r.Response.Done && !r.Response.Paused)
	m.res = e.modelOf(r.Resolution, r.Open && !r.Resolution.Paused)
	return m
}

func (e *Engine) modelOf(p Progress, running bool) target {
	clock, _, _ := e.clockFor(p.Priority)
	return target{done: p.Done, running: running, elapsed: p.Elapsed, length: p.Target, clock: clock}
}

// Valid reports whether the model can answer for instants at or after Last.
func (m Model) Valid() bool { return m.ok }

// Shares returns the shares of the response and resolution targets used at now
// (Progress.Share of Measure(tl, now)), and whether the response target was met.
// now must not be before Last.
func (m Model) Shares(now time.Time) (response float64, responded bool, resolution float64) {
	return m.resp.share(m.Last, now), m.resp.done, m.res.share(m.Last, now)
}

func (t target) share(last, now time.Time) float64 {
	elapsed := t.elapsed
	if t.running {
		elapsed += t.clock.Between(last, now)
	}
	return float64(elapsed) / float64(t.length)
}
