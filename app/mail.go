package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sort"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/mail/channel"
	"outpost/backend/mail/handler"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/message"
	"outpost/backend/mail/transport"
	"outpost/backend/ticket"
	"outpost/sync/team"
)

// ErrNoMailbox means a reply was to be mailed but the team has no mailbox.
var ErrNoMailbox = errors.New("the team has no mailbox yet: set one up under Settings, Mail")

// mailer is the email channel of the app: mailboxes, intake and outbox, and the
// handler that runs when this device handles a mailbox.
type mailer struct {
	boxes   *mailbox.Service
	channel *channel.Channel
	handler *handler.Handler
	tls     *tls.Config
	cancel  context.CancelFunc
	done    chan struct{}
}

// openMail starts the email channel. The handler fetches and sends only for the
// mailboxes this device was chosen for; on other devices it does nothing.
func (a *App) openMail() error {
	key, err := team.LoadDeviceIdentity(a.cfg.DataDir)
	if err != nil {
		return err
	}
	conf, err := mailTLS(a.cfg.MailCAFile)
	if err != nil {
		return err
	}
	boxes := mailbox.NewService(a.st, key)
	if err := boxes.Publish(a.ctx); err != nil {
		a.log.Warn("mail", "err", err)
	}
	ch, err := channel.New(channel.Options{Store: a.st, Tickets: a.tickets, Blobs: a.blobs, Log: a.log, Numbers: a.queue.ByNumber,
		Requesters: a.requesters.Ensure})
	if err != nil {
		return fmt.Errorf("open the email channel: %w", err)
	}
	m := &mailer{boxes: boxes, channel: ch, tls: conf, done: make(chan struct{})}
	m.handler = handler.New(handler.Config{Mailboxes: boxes, Channel: ch, Author: a.me, Online: a.onlineDevices, TLS: conf, Log: a.log})
	ctx, cancel := context.WithCancel(a.ctx)
	m.cancel = cancel
	go func() {
		defer close(m.done)
		m.handler.Run(ctx)
	}()
	a.mail = m
	a.Mail = &MailService{a: a}
	return nil
}

func (a *App) closeMail() {
	if a.mail == nil {
		return
	}
	a.mail.cancel()
	<-a.mail.done
	a.mail.channel.Close()
}

// mailTLS is the TLS configuration of mail connections: the system's roots, plus
// the authority in caFile for a mail server with a certificate of its own.
func mailTLS(caFile string) (*tls.Config, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("read the mail certificate authority: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("read the mail certificate authority: %s holds no PEM certificate", caFile)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// onlineDevices lists the devices this replica sees online, itself first.
func (a *App) onlineDevices() []string {
	out := []string{a.st.Device().ID}
	if rep := a.replica(); rep != nil {
		for _, m := range rep.Online() {
			out = append(out, m.Device)
		}
	}
	return out
}

// notifyResolved queues the resolution notice of a ticket that came by mail.
func (a *App) notifyResolved(t ticket.Ticket) {
	if a.mail == nil || t.Source != ticket.SourceEmail {
		return
	}
	mb, err := a.mailboxOf(t.ID)
	if err != nil {
		return
	}
	if _, err := a.mail.channel.NotifyResolved(a.ctx, a.me(), mb, t.ID); err != nil {
		a.log.Warn("queue the resolution notice", "ticket", t.Number, "err", err)
	}
}

// mailboxOf is the mailbox a ticket's mail goes through: that of its latest mail
// taken in, else the team's first mailbox.
func (a *App) mailboxOf(ticketID string) (mailbox.Mailbox, error) {
	th, err := a.mail.channel.Thread(ticketID)
	if err != nil {
		return mailbox.Mailbox{}, err
	}
	for i := len(th.In) - 1; i >= 0; i-- {
		if mb, err := a.mail.boxes.Get(th.In[i].Mailbox); err == nil {
			return mb, nil
		}
	}
	list, err := a.mail.boxes.List()
	if err != nil {
		return mailbox.Mailbox{}, err
	}
	if len(list) == 0 {
		return mailbox.Mailbox{}, ErrNoMailbox
	}
	return list[0], nil
}

// MailService is the email channel as bound to the UI.
type MailService struct{ a *App }

// Mailboxes lists the team's mailboxes (never their passwords).
func (s *MailService) Mailboxes() ([]mailbox.Mailbox, error) {
	l, err := s.a.mail.boxes.List()
	return l, s.a.userError("list mailboxes", err)
}

// SaveMailbox creates (id "") or changes a mailbox. Credentials, when given, are
// sealed to the handler devices; without them the sealed ones are kept.
func (s *MailService) SaveMailbox(id string, in mailbox.Settings, creds *mailbox.Credentials) (mailbox.Mailbox, error) {
	mb, err := s.a.mail.boxes.Save(s.a.ctx, s.a.me(), id, in, creds)
	return mb, s.a.userError("save mailbox", err)
}

// DeleteMailbox removes a mailbox: its mail is no longer fetched.
func (s *MailService) DeleteMailbox(id string) error {
	return s.a.userError("delete mailbox", s.a.mail.boxes.Delete(s.a.ctx, s.a.me(), id))
}

// TestMailbox logs in to the mailbox's servers from this device and says in words
// what failed. Without credentials it uses the stored ones (this device must handle
// the mailbox).
func (s *MailService) TestMailbox(id string, in mailbox.Settings, creds *mailbox.Credentials) error {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return s.a.userError("test mailbox", err)
	}
	if creds == nil {
		c, err := s.a.mail.boxes.Credentials(id)
		if err != nil {
			return s.a.userError("test mailbox", err)
		}
		creds = &c
	}
	return s.a.userError("test mailbox", transport.Check(s.a.ctx, in, *creds, s.a.mail.tls))
}

// MailDevice is a device that could handle a mailbox's mail.
type MailDevice struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	This   bool   `json:"this"`
	Online bool   `json:"online"`
	// Ready means the device published its key, so credentials can be sealed to it.
	Ready bool `json:"ready"`
}

// Devices lists the team's devices for choosing mail handlers.
func (s *MailService) Devices() ([]MailDevice, error) {
	keys, err := s.a.mail.boxes.DeviceKeys()
	if err != nil {
		return nil, s.a.userError("list devices", err)
	}
	online := s.a.onlineDevices()
	me := s.a.st.Device().ID
	out := []MailDevice{}
	err = s.a.st.Scan(store.KindDevice, func(r change.Record) error {
		if r.Deleted() {
			return nil
		}
		_, ready := keys[r.ID]
		on := false
		for _, d := range online {
			on = on || d == r.ID
		}
		out = append(out, MailDevice{ID: r.ID, Name: r.String(store.FieldDeviceName), This: r.ID == me, Online: on, Ready: ready})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, s.a.userError("list devices", err)
}

// Thread returns a ticket's mail, in and out.
func (s *MailService) Thread(ticketID string) (channel.Thread, error) {
	th, err := s.a.mail.channel.Thread(ticketID)
	return th, s.a.userError("mail thread", err)
}

// Reply writes a public reply on the ticket and mails it to the requester.
func (s *MailService) Reply(ticketID, text string, cc []message.Address) (channel.Outmail, error) {
	mb, err := s.a.mailboxOf(ticketID)
	if err != nil {
		return channel.Outmail{}, s.a.userError("send reply", err)
	}
	for i, c := range cc {
		if !mailbox.ValidAddress(c.Email) {
			return channel.Outmail{}, field.Errorf(fmt.Sprintf("cc[%d]", i), "%q is not an email address", c.Email)
		}
	}
	o, err := s.a.mail.channel.Reply(s.a.ctx, s.a.me(), mb, ticketID, text, cc)
	return o, s.a.userError("send reply", err)
}

// Outbox lists the mail not sent yet.
func (s *MailService) Outbox() ([]channel.Outmail, error) {
	l, err := s.a.mail.channel.Outbox(s.a.ctx)
	if l == nil {
		l = []channel.Outmail{}
	}
	return l, s.a.userError("outbox", err)
}

// Status reports what this device's handler is doing with each mailbox.
func (s *MailService) Status() []handler.Status { return s.a.mail.handler.Statuses() }
