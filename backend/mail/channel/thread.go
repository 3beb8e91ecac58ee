package channel

import (
	"context"
	"slices"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/record"
	"outpost/backend/core/store"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/message"
	"outpost/backend/sla"
	"outpost/backend/ticket"
)

// decide files msg: on a ticket it opens, on the ticket of its thread, or (blocked,
// our own mail, a delivery report) without a ticket of its own.
func (c *Channel) decide(ctx context.Context, tx *store.Tx, in Incoming, msg message.Message, key string,
	rec *Mail, out *Outcome, autos map[string]int) error {
	mb := in.Mailbox
	switch {
	case mb.Blocks(msg.From.Email):
		rec.Note = "The sender is on the mailbox's blocked list: the mail was filed without a ticket."
		return nil
	case msg.FromAny([]string{mb.Address}):
		rec.Note = "This mail came from the team's own address: it was filed without a ticket, so that no mail loop starts."
		return nil
	case msg.Bounce != nil:
		return c.bounce(tx, msg, rec, out)
	}
	tid, root, found, err := c.thread(tx, mb, msg, key)
	if err != nil {
		return err
	}
	if found {
		return c.answer(ctx, tx, in, msg, tid, rec, out, autos)
	}
	if root != key && in.WaitForRoot {
		return &WaitError{Root: root}
	}
	return c.open(ctx, tx, in, msg, tid, root == key, rec, out, autos)
}

// thread finds the ticket msg answers: by the Message-IDs it replies to (ours name
// their outbox record; others are looked up), then by a ticket number in the subject.
// Else the ticket is the one its thread's first message opens (found says whether it
// exists here).
func (c *Channel) thread(tx *store.Tx, mb mailbox.Mailbox, msg message.Message, key string) (tid, root string, found bool, err error) {
	refs := slices.Clone(msg.InReplyTo)
	for i := len(msg.References) - 1; i >= 0; i-- {
		refs = append(refs, msg.References[i])
	}
	for _, id := range refs {
		if t := c.ticketOfMessage(tx, mb, id); t != "" {
			return t, "", true, nil
		}
	}
	if tag := message.SubjectTag(msg.Subject); tag != "" && c.numbers != nil {
		if t, ok := c.numbers(tag); ok {
			return t, "", true, nil
		}
	}
	root = key
	if len(msg.References) > 0 {
		root = msg.References[0]
	} else if len(msg.InReplyTo) > 0 {
		root = msg.InReplyTo[0]
	}
	tid = ThreadTicket(mb.ID, root)
	r, err := tx.Get(ticket.Kind, tid)
	if record.Gone(r, err) {
		return tid, root, false, nil
	}
	return tid, root, err == nil, err
}

func (c *Channel) ticketOfMessage(tx *store.Tx, mb mailbox.Mailbox, id string) string {
	if ob := outboxOf(id); ob != "" {
		if r, err := tx.Get(KindOutbox, ob); err == nil {
			return liveTicket(tx, outFromRecord(r).Ticket)
		}
	}
	if t, ok := c.idx.ticketOf(id); ok {
		return liveTicket(tx, t)
	}
	if r, err := tx.Get(KindMail, MailID(mb.ID, id)); err == nil {
		return liveTicket(tx, mailFromRecord(r).Ticket)
	}
	return ""
}

func liveTicket(tx *store.Tx, id string) string {
	if id == "" {
		return ""
	}
	if r, err := tx.Get(ticket.Kind, id); record.Gone(r, err) || err != nil {
		return ""
	}
	return id
}

// open opens the ticket tid from msg (the thread's first message when root), and
// acknowledges it unless msg is automatic or its sender had enough automatic mail.
func (c *Channel) open(ctx context.Context, tx *store.Tx, in Incoming, msg message.Message, tid string, root bool,
	rec *Mail, out *Outcome, autos map[string]int) error {
	title := oneLine(message.NormalizeSubject(msg.Subject), ticket.MaxTitle)
	if title == "" {
		title = "(no subject)"
	}
	desc := ""
	if root {
		desc = clean(msg.Text, ticket.MaxDescription)
	}
	nt := ticket.NewTicket{Title: title, Description: desc, Source: ticket.SourceEmail,
		Requester: ticket.Requester{Name: oneLine(msg.From.Name, ticket.MaxShort), Contact: oneLine(msg.From.Email, ticket.MaxShort)}}
	rid, err := c.requester(tx, msg.From)
	if err != nil {
		return err
	}
	nt.RequesterID = rid
	num := number(in.Mailbox, in.UID)
	t, opened, err := c.tickets.Within(tx).OpenWithID(ctx, tx.Author(), tid, num, nt)
	if err != nil {
		return err
	}
	rec.Ticket, out.Ticket, out.Opened = t.ID, t.ID, opened
	if !opened || !in.Mailbox.Acknowledge {
		return nil
	}
	return c.acknowledge(tx, in, msg, t, out, autos)
}

// requester returns the directory's requester of the sender, made now if new ("" when
// the channel has no directory or the address is not one a requester can hold).
func (c *Channel) requester(tx *store.Tx, from message.Address) (string, error) {
	if c.requesters == nil || from.Email == "" {
		return "", nil
	}
	id, _, err := c.requesters(tx, from.Email, oneLine(from.Name, ticket.MaxShort))
	if _, bad := field.As(err); bad {
		return "", nil
	}
	return id, err
}

// autos counts the acknowledgements queued in this transaction by address, which
// the index learns of only once it commits.
func (c *Channel) acknowledge(tx *store.Tx, in Incoming, msg message.Message, t ticket.Ticket, out *Outcome, autos map[string]int) error {
	mb := in.Mailbox
	to := msg.ReplyAddress()
	if msg.Auto != "" || to.Email == "" || mb.AutoPerHour == 0 ||
		c.idx.autosSince(to.Email, in.Received.Add(-time.Hour))+autos[to.Email] >= mb.AutoPerHour {
		return nil
	}
	autos[to.Email]++
	refs := append(slices.Clone(msg.References), msg.MessageID)
	o := Outmail{ID: ackID(t.ID), Mailbox: mb.ID, Ticket: t.ID, Kind: OutAck,
		From: message.Address{Name: mb.Name, Email: mb.Address}, To: []message.Address{to},
		Subject:   message.TagSubject("Re: "+message.NormalizeSubject(msg.Subject), t.Number),
		Text:      mailbox.Fill(mb.AckTemplate, t.Number, t.Title, to.Name, mb.Name),
		InReplyTo: msg.MessageID, References: nonEmpty(refs), Queued: in.Received.UTC(), By: tx.Author()}
	out.Acked = true
	return queue(tx, o)
}

// answer files msg on existing ticket tid: a comment; a rating; or a reply that
// reopens a resolved ticket (within the mailbox's window, counted from when the
// mail arrived, so every handler decides alike) or, later, opens a follow-up ticket.
func (c *Channel) answer(ctx context.Context, tx *store.Tx, in Incoming, msg message.Message, tid string, rec *Mail, out *Outcome, autos map[string]int) error {
	tk := c.tickets.Within(tx)
	r, err := tx.Get(ticket.Kind, tid)
	if err != nil {
		return err
	}
	t := ticket.FromRecord(r)
	rec.Ticket, out.Ticket = t.ID, t.ID
	done := t.Status == ticket.StatusResolved || t.Status == ticket.StatusClosed
	if !done || msg.Auto != "" {
		return nil
	}
	if n := message.Rating(msg.Text); n > 0 && in.Mailbox.AskRating {
		rec.Rating = n
		_, err := tk.Rate(ctx, tx.Author(), t.ID, n)
		return err
	}
	window := time.Duration(in.Mailbox.ReopenDays) * 24 * time.Hour
	if in.Received.Sub(resolvedAt(t)) <= window {
		out.Reopened, err = tk.ReopenByReply(ctx, tx.Author(), t.ID)
		return err
	}
	return c.followUp(ctx, tx, in, msg, t, rec, out, autos)
}

// followUp opens a new ticket, linked to the old one, for a reply that came after the
// reopen window.
func (c *Channel) followUp(ctx context.Context, tx *store.Tx, in Incoming, msg message.Message, old ticket.Ticket, rec *Mail, out *Outcome, autos map[string]int) error {
	if err := c.open(ctx, tx, in, msg, followUpTicket(out.Mail), true, rec, out, autos); err != nil {
		return err
	}
	_, err := c.tickets.Within(tx).Link(ctx, tx.Author(), out.Ticket, ticket.Link{Type: ticket.LinkRelated, Target: old.ID})
	return err
}

func resolvedAt(t ticket.Ticket) time.Time {
	var at time.Time
	for _, e := range t.Events {
		if e.Type == sla.EventStatus && e.To == string(ticket.StatusResolved) {
			at = e.At
		}
	}
	if at.IsZero() {
		at = t.Updated
	}
	return at
}

func nonEmpty(ss []string) []string {
	out := []string{}
	for _, s := range ss {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) > 20 {
		out = append(out[:1], out[len(out)-19:]...)
	}
	return out
}
