package app

import (
	"bytes"
	"io"
	"outpost/app/apptest"
	"outpost/backend/ticket"
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
	arrived := false
	for len(events) > 0 && !arrived {
		m := <-events
		arrived = m.Name == EventAttachmentArrived && m.Data.(AttachmentArrived).Hash == at.Hash
	}
	if !arrived {
		t.Error("no attachment:arrived event for the file")
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
