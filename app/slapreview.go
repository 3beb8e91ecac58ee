package app

import (
	"time"

	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// Preview checks settings as Save would and counts the open tickets whose SLA standing
// (within, at risk, breached: what the queue's badge shows) would change if they were
// saved now. Nothing is written: open tickets are recalculated from the settings on save.
func (s *SLAService) Preview(in sla.Settings) (sla.Shift, error) {
	if in.Calendar.Holidays == nil {
		in.Calendar.Holidays = []string{}
	}
	next, err := sla.NewEngine(in)
	if err != nil {
		return sla.Shift{}, s.a.userError("preview SLA settings", err)
	}
	return s.a.slaShift(s.a.slaRT.engine.Load(), next, time.Now()), nil
}

// slaShift evaluates every open ticket at now under both engines.
func (a *App) slaShift(before, after *sla.Engine, now time.Time) sla.Shift {
	was := map[string]sla.Result{}
	a.queue.OpenSLA(before, now, func(t ticket.Summary, r sla.Result) { was[t.ID] = r })
	var out sla.Shift
	a.queue.OpenSLA(after, now, func(t ticket.Summary, r sla.Result) {
		if b, ok := was[t.ID]; ok {
			out.Add(b, r)
		}
	})
	return out
}
