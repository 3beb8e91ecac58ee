package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"outpost/app/apptest"
	"outpost/backend/csvio"
	"outpost/backend/demo"
	"outpost/backend/queue"
)

func TestDataServiceDemoExportBackupRestore(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	stats, err := a.Data.LoadDemo(demo.Config{Tickets: 60, Technicians: 4, Seed: 5})
	if err != nil || stats.Tickets != 60 {
		t.Fatalf("LoadDemo = %+v, %v", stats, err)
	}
	apptest.Eventually(t, 5*time.Second, func() bool { return a.queue.Len() == 60 })
	if _, err := a.Data.LoadDemo(demo.Config{Tickets: 10}); !apptest.IsField(err, "demo") {
		t.Fatalf("second LoadDemo = %v, want a demo field error", err)
	}
	out, err := a.Data.ExportTickets(queue.Filter{IncludeClosed: true})
	if err != nil || strings.Count(out, "\r\n") < 61 || !strings.HasPrefix(out, "Number,Title,") {
		t.Fatalf("ExportTickets: %d lines, %v", strings.Count(out, "\r\n"), err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "desk.outpost")
	if _, err := a.Data.Backup(); !errors.Is(err, ErrWindowOnly) {
		t.Fatalf("backup without a window = %v, want ErrWindowOnly", err)
	}
	a.SetFilePicker(chooses(filepath.Join(a.cfg.DataDir, "inside.outpost")))
	if _, err := a.Data.Backup(); !apptest.IsField(err, "path") {
		t.Fatalf("backup into the data directory = %v, want a path error", err)
	}
	a.SetFilePicker(chooses(""))
	if r, err := a.Data.Backup(); err != nil || !r.Cancelled {
		t.Fatalf("backup cancelled in the dialog = %+v, %v", r, err)
	}
	a.SetFilePicker(chooses(path))
	info, err := a.Data.Backup()
	if err != nil || info.Changes < 60 || info.Path != path {
		t.Fatalf("Backup = %+v, %v", info, err)
	}
	b := openApp(t)
	b.SetFilePicker(chooses(path))
	res, err := b.Data.Restore()
	if err != nil || res.Applied != info.Changes {
		t.Fatalf("Restore = %+v, %v", res, err)
	}
	apptest.Eventually(t, 5*time.Second, func() bool { return b.queue.Len() == 60 })
	garbage := filepath.Join(dir, "notes.txt")
	os.WriteFile(garbage, []byte("not a backup"), 0o600)
	b.SetFilePicker(chooses(garbage))
	if _, err := b.Data.Restore(); !apptest.IsField(err, "file") || !strings.Contains(err.Error(), "not an Outpost backup") {
		t.Fatalf("Restore(garbage) = %v", err)
	}
}

// chooses is a person who picks path in every file dialog ("" cancels it).
type chooses string

func (c chooses) SaveFile(FilePrompt) (string, error) { return string(c), nil }
func (c chooses) OpenFile(FilePrompt) (string, error) { return string(c), nil }

func TestDataServiceImport(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	file := "Subject;Priority;Status\nPrinter jams;High;Open\nBroken;Whenever;Open\n"
	p, err := a.Data.ImportPreview([]byte(file), csvio.Options{})
	if err != nil || p.Delimiter != ";" || p.Total != 2 || p.Valid != 1 || p.Errors[0].Line != 3 {
		t.Fatalf("ImportPreview = %+v, %v", p, err)
	}
	if _, err := a.Data.Import([]byte(file), csvio.Options{}, false); !apptest.IsField(err, "rows") {
		t.Fatalf("Import without accepting = %v", err)
	}
	if a.queue.Len() != 0 {
		t.Fatal("a refused import wrote tickets")
	}
	res, err := a.Data.Import([]byte(file), csvio.Options{}, true)
	if err != nil || res.Imported != 1 || res.Skipped != 1 {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	if _, err := a.Data.ImportPreview(nil, csvio.Options{}); !apptest.IsField(err, "file") || err.Error() != "File: the file is empty" {
		t.Fatalf("ImportPreview(empty) = %v", err)
	}
}

func TestDataServiceImportReadsTheFilesOwnEncoding(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	// "Café printer" as Excel on Windows saves it: é is the single byte 0xE9.
	file := []byte("Subject;Status\nCaf\xe9 printer;Open\n")
	p, err := a.Data.ImportPreview(file, csvio.Options{})
	if err != nil || p.Encoding != csvio.EncCP1252 || p.Rows[0].Ticket.Title != "Café printer" {
		t.Fatalf("ImportPreview = %+v, %v", p, err)
	}
	if _, err := a.Data.ImportPreview([]byte("\xff\xfeS\x00"), csvio.Options{}); !apptest.IsField(err, "file") || !strings.Contains(err.Error(), "UTF-16") {
		t.Fatalf("ImportPreview(UTF-16) = %v", err)
	}
}

// TestDataServiceCancelImport cancels a running import once it reports progress: it
// returns what it saved, the queue holds exactly that, and importing the file again
// gives exactly the file's tickets.
func TestDataServiceCancelImport(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	const n = 6000
	var b strings.Builder
	b.WriteString("Number,Title,State,Note\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,Printer %d jams,open,%s\n", 5000+i, i, strings.Repeat("toner ", 60))
	}
	file := []byte(b.String())
	if ok, err := a.Data.CancelImport(); ok || err != nil {
		t.Fatalf("CancelImport with no import = %v, %v", ok, err)
	}
	events, stop := a.Listen(1024)
	defer stop()
	go func() {
		for m := range events {
			if p, ok := m.Data.(DataProgress); ok && p.Task == "import" && p.Done > 0 && p.Total == n {
				if ok, err := a.Data.CancelImport(); !ok || err != nil {
					t.Errorf("CancelImport during the import = %v, %v", ok, err)
				}
				return
			}
		}
	}()
	res, err := a.Data.Import(file, csvio.Options{}, false)
	// A cancel that lands before the first batch commits imports nothing: also a whole state.
	if err != nil || !res.Cancelled || res.Imported >= n || res.Total != n {
		t.Fatalf("cancelled Import = %+v, %v", res, err)
	}
	apptest.Eventually(t, 5*time.Second, func() bool { return a.queue.Len() == res.Imported })
	again, err := a.Data.Import(file, csvio.Options{}, false)
	if err != nil || again.Cancelled || again.Imported != n-res.Imported || again.Unchanged != res.Imported {
		t.Fatalf("re-run = %+v, %v after %+v", again, err, res)
	}
	apptest.Eventually(t, 5*time.Second, func() bool { return a.queue.Len() == n })
}
