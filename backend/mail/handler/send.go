package handler

import (
	"context"
	"errors"
	"slices"
	"time"

	"outpost/backend/mail/channel"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/message"
	"outpost/backend/mail/transport"
)

// sendDue sends the queued mail the claim rule gives this device: of the mailbox's
// handlers online now, the one channel.Claimant names. A mail whose last attempt was
// interrupted, or that another device tried, is first looked for in the Sent folder,
// so a handler taking over never sends it twice.
func (h *Handler) sendDue(ctx context.Context) {
	queued, err := h.cfg.Channel.Outbox(ctx)
	if err != nil || len(queued) == 0 {
		return
	}
	me := h.cfg.Mailboxes.Device()
	online := h.cfg.Online()
	boxes := map[string]*outSession{}
	defer func() {
		for _, s := range boxes {
			s.close()
		}
	}()
	for _, o := range queued {
		if ctx.Err() != nil {
			return
		}
		s, ok := boxes[o.Mailbox]
		if !ok {
			s = h.openSession(o.Mailbox, me, online)
			boxes[o.Mailbox] = s
		}
		if s == nil || !s.mine(o, me, h.cfg.Now()) || !o.Due(h.cfg.Now()) {
			continue
		}
		h.sendOne(ctx, s, o)
	}
}

// outSession is what sending a mailbox's mail needs, the IMAP connection (for the
// Sent folder) opened on first use.
type outSession struct {
	h        *Handler
	mb       mailbox.Mailbox
	creds    mailbox.Credentials
	handlers []string // handlers online now
	imap     *transport.IMAP
}

// mine reports whether this device sends o now. Its own claim among all the
// mailbox's handlers it sends at once; the claim of a handler that is offline it
// takes over only once the mail has waited takeOver, and never while another
// device's attempt is under way: a handler that just started, and sees no peer yet,
// must not send what a live handler is sending.
func (s *outSession) mine(o channel.Outmail, me string, now time.Time) bool {
	if channel.Claimant(o.ID, s.mb.Handlers) == me {
		return !busyElsewhere(o, me, now)
	}
	return channel.Claimant(o.ID, s.handlers) == me && now.Sub(o.Queued) >= takeOver && !busyElsewhere(o, me, now)
}

// busyElsewhere reports whether another device started an attempt lately that has
// not reported (it may be sending right now).
func busyElsewhere(o channel.Outmail, me string, now time.Time) bool {
	open := map[string]time.Time{}
	for _, a := range o.Attempts {
		if a.Started {
			open[a.Device] = a.At
		} else {
			delete(open, a.Device)
		}
	}
	for d, at := range open {
		if d != me && now.Sub(at) < takeOver*3 {
			return true
		}
	}
	return false
}

func (h *Handler) openSession(id, me string, online []string) *outSession {
	mb, err := h.cfg.Mailboxes.Get(id)
	if err != nil || !slices.Contains(mb.Handlers, me) {
		return nil
	}
	creds, err := h.cfg.Mailboxes.Credentials(id)
	if err != nil {
		return nil
	}
	var live []string
	for _, d := range mb.Handlers {
		if d == me || slices.Contains(online, d) {
			live = append(live, d)
		}
	}
	return &outSession{h: h, mb: mb, creds: creds, handlers: live}
}

func (s *outSession) folder(ctx context.Context) (*transport.IMAP, error) {
	if s.imap != nil {
		return s.imap, nil
	}
	m, err := transport.DialIMAP(ctx, s.mb.IMAP, s.creds.IMAPUser, s.creds.IMAPPassword, s.h.cfg.TLS)
	if err != nil {
		return nil, err
	}
	s.imap = m
	return m, nil
}

func (s *outSession) close() {
	if s != nil && s.imap != nil {
		_ = s.imap.Close()
	}
}

func (h *Handler) sendOne(ctx context.Context, s *outSession, o channel.Outmail) {
	me, author := h.cfg.Mailboxes.Device(), h.cfg.Author()
	log := h.cfg.Log.With("mailbox", s.mb.Name, "outmail", o.ID)
	if o.Interrupted() || triedByOthers(o, me) {
		m, err := s.folder(ctx)
		if err != nil {
			log.Warn("look for a sent mail", "err", err)
			return
		}
		if has, err := m.Has(s.mb.Sent, o.MessageID); err != nil {
			log.Warn("look for a sent mail", "err", err)
			return
		} else if has {
			_ = h.cfg.Channel.Delivered(ctx, author, me, o.ID, "found in the Sent folder")
			return
		}
	}
	raw, err := message.Build(message.Outgoing{From: o.From, To: o.To, Cc: o.Cc, Subject: o.Subject, Text: o.Text,
		MessageID: o.MessageID, InReplyTo: o.InReplyTo, References: o.References, Auto: o.Kind != channel.OutReply, Date: h.cfg.Now()})
	if err != nil {
		_ = h.cfg.Channel.Failed(ctx, author, me, o.ID, "the mail could not be put together: "+err.Error(), true)
		return
	}
	if err := h.cfg.Channel.Begin(ctx, author, me, o.ID); err != nil {
		return
	}
	var rcpts []string
	for _, a := range append(slices.Clone(o.To), o.Cc...) {
		rcpts = append(rcpts, a.Email)
	}
	resp, err := transport.Send(ctx, s.mb.SMTP, s.creds.SMTPUser, s.creds.SMTPPassword, s.mb.Address, rcpts, raw, h.cfg.TLS)
	var se *transport.SendError
	if errors.As(err, &se) {
		log.Warn("send mail", "err", se.Reason)
		_ = h.cfg.Channel.Failed(ctx, author, me, o.ID, se.Reason, se.Permanent)
		return
	}
	if err := h.cfg.Channel.Delivered(ctx, author, me, o.ID, resp); err != nil {
		log.Warn("record a sent mail", "err", err)
	}
	h.update(s.mb.ID, func(st *Status) { st.Sent++ })
	if m, err := s.folder(ctx); err == nil {
		if err := m.Append(s.mb.Sent, raw, h.cfg.Now()); err != nil {
			log.Warn("keep a sent mail in the Sent folder", "err", err)
		}
	}
}

func triedByOthers(o channel.Outmail, me string) bool {
	for _, a := range o.Attempts {
		if a.Device != me {
			return true
		}
	}
	return false
}
