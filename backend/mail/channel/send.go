package channel

import (
	"context"
	"fmt"

	"sort"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/message"
	"outpost/backend/ticket"
)

// Reply writes a public reply on a ticket and queues it as mail to the requester, in
// one transaction: the comment stops the SLA response clock as any public reply does.
func (c *Channel) Reply(ctx context.Context, author string, mb mailbox.Mailbox, ticketID, text string, cc []message.Address) (Outmail, error) {
	text = strings.TrimSpace(text)
	if err := field.Text("text", text, ticket.MaxComment, true, true); err != nil {
		return Outmail{}, err
	}
	var o Outmail
	_, err := c.st.Update(ctx, author, func(tx *store.Tx) error {
		tk := c.tickets.Within(tx)
		t, err := tk.Comment(ctx, author, ticketID, text, false)
		if err != nil {
			return err
		}
		o, err = c.outgoing(mb, t, OutReply, text, cc)
		if err != nil {
			return err
		}
		o.By = author
		return queue(tx, o)
	})
	if err != nil {
		return Outmail{}, fmt.Errorf("send reply: %w", err)
	}
	return o, nil
}

// NotifyResolved queues the resolution notice of a ticket (with the rating question
// when the mailbox asks for one), if the mailbox sends notices and the ticket has a
// requester address.
func (c *Channel) NotifyResolved(ctx context.Context, author string, mb mailbox.Mailbox, ticketID string) (bool, error) {
	if !mb.NotifyDone {
		return false, nil
	}
	t, err := c.tickets.Get(ticketID)
	if err != nil {
		return false, err
	}
	if !strings.Contains(t.Requester.Contact, "@") {
		return false, nil
	}
	text := mailbox.Fill(mb.DoneText, t.Number, t.Title, t.Requester.Name, mb.Name)
	if mb.AskRating {
		text += mailbox.RatingQuestion
	}
	o, err := c.outgoing(mb, t, OutDone, text, nil)
	if err != nil {
		return false, err
	}
	o.By = author
	_, err = c.st.Update(ctx, author, func(tx *store.Tx) error { return queue(tx, o) })
	return err == nil, err
}

// outgoing builds the mail of kind about ticket t: to its requester, threaded under
// the ticket's latest mail, with the ticket's number in the subject.
func (c *Channel) outgoing(mb mailbox.Mailbox, t ticket.Ticket, kind, text string, cc []message.Address) (Outmail, error) {
	to := strings.TrimSpace(t.Requester.Contact)
	if !strings.Contains(to, "@") {
		return Outmail{}, field.Errorf("requester", "the ticket's requester has no email address to reply to")
	}
	th, err := c.Thread(t.ID)
	if err != nil {
		return Outmail{}, err
	}
	var refs []string
	subject := t.Title
	for _, m := range th.In {
		refs = append(refs, m.MessageID)
		if m.Subject != "" {
			subject = m.Subject
		}
	}
	for _, o := range th.Out {
		refs = append(refs, o.MessageID)
	}
	refs = nonEmpty(refs)
	o := Outmail{ID: store.NewID(), Mailbox: mb.ID, Ticket: t.ID, Kind: kind,
		From: message.Address{Name: mb.Name, Email: mb.Address}, To: []message.Address{{Name: t.Requester.Name, Email: strings.ToLower(to)}},
		Cc: cc, Subject: message.TagSubject("Re: "+message.NormalizeSubject(subject), t.Number), Text: text,
		References: refs, Queued: c.now().UTC()}
	if len(th.In) > 0 {
		o.InReplyTo = th.In[len(th.In)-1].MessageID
	}
	return o, nil
}

// Begin records that device is about to hand outbox record id to the SMTP server;
// an attempt that never reports (a crash) makes the next sender search the Sent
// folder first.
func (c *Channel) Begin(ctx context.Context, author, device, id string) error {
	return c.attempt(ctx, author, id, Attempt{Device: device, At: c.now().UTC(), Started: true}, nil)
}

// Delivered records that outbox record id went out: the server's answer.
func (c *Channel) Delivered(ctx context.Context, author, device, id, response string) error {
	s := sentResult{Device: device, At: c.now().UTC(), Response: response}
	return c.attempt(ctx, author, id, Attempt{Device: device, At: s.At}, &s)
}

// Failed records a failed attempt; a permanent one, or the last allowed, fails the mail.
func (c *Channel) Failed(ctx context.Context, author, device, id, reason string, permanent bool) error {
	a := Attempt{Device: device, At: c.now().UTC(), Error: reason, Permanent: permanent}
	return c.attempt(ctx, author, id, a, nil)
}

func (c *Channel) attempt(ctx context.Context, author, id string, a Attempt, sent *sentResult) error {
	_, err := c.st.Update(ctx, author, func(tx *store.Tx) error {
		r, err := tx.Get(KindOutbox, id)
		if err != nil {
			return err
		}
		ops := change.Ops{}
		ops.Append(fAttempts, a)
		if sent != nil {
			ops.Put(r, fSent, *sent)
		}
		o := outFromRecord(r)
		failures := 1
		for _, p := range o.Attempts {
			if !p.Started && p.Error != "" {
				failures++
			}
		}
		if a.Error != "" && (a.Permanent || failures >= MaxAttempts) {
			ops.Put(r, fFailed, failure{At: a.At, Reason: a.Error})
		}
		list, err := ops.List()
		if err != nil {
			return err
		}
		_, err = tx.Write(KindOutbox, id, list)
		return err
	})
	return err
}

func sortThread(t *Thread) {
	sort.SliceStable(t.In, func(i, j int) bool { return t.In[i].Received.Before(t.In[j].Received) })
	sortOut(t.Out)
}

func sortOut(out []Outmail) {
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Queued.Equal(out[j].Queued) {
			return out[i].Queued.Before(out[j].Queued)
		}
		return out[i].ID < out[j].ID
	})
}
