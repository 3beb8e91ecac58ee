package channel

import (
	"context"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

func (r *replica) ack(t *testing.T, ticketID string) Outmail {
	t.Helper()
	th, err := r.ch.Thread(ticketID)
	if err != nil || len(th.Out) == 0 {
		t.Fatalf("ticket %s has no outgoing mail (%v)", ticketID, err)
	}
	return th.Out[0]
}

func resolve(t *testing.T, r *replica, id string) {
	t.Helper()
	ctx := context.Background()
	if _, err := r.tk.Assign(ctx, "tech", id, "tech"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.tk.Resolve(ctx, "tech", id, "fixed", "Replaced the toner cartridge."); err != nil {
		t.Fatal(err)
	}
}

func TestRepliesFindTheirTicket(t *testing.T) {
	mb := testMailbox()
	r := newReplica(t)
	first := r.take(t, mb, 1, mail{id: "q1@example.net", from: "Dana <dana@example.net>", subject: "VPN drops", body: "Every hour."}, t0)
	if !first.Opened || !first.Acked {
		t.Fatalf("first mail: %+v", first)
	}
	ack := r.ack(t, first.Ticket)
	tk, _ := r.tk.Get(first.Ticket)
	if tk.Number != "HELP-1" || !strings.Contains(ack.Subject, "[HELP-1]") || ack.InReplyTo != "q1@example.net" {
		t.Fatalf("number %q, ack subject %q, in reply to %q", tk.Number, ack.Subject, ack.InReplyTo)
	}
	cases := []struct {
		name string
		m    mail
	}{
		{"by References to our acknowledgement", mail{id: "q2@example.net", from: "dana@example.net", subject: "Re: VPN drops",
			inReplyTo: ack.MessageID, refs: "<q1@example.net> <" + ack.MessageID + ">"}},
		{"by In-Reply-To to the first mail", mail{id: "q3@example.net", from: "eli@example.net", subject: "me too", inReplyTo: "q1@example.net"}},
		{"by the ticket tag in the subject", mail{id: "q4@example.net", from: "dana@example.net", subject: "Fwd: [HELP-1] VPN drops"}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.m.body = "still broken"
			out := r.take(t, mb, uint32(i+2), c.m, t0.Add(time.Minute))
			if out.Ticket != first.Ticket || out.Opened || out.Acked {
				t.Fatalf("outcome %+v, want a comment on %s", out, first.Ticket)
			}
		})
	}
	th, _ := r.ch.Thread(first.Ticket)
	if len(th.In) != 4 {
		t.Fatalf("thread holds %d mails, want 4", len(th.In))
	}
}

func TestReplyToResolvedTicketReopensOrFollowsUp(t *testing.T) {
	mb := testMailbox()
	mb.ReopenDays = 7
	r := newReplica(t)
	first := r.take(t, mb, 1, mail{id: "p1@example.net", from: "dana@example.net", subject: "Printer", body: "jams"}, t0)
	resolve(t, r, first.Ticket)
	soon := time.Now().Add(24 * time.Hour)
	out := r.take(t, mb, 2, mail{id: "p2@example.net", from: "dana@example.net", subject: "Re: Printer", body: "It jams again.", inReplyTo: "p1@example.net"}, soon)
	if !out.Reopened || out.Ticket != first.Ticket {
		t.Fatalf("a reply a day after resolution: %+v", out)
	}
	if tk, _ := r.tk.Get(first.Ticket); tk.Status != ticket.StatusReopened {
		t.Fatalf("status %s, want reopened", tk.Status)
	}
	resolve(t, r, first.Ticket)
	late := time.Now().Add(30 * 24 * time.Hour)
	out = r.take(t, mb, 3, mail{id: "p3@example.net", from: "dana@example.net", subject: "Re: Printer", body: "Jams once more.", inReplyTo: "p2@example.net"}, late)
	if !out.Opened || out.Ticket == first.Ticket {
		t.Fatalf("a reply a month after resolution: %+v, want a new ticket", out)
	}
	nt, _ := r.tk.Get(out.Ticket)
	if len(nt.Links) != 1 || nt.Links[0].Target != first.Ticket {
		t.Fatalf("the follow-up ticket's links: %+v", nt.Links)
	}
	if tk, _ := r.tk.Get(first.Ticket); tk.Status != ticket.StatusResolved {
		t.Fatalf("the old ticket is %s, want it left resolved", tk.Status)
	}
}

func TestRatingReplyIsRecorded(t *testing.T) {
	mb := testMailbox()
	r := newReplica(t)
	first := r.take(t, mb, 1, mail{id: "r1@example.net", from: "dana@example.net", subject: "Mouse", body: "dead"}, t0)
	resolve(t, r, first.Ticket)
	if ok, err := r.ch.NotifyResolved(context.Background(), "tech", mb, first.Ticket); !ok || err != nil {
		t.Fatalf("notice queued %v, %v", ok, err)
	}
	th, _ := r.ch.Thread(first.Ticket)
	notice := th.Out[len(th.Out)-1]
	if notice.Kind != OutDone || !strings.Contains(notice.Text, "1 (poor) to 5") {
		t.Fatalf("notice %+v", notice)
	}
	r.take(t, mb, 2, mail{id: "r2@example.net", from: "dana@example.net", subject: "Re: Mouse", body: "5\r\n\r\nThanks!", inReplyTo: notice.MessageID}, time.Now())
	tk, _ := r.tk.Get(first.Ticket)
	if tk.Rating != 5 || tk.Status != ticket.StatusResolved {
		t.Fatalf("rating %d, status %s; want 5 and still resolved", tk.Rating, tk.Status)
	}
}

// An out-of-office answer to our acknowledgement is filed on the ticket and answered
// by nothing; a sender that opens new tickets in a burst gets at most the mailbox's
// number of acknowledgements per hour.
func TestNoMailLoops(t *testing.T) {
	mb := testMailbox()
	r := newReplica(t)
	first := r.take(t, mb, 1, mail{id: "l1@example.net", from: "dana@example.net", subject: "Screen", body: "flickers"}, t0)
	ack := r.ack(t, first.Ticket)
	ooo := r.take(t, mb, 2, mail{id: "l2@example.net", from: "dana@example.net", subject: "Out of office: " + ack.Subject,
		inReplyTo: ack.MessageID, extra: "Auto-Submitted: auto-replied\r\n", body: "I am away."}, t0.Add(time.Minute))
	if ooo.Ticket != first.Ticket || ooo.Acked || ooo.Opened {
		t.Fatalf("out-of-office reply: %+v", ooo)
	}
	list := r.take(t, mb, 3, mail{id: "l3@example.net", from: "news@example.com", subject: "Newsletter", extra: "List-Id: <news.example.com>\r\n", body: "news"}, t0)
	if !list.Opened || list.Acked {
		t.Fatalf("a list mail: %+v, want a ticket without acknowledgement", list)
	}
	acks := 0
	for i := range 10 {
		out := r.take(t, mb, uint32(10+i), mail{id: "burst" + string(rune('a'+i)) + "@example.org", from: "robot@example.com",
			subject: "Alert " + string(rune('a'+i)), body: "disk full"}, t0.Add(time.Duration(i)*time.Minute))
		if out.Acked {
			acks++
		}
	}
	if acks != mb.AutoPerHour {
		t.Fatalf("%d acknowledgements to one sender in ten minutes, want %d", acks, mb.AutoPerHour)
	}
	own := r.take(t, mb, 30, mail{id: "own@example.org", from: "IT help <help@example.org>", subject: "Re: Screen", body: "loop?"}, t0)
	if own.Ticket != "" {
		t.Fatalf("mail from our own address went on ticket %s", own.Ticket)
	}
}

func TestBounceFailsTheMailItReports(t *testing.T) {
	mb := testMailbox()
	r := newReplica(t)
	first := r.take(t, mb, 1, mail{id: "b1@example.net", from: "typo@example.net", subject: "Help", body: "please"}, t0)
	ack := r.ack(t, first.Ticket)
	dsn := "From: MAILER-DAEMON@example.org\r\nTo: help@example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n" +
		"Message-ID: <dsn1@example.org>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n" +
		"Final-Recipient: rfc822; typo@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user\r\n" +
		"--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <" + ack.MessageID + ">\r\nSubject: " + ack.Subject + "\r\n--b--\r\n"
	out, err := r.ch.Take(context.Background(), "handler", Incoming{Mailbox: mb, UID: 2, Raw: []byte(dsn), Received: t0, Size: len(dsn)})
	if err != nil {
		t.Fatal(err)
	}
	if out.Ticket != first.Ticket || out.Opened {
		t.Fatalf("bounce: %+v", out)
	}
	failed := r.ack(t, first.Ticket)
	if failed.State != Failed || !strings.Contains(failed.Reason, "5.1.1") {
		t.Fatalf("acknowledgement after its bounce: state %s, reason %q", failed.State, failed.Reason)
	}
}

func TestClaimantIsOneHandlerAndMovesOnlyWhenItLeaves(t *testing.T) {
	handlers := []string{"dev-a", "dev-b", "dev-c"}
	moved, per := 0, map[string]int{}
	for range 300 {
		id := store.NewID()
		c := Claimant(id, handlers)
		per[c]++
		var rest []string
		for _, h := range handlers {
			if h != "dev-b" {
				rest = append(rest, h)
			}
		}
		if c2 := Claimant(id, rest); c != "dev-b" && c2 != c {
			t.Fatalf("record %s moved from %s to %s when dev-b left", id, c, c2)
		} else if c == "dev-b" {
			moved++
		}
		if Claimant(id, []string{handlers[2], handlers[0], handlers[1]}) != c {
			t.Fatal("the claimant depends on the order of the handler list")
		}
	}
	if per["dev-a"] < 60 || per["dev-b"] < 60 || per["dev-c"] < 60 {
		t.Fatalf("claims are uneven: %v", per)
	}
}

// A reply taken in on one handler before its thread's first mail reached it opens the
// thread's ticket there, while the other handler opens it from the first mail: after
// sync the ticket is one, and so is its acknowledgement.
func TestAReplyAheadOfItsThreadIsAcknowledgedOnce(t *testing.T) {
	mb := testMailbox()
	a, b := newReplica(t), newReplica(t)
	root := a.take(t, mb, 1, mail{id: "r1@example.net", from: "dana@example.net", subject: "Badge reader", body: "It beeps red."}, t0)
	reply := b.take(t, mb, 2, mail{id: "r2@example.net", from: "dana@example.net", subject: "Re: Badge reader", body: "Still red.",
		inReplyTo: "r1@example.net", refs: "<r1@example.net>"}, t0.Add(time.Minute))
	if !root.Opened || !reply.Opened || root.Ticket != reply.Ticket {
		t.Fatalf("root %+v, reply %+v: want both to open the thread's ticket", root, reply)
	}
	storetest.Sync(t, a.st, b.st)
	for _, r := range []*replica{a, b} {
		if n, _ := count(t, r.st, KindOutbox); n != 1 {
			t.Errorf("%d acknowledgements queued for one ticket, want 1", n)
		}
		if n, _ := count(t, r.st, ticket.Kind); n != 1 {
			t.Errorf("%d tickets for one thread, want 1", n)
		}
	}
}
