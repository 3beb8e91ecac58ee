package channel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/message"
)

// Incoming is one message fetched from a mailbox's inbox.
type Incoming struct {
	Mailbox  mailbox.Mailbox
	UID      uint32    // the message's UID in INBOX: the same for every handler
	Raw      []byte    // the whole message, or only its header when Size is over the limit
	Received time.Time // when the server received it (INTERNALDATE)
	Size     int
	// WaitForRoot makes a reply whose thread is not here yet fail with a *WaitError
	// instead of opening the thread's ticket itself: the handler then looks in the
	// mailbox for the thread's first message, and waits while a handler has it.
	WaitForRoot bool
}

// Outcome says what taking a message in did.
type Outcome struct {
	Mail      string // the mail record
	Ticket    string // the ticket it is on ("" when filed without one)
	Opened    bool   // it opened the ticket
	Reopened  bool
	Duplicate bool // it was taken in before (here or by another handler)
	Acked     bool // an acknowledgement was queued
}

// WaitError means the message answers a thread whose ticket is not on this replica
// (yet): Root is the Message-ID of the thread's first message.
type WaitError struct{ Root string }

func (e *WaitError) Error() string {
	return "the thread this mail answers (" + e.Root + ") has not arrived here yet"
}

// Take turns one message into a ticket or a comment, exactly once: the mail record's
// ID derives from the mailbox and the Message-ID, so a message taken in twice (by two
// handlers, or again after a crash between saving and moving it) is found and
// nothing is written twice. Everything it writes commits in one transaction; the
// caller moves the message out of INBOX only after Take returns without error.
func (c *Channel) Take(ctx context.Context, author string, in Incoming) (Outcome, error) {
	outs, errs := c.TakeAll(ctx, author, []Incoming{in})
	return outs[0], errs[0]
}

// MaxBatchBytes bounds the raw mail TakeAll commits in one transaction.
const MaxBatchBytes = 4 << 20

// TakeAll is Take for many messages, committed together (one durable write for the
// lot, which is what makes a full inbox fast to take in). Each message has its own
// outcome and error: a *WaitError leaves that message unwritten; any other failure
// makes TakeAll take the messages in one at a time, so one bad mail holds up no other.
func (c *Channel) TakeAll(ctx context.Context, author string, ins []Incoming) ([]Outcome, []error) {
	outs, errs := make([]Outcome, len(ins)), make([]error, len(ins))
	pre := make([]prepared, len(ins))
	for i, in := range ins {
		pre[i], errs[i] = c.prepare(in, &outs[i])
	}
	err := c.commit(ctx, author, ins, pre, outs, errs)
	if err == nil || len(ins) == 1 {
		if err != nil {
			errs[0] = fmt.Errorf("take in mail: %w", err)
		}
		return outs, errs
	}
	for i, in := range ins {
		if errs[i] == nil {
			o, e := c.TakeAll(ctx, author, []Incoming{in})
			outs[i], errs[i] = o[0], e[0]
		}
	}
	return outs, errs
}

// prepared is a message parsed, its files stored, before the transaction.
type prepared struct {
	msg   message.Message
	key   string
	rec   Mail
	files []attach.Meta
	skip  bool // taken in before
}

func (c *Channel) prepare(in Incoming, out *Outcome) (prepared, error) {
	p := prepared{msg: c.parse(in)}
	p.key = p.msg.MessageID
	if p.key == "" {
		p.key = "hdr:" + p.msg.HeaderHash
	}
	out.Mail = MailID(in.Mailbox.ID, p.key)
	if _, err := c.st.Get(KindMail, out.Mail); err == nil {
		out.Duplicate, p.skip = true, true
		return p, nil
	}
	p.rec = c.mailOf(in, p.msg)
	var err error
	p.files, err = c.keepFiles(in, p.msg, p.rec)
	return p, err
}

func (c *Channel) commit(ctx context.Context, author string, ins []Incoming, pre []prepared, outs []Outcome, errs []error) error {
	autos := map[string]int{}
	_, err := c.st.Update(ctx, author, func(tx *store.Tx) error {
		for i := range ins {
			p, out := &pre[i], &outs[i]
			if errs[i] != nil || p.skip {
				continue
			}
			if _, err := tx.Get(KindMail, out.Mail); err == nil {
				out.Duplicate = true
				continue
			}
			rec := p.rec
			err := c.decide(ctx, tx, ins[i], p.msg, p.key, &rec, out, autos)
			var wait *WaitError
			if errors.As(err, &wait) {
				errs[i] = wait
				continue
			}
			if err != nil {
				return err
			}
			if err := writeMail(tx, out.Mail, rec, p.files); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

func (c *Channel) parse(in Incoming) message.Message {
	msg, err := message.Parse(in.Raw, 0)
	if err != nil {
		sum := sha256.Sum256(in.Raw)
		return message.Message{HeaderHash: hex.EncodeToString(sum[:]), Subject: "(a mail that could not be read)",
			Text: "This mail could not be read: " + err.Error() + ". It is kept as message.eml.", Problems: []string{err.Error()}}
	}
	return msg
}

// keepFiles stores the message's attachments as blobs, before the records that name
// them (a crash in between leaves blobs no record names, which collection removes).
// The message itself is kept too, as message.eml, when the mail record does not hold
// all of it: a part could not be read, or the text or HTML was cut.
func (c *Channel) keepFiles(in Incoming, msg message.Message, rec Mail) ([]attach.Meta, error) {
	if c.blobs == nil || in.Size > in.Mailbox.MaxBytes {
		return nil, nil
	}
	parts := msg.Attachments
	if len(rec.Problems) > 0 {
		parts = append([]message.Part{{Name: "message.eml", Data: in.Raw}}, parts...)
	}
	var out []attach.Meta
	for _, p := range parts {
		h, _, err := c.blobs.Put(bytes.NewReader(p.Data))
		if err != nil {
			return nil, fmt.Errorf("keep attachment %s: %w", p.Name, err)
		}
		m, err := attach.Describe(c.blobs, h, p.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func (c *Channel) mailOf(in Incoming, msg message.Message) Mail {
	text, cutText := cut(clean(msg.Text, MaxText), MaxText)
	html, cutHTML := cut(msg.HTML, MaxHTML)
	m := Mail{Mailbox: in.Mailbox.ID, MessageID: msg.MessageID, From: msg.From, To: msg.To, Cc: msg.Cc,
		Subject: oneLine(msg.Subject, 300), Date: msg.Date, Received: in.Received.UTC(), Text: text,
		Quoted: clean(msg.Quoted, MaxText), HTML: html, Auto: msg.Auto, Problems: msg.Problems, Size: in.Size}
	if cutHTML {
		m.HTML = ""
	}
	if cutText || cutHTML {
		m.Problems = append(slices.Clone(m.Problems), "the mail was longer than a ticket keeps: the whole mail is the attached message.eml")
	}
	if in.Size > in.Mailbox.MaxBytes {
		m.Note = fmt.Sprintf("This mail is %.1f MB, larger than the mailbox's limit of %d MB: its body and attachments were not taken in. It is in the %q folder of the mailbox.",
			float64(in.Size)/(1<<20), in.Mailbox.MaxBytes>>20, in.Mailbox.Processed)
	}
	return m
}

func writeMail(tx *store.Tx, id string, m Mail, files []attach.Meta) error {
	ops := change.Ops{}
	ops.Set(fMail, m, nil)
	if len(files) > 0 {
		ops.Set(attach.FieldFiles, files, nil)
	}
	list, err := ops.List()
	if err != nil {
		return err
	}
	_, err = tx.Write(KindMail, id, list)
	return err
}

// number is the ticket number a mail opens: the mailbox's tag and the message's UID.
func number(mb mailbox.Mailbox, uid uint32) string {
	return mb.Tag + "-" + strconv.FormatUint(uint64(uid), 10)
}
