// Package escalation implements escalation paths: per ticket category, who a
// ticket goes to at tier 2, tier 3 or outside the team, the rules that say when,
// and the checklist of information that must accompany the escalation.
package escalation

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"outpost/backend/core/change"
)

// Kind is the record kind of escalation paths in the store.
const Kind = "escalation-path"

// Record fields of a path.
const (
	fCategory  = "category"
	fTier2     = "tier2"
	fTier3     = "tier3"
	fExternal  = "external"
	fRules     = "rules"
	fChecklist = "checklist"
)

// Target is who receives an escalation: named technicians, or a team or
// contact outside Outpost (a vendor's support line, the network team).
type Target struct {
	Technicians []string `json:"technicians"`
	Contact     string   `json:"contact"`
}

// Empty reports whether the target names nobody.
func (t Target) Empty() bool { return len(t.Technicians) == 0 && t.Contact == "" }

// Rules say when a ticket of the category should go up a tier. Each rule is
// off at its zero value; any rule that holds is a reason to escalate.
type Rules struct {
	SLARiskAtLeast  float64 `json:"slaRiskAtLeast"`  // share of the resolution target used, 0..1 (0.75 = 75%)
	PriorityAtMost  int     `json:"priorityAtMost"`  // P1..P5: tickets this urgent or more go up at once
	HoursInTierOver float64 `json:"hoursInTierOver"` // time spent in the current tier
}

// Item is one piece of information that must accompany an escalation.
type Item struct {
	ID       string `json:"id"`
	Text     string `json:"text"`
	Required bool   `json:"required"`
}

// Path is the escalation path of one category.
type Path struct {
	ID        string    `json:"id"`
	Category  string    `json:"category"`
	Tier2     Target    `json:"tier2"`
	Tier3     Target    `json:"tier3"`
	External  Target    `json:"external"`
	Rules     Rules     `json:"rules"`
	Checklist []Item    `json:"checklist"`
	Updated   time.Time `json:"updated"`
	UpdatedBy string    `json:"updatedBy"`
	Conflicts []string  `json:"conflicts"`
}

// Target returns who receives an escalation to tier (4 or more means outside the team).
func (p Path) Target(tier int) Target {
	switch tier {
	case 2:
		return p.Tier2
	case 3:
		return p.Tier3
	}
	return p.External
}

// PathID is the record ID of a category's path. It is derived from the category
// so that two devices defining the same category's path offline edit one record.
func PathID(category string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(category))))
	return "cat-" + hex.EncodeToString(sum[:12])
}

// FromRecord reads a path out of its merged record.
func FromRecord(r change.Record) Path {
	p := Path{ID: r.ID, Category: r.String(fCategory), Updated: r.Updated.Time(), UpdatedBy: r.UpdatedBy,
		Checklist: []Item{}, Conflicts: r.Conflicts()}
	_, _ = r.Get(fTier2, &p.Tier2)
	_, _ = r.Get(fTier3, &p.Tier3)
	_, _ = r.Get(fExternal, &p.External)
	_, _ = r.Get(fRules, &p.Rules)
	_, _ = r.Get(fChecklist, &p.Checklist)
	for _, t := range []*Target{&p.Tier2, &p.Tier3, &p.External} {
		if t.Technicians == nil {
			t.Technicians = []string{}
		}
	}
	if p.Checklist == nil {
		p.Checklist = []Item{}
	}
	if p.Conflicts == nil {
		p.Conflicts = []string{}
	}
	return p
}
