package csvio

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// Result says what an import wrote.
type Result struct {
	Imported  int    `json:"imported"`  // rows written (created or updated)
	Unchanged int    `json:"unchanged"` // rows whose ticket already held what the file says (a re-import)
	Skipped   int    `json:"skipped"`   // rows with errors, left out because the person accepted the valid rows
	Total     int    `json:"total"`     // rows in the file
	System    string `json:"system"`
	// Cancelled says the import stopped before the end of the file; the rows counted are
	// saved, each ticket whole, and importing the same file again writes the rest.
	Cancelled bool `json:"cancelled,omitempty"`
}

func (r *Result) add(b Result) {
	r.Imported += b.Imported
	r.Unchanged += b.Unchanged
	r.Skipped += b.Skipped
}

// Progress is how far an import has come.
type Progress struct {
	Rows    int           `json:"rows"`  // rows read
	Total   int           `json:"total"` // rows in the file
	Elapsed time.Duration `json:"elapsed"`
}

// People finds the technician a name or e-mail address of the old system stands for.
type People func(nameOrEmail string) (id string, ok bool)

// Known is what an import matches the people of the old system to.
type Known struct {
	Technicians People // nil: no assignee or author is matched to a technician
	// Requesters returns the requester record a ticket's requester stands for, written
	// in tx when missing (requester.Service.Link); "" leaves the requester on the ticket
	// alone. Nil: tickets keep their requester as written in the file.
	Requesters func(tx *store.Tx, r ticket.Requester) (string, error)
}

// Source opens the file to import; an import reads it twice (check, then write).
type Source func() (io.ReadCloser, error)

// FileError is a file that cannot be read as a table (its Err says why, fit to show a
// person); nothing was written because of it.
type FileError struct{ Err error }

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// ErrCancelled reports an import stopped by its context before the end of the file.
var ErrCancelled = errors.New("the import was cancelled")

// ErrRowsInvalid reports an import refused because some rows have errors and the
// person has not accepted importing only the valid ones.
var ErrRowsInvalid = errors.New("some rows have errors; nothing was imported")

// batchShare is the share of the store's transaction limits one batch of an import fills.
const batchShare = 4

// Import reads the file once to check every row, then again to write its tickets,
// batched by size below the store's transaction limits: each batch is one store
// transaction of ordinary changes. Each ticket's ID derives from (system, source ID),
// so a re-run after a crash or a cancel writes the rest and rewrites nothing
// unchanged. With errors in any row nothing is written unless acceptValid is set.
// Cancelling ctx stops it between two tickets: the batches written stay, and it
// returns their counts, Cancelled set, and an error wrapping ErrCancelled.
func Import(ctx context.Context, st *store.Store, svc *ticket.Service, author string, open Source, opts Options,
	acceptValid bool, known Known, progress func(Progress)) (Result, error) {
	f, err := open()
	if err != nil {
		return Result{}, err
	}
	a, err := Analyze(f, opts)
	f.Close()
	if err != nil {
		return Result{}, &FileError{err}
	}
	if a.ErrorCount > 0 && !acceptValid {
		return Result{}, fmt.Errorf("%w (%d of %d rows; first: %s)", ErrRowsInvalid, a.ErrorCount, a.Total, a.Errors[0])
	}
	if ctx.Err() != nil {
		return Result{Total: a.Total, System: a.System, Cancelled: true}, fmt.Errorf("%w: %w", ErrCancelled, ctx.Err())
	}
	opts.Mapping, opts.DayFirst, opts.System = a.Mapping, &a.DayFirst, a.System
	f, err = open()
	if err != nil {
		return Result{}, err
	}
	defer f.Close()
	return write(ctx, st, svc, author, f, opts, known, func(p Progress) {
		if progress != nil {
			p.Total = a.Total
			progress(p)
		}
	}, a.Total)
}

// write writes the rows of r in batches, each one store transaction; the counts of a
// batch are added once it is committed.
func write(ctx context.Context, st *store.Store, svc *ticket.Service, author string, r io.Reader, opts Options,
	known Known, progress func(Progress), total int) (Result, error) {
	maxBytes, maxEntries := st.Limits()
	maxBytes, maxEntries = maxBytes/batchShare, maxEntries/batchShare
	res := Result{System: opts.System, Total: total}
	start := time.Now()
	rows := make(chan *Row, 256)
	var scanErr error
	go func() {
		defer close(rows)
		scanErr = scan(r, opts, func(_ *Analysis, row *Row) error {
			if row == nil {
				return nil
			}
			select {
			case rows <- row:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	n, last := 0, time.Now()
	report := func(force bool) {
		if force || time.Since(last) > 100*time.Millisecond {
			last = time.Now()
			progress(Progress{Rows: n, Elapsed: time.Since(start)})
		}
	}
	for done := false; !done && ctx.Err() == nil; {
		var batch Result
		_, err := st.Update(ctx, author, func(tx *store.Tx) error {
			batch = Result{}
			tx.Bulk()
			in := svc.Within(tx)
			for {
				row, ok := <-rows
				if !ok {
					done = true
					return nil
				}
				n++
				if row.Error != nil {
					batch.Skipped++
					continue
				}
				t := imported(row, known.Technicians)
				if known.Requesters != nil {
					id, err := known.Requesters(tx, t.Requester)
					if err != nil {
						return fmt.Errorf("line %d: %w", row.Line, err)
					}
					t.RequesterID = id
				}
				wrote, err := in.Import(ctx, author, t)
				if err != nil {
					return fmt.Errorf("line %d: %w", row.Line, err)
				}
				if wrote {
					batch.Imported++
				} else {
					batch.Unchanged++
				}
				report(false)
				if b, e := tx.Size(); b >= maxBytes || e >= maxEntries {
					return nil
				}
			}
		})
		if err != nil && ctx.Err() == nil {
			for range rows { // let the reader finish
			}
			return res, fmt.Errorf("import tickets: %w", err)
		}
		if err == nil {
			res.add(batch)
		}
	}
	for range rows { // a cancelled reader stops at its next row
	}
	report(true)
	if err := ctx.Err(); err != nil {
		res.Cancelled = true
		return res, fmt.Errorf("%w: %w", ErrCancelled, err)
	}
	if scanErr != nil {
		return res, &FileError{scanErr}
	}
	return res, nil
}

// imported is the ticket a checked row writes.
func imported(row *Row, people People) ticket.Imported {
	o := row.Origin
	o.Comments = append([]ticket.Comment(nil), o.Comments...)
	tech := ""
	if row.Assignee != "" {
		if id, ok := lookup(people, row.Assignee); ok {
			tech = id
		} else {
			o.Assignee = row.Assignee
		}
	}
	for i, w := range o.WorkLogs {
		if id, ok := lookup(people, w.Author); ok {
			o.WorkLogs[i].Author = id
		}
	}
	for i, c := range o.Comments {
		if id, ok := lookup(people, c.Author); ok {
			o.Comments[i].Author = id
		}
	}
	return ticket.Imported{ID: TicketID(o.System, o.SourceID), Number: number(o.System, o.SourceID),
		NewTicket: row.Ticket, Status: row.Status, Priority: row.Priority, Assignee: tech, Origin: o}
}

func lookup(people People, who string) (string, bool) {
	if people == nil || strings.TrimSpace(who) == "" {
		return "", false
	}
	return people(who)
}

// Person is someone an import can match names and addresses of the old system to.
type Person struct{ ID, Name, Email string }

// Match returns People that finds a person by name or e-mail address, ignoring case
// and spacing; a name two people share matches neither.
func Match(ps []Person) People {
	by := map[string]string{}
	for _, p := range ps {
		for _, k := range []string{p.Name, p.Email} {
			k = strings.ToLower(oneLine(k))
			if k == "" {
				continue
			}
			if old, ok := by[k]; ok && old != p.ID {
				by[k] = ""
				continue
			}
			by[k] = p.ID
		}
	}
	return func(who string) (string, bool) {
		id := by[strings.ToLower(oneLine(who))]
		return id, id != ""
	}
}
