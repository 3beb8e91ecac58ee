package channel

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/mail/mailbox"
	"outpost/backend/requester"
	"outpost/backend/ticket"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func testMailbox() mailbox.Mailbox {
	s := mailbox.Settings{Name: "IT help", Address: "help@example.org", Tag: "HELP", Acknowledge: true, NotifyDone: true, AskRating: true,
		IMAP: mailbox.Server{Host: "127.0.0.1", Port: 143, Security: mailbox.Plain}, SMTP: mailbox.Server{Host: "127.0.0.1", Port: 25, Security: mailbox.Plain}}
	s.Normalize()
	return mailbox.Mailbox{ID: "mb1", Settings: s}
}

type replica struct {
	st  *store.Store
	tk  *ticket.Service
	dir *requester.Service
	ch  *Channel
}

func newReplica(t *testing.T) *replica {
	st := storetest.Open(t)
	tk := ticket.NewService(st, nil)
	dir := requester.NewService(st, tk)
	t.Cleanup(dir.Close)
	r := &replica{st: st, tk: tk, dir: dir}
	ch, err := New(Options{Store: st, Tickets: tk, Numbers: r.byNumber, Requesters: dir.Ensure})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ch.Close)
	r.ch = ch
	return r
}

func (r *replica) byNumber(n string) (string, bool) {
	found := ""
	_ = r.st.Scan(ticket.Kind, func(rec change.Record) error {
		if rec.String("number") == n {
			found = rec.ID
		}
		return nil
	})
	return found, found != ""
}

type mail struct {
	id, from, subject, body, inReplyTo, refs, extra string
}

func (m mail) raw() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: help@example.org\r\nSubject: %s\r\nDate: Mon, 02 Mar 2026 09:00:00 +0000\r\n", m.from, m.subject)
	if m.id != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\r\n", m.id)
	}
	if m.inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\n", m.inReplyTo)
	}
	if m.refs != "" {
		fmt.Fprintf(&b, "References: %s\r\n", m.refs)
	}
	b.WriteString(m.extra)
	fmt.Fprintf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n", m.body)
	return []byte(b.String())
}

func (r *replica) take(t *testing.T, mb mailbox.Mailbox, uid uint32, m mail, at time.Time) Outcome {
	t.Helper()
	raw := m.raw()
	out, err := r.ch.Take(context.Background(), "handler", Incoming{Mailbox: mb, UID: uid, Raw: raw, Received: at, Size: len(raw)})
	if err != nil {
		t.Fatalf("take %s: %v", m.id, err)
	}
	return out
}

func count(t *testing.T, st *store.Store, kind string) (n, conflicts int) {
	t.Helper()
	err := st.Scan(kind, func(r change.Record) error {
		if !r.Deleted() {
			n++
			if len(r.Conflicts()) > 0 {
				conflicts++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n, conflicts
}

// Two handlers take in the same mails at the same time, each on its own replica, and
// one of them takes some in twice (a crash between saving and moving): after sync
// every mail is one mail record, every thread one ticket, every new ticket one
// acknowledgement, and neither replica holds a conflict.
func TestTwoHandlersTakingTheSameMailConverge(t *testing.T) {
	mb := testMailbox()
	mb.AutoPerHour = 100
	var mails []mail
	for i := range 40 {
		m := mail{id: fmt.Sprintf("m%d@example.net", i), from: fmt.Sprintf("User %d <u%d@example.net>", i%7, i%7),
			subject: fmt.Sprintf("Printer %d jams", i), body: "It jams on every page."}
		if i%4 == 3 { // a reply to the mail before it
			prev := mails[i-1]
			m.subject, m.inReplyTo, m.refs = "Re: "+prev.subject, prev.id, "<"+prev.id+">"
		}
		mails = append(mails, m)
	}
	a, b := newReplica(t), newReplica(t)
	var wg sync.WaitGroup
	for _, r := range []*replica{a, b} {
		wg.Go(func() {
			for i, m := range mails {
				r.take(t, mb, uint32(i+1), m, t0.Add(time.Duration(i)*time.Minute))
			}
		})
	}
	wg.Wait()
	for i, m := range mails[:10] {
		if out := a.take(t, mb, uint32(i+1), m, t0); !out.Duplicate {
			t.Fatalf("mail %s taken in again was not known", m.id)
		}
	}
	storetest.Sync(t, a.st, b.st)
	ha, _ := a.st.StateHash()
	hb, _ := b.st.StateHash()
	if ha != hb {
		t.Fatal("the replicas differ after sync")
	}
	for kind, want := range map[string]int{KindMail: 40, ticket.Kind: 30, KindOutbox: 30, requester.Kind: 7} {
		n, c := count(t, a.st, kind)
		if n != want || c != 0 {
			t.Errorf("%s: %d records, %d with conflicts; want %d and none", kind, n, c, want)
		}
	}
	// Every ticket links to its sender's requester: one per address, whichever handler made it.
	_ = a.st.Scan(ticket.Kind, func(rec change.Record) error {
		tk := ticket.FromRecord(rec)
		if want := requester.IDFor(tk.Requester.Contact); tk.RequesterID != want {
			t.Errorf("ticket %s from %s links to requester %q, want %q", tk.Number, tk.Requester.Contact, tk.RequesterID, want)
		}
		return nil
	})
}
