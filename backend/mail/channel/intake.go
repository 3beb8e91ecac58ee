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
	msg := c.parse(in)
	key := msg.MessageID
	if key == "" {
		key = "hdr:" + msg.HeaderHash
	}
	out := Outcome{Mail: MailID(in.Mailbox.ID, key)}
	if _, err := c.st.Get(KindMail, out.Mail); err == nil {
		out.Duplicate = true
		return out, nil
	}
	files, err := c.keepFiles(in, msg)
	if err != nil {
		return out, err
	}
	rec := c.mailOf(in, msg)
	_, err = c.st.Update(ctx, author, func(tx *store.Tx) error {
		if _, err := tx.Get(KindMail, out.Mail); err == nil {
			out.Duplicate = true
			return nil
		}
		if err := c.decide(ctx, tx, in, msg, key, &rec, &out); err != nil {
			return err
		}
		return writeMail(tx, out.Mail, rec, files)
	})
	var wait *WaitError
	if errors.As(err, &wait) {
		return out, wait
	}
	if err != nil {
		return out, fmt.Errorf("take in mail: %w", err)
	}
	return out, nil
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

// keepFiles stores the message's attachments and the message itself (message.eml) as
// blobs, before the records that name them; a crash in between leaves blobs no record
// names, which collection removes.
func (c *Channel) keepFiles(in Incoming, msg message.Message) ([]attach.Meta, error) {
	if c.blobs == nil || in.Size > in.Mailbox.MaxBytes {
		return nil, nil
	}
	parts := append([]message.Part{{Name: "message.eml", Data: in.Raw}}, msg.Attachments...)
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
