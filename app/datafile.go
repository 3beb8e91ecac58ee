package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"outpost/backend/backup"
	"outpost/backend/core/field"
	"outpost/backend/demo"
	"outpost/backend/person"
	"outpost/backend/queue"
	"outpost/sync/team"
)

// DemoState says whether demo data can be loaded here, and if not, why.
type DemoState struct {
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
	// Coaching says whose coaching notes the demo will hold and whether this device can read them.
	Coaching string `json:"coaching"`
}

// demoRefusal is why demo data cannot be loaded into this replica ("" when it can).
func (s *DataService) demoRefusal() string {
	if _, err := team.Load(s.a.cfg.DataDir); err == nil {
		return "this device is in a team: demo data would reach every member. Load it on a device outside a team"
	}
	if n := s.a.queue.Len(); n > 0 {
		return fmt.Sprintf("this replica already holds %d tickets; demo data is only loaded into an empty one", n)
	}
	return ""
}

// DemoStatus tells the data screen whether "Load demo data" is available.
func (s *DataService) DemoStatus() (DemoState, error) {
	st := DemoState{Allowed: true}
	if r := s.demoRefusal(); r != "" {
		st.Allowed, st.Reason = false, r
	}
	me, _, err := s.a.people.Current()
	switch {
	case errors.Is(err, person.ErrNoIdentity):
		st.Coaching = "You have not said who you are on this device yet: you become the demo team's lead, so you can read and edit its coaching notes."
	case err != nil:
		return st, s.a.userError("demo status", err)
	case me.Role.CanCoach():
		st.Coaching = fmt.Sprintf("The demo's coaching notes are written as you (%s), so you can read and edit them.", me.Name)
	default:
		st.Coaching = "You are a technician here: the demo's coaching notes are sealed to a demo lead and cannot be read on this device."
	}
	return st, nil
}

// demoLead makes sure the demo's coaching notes are written by someone who can read them
// here: a device with no person becomes the demo team's lead; a lead or coordinator writes
// them as themselves. It returns the lead's name when this device became the lead.
func (s *DataService) demoLead(cfg *demo.Config) (string, error) {
	cfg.LeadKeyDir = s.a.cfg.DataDir
	if _, _, err := s.a.people.Current(); !errors.Is(err, person.ErrNoIdentity) {
		return "", nil
	}
	name := demo.LeadName(*cfg)
	if _, err := s.a.people.SetUp(s.a.ctx, person.Profile{Name: name, Role: person.RoleLead}); err != nil {
		return "", fmt.Errorf("set up the demo lead: %w", err)
	}
	return name, nil
}

// linkDemoLead links this device's person, when it became the demo lead, to the lead's
// technician profile, so "mine" in the queue shows the lead's tickets.
func (s *DataService) linkDemoLead(name string) {
	techs, err := s.a.techs.List(false)
	if err != nil {
		return
	}
	for _, t := range techs {
		if t.Name == name {
			if _, err := s.a.people.SetUp(s.a.ctx, person.Profile{Name: name, Role: person.RoleLead, TechnicianID: t.ID}); err != nil {
				s.a.log.Warn("link the demo lead to its technician profile", "err", err)
			}
			return
		}
	}
}

// ExportResult says where an export went, or that the person cancelled the dialog.
type ExportResult struct {
	Path      string `json:"path,omitempty"`
	Tickets   int    `json:"tickets"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// ExportTicketsFile asks the person (in the window's save dialog) where to save the tickets
// matching filter as CSV, and saves them there.
func (s *DataService) ExportTicketsFile(filter queue.Filter) (ExportResult, error) {
	path, ok, err := s.a.pickSave(FilePrompt{Title: "Export tickets as CSV", DefaultName: exportName(time.Now()),
		Pattern: "*.csv", PatternName: "CSV files"})
	if err != nil || !ok {
		return ExportResult{Cancelled: err == nil}, err
	}
	text, n, err := s.exportCSV(filter)
	if err != nil {
		return ExportResult{}, err
	}
	if err := writeFileAtomic(path, []byte(text)); err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return ExportResult{}, field.Errorf("path", "cannot write to %s: choose a folder you can write to", filepath.Dir(path))
		}
		return ExportResult{}, s.a.userError("export tickets", err)
	}
	return ExportResult{Path: path, Tickets: n}, nil
}

// exportName is a ticket export's suggested file name.
func exportName(now time.Time) string { return "outpost-tickets-" + now.Format("2006-01-02") + ".csv" }

// serveExport sends the tickets as a CSV download (GET /api/data/export; ?closed=1 adds
// resolved and closed tickets, ?text= filters like the queue's search box).
func (a *App) serveExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := queue.Filter{Text: q.Get("text"), IncludeClosed: q.Get("closed") == "1" || q.Get("closed") == "true"}
	text, _, err := a.Data.exportCSV(filter)
	if err != nil {
		writeError(w, errorStatus(err), err)
		return
	}
	attachment(w, "text/csv; charset=utf-8", exportName(time.Now()), int64(len(text)))
	_, _ = io.WriteString(w, text)
}

// attachment sets the headers of a file download.
func attachment(w http.ResponseWriter, mediaType, name string, size int64) {
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Content-Length", fmt.Sprint(size))
}

// MaxRestoreUpload bounds a backup sent to `outpost serve` from a browser.
const MaxRestoreUpload = 4 << 30

// serveBackup sends a backup of the replica to the browser as a file download
// (GET /api/data/backup). It is written to a private temporary file first, so a
// failure is reported instead of a truncated download.
func (a *App) serveBackup(w http.ResponseWriter, r *http.Request) {
	f, err := a.scratchFile("backup-*.outpost")
	if err != nil {
		writeError(w, http.StatusInternalServerError, a.userError("back up", err))
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var files *backup.Files
	if r.URL.Query().Get("files") != "0" {
		files, err = backup.LiveFiles(a.st, a.blobs)
	}
	if err == nil {
		_, err = backup.Write(a.st, f, time.Now(), files)
	}
	var fi os.FileInfo
	if err == nil {
		fi, err = f.Stat()
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, a.userError("back up", err))
		return
	}
	attachment(w, "application/octet-stream", BackupName(time.Now()), fi.Size())
	_, _ = io.Copy(w, f)
}

// scratchFile creates a private temporary file in the data directory's scratch folder.
func (a *App) scratchFile(pattern string) (*os.File, error) {
	dir := filepath.Join(a.cfg.DataDir, "scratch")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, pattern)
}

// serveRestore receives a backup file from the browser (POST /api/data/restore, the
// file as the body), keeps it in a private temporary file and restores it like
// DataService.Restore: the whole file is checked before anything is written.
func (a *App) serveRestore(w http.ResponseWriter, r *http.Request) {
	f, err := a.scratchFile("restore-*.outpost")
	if err != nil {
		writeError(w, http.StatusInternalServerError, a.userError("restore", err))
		return
	}
	defer os.Remove(f.Name())
	_, err = io.Copy(f, http.MaxBytesReader(w, r.Body, MaxRestoreUpload))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, field.Errorf("file", "the file is larger than %d GiB; restore it with `outpost restore FILE`", MaxRestoreUpload>>30))
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, field.Errorf("file", "the upload did not complete; try again"))
		return
	}
	res, err := a.Data.restoreFile(f.Name())
	if err != nil {
		writeError(w, errorStatus(err), err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}
