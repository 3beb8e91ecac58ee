package app

import "outpost/backend/search"

// SearchService is full-text search over tickets and SOPs, as bound to the UI.
type SearchService struct{ a *App }

// Search returns ranked tickets and SOPs with highlighted excerpts.
func (s *SearchService) Search(q search.Query) (search.Result, error) {
	if s.a.index == nil {
		return search.Result{}, errNoSearch
	}
	r, err := s.a.index.Search(q)
	return r, s.a.kbError("search", err)
}

// Status tells whether the index is complete (it may be rebuilding after an upgrade).
func (s *SearchService) Status() (search.Status, error) {
	if s.a.index == nil {
		return search.Status{}, errNoSearch
	}
	return s.a.index.Status(), nil
}
