package app

import (
	"errors"
	"path/filepath"
	"strings"

	"outpost/backend/core/field"
)

// FilePicker asks the person at the window where a file goes or which file to read: the
// only way a bound method learns a path. The desktop window implements it with its native
// dialogs (which confirm before replacing a file); `outpost serve` has none, so over HTTP no
// method reads or writes a file at a path a caller names.
type FilePicker interface {
	// SaveFile asks where to save a file; "" means the person cancelled.
	SaveFile(p FilePrompt) (string, error)
	// OpenFile asks which file to open; "" means the person cancelled.
	OpenFile(p FilePrompt) (string, error)
}

// FilePrompt describes a save or open dialog.
type FilePrompt struct {
	Title       string
	DefaultName string
	Pattern     string // e.g. "*.csv"
	PatternName string // e.g. "CSV files"
}

// ErrWindowOnly answers a file method called where there is no window to ask the person.
var ErrWindowOnly = errors.New("files are saved and opened only in the desktop window, where you pick the place; " +
	"in a browser use the download and upload buttons (GET /api/data/export, GET /api/data/backup, POST /api/data/restore)")

// windowOnly names the bound methods that read or write a file the person picks. The HTTP
// API refuses them before decoding anything; without a window they refuse themselves too.
var windowOnly = map[string]bool{
	"DataService.ExportTicketsFile": true,
	"DataService.Backup":            true,
	"DataService.Restore":           true,
	"AttachmentService.AttachFile":  true,
	"AttachmentService.SaveFile":    true,
	"CoachingService.SaveFile":      true,
}

// SetFilePicker gives the app the window's dialogs. Call it before the window opens.
func (a *App) SetFilePicker(p FilePicker) { a.picker = p }

// pickSave asks the window where to save; ok is false when the person cancelled.
func (a *App) pickSave(p FilePrompt) (path string, ok bool, err error) {
	return a.pick(p, true)
}

// pickOpen asks the window which file to read; ok is false when the person cancelled.
func (a *App) pickOpen(p FilePrompt) (path string, ok bool, err error) {
	return a.pick(p, false)
}

func (a *App) pick(p FilePrompt, save bool) (string, bool, error) {
	if a.picker == nil {
		return "", false, ErrWindowOnly
	}
	var path string
	var err error
	if save {
		path, err = a.picker.SaveFile(p)
	} else {
		path, err = a.picker.OpenFile(p)
	}
	if err != nil {
		return "", false, a.userError("file dialog", err)
	}
	if path == "" {
		return "", false, nil
	}
	if a.insideDataDir(path) {
		return "", false, field.Errorf("path", "choose a place outside Outpost's data directory (%s): files there are Outpost's own", a.cfg.DataDir)
	}
	return path, true, nil
}

// insideDataDir reports whether path is in the data directory, symbolic links resolved.
func (a *App) insideDataDir(path string) bool {
	dir := resolved(a.cfg.DataDir)
	p := filepath.Join(resolved(filepath.Dir(path)), filepath.Base(path))
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

// resolved is path made absolute with its symbolic links followed, as far as they exist.
func resolved(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	if r, err := filepath.EvalSymlinks(abs); err == nil {
		return r
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(r, filepath.Base(abs))
	}
	return abs
}
