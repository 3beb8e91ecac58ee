package app

import (
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"outpost/backend/backup"
	"outpost/backend/core/blob"
	"outpost/backend/queue"
)

// What the HTTP API and the window use of a running App beside its bound services. These
// are methods of App, not of a bound service, so neither the window nor the HTTP API can
// call them by name.

// Methods lists "Service.Method" for every method the window and the HTTP API may call.
func (a *App) Methods() []string {
	var names []string
	for svc, v := range a.Bound() {
		typ := reflect.TypeOf(v)
		for i := range typ.NumMethod() {
			names = append(names, svc+"."+typ.Method(i).Name)
		}
	}
	slices.Sort(names)
	return names
}

// WindowOnlyMethods lists, sorted, the "Service.Method" names that only the window may call.
func WindowOnlyMethods() []string { return slices.Sorted(maps.Keys(windowOnly)) }

// Listen returns the app's events (for the window and server-sent events) and a function
// that stops listening.
func (a *App) Listen(buffer int) (<-chan Message, func()) { return a.events.Listen(buffer) }

// EndEvents ends every event stream, so a server shutting down does not wait on them.
func (a *App) EndEvents() { a.events.close() }

// DataDir is the replica's data directory.
func (a *App) DataDir() string { return a.cfg.DataDir }

// Logger is the app's log.
func (a *App) Logger() *slog.Logger { return a.log }

// WindowOnly reports whether service.method reads or writes a file the person picks, so
// only the desktop window may call it.
func WindowOnly(service, method string) bool { return windowOnly[service+"."+method] }

// UserError is err as the person may see it: invalid input as it is, a fault on the device
// logged with op and answered with ErrInternal.
func (a *App) UserError(op string, err error) error { return a.userError(op, err) }

// ExportCSV is the CSV export of the tickets filter selects.
func (a *App) ExportCSV(filter queue.Filter) (string, error) {
	text, _, err := a.Data.exportCSV(filter)
	return text, err
}

// WriteBackup writes a backup of the replica to w, with the live attachments' bytes when
// withFiles is set.
func (a *App) WriteBackup(w io.Writer, withFiles bool) error {
	var files *backup.Files
	if withFiles {
		var err error
		if files, err = backup.LiveFiles(a.st, a.blobs); err != nil {
			return err
		}
	}
	_, err := backup.Write(a.st, w, time.Now(), files)
	return err
}

// RestoreFile merges the backup at path like DataService.Restore: the whole file is checked
// before anything is written.
func (a *App) RestoreFile(path string) (backup.Result, error) { return a.Data.restoreFile(path) }

// ScratchFile creates a private temporary file in the data directory's scratch folder.
func (a *App) ScratchFile(pattern string) (*os.File, error) {
	dir := filepath.Join(a.cfg.DataDir, "scratch")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, pattern)
}

// MaxFileSize is the largest attachment the team accepts, in bytes.
func (a *App) MaxFileSize() int64 { return a.blobs.MaxSize() }

// OpenBlob opens an attachment's bytes on this device (blob.ErrNotFound until they arrive).
func (a *App) OpenBlob(h blob.Hash) (*os.File, error) { return a.blobs.Open(h) }

// Thumbnail is an image attachment's thumbnail as JPEG (thumb.ErrNotImage for other files).
func (a *App) Thumbnail(h blob.Hash) ([]byte, error) {
	return a.thumbs.Get(string(h), func() (io.ReadSeekCloser, error) { return a.blobs.Open(h) })
}
