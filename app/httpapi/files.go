package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"outpost/app"
	"outpost/backend/core/field"
	"outpost/backend/queue"
	"time"
)

// serveExport sends the tickets as a CSV download (GET /api/data/export; ?closed=1 adds
// resolved and closed tickets, ?text= filters like the queue's search box).
func (s *server) serveExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := queue.Filter{Text: q.Get("text"), IncludeClosed: q.Get("closed") == "1" || q.Get("closed") == "true"}
	text, err := s.a.ExportCSV(filter)
	if err != nil {
		writeError(w, errorStatus(err), err)
		return
	}
	attachment(w, "text/csv; charset=utf-8", app.ExportName(time.Now()), int64(len(text)))
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
func (s *server) serveBackup(w http.ResponseWriter, r *http.Request) {
	f, err := s.a.ScratchFile("backup-*.outpost")
	if err != nil {
		writeError(w, http.StatusInternalServerError, s.a.UserError("back up", err))
		return
	}
	defer os.Remove(f.Name())
	defer f.Close()
	err = s.a.WriteBackup(f, r.URL.Query().Get("files") != "0")
	var fi os.FileInfo
	if err == nil {
		fi, err = f.Stat()
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, s.a.UserError("back up", err))
		return
	}
	attachment(w, "application/octet-stream", app.BackupName(time.Now()), fi.Size())
	_, _ = io.Copy(w, f)
}

// serveRestore receives a backup file from the browser (POST /api/data/restore, the
// file as the body), keeps it in a private temporary file and restores it like
// DataService.Restore: the whole file is checked before anything is written.
func (s *server) serveRestore(w http.ResponseWriter, r *http.Request) {
	f, err := s.a.ScratchFile("restore-*.outpost")
	if err != nil {
		writeError(w, http.StatusInternalServerError, s.a.UserError("restore", err))
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
	res, err := s.a.RestoreFile(f.Name())
	if err != nil {
		writeError(w, errorStatus(err), err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(res)
}
