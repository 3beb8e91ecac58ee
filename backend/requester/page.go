package requester

import (
	"fmt"
	"slices"
	"strings"

	"outpost/backend/core/record"
	"outpost/backend/ticket"
)

// Page is what the requester's page shows: the requester, the tickets still open and every
// ticket they ever opened, newest first.
type Page struct {
	Requester Requester        `json:"requester"`
	Open      []ticket.Summary `json:"open"`
	Tickets   []ticket.Summary `json:"tickets"`
}

// Page returns requester id's page. A requester merged into another shows the one it went into.
func (s *Service) Page(id string) (Page, error) {
	r, err := s.live(s.st, id)
	if err != nil {
		return Page{}, err
	}
	out := Page{Requester: FromRecord(r), Open: []ticket.Summary{}, Tickets: []ticket.Summary{}}
	s.idx.mu.Lock()
	err = s.idx.fresh(s.st, s.st)
	ids := s.idx.ticketsOf(r.ID)
	s.idx.mu.Unlock()
	if err != nil {
		return Page{}, err
	}
	for _, tid := range ids {
		tr, err := s.st.Get(ticket.Kind, tid)
		if record.Gone(tr, err) {
			continue
		}
		if err != nil {
			return Page{}, fmt.Errorf("requester page: %w", err)
		}
		t := ticket.FromRecord(tr)
		if t.RequesterID != r.ID {
			continue
		}
		out.Tickets = append(out.Tickets, t.Summary)
	}
	slices.SortFunc(out.Tickets, func(a, b ticket.Summary) int {
		if c := b.Created.Compare(a.Created); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	for _, t := range out.Tickets {
		if t.Status.Open() {
			out.Open = append(out.Open, t)
		}
	}
	return out, nil
}
