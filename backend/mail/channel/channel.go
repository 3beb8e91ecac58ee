package channel

import (
	"context"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"outpost/backend/core/blob"
	"outpost/backend/core/store"
	"outpost/backend/ticket"
)

// Channel takes mail in and keeps the outbox, on one replica.
type Channel struct {
	st      *store.Store
	tickets *ticket.Service
	blobs   *blob.Store
	now     func() time.Time
	log     *slog.Logger
	idx     *index
	// numbers finds a ticket by its number, for a reply that names it in the
	// subject ("[HELP-17]"); nil finds none.
	numbers func(number string) (id string, ok bool)
	// requesters finds or creates the requester of an address in the directory.
	requesters func(tx *store.Tx, email, name string) (id string, created bool, err error)
}

// Options are what a Channel is built from.
type Options struct {
	Store   *store.Store
	Tickets *ticket.Service
	Blobs   *blob.Store
	Now     func() time.Time
	Log     *slog.Logger
	Numbers func(number string) (id string, ok bool)
	// Requesters finds the requester of the directory holding an address, or creates it,
	// inside the intake's transaction (requester.Service.Ensure); a new ticket links to it.
	// nil leaves tickets with the sender typed on them only.
	Requesters func(tx *store.Tx, email, name string) (id string, created bool, err error)
}

// New returns the channel of a replica and starts following its store (the thread
// index is derived from the mail and outbox records, never stored). Close stops it.
func New(o Options) (*Channel, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	c := &Channel{st: o.Store, tickets: o.Tickets, blobs: o.Blobs, now: o.Now, log: o.Log, numbers: o.Numbers, requesters: o.Requesters}
	idx, err := newIndex(o.Store)
	if err != nil {
		return nil, err
	}
	c.idx = idx
	return c, nil
}

// Close stops following the store.
func (c *Channel) Close() { c.idx.close() }

// Thread is a ticket's mail: what came in and what went out, oldest first.
type Thread struct {
	In  []Mail    `json:"in"`
	Out []Outmail `json:"out"`
}

// Thread returns the mail of a ticket.
func (c *Channel) Thread(ticketID string) (Thread, error) {
	t := Thread{In: []Mail{}, Out: []Outmail{}}
	mails, outs := c.idx.thread(ticketID)
	for _, id := range mails {
		if r, err := c.st.Get(KindMail, id); err == nil {
			t.In = append(t.In, mailFromRecord(r))
		}
	}
	for _, id := range outs {
		if r, err := c.st.Get(KindOutbox, id); err == nil {
			t.Out = append(t.Out, outFromRecord(r))
		}
	}
	sortThread(&t)
	return t, nil
}

// Outbox returns the outgoing mail that is not sent yet (queued or failed), oldest first.
func (c *Channel) Outbox(ctx context.Context) ([]Outmail, error) {
	var out []Outmail
	for _, id := range c.idx.pending() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		r, err := c.st.Get(KindOutbox, id)
		if err != nil {
			continue
		}
		if o := outFromRecord(r); o.State == Queued {
			out = append(out, o)
		}
	}
	sortOut(out)
	return out, nil
}

// clean makes mail text fit for a text field: valid UTF-8, no control characters
// other than newlines and tabs, at most max bytes.
func clean(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if r == '\r' || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if len(s) > max {
		s, _ = cut(s, max)
	}
	return s
}

// oneLine is clean for a single-line field of at most max characters.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(clean(s, 4*max)), " ")
	for utf8.RuneCountInString(s) > max {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return s
}
