package app

import (
	"fmt"
	"strings"
	"time"

	"outpost/backend/assign"
	"outpost/backend/core/field"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
	"outpost/backend/visit"
)

// openField starts the technician and visit services.
func (a *App) openField() {
	a.techs = technician.NewService(a.st, a.queue.Loads)
	a.visits = visit.NewService(a.st, a.techs, a.tickets)
	now := a.cfg.Now
	if now == nil {
		now = time.Now
	}
	a.Technicians = &TechnicianService{a: a, now: now}
	a.Visits = &VisitService{a: a}
}

// TechnicianService is the technician directory and assignment suggestions, as bound to the UI.
type TechnicianService struct {
	a   *App
	now func() time.Time
}

// List returns technicians by name with their current open load; inactive ones when asked.
func (s *TechnicianService) List(includeInactive bool) ([]technician.Technician, error) {
	l, err := s.a.techs.List(includeInactive)
	return l, s.a.userError("list technicians", err)
}

// Get returns one technician.
func (s *TechnicianService) Get(id string) (technician.Technician, error) {
	t, err := s.a.techs.Get(id)
	return t, s.a.userError("get technician", err)
}

// Create adds a technician.
func (s *TechnicianService) Create(p technician.Profile) (technician.Technician, error) {
	t, err := s.a.techs.Create(s.a.ctx, s.a.me(), p)
	return t, s.a.userError("create technician", err)
}

// Update replaces a technician's profile.
func (s *TechnicianService) Update(id string, p technician.Profile) (technician.Technician, error) {
	t, err := s.a.techs.Update(s.a.ctx, s.a.me(), id, p)
	return t, s.a.userError("update technician", err)
}

// Deactivate stops suggesting a technician; their history stays.
func (s *TechnicianService) Deactivate(id string) (technician.Technician, error) {
	t, err := s.a.techs.SetActive(s.a.ctx, s.a.me(), id, false)
	return t, s.a.userError("deactivate technician", err)
}

// Reactivate brings a deactivated technician back.
func (s *TechnicianService) Reactivate(id string) (technician.Technician, error) {
	t, err := s.a.techs.SetActive(s.a.ctx, s.a.me(), id, true)
	return t, s.a.userError("reactivate technician", err)
}

// Categories returns the team's category-to-skills table and open-ticket limit.
func (s *TechnicianService) Categories() (assign.Settings, error) {
	set, err := s.a.techs.AssignSettings()
	return set, s.a.userError("read assignment settings", err)
}

// SaveCategories replaces the category-to-skills table and open-ticket limit. A team that
// keeps a category list writes rules only for listed categories.
func (s *TechnicianService) SaveCategories(set assign.Settings) (assign.Settings, error) {
	for c := range set.Categories {
		if _, err := s.a.checkCategory(c); err != nil {
			return assign.Settings{}, s.a.userError("save assignment settings", field.Errorf("categories", "rule for %q: the category is not on the category list", c))
		}
	}
	out, err := s.a.techs.SaveAssignSettings(s.a.ctx, s.a.me(), set)
	return out, s.a.userError("save assignment settings", err)
}

// Suggestions are the ranked candidates for a ticket and what they were judged on.
type Suggestions struct {
	TicketID   string              `json:"ticketId"`
	Category   string              `json:"category"`
	Skills     []string            `json:"skills"` // what the category needs; empty when unmapped
	Tier       int                 `json:"tier"`
	At         time.Time           `json:"at"`
	Visit      *schedule.Interval  `json:"visit"` // the visit window judged instead of now
	Candidates []assign.Suggestion `json:"candidates"`
}

// Suggest ranks the active technicians for a ticket, each with the reason in words.
func (s *TechnicianService) Suggest(ticketID string) (Suggestions, error) {
	sg, _, err := s.suggest(ticketID)
	return sg, s.a.userError("suggest assignee", err)
}

func (s *TechnicianService) suggest(ticketID string) (Suggestions, []technician.Technician, error) {
	tk, err := s.a.tickets.Get(ticketID)
	if err != nil {
		return Suggestions{}, nil, err
	}
	set, err := s.a.techs.AssignSettings()
	if err != nil {
		return Suggestions{}, nil, err
	}
	techs, err := s.a.techs.List(false)
	if err != nil {
		return Suggestions{}, nil, err
	}
	now := s.now()
	req := assign.Request{Category: tk.Category, Tier: tk.Tier, At: now}
	visits, err := s.a.visits.ForTicket(tk.ID)
	if err != nil {
		return Suggestions{}, nil, err
	}
	for _, v := range visits { // the earliest visit still to come decides "at the visit time"
		if (v.Status == visit.StatusScheduled || v.Status == visit.StatusInProgress) && v.End.After(now) {
			iv := v.Window().Interval()
			req.Visit = &iv
			break
		}
	}
	cands := make([]assign.Candidate, 0, len(techs))
	for _, t := range techs {
		cands = append(cands, assign.Candidate{ID: t.ID, Name: t.Name, Tier: t.Tier, Skills: t.Skills,
			OpenLoad: t.OpenLoad, OnSite: t.OnSite, Schedule: t.Schedule()})
	}
	skills := set.SkillsFor(tk.Category)
	if skills == nil {
		skills = []string{}
	}
	return Suggestions{TicketID: tk.ID, Category: tk.Category, Skills: skills, Tier: tk.Tier, At: now,
		Visit: req.Visit, Candidates: assign.Suggest(cands, set, req)}, techs, nil
}

// AutoAssigned is the ticket after auto-assignment and who was chosen, and why.
type AutoAssigned struct {
	Ticket ticket.Ticket     `json:"ticket"`
	Chosen assign.Suggestion `json:"chosen"`
	Mode   assign.Mode       `json:"mode"`
}

// AutoAssign gives the ticket to a qualified technician: "round-robin" (the next one
// after whoever among the qualified got the last assignment) or "least-loaded".
func (s *TechnicianService) AutoAssign(ticketID string, mode assign.Mode) (AutoAssigned, error) {
	out, err := s.autoAssign(ticketID, mode)
	return out, s.a.userError("auto-assign", err)
}

func (s *TechnicianService) autoAssign(ticketID string, mode assign.Mode) (AutoAssigned, error) {
	if mode == "" {
		mode = assign.RoundRobin
	}
	if mode != assign.RoundRobin && mode != assign.LeastLoaded {
		return AutoAssigned{}, field.Errorf("mode", "must be round-robin or least-loaded")
	}
	sg, techs, err := s.suggest(ticketID)
	if err != nil {
		return AutoAssigned{}, err
	}
	chosen, err := assign.Pick(sg.Candidates, mode, lastAssigned(techs, s.a.queue.LastAssigned()))
	if err != nil {
		return AutoAssigned{}, field.Errorf("assignee", "nobody qualifies now (%s)", firstProblem(sg.Candidates))
	}
	tk, err := s.a.tickets.Assign(s.a.ctx, s.a.me(), ticketID, chosen.TechnicianID)
	if err != nil {
		return AutoAssigned{}, err
	}
	return AutoAssigned{Ticket: tk, Chosen: chosen, Mode: mode}, nil
}

func firstProblem(sugs []assign.Suggestion) string {
	if len(sugs) == 0 {
		return "there are no active technicians"
	}
	return sugs[0].Name + ": " + strings.Join(sugs[0].Problems, "; ")
}

// lastAssigned maps technician IDs to when they last received a ticket, counting
// tickets assigned by name before assignees were IDs.
func lastAssigned(techs []technician.Technician, byAssignee map[string]time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	for _, t := range techs {
		for who, at := range byAssignee {
			if (who == t.ID || strings.EqualFold(who, t.Name)) && at.After(out[t.ID]) {
				out[t.ID] = at
			}
		}
	}
	return out
}

// assigneeID turns a technician's ID or name into their ID. "" (unassigned) stays "".
// Anything else is refused: a ticket is assigned only to a technician who exists, so a
// typed name never makes up a person the team does not have.
func (a *App) assigneeID(v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	if _, err := a.techs.Get(v); err == nil {
		return v, nil
	}
	techs, err := a.techs.List(false)
	if err != nil {
		return "", fmt.Errorf("list technicians: %w", err)
	}
	match := ""
	for _, t := range techs {
		if strings.EqualFold(strings.TrimSpace(t.Name), v) {
			if match != "" {
				return "", field.Errorf("assignee", "two technicians are named %q; pick one from the list", v)
			}
			match = t.ID
		}
	}
	if match == "" {
		return "", field.Errorf("assignee", "there is no technician %q on the team; pick one from the list or add them on the Technicians page first", v)
	}
	return match, nil
}
