package escalation

import (
	"fmt"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/ticket"
)

// Facts are what the rules look at for one ticket at one moment.
type Facts struct {
	Tier       int           `json:"tier"`
	Priority   int           `json:"priority"`
	SLAShare   float64       `json:"slaShare"` // share of the resolution target used (1 = breached)
	TimeInTier time.Duration `json:"timeInTier"`
}

// Decision says whether a ticket should be escalated now, why, and to whom.
type Decision struct {
	Escalate bool     `json:"escalate"`
	Reasons  []string `json:"reasons"`
	ToTier   int      `json:"toTier"` // 2 or 3; 4 means outside the team
	Target   Target   `json:"target"`
}

// Evaluate applies the path's rules to the facts. It is pure.
func Evaluate(p Path, f Facts) Decision {
	d := Decision{Reasons: []string{}, ToTier: f.Tier + 1}
	if d.ToTier < 2 {
		d.ToTier = 2
	}
	if d.ToTier > 4 {
		d.ToTier = 4
	}
	d.Target = p.Target(d.ToTier)
	r := p.Rules
	if r.SLARiskAtLeast > 0 && f.SLAShare >= r.SLARiskAtLeast {
		d.Reasons = append(d.Reasons, fmt.Sprintf("%.0f%% of the resolution target is used (rule: at %.0f%%)", f.SLAShare*100, r.SLARiskAtLeast*100))
	}
	if r.PriorityAtMost > 0 && f.Priority > 0 && f.Priority <= r.PriorityAtMost {
		d.Reasons = append(d.Reasons, fmt.Sprintf("priority P%d (rule: P%d or more urgent)", f.Priority, r.PriorityAtMost))
	}
	if r.HoursInTierOver > 0 && f.TimeInTier.Hours() > r.HoursInTierOver {
		d.Reasons = append(d.Reasons, fmt.Sprintf("%.1f hours in tier %d (rule: over %g hours)", f.TimeInTier.Hours(), f.Tier, r.HoursInTierOver))
	}
	d.Escalate = len(d.Reasons) > 0
	return d
}

// TimeInTier is how long t has been in its current tier at now: since its last
// escalation, or since it was created.
func TimeInTier(t ticket.Ticket, now time.Time) time.Duration {
	since := t.Created
	for _, e := range t.Escalations {
		if e.At.After(since) {
			since = e.At
		}
	}
	if now.Before(since) {
		return 0
	}
	return now.Sub(since)
}

// Check reports the first required checklist item the escalation does not
// confirm, as a field error at "checklist.<item id>" labelled with the item's text.
func Check(p Path, confirmed map[string]bool) error {
	for _, it := range p.Checklist {
		if it.Required && !confirmed[it.ID] {
			err := field.Errorf("checklist."+it.ID, "is required by the %s escalation path before escalating", p.Category)
			return field.Relabel(err, it.Text)
		}
	}
	return nil
}

// Missing lists the required items not confirmed, for the escalation dialog.
func Missing(p Path, confirmed map[string]bool) []Item {
	out := []Item{}
	for _, it := range p.Checklist {
		if it.Required && !confirmed[it.ID] {
			out = append(out, it)
		}
	}
	return out
}
