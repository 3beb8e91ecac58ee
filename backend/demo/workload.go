package demo

import (
	"slices"
	"time"

	"outpost/backend/ticket"
)

// workload follows how many open tickets each technician holds while the plan is drawn,
// so that a ticket goes to someone with room under the team's open-ticket limit, the way
// a lead dispatches. Tickets are planned in the order they arrive; every later question
// is asked at or after the current ticket's arrival, so holds that ended before it are dropped.
type workload struct {
	limit int
	holds [][]hold // by technician index
}

// hold is a time a technician owned an open ticket; to is zero while it is still open.
type hold struct{ from, to time.Time }

func newWorkload(techs, limit int) *workload {
	return &workload{limit: limit, holds: make([][]hold, techs)}
}

// open counts the tickets tech holds open at t.
func (w *workload) open(tech int16, t time.Time) int {
	n := 0
	for _, h := range w.holds[tech] {
		if !h.from.After(t) && (h.to.IsZero() || t.Before(h.to)) {
			n++
		}
	}
	return n
}

// roomy reports whether tech can take one more ticket at t.
func (w *workload) roomy(tech int16, t time.Time) bool { return w.open(tech, t) < w.limit }

// forget drops the holds that ended before t.
func (w *workload) forget(t time.Time) {
	for i, hs := range w.holds {
		kept := hs[:0]
		for _, h := range hs {
			if h.to.IsZero() || h.to.After(t) {
				kept = append(kept, h)
			}
		}
		w.holds[i] = kept
	}
}

// add records who held one ticket open when, from its planned actions in order.
func (w *workload) add(evs []event) {
	owner := int16(-1)
	var from time.Time
	holding := false
	release := func(at time.Time) {
		if holding {
			w.holds[owner] = append(w.holds[owner], hold{from, at})
			holding = false
		}
	}
	for _, e := range evs {
		switch {
		case e.Step == stepAssign || e.Step == stepEscalate:
			release(e.At)
			owner, from, holding = e.To, e.At, true
		case e.Step == stepStatus && (e.Status == ticket.StatusResolved || e.Status == ticket.StatusClosed):
			release(e.At)
		case e.Step == stepStatus && e.Status == ticket.StatusReopened && owner >= 0:
			from, holding = e.At, true
		}
	}
	if holding {
		w.holds[owner] = append(w.holds[owner], hold{from: from})
	}
}

// rebalance hands tickets from whoever holds more than the limit open at end to teammates
// of at least the ticket's tier with room, the least loaded first, as the lead does on the
// last afternoon. Dispatching by the load at the moment of assignment cannot see an earlier
// ticket that is taken later, so a few technicians can end up just over the limit.
func (p *plan) rebalance(end time.Time) {
	type state struct {
		owner int16
		tier  int
		open  bool
		last  time.Time
		seq   int32
	}
	sts := make([]state, len(p.tickets))
	for i := range sts {
		sts[i] = state{owner: -1, tier: 1}
	}
	for _, e := range p.events {
		s := &sts[e.Ticket]
		s.last, s.seq = e.At, e.Seq
		switch e.Step {
		case stepCreate:
			s.open = true
		case stepAssign:
			s.owner = e.To
		case stepEscalate:
			s.owner, s.tier = e.To, e.N
		case stepStatus:
			s.open = e.Status.Open()
		}
	}
	held := make([][]int32, len(p.techs))
	for i, s := range sts {
		if s.open && s.owner >= 0 {
			held[s.owner] = append(held[s.owner], int32(i))
		}
	}
	lead := int16(len(p.techs) - 1)
	from := end.Add(-4 * time.Hour)
	for over := range held {
		for k := 0; len(held[over]) > p.load.limit && k < len(held[over]); {
			i := held[over][k]
			s := sts[i]
			at := from
			if !s.last.Before(at) {
				at = s.last.Add(time.Minute)
			}
			to := int16(-1)
			for c, m := range p.techs {
				if m.Tier >= s.tier && len(held[c]) < p.load.limit && (to < 0 || len(held[c]) < len(held[to])) {
					to = int16(c)
				}
			}
			if to < 0 || !at.Before(end) {
				k++
				continue
			}
			p.events = append(p.events, event{At: at, Ticket: i, Seq: s.seq + 1, Step: stepAssign, By: lead, To: to})
			held[over] = slices.Delete(held[over], k, k+1)
			held[to] = append(held[to], i)
		}
	}
}
