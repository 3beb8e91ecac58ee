package app

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"outpost/app/apptest"
	"outpost/backend/requester"
	"outpost/backend/ticket"
)

// Tickets from before the directory, with their requesters typed on them, get requester
// records and links when the app next starts; the bound service then finds them.
func TestStartMigratesInlineRequesters(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := Config{DataDir: dir, DeviceName: "desk-1", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	a, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := a.tickets.Create(context.Background(), "ana", ticket.NewTicket{Title: "Printer jams",
		Requester: ticket.Requester{Name: "Ben Ortiz", Contact: "Ben.Ortiz@example.com", Site: "Porto"}})
	if err != nil {
		t.Fatal(err)
	}
	a.Close()

	a = openAt(t, cfg)
	id := requester.IDFor("ben.ortiz@example.com")
	apptest.Eventually(t, 10*time.Second, func() bool {
		got, err := a.Tickets.Get(tk.ID)
		return err == nil && got.RequesterID == id
	})
	page, err := a.Requesters.Page(id)
	if err != nil || page.Requester.Name != "Ben Ortiz" || page.Requester.Site != "Porto" || len(page.Open) != 1 {
		t.Fatalf("Page = %+v, %v", page, err)
	}
	if _, err := a.Requesters.Get("rq-nobody"); err == nil || err == ErrInternal {
		t.Fatalf("Get of an unknown requester = %v, want a not-found a person can read", err)
	}
	res, err := a.Requesters.ImportCSV([]byte("not,a,header\n"))
	if err == nil || err == ErrInternal {
		t.Fatalf("ImportCSV of a file without known columns = %+v, %v", res, err)
	}
}

func openAt(t *testing.T, cfg Config) *App {
	t.Helper()
	a, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}
