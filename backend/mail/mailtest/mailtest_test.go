package mailtest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// testMessage is a small RFC 5322 message with CRLF line ends.
func testMessage(from, to, subject, id string, extra ...string) []byte {
	head := []string{"From: " + from, "To: " + to, "Subject: " + subject, "Message-ID: <" + id + ">", "Date: Mon, 07 Dec 2026 09:00:00 +0000"}
	head = append(head, extra...)
	return []byte(strings.Join(head, "\r\n") + "\r\n\r\nHello,\r\nthe printer is down again.\r\n")
}

// send hands a message to the server's SMTP port as an outside client does.
func send(s *Server, auth sasl.Client, from string, to []string, raw []byte) error {
	c, err := smtp.Dial(s.SMTPAddr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		return err
	}
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func TestLoginOverPlainStartTLSAndTLS(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	team := s.Team()
	cases := []struct {
		name    string
		dial    func() (*client.Client, error)
		wantTLS bool
	}{
		{"plain", func() (*client.Client, error) { return client.Dial(s.IMAPAddr) }, false},
		{"starttls", func() (*client.Client, error) {
			c, err := client.Dial(s.IMAPAddr)
			if err == nil {
				err = c.StartTLS(s.TLSConfig())
			}
			return c, err
		}, true},
		{"tls", func() (*client.Client, error) {
			return client.DialTLS(s.IMAPSAddr, &tls.Config{RootCAs: s.RootCAs})
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.dial()
			if err != nil {
				t.Fatalf("connect: %v", err)
			}
			defer c.Logout()
			if c.IsTLS() != tc.wantTLS {
				t.Errorf("TLS = %v, want %v", c.IsTLS(), tc.wantTLS)
			}
			if err := c.Login(team.Name, team.Password); err != nil {
				t.Fatalf("login: %v", err)
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		c, err := client.Dial(s.IMAPAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Logout()
		if err := c.Login(team.Name, "not-"+team.Password); err == nil {
			t.Error("login with a wrong password succeeded")
		}
	})
	t.Run("unverified certificate", func(t *testing.T) {
		c, err := client.DialTLS(s.IMAPSAddr, &tls.Config{RootCAs: x509.NewCertPool()})
		if err == nil {
			_, err = c.Capability()
			_ = c.Logout()
		}
		if err == nil {
			t.Error("TLS with a pool that lacks the server's certificate succeeded")
		}
	})
}

func TestIdleSeesADeliveryWithinTwoSeconds(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	c := s.Login(t, "team")
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	updates := make(chan client.Update, 8)
	c.Updates = updates
	stop, idled := make(chan struct{}), make(chan error, 1)
	go func() { idled <- c.Idle(stop, &client.IdleOptions{LogoutTimeout: -1}) }()
	time.Sleep(100 * time.Millisecond)
	s.Deliver(t, "team", testMessage("ana@customer.test", "team@example.test", "Printer", "idle-1@customer.test"))
	delivered := time.Now()
	timeout := time.After(2 * time.Second)
	for seen := false; !seen; {
		select {
		case u := <-updates:
			if mu, ok := u.(*client.MailboxUpdate); ok && mu.Mailbox.Messages == 1 {
				seen = true
			}
		case <-timeout:
			t.Fatal("no EXISTS update within 2 s of the delivery")
		}
	}
	t.Logf("update %v after delivery", time.Since(delivered).Round(time.Millisecond))
	close(stop)
	if err := <-idled; err != nil {
		t.Errorf("idle: %v", err)
	}
}

// A message that went through SMTP comes back over IMAP as it was sent, after the two header
// lines the MDA puts on top (Return-Path and Delivered-To); dovecot adds nothing.
func TestSMTPDeliveryIsFetchedByteIdentical(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{SMTPAuth: true})
	raw := testMessage("Ana Díaz <ana@customer.test>", "team@example.test", "=?utf-8?q?Dr=C3=BCcker?=", "bytes-1@customer.test",
		"Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit")
	raw = append(raw, []byte(".a line that starts with a dot\r\n..and two\r\nÜmlaut und ein \t Tab\r\n"+strings.Repeat("long ", 200)+"\r\n")...)
	auth := sasl.NewPlainClient("", "team", "team-password")
	if err := send(s, auth, "ana@customer.test", []string{"team@example.test"}, raw); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := s.Fetch(t, "team", "INBOX")
	want := append([]byte("Return-Path: <ana@customer.test>\r\nDelivered-To: team@example.test\r\n"), raw...)
	if len(got) != 1 || !bytes.Equal(got[0], want) {
		t.Fatalf("fetched %d messages; first differs from what was sent:\n%q\nwant\n%q", len(got), first(got), want)
	}
	sent := s.WaitSent(t, 1, time.Second)
	if len(sent) != 1 || sent[0].From != "ana@customer.test" || !bytes.Equal(sent[0].Data, raw) {
		t.Errorf("Sent = %+v, want the one message as handed in", sent)
	}
}

func first(msgs [][]byte) []byte {
	if len(msgs) == 0 {
		return nil
	}
	return msgs[0]
}

func TestSMTPRefusals(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{SMTPAuth: true})
	raw := testMessage("team@example.test", "ana@customer.test", "Re: Printer", "refuse-1@example.test")
	cases := []struct {
		name string
		auth sasl.Client
		to   string
		code int
	}{
		{"no auth", nil, "ana@customer.test", 530},
		{"wrong password", sasl.NewPlainClient("", "team", "nope"), "ana@customer.test", 535},
		{"unknown local user", sasl.NewPlainClient("", "team", "team-password"), "nobody@example.test", 550},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := send(s, tc.auth, "team@example.test", []string{tc.to}, raw)
			var se *smtp.SMTPError
			if !errors.As(err, &se) || se.Code != tc.code {
				t.Errorf("send = %v, want SMTP %d", err, tc.code)
			}
		})
	}
	if err := send(s, sasl.NewPlainClient("", "team", "team-password"), "team@example.test", []string{"ana@customer.test"}, raw); err != nil {
		t.Fatalf("authenticated send: %v", err)
	}
	if sent := s.Sent(); len(sent) != 1 || sent[0].To[0] != "ana@customer.test" {
		t.Errorf("Sent = %+v, want only the authenticated message", sent)
	}
}

func TestMoveToProcessed(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	for i := range 3 {
		if err := s.DeliverFast("team", testMessage("ana@customer.test", "team@example.test", "Printer", fmt.Sprintf("move-%d@customer.test", i))); err != nil {
			t.Fatal(err)
		}
	}
	c := s.Login(t, "team")
	if ok, err := c.Support("MOVE"); err != nil || !ok {
		t.Fatalf("server supports MOVE = %v, %v", ok, err)
	}
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	seq := new(imap.SeqSet)
	seq.AddNum(1)
	if err := c.Move(seq, "Processed"); err != nil {
		t.Fatalf("move: %v", err)
	}
	if in, done := s.Count(t, "team", "INBOX"), s.Count(t, "team", "Processed"); in != 2 || done != 1 {
		t.Errorf("INBOX %d, Processed %d; want 2 and 1", in, done)
	}
	if sent := s.Count(t, "team", "Sent"); sent != 0 {
		t.Errorf("Sent holds %d messages, want an empty folder", sent)
	}
}

func TestMissingDovecotSaysHowToInstallIt(t *testing.T) {
	_, err := New(Options{Dovecot: "/nonexistent/dovecot"})
	if !errors.Is(err, ErrNoDovecot) || !strings.Contains(err.Error(), ".ci/setup test") {
		t.Errorf("New without dovecot = %v, want ErrNoDovecot naming .ci/setup test", err)
	}
}

func TestParallelServersDoNotCollide(t *testing.T) {
	t.Parallel()
	servers := make(chan *Server, 2)
	for i := range 2 {
		go func() {
			s, err := New(Options{Users: []User{{Name: "team", Password: fmt.Sprint("pw", i)}}})
			if err != nil {
				t.Error(err)
			}
			servers <- s
		}()
	}
	a, b := <-servers, <-servers
	if a == nil || b == nil {
		t.FailNow()
	}
	defer a.Close()
	defer b.Close()
	if a.IMAPAddr == b.IMAPAddr || a.SMTPAddr == b.SMTPAddr || a.MailDir == b.MailDir {
		t.Fatalf("servers share an address or directory: %+v / %+v", a, b)
	}
	a.Deliver(t, "team", testMessage("ana@customer.test", "team@example.test", "to a", "a@customer.test"))
	if na, nb := a.Count(t, "team", "INBOX"), b.Count(t, "team", "INBOX"); na != 1 || nb != 0 {
		t.Errorf("a holds %d, b holds %d; want 1 and 0", na, nb)
	}
}

func TestDeliverFastFromManyGoroutinesKeepsEveryMessage(t *testing.T) {
	t.Parallel()
	s := Start(t, Options{})
	const workers, each = 4, 100
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for i := range each {
				if err := s.DeliverFast("team", testMessage("ana@customer.test", "team@example.test", "Load", fmt.Sprintf("fast-%d-%d@customer.test", w, i))); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := s.Count(t, "team", "INBOX"); n != workers*each {
		t.Errorf("INBOX holds %d messages, want %d", n, workers*each)
	}
}

// The benchmarks fill a mailbox with 1,000 messages per op: straight into Maildir and over SMTP.
func BenchmarkDeliverFast(b *testing.B) { benchmarkDeliver(b, (*Server).DeliverFast) }

func BenchmarkDeliverSMTP(b *testing.B) { benchmarkDeliver(b, (*Server).DeliverSMTP) }

func benchmarkDeliver(b *testing.B, deliver func(*Server, string, []byte) error) {
	s := Start(b, Options{})
	raw := testMessage("ana@customer.test", "team@example.test", "Load", "bench@customer.test")
	const perOp = 1000
	for b.Loop() {
		for range perOp {
			if err := deliver(s, "team", raw); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*perOp), "µs/msg")
}
