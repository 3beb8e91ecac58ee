package mailtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
)

// original is what an answer needs to know of the message it answers.
type original struct {
	header                 textproto.Header // as received, for text/rfc822-headers
	subject, id, from      string
	references             []string
	autoSubmitted, envFrom string
}

func readOriginal(env Envelope) (original, error) {
	th, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(env.Data)))
	if err != nil {
		return original{}, fmt.Errorf("read original header: %w", err)
	}
	h := mail.Header{Header: message.Header{Header: th}}
	o := original{header: th, envFrom: strings.Trim(env.From, "<>"), autoSubmitted: strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted")))}
	o.subject, _ = h.Subject()
	o.id, _ = h.MessageID()
	o.references, _ = h.MsgIDList("References")
	if from, err := h.AddressList("From"); err == nil && len(from) > 0 {
		o.from = from[0].Address
	}
	return o, nil
}

// autoReply is what autoresponder addr sends back for env: "Out of office: <subject>" to the
// original sender, threaded with In-Reply-To and References. A well-behaved responder marks
// it Auto-Submitted, sends it from the null sender and stays silent on automatic mail and
// null senders (RFC 3834); a badly-behaved one answers everything to the From address.
func (s *Server) autoReply(addr string, env Envelope) error {
	o, err := readOriginal(env)
	if err != nil {
		return err
	}
	wellBehaved := s.autoresponderBehaves(addr)
	if wellBehaved && (o.envFrom == "" || o.autoSubmitted != "" && o.autoSubmitted != "no") {
		return nil
	}
	to, returnPath := o.from, addr
	if wellBehaved {
		returnPath = ""
		if o.envFrom != "" {
			to = o.envFrom
		}
	}
	if to == "" {
		return nil
	}
	var h mail.Header
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	s.setAnswerHeader(&h, &mail.Address{Address: addr}, to, "Out of office: "+o.subject)
	if o.id != "" {
		h.SetMsgIDList("In-Reply-To", []string{o.id})
		h.SetMsgIDList("References", append(o.references, o.id))
	}
	if wellBehaved {
		h.Set("Auto-Submitted", "auto-replied")
	}
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return fmt.Errorf("write auto-reply: %w", err)
	}
	_, _ = io.WriteString(w, "I am out of the office and will read your message when I am back.\r\n")
	if err := w.Close(); err != nil {
		return fmt.Errorf("write auto-reply: %w", err)
	}
	return s.deliverLocal(s.replyTarget(to).Name, returnPath, to, buf.Bytes())
}

func (s *Server) autoresponderBehaves(addr string) bool {
	for a, ok := range s.opts.Autoresponders {
		if strings.EqualFold(a, addr) {
			return ok
		}
	}
	return false
}

// bounce delivers to env's sender an RFC 3464 delivery status notification saying that
// rcpt does not exist: multipart/report with a text explanation, a message/delivery-status
// part and the original's header as text/rfc822-headers. A message from the null sender (a
// bounce itself) is not bounced.
func (s *Server) bounce(rcpt string, env Envelope) error {
	o, err := readOriginal(env)
	if err != nil {
		return err
	}
	if o.envFrom == "" {
		return nil
	}
	rcpt = strings.Trim(rcpt, "<>")
	var h mail.Header
	h.SetContentType("multipart/report", map[string]string{"report-type": "delivery-status"})
	s.setAnswerHeader(&h, &mail.Address{Name: "Mail Delivery System", Address: "MAILER-DAEMON@" + s.Domain}, o.envFrom, "Undelivered Mail Returned to Sender")
	h.Set("Auto-Submitted", "auto-replied")
	var buf bytes.Buffer
	w, err := message.CreateWriter(&buf, h.Header)
	if err != nil {
		return fmt.Errorf("write bounce: %w", err)
	}
	diagnostic := "smtp; 550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown"
	parts := []struct {
		contentType string
		write       func(io.Writer) error
	}{
		{"text/plain", func(pw io.Writer) error {
			_, err := fmt.Fprintf(pw, "Your message could not be delivered to <%s>: the address does not exist.\r\n", rcpt)
			return err
		}},
		{"message/delivery-status", func(pw io.Writer) error {
			if err := textproto.WriteHeader(pw, fieldGroup("Reporting-MTA", "dns; mail."+s.Domain, "Arrival-Date", time.Now().Format(time.RFC1123Z))); err != nil {
				return err
			}
			return textproto.WriteHeader(pw, fieldGroup("Final-Recipient", "rfc822; "+rcpt, "Action", "failed", "Status", "5.1.1", "Diagnostic-Code", diagnostic))
		}},
		{"text/rfc822-headers", func(pw io.Writer) error { return textproto.WriteHeader(pw, o.header) }},
	}
	for _, p := range parts {
		var ph message.Header
		ph.SetContentType(p.contentType, nil)
		pw, err := w.CreatePart(ph)
		if err == nil {
			err = p.write(pw)
		}
		if err == nil {
			err = pw.Close()
		}
		if err != nil {
			return fmt.Errorf("write bounce %s part: %w", p.contentType, err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("write bounce: %w", err)
	}
	return s.deliverLocal(s.replyTarget(o.envFrom).Name, "", o.envFrom, buf.Bytes())
}

// setAnswerHeader sets the fields every generated message has.
func (s *Server) setAnswerHeader(h *mail.Header, from *mail.Address, to, subject string) {
	h.SetAddressList("From", []*mail.Address{from})
	h.SetAddressList("To", []*mail.Address{{Address: to}})
	h.SetSubject(subject)
	h.SetDate(time.Now())
	h.SetMessageID(randomToken() + "@mail." + s.Domain)
}

// fieldGroup is one group of delivery-status fields in the order and spelling given
// (textproto writes a header's fields last added first, and Add would write "Reporting-Mta").
func fieldGroup(kv ...string) textproto.Header {
	var h textproto.Header
	for i := len(kv) - 2; i >= 0; i -= 2 {
		h.AddRaw([]byte(kv[i] + ": " + kv[i+1] + "\r\n"))
	}
	return h
}
