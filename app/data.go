package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"outpost/backend/backup"
	"outpost/backend/core/field"
	"outpost/backend/csvio"
	"outpost/backend/demo"
	"outpost/backend/queue"
	"outpost/backend/ticket"
)

// EventDataProgress reports the progress of a long data task (demo data, import, restore).
const EventDataProgress = "data:progress"

// DataProgress is the payload of EventDataProgress.
type DataProgress struct {
	Task  string `json:"task"` // "demo", "import", "restore"
	Phase string `json:"phase"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// DataService gets data in and out: demo data, CSV import and export, backup and restore.
type DataService struct {
	a    *App
	busy sync.Mutex // one long data task at a time

	mu           sync.Mutex
	cancelImport context.CancelFunc // stops the running import; nil when none runs
}

// DemoDefaults is the dataset the first-run screen offers.
var DemoDefaults = demo.Config{Tickets: 1500, Technicians: 8, Seed: 1}

// LoadDemo fills an empty replica that is not in a team with a generated year of tickets.
func (s *DataService) LoadDemo(cfg demo.Config) (demo.Stats, error) {
	if !s.busy.TryLock() {
		return demo.Stats{}, errBusy
	}
	defer s.busy.Unlock()
	if reason := s.demoRefusal(); reason != "" {
		return demo.Stats{}, field.Errorf("demo", "%s", reason)
	}
	if cfg.Tickets == 0 {
		cfg.Tickets = DemoDefaults.Tickets
	}
	if cfg.Tickets > 20_000 {
		return demo.Stats{}, field.Errorf("tickets", "at most 20000 from the window; use `outpost demo --tickets N` for more")
	}
	if err := cfg.Normalize(time.Now()); err != nil {
		return demo.Stats{}, field.Errorf("demo", "%s", err.Error())
	}
	becameLead, err := s.demoLead(&cfg)
	if err != nil {
		return demo.Stats{}, s.a.userError("load demo data", err)
	}
	stats, err := demo.Load(s.a.ctx, s.a.st, filepath.Join(s.a.cfg.DataDir, "scratch"), cfg, func(p demo.Progress) {
		s.a.events.emit(EventDataProgress, DataProgress{Task: "demo", Phase: p.Phase, Done: p.Done, Total: p.Total})
	})
	if err == nil && becameLead != "" {
		s.linkDemoLead(becameLead)
	}
	if err == nil {
		s.a.migrateRequesters()
	}
	return stats, s.a.userError("load demo data", err)
}

var errBusy = field.Errorf("data", "another data task is still running")

// ImportPreview reads a CSV file's bytes and shows how its rows would be imported,
// with every row's problem named by line, before anything is written. The bytes arrive
// as they are in the file (base64 in JSON), so its encoding is detected here.
func (s *DataService) ImportPreview(content []byte, opts csvio.Options) (csvio.Preview, error) {
	a, err := csvio.Analyze(bytes.NewReader(content), opts)
	if err != nil {
		return csvio.Preview{}, fileError(err)
	}
	return a.Preview(), nil
}

// ImportPresets lists the help desk exports an import can read, for the import screen's choice.
func (s *DataService) ImportPresets() ([]csvio.Preset, error) { return csvio.Presets(), nil }

// Import imports a CSV file's tickets. With errors in any row nothing is written
// unless acceptValid is set; then the valid rows are imported and the others skipped.
// A cancelled import returns what it saved with Cancelled set; importing the same
// file again finishes it, updating the tickets already in instead of duplicating them.
func (s *DataService) Import(content []byte, opts csvio.Options, acceptValid bool) (csvio.Result, error) {
	return s.importFrom(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(content)), nil }, opts, acceptValid)
}

// CancelImport stops the running import after the ticket it is writing, and reports
// whether one was running.
func (s *DataService) CancelImport() (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancelImport == nil {
		return false, nil
	}
	s.cancelImport()
	return true, nil
}

// importFrom imports the file src opens, reporting progress as EventDataProgress.
func (s *DataService) importFrom(src csvio.Source, opts csvio.Options, acceptValid bool) (csvio.Result, error) {
	if !s.busy.TryLock() {
		return csvio.Result{}, errBusy
	}
	defer s.busy.Unlock()
	ctx, cancel := context.WithCancel(s.a.ctx)
	s.mu.Lock()
	s.cancelImport = cancel
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cancelImport = nil
		s.mu.Unlock()
		cancel()
	}()
	people, err := s.people()
	if err != nil {
		return csvio.Result{}, s.a.userError("import tickets", err)
	}
	res, err := csvio.Import(ctx, s.a.st, s.a.tickets, s.a.me(), src, opts, acceptValid, csvio.Known{Technicians: people, Requesters: s.a.requesters.Link}, func(p csvio.Progress) {
		s.a.events.emit(EventDataProgress, DataProgress{Task: "import", Phase: "importing", Done: p.Rows, Total: p.Total})
	})
	if res.Imported > 0 {
		s.a.migrateRequesters()
	}
	var fe *csvio.FileError
	switch {
	case errors.Is(err, csvio.ErrCancelled) && s.a.ctx.Err() == nil:
		return res, nil
	case errors.Is(err, csvio.ErrRowsInvalid):
		return res, field.Errorf("rows", "%s", err.Error())
	case errors.As(err, &fe):
		return res, fileError(fe.Err)
	}
	return res, s.a.userError("import tickets", err)
}

// people matches the old system's names and addresses to this team's technicians.
func (s *DataService) people() (csvio.People, error) {
	techs, err := s.a.techs.List(true)
	if err != nil {
		return nil, err
	}
	ps := make([]csvio.Person, len(techs))
	for i, t := range techs {
		ps[i] = csvio.Person{ID: t.ID, Name: t.Name, Email: t.Email}
	}
	return csvio.Match(ps), nil
}

// fileError presents a file-level import problem as an error on the file field
// (field errors, such as a bad mapping, keep their own field).
func fileError(err error) error {
	if _, ok := field.As(err); ok {
		return err
	}
	return field.Errorf("file", "%s", err.Error())
}

// ExportTickets returns the tickets matching filter (all of them, not a page) as CSV.
func (s *DataService) ExportTickets(filter queue.Filter) (string, error) {
	text, _, err := s.exportCSV(filter)
	return text, err
}

// exportCSV is the CSV of the tickets matching filter (all of them) and how many it holds.
func (s *DataService) exportCSV(filter queue.Filter) (string, int, error) {
	filter.Limit, filter.Offset = math.MaxInt32, 0
	rows := s.a.queue.Query(filter).Tickets
	ts := make([]ticket.Ticket, 0, len(rows))
	for _, r := range rows {
		t, err := s.a.tickets.Get(r.ID)
		if errors.Is(err, ticket.ErrNotFound) {
			continue // deleted since the query
		}
		if err != nil {
			return "", 0, s.a.userError("export tickets", err)
		}
		ts = append(ts, t)
	}
	var buf bytes.Buffer
	if err := csvio.WriteTickets(&buf, ts); err != nil {
		return "", 0, s.a.userError("export tickets", err)
	}
	return buf.String(), len(ts), nil
}

// BackupResult says where a backup went, or that the person cancelled the dialog.
type BackupResult struct {
	backup.Info
	Path      string `json:"path,omitempty"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// Backup asks the person (in the window's save dialog) where to put a backup of the whole
// replica and writes it there, while the app keeps running.
func (s *DataService) Backup() (BackupResult, error) {
	path, ok, err := s.a.pickSave(FilePrompt{Title: "Save a backup of this replica", DefaultName: BackupName(time.Now()),
		Pattern: "*.outpost", PatternName: "Outpost backups"})
	if err != nil || !ok {
		return BackupResult{Cancelled: err == nil}, err
	}
	files, err := backup.LiveFiles(s.a.st, s.a.blobs)
	if err != nil {
		return BackupResult{}, s.a.userError("back up", err)
	}
	info, err := backup.WriteFile(s.a.st, path, time.Now(), files)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
		return BackupResult{}, field.Errorf("path", "cannot write to %s: choose a folder you can write to", filepath.Dir(path))
	}
	if err != nil {
		return BackupResult{}, s.a.userError("back up", err)
	}
	return BackupResult{Info: info, Path: path}, nil
}

// BackupName is a backup's suggested file name.
func BackupName(now time.Time) string {
	return "outpost-" + now.Format("2006-01-02-1504") + ".outpost"
}

// RestoreResult says what a restore merged, or that the person cancelled the dialog.
type RestoreResult struct {
	backup.Result
	Path      string `json:"path,omitempty"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// Restore asks the person (in the window's open dialog) for a backup file and merges it
// into this replica, checking the whole file first.
func (s *DataService) Restore() (RestoreResult, error) {
	path, ok, err := s.a.pickOpen(FilePrompt{Title: "Restore a backup", Pattern: "*.outpost", PatternName: "Outpost backups"})
	if err != nil || !ok {
		return RestoreResult{Cancelled: err == nil}, err
	}
	res, err := s.restoreFile(path)
	return RestoreResult{Result: res, Path: path}, err
}

// restoreFile merges the backup at path (picked by the person, or a private upload).
func (s *DataService) restoreFile(path string) (backup.Result, error) {
	if !s.busy.TryLock() {
		return backup.Result{}, errBusy
	}
	defer s.busy.Unlock()
	res, err := backup.RestoreFile(s.a.ctx, s.a.st, s.a.blobs, path, func(p backup.Progress) {
		s.a.events.emit(EventDataProgress, DataProgress{Task: "restore", Phase: "merging", Done: p.Done, Total: p.Total})
	})
	switch {
	case errors.Is(err, backup.ErrNotBackup), errors.Is(err, backup.ErrDamaged), errors.Is(err, backup.ErrNewerFormat):
		return res, field.Errorf("file", "%s", err.Error())
	case errors.Is(err, os.ErrNotExist):
		return res, field.Errorf("file", "the file is gone: it was moved or deleted")
	}
	return res, s.a.userError("restore", err)
}
