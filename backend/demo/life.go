package demo

import (
	"math/rand/v2"
	"time"

	"outpost/backend/ticket"
)

// life plans every action on one ticket from its creation until it is closed or the
// period ends: assignment, work, pauses while waiting on the requester or a third party,
// escalations with handover notes, work logs, resolution, reopening and closing.
// Actions that would fall after end are left out, so recent tickets are still open.
func (p *plan) life(r *rand.Rand, i int32, c *category, created, end time.Time) []event {
	var evs []event
	seq := int32(0)
	done := false
	add := func(e event) {
		if done || !e.At.Before(end) {
			done = true
			return
		}
		e.Ticket, e.Seq = i, seq
		seq++
		evs = append(evs, e)
	}
	in := p.tickets[i]
	prio, _ := ticket.DefaultMatrix().Priority(in.Impact, in.Urgency)
	desk, _ := p.techFor(r, 1, c.skill, created) // who logs the call
	add(event{At: created, Step: stepCreate, By: desk})

	t := officeHours(created.Add(between(r, respondTime[prio])))
	tier := 1
	owner, ok := p.techFor(r, 1, c.skill, t)
	for wait := 0; !ok && wait < 40; wait++ { // the whole team is at its limit: the ticket waits in the queue
		t = officeHours(t.Add(time.Hour))
		owner, ok = p.techFor(r, 1, c.skill, t)
	}
	by := owner // self-assigned
	if r.IntN(3) == 0 {
		by = desk // dispatched
	}
	add(event{At: t, Step: stepAssign, By: by, To: owner})
	t = t.Add(time.Duration(5+r.IntN(55)) * time.Minute)
	add(event{At: t, Step: stepStatus, By: owner, Status: ticket.StatusInProgress})

	// Forgotten: a low-priority ticket of the last two months stays open and ages in the backlog.
	if prio >= 4 && end.Sub(created) < 60*24*time.Hour && r.Float64() < 0.05 {
		return evs
	}
	work := func() {
		if r.IntN(3) > 0 {
			t = t.Add(time.Duration(10+r.IntN(110)) * time.Minute)
			add(event{At: t, Step: stepComment, By: owner, Text: pick(r, progressComments)})
		}
		for n := 1 + r.IntN(2); n > 0; n-- {
			t = t.Add(time.Duration(10+r.IntN(80)) * time.Minute)
			add(event{At: t, Step: stepWork, By: owner, N: 5 + 5*r.IntN(18), Text: pick(r, workNotes)})
		}
	}
	pause := func(status ticket.Status, notes []string, d [2]time.Duration) {
		t = t.Add(time.Duration(20+r.IntN(100)) * time.Minute)
		add(event{At: t, Step: stepStatus, By: owner, Status: status, Text: pick(r, notes)})
		t = officeHours(t.Add(between(r, d)))
		add(event{At: t, Step: stepStatus, By: owner, Status: ticket.StatusInProgress})
	}
	resolve := func() {
		t = officeHours(t.Add(between(r, resolveTime[prio])))
		add(event{At: t, Step: stepStatus, By: owner, Status: ticket.StatusResolved, Text: pick(r, c.fixes)})
	}

	work()
	if r.Float64() < 0.18 {
		pause(ticket.StatusWaitingRequester, waitingRequester, [2]time.Duration{2 * time.Hour, 72 * time.Hour})
	}
	if r.Float64() < 0.07 {
		pause(ticket.StatusWaitingThirdParty, waitingThirdParty, [2]time.Duration{24 * time.Hour, 7 * 24 * time.Hour})
	}
	for tier < 3 && p.hasTier(tier+1) && r.Float64() < []float64{0, 0.12, 0.2}[tier] {
		tier++
		t = t.Add(time.Duration(30+r.IntN(240)) * time.Minute)
		next, _ := p.techFor(r, tier, c.skill, t)
		add(event{At: t, Step: stepEscalate, By: owner, To: next, N: tier, Text: pick(r, escalationReasons), Extra: pick(r, handovers)})
		owner = next
		t = officeHours(t.Add(time.Duration(15+r.IntN(180)) * time.Minute))
		add(event{At: t, Step: stepStatus, By: owner, Status: ticket.StatusInProgress})
		work()
	}
	resolve()
	if r.Float64() < 0.06 {
		t = officeHours(t.Add(between(r, [2]time.Duration{6 * time.Hour, 10 * 24 * time.Hour})))
		add(event{At: t, Step: stepStatus, By: owner, Status: ticket.StatusReopened, Text: pick(r, reopenNotes)})
		t = t.Add(time.Duration(10+r.IntN(120)) * time.Minute)
		add(event{At: t, Step: stepStatus, By: owner, Status: ticket.StatusInProgress})
		work()
		resolve()
	}
	t = t.Add(between(r, [2]time.Duration{3 * 24 * time.Hour, 7 * 24 * time.Hour}))
	add(event{At: t, Step: stepStatus, By: owner, Status: ticket.StatusClosed})
	return evs
}
