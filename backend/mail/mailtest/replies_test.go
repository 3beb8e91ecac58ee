package mailtest

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

func header(t *testing.T, raw []byte) mail.Header {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return mail.Header{Header: e.Header}
}

// Each autoresponder answers every message it receives exactly once; the well-behaved one
// marks its answers and leaves automatic mail unanswered, the badly-behaved one answers that
// too and marks nothing.
func TestAutoresponderAnswersOncePerMessage(t *testing.T) {
	t.Parallel()
	good, bad := "ooo@customer.test", "away@customer.test"
	s := Start(t, Options{Autoresponders: map[string]bool{good: true, bad: false}, ReplyDelay: 20 * time.Millisecond})
	for _, to := range []string{good, bad} {
		for i, extra := range [][]string{nil, nil, {"Auto-Submitted: auto-replied"}} {
			id := strings.Split(to, "@")[0] + string(rune('a'+i)) + "@example.test"
			if err := send(s, nil, "team@example.test", []string{to}, testMessage("team@example.test", to, "Ticket #"+id, id, extra...)); err != nil {
				t.Fatalf("send: %v", err)
			}
		}
	}
	const want = 2 + 3
	s.WaitCount(t, "team", "INBOX", want, 5*time.Second)
	time.Sleep(10 * s.opts.ReplyDelay) // any extra answer would have arrived by now
	msgs := s.Fetch(t, "team", "INBOX")
	if len(msgs) != want {
		t.Fatalf("team mailbox holds %d answers, want %d", len(msgs), want)
	}
	answered := map[string]int{}
	for _, raw := range msgs {
		h := header(t, raw)
		from, _ := h.AddressList("From")
		subject, _ := h.Subject()
		inReplyTo, _ := h.MsgIDList("In-Reply-To")
		refs, _ := h.MsgIDList("References")
		if len(from) != 1 || len(inReplyTo) != 1 || len(refs) != 1 || refs[0] != inReplyTo[0] {
			t.Fatalf("answer not threaded: From %v In-Reply-To %v References %v", from, inReplyTo, refs)
		}
		answered[inReplyTo[0]]++
		if subject != "Out of office: Ticket #"+inReplyTo[0] {
			t.Errorf("subject %q", subject)
		}
		marked := h.Get("Auto-Submitted") == "auto-replied"
		if behaves := from[0].Address == good; marked != behaves {
			t.Errorf("answer from %s: Auto-Submitted %q", from[0].Address, h.Get("Auto-Submitted"))
		}
	}
	for id, n := range answered {
		if n != 1 {
			t.Errorf("%s answered %d times", id, n)
		}
	}
	if answered["oooc@example.test"] != 0 || answered["awayc@example.test"] != 1 {
		t.Errorf("automatic message answered by good %d, bad %d times; want 0 and 1", answered["oooc@example.test"], answered["awayc@example.test"])
	}
}

func TestBounceIsADeliveryStatusNotification(t *testing.T) {
	t.Parallel()
	gone := "gone@customer.test"
	s := Start(t, Options{Bounce: []string{gone}})
	orig := testMessage("team@example.test", gone, "Re: Printer", "bounce-1@example.test")
	if err := send(s, nil, "team@example.test", []string{gone}, orig); err != nil {
		t.Fatalf("send: %v", err)
	}
	if sent := s.WaitSent(t, 1, time.Second); sent[0].To[0] != gone {
		t.Errorf("Sent = %+v", sent)
	}
	s.WaitCount(t, "team", "INBOX", 1, 5*time.Second)
	e, err := message.Read(bytes.NewReader(s.Fetch(t, "team", "INBOX")[0]))
	if err != nil {
		t.Fatalf("parse bounce: %v", err)
	}
	h := mail.Header{Header: e.Header}
	if from, _ := h.AddressList("From"); len(from) != 1 || from[0].Address != "MAILER-DAEMON@example.test" {
		t.Errorf("From = %v", from)
	}
	if ct, params, _ := e.Header.ContentType(); ct != "multipart/report" || params["report-type"] != "delivery-status" {
		t.Errorf("Content-Type %s %v, want multipart/report; report-type=delivery-status", ct, params)
	}
	parts := map[string]string{}
	mr := e.MultipartReader()
	if mr == nil {
		t.Fatal("bounce is not multipart")
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		ct, _, _ := p.Header.ContentType()
		b, _ := io.ReadAll(p.Body)
		parts[ct] = string(b)
	}
	for ct, want := range map[string][]string{
		"text/plain":              {gone},
		"message/delivery-status": {"Final-Recipient: rfc822; " + gone, "Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1"},
		"text/rfc822-headers":     {"Message-ID: <bounce-1@example.test>", "Subject: Re: Printer"},
	} {
		for _, w := range want {
			if !strings.Contains(parts[ct], w) {
				t.Errorf("%s part lacks %q:\n%s", ct, w, parts[ct])
			}
		}
	}
}
