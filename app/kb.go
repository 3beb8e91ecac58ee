package app

import (
	"errors"
	"path/filepath"

	"outpost/backend/search"
	"outpost/backend/sop"
	"outpost/backend/ticket"
)

// openKB starts the knowledge base and the search index over the replica (and the text of
// text attachments: it opens after the blob store). The
// index lives in <data dir>/index; if it cannot be opened there, search runs
// from an index kept in memory (rebuilt at every start) rather than not at all.
func (a *App) openKB() {
	a.kb = sop.NewService(a.st, nil)
	idx, err := search.Open(a.st, search.Options{Dir: filepath.Join(a.cfg.DataDir, "index"), Logger: a.log, Files: a.blobs})
	if err != nil {
		a.log.Warn("search index not opened on disk; keeping it in memory", "err", err)
		idx, err = search.Open(a.st, search.Options{Logger: a.log, Files: a.blobs})
	}
	if err != nil {
		a.log.Error("search unavailable", "err", err)
	}
	a.index = idx
	a.KB = &KBService{a: a, stopSummaries: a.kb.KeepSummaries()}
	a.Search = &SearchService{a: a}
}

// closeKB closes the search index; it must close before the store.
func (a *App) closeKB() {
	if a.KB != nil {
		a.KB.stopSummaries()
	}
	if a.index != nil {
		if err := a.index.Close(); err != nil {
			a.log.Warn("close search index", "err", err)
		}
	}
}

// kbError passes the knowledge base's own conditions through to the person and
// leaves everything else to userError.
func (a *App) kbError(op string, err error) error {
	for _, known := range []error{sop.ErrNotFound, sop.ErrRevisionNotFound, search.ErrNoTicket, errNoSearch} {
		if errors.Is(err, known) {
			return err
		}
	}
	return a.userError(op, err)
}

var errNoSearch = errors.New("search is not available on this device; the details are in Outpost's log")

// KBService is the knowledge base (SOPs), as bound to the UI.
type KBService struct {
	a             *App
	stopSummaries func() // the list's in-memory summaries follow the store until Close
}

// Article is an SOP with the tickets it helped resolve.
type Article struct {
	sop.SOP
	ResolvedTickets []ticket.Summary `json:"resolvedTickets"`
}

// List returns SOP summaries matching the filter.
func (s *KBService) List(f sop.Filter) ([]sop.Summary, error) {
	l, err := s.a.kb.List(f)
	return l, s.a.kbError("list SOPs", err)
}

// Get returns an SOP with the tickets linked to it.
func (s *KBService) Get(id string) (Article, error) {
	sp, err := s.a.kb.Get(id)
	if err != nil {
		return Article{}, s.a.kbError("get SOP", err)
	}
	return s.article(sp), nil
}

func (s *KBService) article(sp sop.SOP) Article {
	out := Article{SOP: sp, ResolvedTickets: []ticket.Summary{}}
	for _, id := range sp.Tickets {
		if t, err := s.a.tickets.Get(id); err == nil {
			out.ResolvedTickets = append(out.ResolvedTickets, t.Summary)
		}
	}
	return out
}

// Create writes a new SOP.
func (s *KBService) Create(in sop.NewSOP) (Article, error) {
	sp, err := s.a.kb.Create(s.a.ctx, s.a.me(), in)
	if err != nil {
		return Article{}, s.a.kbError("create SOP", err)
	}
	return s.article(sp), nil
}

// Save adds a revision over the revisions the editor started from (parents);
// naming every head merges concurrent saves. summary says what changed.
func (s *KBService) Save(id, body, title string, parents []string, summary string) (Article, error) {
	sp, err := s.a.kb.Save(s.a.ctx, s.a.me(), id, title, body, parents, summary)
	if err != nil {
		return Article{}, s.a.kbError("save SOP", err)
	}
	return s.article(sp), nil
}

// Update changes the category, tags, owner or review-by date.
func (s *KBService) Update(id string, m sop.Meta) (Article, error) {
	sp, err := s.a.kb.Update(s.a.ctx, s.a.me(), id, m)
	if err != nil {
		return Article{}, s.a.kbError("update SOP", err)
	}
	return s.article(sp), nil
}

// Delete removes an SOP from the knowledge base (its history stays).
func (s *KBService) Delete(id string) error {
	return s.a.kbError("delete SOP", s.a.kb.Delete(s.a.ctx, s.a.me(), id))
}

// Revisions lists an SOP's revisions, newest first, without bodies.
func (s *KBService) Revisions(id string) ([]sop.Revision, error) {
	r, err := s.a.kb.Revisions(id)
	return r, s.a.kbError("list revisions", err)
}

// Revision returns one revision with its body.
func (s *KBService) Revision(id, revision string) (sop.Revision, error) {
	r, err := s.a.kb.Revision(id, revision)
	return r, s.a.kbError("get revision", err)
}

// Diff compares two revisions line by line.
func (s *KBService) Diff(id, revA, revB string) (sop.Diff, error) {
	d, err := s.a.kb.Diff(id, revA, revB)
	return d, s.a.kbError("diff revisions", err)
}

// Restore brings back an old revision's text as a new revision.
func (s *KBService) Restore(id, revision string) (Article, error) {
	sp, err := s.a.kb.Restore(s.a.ctx, s.a.me(), id, revision)
	if err != nil {
		return Article{}, s.a.kbError("restore revision", err)
	}
	return s.article(sp), nil
}

// Stale lists SOPs past their review-by date; owner "" means every owner.
func (s *KBService) Stale(owner string) ([]sop.Summary, error) {
	l, err := s.a.kb.Stale(owner)
	return l, s.a.kbError("list stale SOPs", err)
}

// LinkTicket records that the SOP helped resolve a ticket.
func (s *KBService) LinkTicket(id, ticketID string) (Article, error) {
	sp, err := s.a.kb.LinkTicket(s.a.ctx, s.a.me(), id, ticketID)
	if err != nil {
		return Article{}, s.a.kbError("link ticket", err)
	}
	return s.article(sp), nil
}

// UnlinkTicket removes a ticket from the SOP's resolved list.
func (s *KBService) UnlinkTicket(id, ticketID string) (Article, error) {
	sp, err := s.a.kb.UnlinkTicket(s.a.ctx, s.a.me(), id, ticketID)
	if err != nil {
		return Article{}, s.a.kbError("unlink ticket", err)
	}
	return s.article(sp), nil
}

// Suggest returns SOPs for a ticket: those linked to it first, then the most similar by text.
func (s *KBService) Suggest(ticketID string) ([]search.Suggestion, error) {
	if s.a.index == nil {
		return nil, errNoSearch
	}
	l, err := s.a.index.Suggest(ticketID, 5)
	return l, s.a.kbError("suggest SOPs", err)
}

// Snippets lists the canned responses written in an SOP.
func (s *KBService) Snippets(id string) ([]sop.Snippet, error) {
	l, err := s.a.kb.Snippets(id)
	return l, s.a.kbError("list snippets", err)
}
