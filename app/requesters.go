package app

import (
	"bytes"
	"context"
	"errors"
	"sync"

	"outpost/backend/csvio"
	"outpost/backend/requester"
)

// RequesterService is the requester directory, as bound to the UI: the people who ask for
// help, their addresses and their tickets.
type RequesterService struct{ a *App }

// List returns the requesters matching the filter (name, address, department or site), by
// name, with their open tickets counted.
func (s *RequesterService) List(f requester.Filter) ([]requester.Listed, error) {
	out, err := s.a.requesters.List(f)
	return out, s.a.userError("list requesters", err)
}

// Get returns one requester (the one it was merged into, for a merged requester).
func (s *RequesterService) Get(id string) (requester.Requester, error) {
	q, err := s.a.requesters.Get(id)
	return q, s.a.userError("get requester", err)
}

// Save creates (id "") or changes a requester.
func (s *RequesterService) Save(id string, in requester.Input) (requester.Requester, error) {
	q, err := s.a.requesters.Save(s.a.ctx, s.a.me(), id, in)
	return q, s.a.userError("save requester", err)
}

// Delete removes a requester from the directory; their tickets keep the link.
func (s *RequesterService) Delete(id string) error {
	return s.a.userError("delete requester", s.a.requesters.Delete(s.a.ctx, s.a.me(), id))
}

// Merge folds requester from into requester into: addresses and tickets move over.
func (s *RequesterService) Merge(from, into string) (requester.Requester, error) {
	q, err := s.a.requesters.Merge(s.a.ctx, s.a.me(), from, into)
	return q, s.a.userError("merge requesters", err)
}

// Page returns the requester with their open tickets and every ticket, newest first.
func (s *RequesterService) Page(id string) (requester.Page, error) {
	p, err := s.a.requesters.Page(id)
	return p, s.a.userError("requester page", err)
}

// ImportCSV imports a directory file's bytes (name, email, phone, site, department, vip,
// notes); the rows it could not use are listed by line, the others are written.
func (s *RequesterService) ImportCSV(content []byte) (requester.ImportResult, error) {
	res, err := s.a.requesters.ImportCSV(s.a.ctx, s.a.me(), bytes.NewReader(content))
	if err != nil && isFileError(err) {
		return res, fileError(err)
	}
	return res, s.a.userError("import requesters", err)
}

// isFileError reports an error that says what is wrong with an imported file.
func isFileError(err error) bool {
	for _, e := range []error{csvio.ErrEmpty, csvio.ErrBinary, csvio.ErrUTF16, csvio.ErrNoHeader, csvio.ErrLongLine} {
		if errors.Is(err, e) {
			return true
		}
	}
	return requester.IsHeaderError(err)
}

// requesterMigration runs the migration of older requesters into the directory in the
// background, one run at a time; Close waits for a run under way.
type requesterMigration struct {
	mu     sync.Mutex // held by a run
	wg     sync.WaitGroup
	cancel context.CancelFunc
	ctx    context.Context
}

// openRequesters starts the directory and its migration: at start-up, then after each demo
// load and ticket import, older tickets' requesters become directory records.
func (a *App) openRequesters() {
	a.requesters = requester.NewService(a.st, a.tickets)
	a.Requesters = &RequesterService{a: a}
	ctx, cancel := context.WithCancel(a.ctx)
	a.migration = &requesterMigration{ctx: ctx, cancel: cancel}
	a.migrateRequesters()
}

// migrateRequesters starts a migration run in the background. It does not block.
func (a *App) migrateRequesters() {
	m := a.migration
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.mu.Lock()
		defer m.mu.Unlock()
		if m.ctx.Err() != nil {
			return
		}
		res, err := a.requesters.Migrate(m.ctx, a.me())
		switch {
		case err != nil && m.ctx.Err() == nil:
			a.log.Error("requesters not migrated to the directory", "err", err)
		case res != (requester.Migrated{}):
			a.log.Info("requesters migrated to the directory", "created", res.Created, "linked", res.Linked,
				"retired", res.Retired, "skipped", res.Skipped)
		}
	}()
}

// closeRequesters stops a migration under way and waits for it.
func (a *App) closeRequesters() {
	if a.migration == nil {
		return
	}
	a.migration.cancel()
	a.migration.wg.Wait()
	a.requesters.Close()
}
