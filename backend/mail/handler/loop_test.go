package handler

import (
	"context"
	"outpost/backend/core/change"
	"testing"
	"time"

	"outpost/backend/mail/channel"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/mailtest"
	"outpost/backend/ticket"
)

// oneHandler starts a real mail server and one device handling its team mailbox.
func oneHandler(t *testing.T, opts mailtest.Options) (*mailtest.Server, *device) {
	t.Helper()
	srv := mailtest.Start(t, opts)
	d := newDevice(t)
	team := srv.Team()
	settings := mailbox.Settings{Name: "IT help", Address: srv.Address(team.Name), Tag: "HELP", Acknowledge: true,
		IMAP: serverOf(t, srv.IMAPAddr), SMTP: serverOf(t, srv.SMTPAddr), Handlers: []string{d.boxes.Device()}}
	creds := &mailbox.Credentials{IMAPUser: team.Name, IMAPPassword: team.Password}
	if _, err := d.boxes.Save(context.Background(), "lead", "", settings, creds); err != nil {
		t.Fatal(err)
	}
	d.start(t, srv, func() []string { return []string{d.boxes.Device()} })
	return srv, d
}

func eventually(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); !ok(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
	}
}

func onlyTicket(t *testing.T, d *device) string {
	t.Helper()
	var ids []string
	_ = d.st.Scan(ticket.Kind, func(r change.Record) error { ids = append(ids, r.ID); return nil })
	if len(ids) != 1 {
		t.Fatalf("%d tickets, want 1", len(ids))
	}
	return ids[0]
}

// A requester whose mailbox answers everything, without marking its answers as
// automatic (as many real autoresponders do), gets one acknowledgement: its answer
// lands on the ticket and is not answered, and the exchange stops there.
func TestAutoresponderGetsOneAcknowledgement(t *testing.T) {
	const ooo = "away@example.net"
	srv, d := oneHandler(t, mailtest.Options{Autoresponders: map[string]bool{ooo: false}, ReplyDelay: 20 * time.Millisecond})
	srv.Deliver(t, srv.Team().Name, []byte("From: Away <"+ooo+">\r\nTo: "+srv.Address(srv.Team().Name)+
		"\r\nSubject: Laptop fan loud\r\nMessage-ID: <fan1@example.net>\r\n\r\nIt is loud.\r\n"))
	eventually(t, "the autoresponder's answer taken in", 20*time.Second, func() bool { return count(t, d.st, channel.KindMail) == 2 })
	time.Sleep(2 * time.Second) // any further exchange would happen now
	if n := len(srv.Sent()); n != 1 {
		t.Fatalf("%d mails sent, want only the acknowledgement", n)
	}
	if n := count(t, d.st, ticket.Kind); n != 1 {
		t.Fatalf("%d tickets, want 1", n)
	}
	th, err := d.ch.Thread(onlyTicket(t, d))
	if err != nil || len(th.In) != 2 || len(th.Out) != 1 {
		t.Fatalf("thread %d in, %d out (%v); want the request and the answer in, the acknowledgement out", len(th.In), len(th.Out), err)
	}
}

// An acknowledgement to an address that does not exist bounces; the delivery report
// goes on the ticket and marks the acknowledgement failed.
func TestBounceMarksTheMailFailed(t *testing.T) {
	const nobody = "typo@example.net"
	srv, d := oneHandler(t, mailtest.Options{Bounce: []string{nobody}, ReplyDelay: 20 * time.Millisecond})
	srv.Deliver(t, srv.Team().Name, []byte("From: "+nobody+"\r\nTo: "+srv.Address(srv.Team().Name)+
		"\r\nSubject: Password reset\r\nMessage-ID: <pw1@example.net>\r\n\r\nPlease reset it.\r\n"))
	var th channel.Thread
	eventually(t, "the acknowledgement failed", 20*time.Second, func() bool {
		if count(t, d.st, ticket.Kind) != 1 {
			return false
		}
		th, _ = d.ch.Thread(onlyTicket(t, d))
		return len(th.Out) == 1 && th.Out[0].State == channel.Failed
	})
	if len(th.In) != 2 || th.In[1].Bounce != th.Out[0].ID {
		t.Fatalf("thread: %+v", th.In)
	}
}
