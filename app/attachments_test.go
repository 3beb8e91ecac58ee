package app

import (
	"bytes"
	"io"
	"outpost/app/apptest"
	"outpost/backend/filepolicy"
	"outpost/backend/search"
	"outpost/backend/ticket"
	"strings"
	"testing"
	"time"
)

// A screenshot attached on the lead's laptop arrives on the field laptop by itself (it is
// under the eager size), announced by an event, and then downloads there.
func TestAnAttachmentTravelsToATeammate(t *testing.T) {
	lead := openSyncApp(t, t.TempDir(), "lead-laptop")
	field := openSyncApp(t, t.TempDir(), "field-laptop")
	if _, err := lead.Team.Create("Helpdesk"); err != nil {
		t.Fatal(err)
	}
	tk, err := lead.Tickets.Create(ticket.NewTicket{Title: "Label printer shows E42"})
	if err != nil {
		t.Fatal(err)
	}
	shot := apptest.Screenshot()
	at, err := lead.Attach("ticket", tk.ID, "e42.png", bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	events, stop := field.Listen(64)
	defer stop()
	code, _ := lead.Team.Invite()
	if _, err := field.Team.Join(code); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 30*time.Second, func() bool {
		list, err := field.Attachments.List("ticket", tk.ID)
		return err == nil && len(list) == 1 && list[0].Here
	})
	arrived := false // the event follows the file into the store, so it may come a moment after
	for timeout := time.After(5 * time.Second); !arrived; {
		select {
		case m := <-events:
			arrived = m.Name == EventAttachmentArrived && m.Data.(AttachmentArrived).Hash == at.Hash
		case <-timeout:
			t.Fatal("no attachment:arrived event for the file")
		}
	}
	f, err := field.OpenBlob(at.Hash)
	if err != nil {
		t.Fatalf("the file on the teammate's device: %v", err)
	}
	defer f.Close()
	if got, err := io.ReadAll(f); err != nil || !bytes.Equal(got, shot) {
		t.Fatalf("the teammate's copy: %d bytes, %v", len(got), err)
	}
}

// A log attached on one device is found by the words in it on a teammate's once its bytes
// have arrived there (here when opened: the team fetches nothing eagerly), and the hit names the file.
func TestATextAttachmentIsSearchableOnATeammate(t *testing.T) {
	lead := openSyncApp(t, t.TempDir(), "lead-laptop")
	field := openSyncApp(t, t.TempDir(), "field-laptop")
	if _, err := lead.Team.Create("Helpdesk"); err != nil {
		t.Fatal(err)
	}
	if _, err := lead.Attachments.SaveSettings(filepolicy.Settings{MaxFileMB: 200, EagerMB: 0, QuotaMB: 10240}); err != nil {
		t.Fatal(err)
	}
	tk, err := lead.Tickets.Create(ticket.NewTicket{Title: "Printing stops after an hour"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lead.Attach("ticket", tk.ID, "spooler.log", strings.NewReader("spoolsv.exe stopped: faulting module PrintConfig.dll\n")); err != nil {
		t.Fatal(err)
	}
	code, _ := lead.Team.Invite()
	if _, err := field.Team.Join(code); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 30*time.Second, func() bool {
		res, err := field.Search.Search(search.Query{Text: "printing"})
		return err == nil && len(res.Hits) == 1
	})
	if res, _ := field.Search.Search(search.Query{Text: "faulting"}); len(res.Hits) != 0 {
		t.Fatal("a file not on the device matched")
	}
	if _, err := field.Attachments.Fetch("ticket", tk.ID); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 30*time.Second, func() bool {
		res, err := field.Search.Search(search.Query{Text: "faulting"})
		if err != nil || len(res.Hits) != 1 {
			return false
		}
		for _, s := range res.Hits[0].Snippets {
			if s.Field == "files" && s.File == "spooler.log" {
				return true
			}
		}
		return false
	})
}
