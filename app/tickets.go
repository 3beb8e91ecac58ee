package app

import (
	"errors"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/queue"
	"outpost/backend/resolution"
	"outpost/backend/ticket"
)

// TicketService is the ticket queue and ticket page, as bound to the UI.
type TicketService struct{ a *App }

// Queue returns the tickets matching filter.
func (s *TicketService) Queue(filter queue.Filter) (queue.Result, error) {
	if err := filter.Validate(); err != nil {
		return queue.Result{}, err
	}
	return s.a.queue.Query(filter), nil
}

// Facets lists the categories, tags and assignees of open tickets, for the queue's filters and pickers.
func (s *TicketService) Facets() (queue.Facets, error) {
	return s.a.queue.Facets(), nil
}

// Get returns one ticket.
func (s *TicketService) Get(id string) (ticket.Ticket, error) {
	t, err := s.a.tickets.Get(id)
	return t, s.a.userError("get ticket", err)
}

// TicketRef names a ticket the way another record shows it: number, title and status.
type TicketRef struct {
	ID     string        `json:"id"`
	Number string        `json:"number"`
	Title  string        `json:"title"`
	Status ticket.Status `json:"status"`
}

// maxRefs is the most tickets Refs names at once (a problem links at most this many).
const maxRefs = 2000

// Refs names each ticket of ids that exists (deleted and unknown ones are left out), in the
// order of ids, so pages that hold ticket IDs (problems, vendor cases) show numbers and titles.
func (s *TicketService) Refs(ids []string) ([]TicketRef, error) {
	if len(ids) > maxRefs {
		return nil, field.Errorf("ids", "at most %d tickets at once (%d asked)", maxRefs, len(ids))
	}
	out := make([]TicketRef, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		t, err := s.a.tickets.Get(id)
		if errors.Is(err, ticket.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, s.a.userError("name tickets", err)
		}
		out = append(out, TicketRef{ID: t.ID, Number: t.Number, Title: t.Title, Status: t.Status})
	}
	return out, nil
}

// Create opens a ticket.
// A team that keeps a category list files it only under a listed category.
func (s *TicketService) Create(in ticket.NewTicket) (ticket.Ticket, error) {
	cat, err := s.a.checkCategory(in.Category)
	if err != nil {
		return ticket.Ticket{}, s.a.userError("create ticket", err)
	}
	in.Category = cat
	t, err := s.a.tickets.Create(s.a.ctx, s.a.me(), in)
	return t, s.a.userError("create ticket", err)
}

// Update changes descriptive fields.
func (s *TicketService) Update(id string, p ticket.Patch) (ticket.Ticket, error) {
	if p.Category != nil {
		cat, err := s.a.checkCategory(*p.Category)
		if err != nil {
			return ticket.Ticket{}, s.a.userError("update ticket", err)
		}
		p.Category = &cat
	}
	t, err := s.a.tickets.Update(s.a.ctx, s.a.me(), id, p)
	return t, s.a.userError("update ticket", err)
}

// Transition moves the ticket along its lifecycle.
func (s *TicketService) Transition(id string, status ticket.Status, note string) (ticket.Ticket, error) {
	t, err := s.a.tickets.Transition(s.a.ctx, s.a.me(), id, status, note)
	return t, s.a.userError("change status", err)
}

// Resolve resolves the ticket with one of the team's resolution codes and a note saying
// what fixed it; both are required (Transition does not resolve).
func (s *TicketService) Resolve(id, code, note string) (ticket.Ticket, error) {
	t, err := s.a.tickets.Resolve(s.a.ctx, s.a.me(), id, code, note)
	if err == nil {
		s.a.notifyResolved(t)
	}
	return t, s.a.userError("resolve ticket", err)
}

// ResolutionCodes lists the team's resolution codes (a set of defaults until the team saves its own).
func (s *TicketService) ResolutionCodes() ([]resolution.Code, error) {
	c, err := s.a.codes.List()
	return c, s.a.userError("resolution codes", err)
}

// SaveResolutionCodes replaces the team's resolution codes (a team setting, in the change log).
func (s *TicketService) SaveResolutionCodes(codes []resolution.Code) ([]resolution.Code, error) {
	c, err := s.a.codes.Save(s.a.ctx, s.a.me(), codes)
	return c, s.a.userError("save resolution codes", err)
}

// Assign gives the ticket to a technician, named by ID or by name ("" unassigns).
// A value that names no technician on the team is refused.
func (s *TicketService) Assign(id, assignee string) (ticket.Ticket, error) {
	who, err := s.a.assigneeID(assignee)
	if err != nil {
		return ticket.Ticket{}, s.a.userError("assign ticket", err)
	}
	t, err := s.a.tickets.Assign(s.a.ctx, s.a.me(), id, who)
	return t, s.a.userError("assign ticket", err)
}

// AssignMany gives several tickets to one technician ("" unassigns) as one action:
// every ticket is written in a single transaction, or none is. Like Assign, it refuses
// a value that names no technician on the team.
func (s *TicketService) AssignMany(ids []string, assignee string) ([]ticket.Ticket, error) {
	who, err := s.a.assigneeID(assignee)
	if err != nil {
		return nil, s.a.userError("assign tickets", err)
	}
	ts, err := s.a.tickets.AssignMany(s.a.ctx, s.a.me(), ids, who)
	return ts, s.a.userError("assign tickets", err)
}

// Escalate moves the ticket up a tier with handover notes.
func (s *TicketService) Escalate(id string, in ticket.EscalateInput) (ticket.Ticket, error) {
	t, err := s.a.tickets.Escalate(s.a.ctx, s.a.me(), id, in)
	return t, s.a.userError("escalate ticket", err)
}

// Comment adds a comment.
func (s *TicketService) Comment(id, body string, internal bool) (ticket.Ticket, error) {
	t, err := s.a.tickets.Comment(s.a.ctx, s.a.me(), id, body, internal)
	return t, s.a.userError("add comment", err)
}

// LogWork records time spent.
func (s *TicketService) LogWork(id string, minutes int, note string) (ticket.Ticket, error) {
	t, err := s.a.tickets.LogWork(s.a.ctx, s.a.me(), id, minutes, note)
	return t, s.a.userError("log work", err)
}

// Link relates two tickets.
func (s *TicketService) Link(id string, l ticket.Link) (ticket.Ticket, error) {
	t, err := s.a.tickets.Link(s.a.ctx, s.a.me(), id, l)
	return t, s.a.userError("link tickets", err)
}

// Merge merges ticket source into target: its comments, work logs, requester and links
// move to target, it closes as merged into target, both keep their histories, and later
// edits of source follow it to target.
func (s *TicketService) Merge(source, target string) (ticket.Ticket, error) {
	t, err := s.a.tickets.Merge(s.a.ctx, s.a.me(), source, target)
	return t, s.a.userError("merge tickets", err)
}

// Unlink removes a link.
func (s *TicketService) Unlink(id string, l ticket.Link) (ticket.Ticket, error) {
	t, err := s.a.tickets.Unlink(s.a.ctx, s.a.me(), id, l)
	return t, s.a.userError("unlink tickets", err)
}

// OverridePriority sets a priority other than the matrix gives (0 clears the override).
func (s *TicketService) OverridePriority(id string, priority int, reason string) (ticket.Ticket, error) {
	t, err := s.a.tickets.OverridePriority(s.a.ctx, s.a.me(), id, priority, reason)
	return t, s.a.userError("override priority", err)
}

// ResolveConflict keeps one of the concurrent values of a field.
func (s *TicketService) ResolveConflict(id, field, write string) (ticket.Ticket, error) {
	t, err := s.a.tickets.ResolveConflict(s.a.ctx, s.a.me(), id, field, write)
	return t, s.a.userError("resolve conflict", err)
}

// History lists every change to the ticket.
func (s *TicketService) History(id string) ([]change.Entry, error) {
	h, err := s.a.tickets.History(id)
	return h, s.a.userError("ticket history", err)
}
