package handler

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/mail/channel"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/mailtest"
	"outpost/backend/ticket"
)

type device struct {
	st    *store.Store
	boxes *mailbox.Service
	ch    *channel.Channel
	h     *Handler
}

func newDevice(t *testing.T) *device {
	t.Helper()
	st := storetest.Open(t)
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	boxes := mailbox.NewService(st, key)
	if err := boxes.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	tk := ticket.NewService(st, nil)
	ch, err := channel.New(channel.Options{Store: st, Tickets: tk})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ch.Close)
	return &device{st: st, boxes: boxes, ch: ch}
}

func (d *device) start(t *testing.T, srv *mailtest.Server, online func() []string) {
	d.h = New(Config{Mailboxes: d.boxes, Channel: d.ch, Author: func() string { return "handler" }, Online: online,
		TLS: srv.TLSConfig(), Tick: 100 * time.Millisecond, Rescan: 2 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.h.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func serverOf(t *testing.T, addr string) mailbox.Server {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return mailbox.Server{Host: host, Port: p, Security: mailbox.STARTTLS}
}

func count(t *testing.T, st *store.Store, kind string) int {
	n := 0
	if err := st.Scan(kind, func(change.Record) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// Two handler devices watch one real mailbox (dovecot, over STARTTLS) at once, syncing
// as they go: every mail becomes one mail record, every thread one ticket, every new
// ticket one acknowledgement sent over real SMTP and filed in the Sent folder, and the
// inbox ends empty.
func TestTwoHandlersShareARealMailbox(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{})
	a, b := newDevice(t), newDevice(t)
	storetest.Sync(t, a.st, b.st)
	team := srv.Team()
	settings := mailbox.Settings{Name: "IT help", Address: srv.Address(team.Name), Tag: "HELP", Acknowledge: true, AutoPerHour: 50,
		IMAP: serverOf(t, srv.IMAPAddr), SMTP: serverOf(t, srv.SMTPAddr), Handlers: []string{a.boxes.Device(), b.boxes.Device()}}
	creds := &mailbox.Credentials{IMAPUser: team.Name, IMAPPassword: team.Password}
	if _, err := a.boxes.Save(context.Background(), "lead", "", settings, creds); err != nil {
		t.Fatal(err)
	}
	storetest.Sync(t, a.st, b.st)
	both := func() []string { return []string{a.boxes.Device(), b.boxes.Device()} }
	a.start(t, srv, both)
	b.start(t, srv, both)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	})
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if err := storetest.Exchange(a.st, b.st); err != nil {
					t.Error(err)
				}
			}
		}
	})
	const n = 30
	for i := range n {
		raw := fmt.Sprintf("From: User %d <u%d@example.net>\r\nTo: %s\r\nSubject: Request %d\r\nMessage-ID: <req%d@example.net>\r\n", i, i, settings.Address, i, i)
		if i%3 == 2 {
			raw = fmt.Sprintf("From: u%d@example.net\r\nTo: %s\r\nSubject: Re: Request %d\r\nMessage-ID: <req%d@example.net>\r\nIn-Reply-To: <req%d@example.net>\r\nReferences: <req%d@example.net>\r\n",
				i-1, settings.Address, i-1, i, i-1, i-1)
		}
		srv.Deliver(t, team.Name, []byte(raw+"Content-Type: text/plain\r\n\r\nPlease help.\r\n"))
	}
	srv.WaitCount(t, team.Name, mailbox.DefaultProcessed, n, 30*time.Second)
	for deadline := time.Now().Add(30 * time.Second); srv.Count(t, team.Name, "INBOX") > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d mails left in INBOX", srv.Count(t, team.Name, "INBOX"))
		}
	}
	tickets := n - n/3
	srv.WaitSent(t, tickets, 30*time.Second)
	time.Sleep(500 * time.Millisecond) // a second copy of any acknowledgement would arrive by now
	close(stop)
	wg.Wait()
	storetest.Sync(t, a.st, b.st)
	for name, d := range map[string]*device{"a": a, "b": b} {
		if m, tk := count(t, d.st, channel.KindMail), count(t, d.st, ticket.Kind); m != n || tk != tickets {
			t.Errorf("replica %s: %d mail records and %d tickets, want %d and %d", name, m, tk, n, tickets)
		}
	}
	sent := srv.Sent()
	if len(sent) != tickets {
		t.Errorf("the SMTP server got %d mails, want %d acknowledgements", len(sent), tickets)
	}
	ids := map[string]bool{}
	for _, e := range sent {
		id := headerOf(e.Data, "Message-Id")
		if ids[id] {
			t.Errorf("acknowledgement %s sent twice", id)
		}
		ids[id] = true
	}
	srv.WaitCount(t, team.Name, mailbox.DefaultSent, tickets, 10*time.Second)
	if q, _ := a.ch.Outbox(context.Background()); len(q) != 0 {
		t.Errorf("%d mails still queued", len(q))
	}
}

func headerOf(raw []byte, name string) string {
	for _, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok && bytes.EqualFold(k, []byte(name)) {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}
