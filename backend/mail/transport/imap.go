// Package transport talks to a team's mail servers: IMAP to watch the inbox, file
// what was taken in and look for what was sent, SMTP to send. Its errors say in a
// person's words what failed: the name lookup, the connection, TLS or the login.
package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"outpost/backend/mail/mailbox"
)

// Timeouts of mail server connections.
const (
	DialTimeout    = 15 * time.Second
	CommandTimeout = 2 * time.Minute
)

// IMAP is a logged-in IMAP connection to a team mailbox.
type IMAP struct {
	c       *client.Client
	updates chan client.Update
	// Changed is signalled (without blocking) whenever the server reports a change
	// of the selected folder, e.g. new mail while idling.
	Changed  chan struct{}
	selected string
}

// DialIMAP connects to srv and logs in; tlsConf may be nil (the system's roots).
func DialIMAP(ctx context.Context, srv mailbox.Server, user, pass string, tlsConf *tls.Config) (*IMAP, error) {
	conf := tlsConfig(srv.Host, tlsConf)
	d := &net.Dialer{Timeout: DialTimeout}
	var c *client.Client
	var err error
	if srv.Security == mailbox.TLS {
		c, err = client.DialWithDialerTLS(d, srv.Addr(), conf)
	} else {
		c, err = client.DialWithDialer(d, srv.Addr())
	}
	if err != nil {
		return nil, explainDial("IMAP", srv, err)
	}
	c.Timeout = CommandTimeout
	if srv.Security == mailbox.STARTTLS {
		if err := c.StartTLS(conf); err != nil {
			_ = c.Terminate()
			return nil, explainTLS("IMAP", srv, err)
		}
	}
	if err := c.Login(user, pass); err != nil {
		_ = c.Logout()
		return nil, fmt.Errorf("%w: the IMAP server %s refused the user name or password (%s); Microsoft 365 and Google Workspace need an app password",
			ErrLogin, srv.Host, serverWords(err))
	}
	m := &IMAP{c: c, updates: make(chan client.Update, 16), Changed: make(chan struct{}, 1)}
	c.Updates = m.updates
	go m.drain()
	return m, nil
}

// drain turns the client's updates into the Changed signal, so the client never
// blocks on a full updates channel (expunges of our own moves come in bursts).
func (m *IMAP) drain() {
	for u := range m.updates {
		if _, ok := u.(*client.MailboxUpdate); ok {
			select {
			case m.Changed <- struct{}{}:
			default:
			}
		}
	}
}

// Close logs out.
func (m *IMAP) Close() error {
	err := m.c.Logout()
	if errors.Is(err, client.ErrAlreadyLoggedOut) {
		return nil
	}
	return err
}

// Ensure creates the folders that are missing.
func (m *IMAP) Ensure(folders ...string) error {
	ch := make(chan *imap.MailboxInfo, 32)
	done := make(chan error, 1)
	go func() { done <- m.c.List("", "*", ch) }()
	have := map[string]bool{}
	for info := range ch {
		have[info.Name] = true
	}
	if err := <-done; err != nil {
		return fmt.Errorf("list folders: %s", serverWords(err))
	}
	for _, f := range folders {
		if !have[f] {
			if err := m.c.Create(f); err != nil {
				return fmt.Errorf("create folder %q: %s", f, serverWords(err))
			}
		}
	}
	return nil
}

func (m *IMAP) selectFolder(name string, readOnly bool) (*imap.MailboxStatus, error) {
	st, err := m.c.Select(name, readOnly)
	if err != nil {
		return nil, fmt.Errorf("open folder %q: %s", name, serverWords(err))
	}
	m.selected = name
	return st, nil
}

// Inbox selects INBOX and returns the UIDs of its messages that are not deleted,
// oldest first, with the folder's UIDVALIDITY.
func (m *IMAP) Inbox() (uids []uint32, validity uint32, err error) {
	st, err := m.selectFolder("INBOX", false)
	if err != nil {
		return nil, 0, err
	}
	crit := imap.NewSearchCriteria()
	crit.WithoutFlags = []string{imap.DeletedFlag}
	uids, err = m.c.UidSearch(crit)
	if err != nil {
		return nil, 0, fmt.Errorf("search the inbox: %s", serverWords(err))
	}
	return uids, st.UidValidity, nil
}

// Fetched is one message as fetched: its raw bytes and when the server received it.
type Fetched struct {
	UID      uint32
	Raw      []byte
	Received time.Time
	Size     int
}

// Fetch reads message uid of the selected folder whole, or only its size when it is
// larger than max bytes (then Raw holds its header only).
func (m *IMAP) Fetch(uid uint32, max int) (Fetched, error) {
	f, err := m.fetch(uid, []imap.FetchItem{imap.FetchUid, imap.FetchInternalDate, imap.FetchRFC822Size})
	if err != nil || f.Size > max {
		if err == nil {
			f.Raw, err = m.body(uid, "HEADER")
		}
		return f, err
	}
	f.Raw, err = m.body(uid, "")
	return f, err
}

func (m *IMAP) fetch(uid uint32, items []imap.FetchItem) (Fetched, error) {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	ch := make(chan *imap.Message, 1)
	if err := m.c.UidFetch(set, items, ch); err != nil {
		return Fetched{}, fmt.Errorf("fetch message %d: %s", uid, serverWords(err))
	}
	msg := <-ch
	if msg == nil {
		return Fetched{}, fmt.Errorf("%w: message %d", ErrGone, uid)
	}
	return Fetched{UID: uid, Received: msg.InternalDate, Size: int(msg.Size)}, nil
}

func (m *IMAP) body(uid uint32, part string) ([]byte, error) {
	sec := &imap.BodySectionName{Peek: true}
	if part != "" {
		sec.BodyPartName = imap.BodyPartName{Specifier: imap.PartSpecifier(part)}
	}
	set := new(imap.SeqSet)
	set.AddNum(uid)
	ch := make(chan *imap.Message, 1)
	if err := m.c.UidFetch(set, []imap.FetchItem{sec.FetchItem()}, ch); err != nil {
		return nil, fmt.Errorf("fetch message %d: %s", uid, serverWords(err))
	}
	msg := <-ch
	if msg == nil {
		return nil, fmt.Errorf("%w: message %d", ErrGone, uid)
	}
	lit := msg.GetBody(sec)
	if lit == nil {
		return nil, fmt.Errorf("fetch message %d: the server sent no body", uid)
	}
	return io.ReadAll(lit)
}

// FetchAll reads messages uids of the selected folder in two commands: their sizes
// and dates, then the whole of those within max bytes and the header of the others.
// A message gone meanwhile is left out.
func (m *IMAP) FetchAll(uids []uint32, max int) ([]Fetched, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	meta, err := m.fetchSet(uids, []imap.FetchItem{imap.FetchUid, imap.FetchInternalDate, imap.FetchRFC822Size}, nil)
	if err != nil {
		return nil, err
	}
	var small, big []uint32
	for _, uid := range uids {
		if f, ok := meta[uid]; ok && f.Size <= max {
			small = append(small, uid)
		} else if ok {
			big = append(big, uid)
		}
	}
	for _, part := range []struct {
		uids []uint32
		spec string
	}{{small, ""}, {big, "HEADER"}} {
		if len(part.uids) == 0 {
			continue
		}
		sec := &imap.BodySectionName{Peek: true}
		if part.spec != "" {
			sec.BodyPartName = imap.BodyPartName{Specifier: imap.PartSpecifier(part.spec)}
		}
		if _, err := m.fetchSet(part.uids, []imap.FetchItem{imap.FetchUid, sec.FetchItem()}, func(msg *imap.Message) error {
			f := meta[msg.Uid]
			lit := msg.GetBody(sec)
			if lit == nil {
				return fmt.Errorf("fetch message %d: the server sent no body", msg.Uid)
			}
			raw, err := io.ReadAll(lit)
			f.Raw = raw
			meta[msg.Uid] = f
			return err
		}); err != nil {
			return nil, err
		}
	}
	var out []Fetched
	for _, uid := range uids {
		if f, ok := meta[uid]; ok && f.Raw != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// fetchSet runs one UID FETCH of items for uids, calling each (when not nil) on every
// message as it arrives, and returns what it read of each message's metadata.
func (m *IMAP) fetchSet(uids []uint32, items []imap.FetchItem, each func(*imap.Message) error) (map[uint32]Fetched, error) {
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	ch := make(chan *imap.Message, 16)
	done := make(chan error, 1)
	go func() { done <- m.c.UidFetch(set, items, ch) }()
	out := map[uint32]Fetched{}
	var first error
	for msg := range ch {
		out[msg.Uid] = Fetched{UID: msg.Uid, Received: msg.InternalDate, Size: int(msg.Size)}
		if each != nil && first == nil {
			first = each(msg)
		}
	}
	if err := <-done; err != nil {
		return nil, fmt.Errorf("fetch messages: %s", serverWords(err))
	}
	return out, first
}

// MoveAll files messages uids of the selected folder into folder in one command.
func (m *IMAP) MoveAll(uids []uint32, folder string) error {
	if len(uids) == 0 {
		return nil
	}
	set := new(imap.SeqSet)
	set.AddNum(uids...)
	if err := m.c.UidMove(set, folder); err != nil {
		return fmt.Errorf("move %d messages to %q: %s", len(uids), folder, serverWords(err))
	}
	return nil
}

// Move files message uid of the selected folder into folder (MOVE where the server
// has it, else copy, flag deleted and expunge).
func (m *IMAP) Move(uid uint32, folder string) error {
	set := new(imap.SeqSet)
	set.AddNum(uid)
	if err := m.c.UidMove(set, folder); err != nil {
		return fmt.Errorf("move message %d to %q: %s", uid, folder, serverWords(err))
	}
	return nil
}

// Has reports whether folder holds a message with that Message-ID (without <>).
func (m *IMAP) Has(folder, messageID string) (bool, error) {
	if _, err := m.selectFolder(folder, true); err != nil {
		return false, err
	}
	crit := imap.NewSearchCriteria()
	crit.Header.Add("Message-Id", "<"+messageID+">")
	uids, err := m.c.UidSearch(crit)
	if err != nil {
		return false, fmt.Errorf("search %q: %s", folder, serverWords(err))
	}
	return len(uids) > 0, nil
}

// Append stores a sent message in folder, marked as read.
func (m *IMAP) Append(folder string, raw []byte, date time.Time) error {
	if err := m.c.Append(folder, []string{imap.SeenFlag}, date, bytes.NewBuffer(raw)); err != nil {
		return fmt.Errorf("store the sent mail in %q: %s", folder, serverWords(err))
	}
	return nil
}

// Idle waits until the selected folder changes, ctx ends or max passes. It uses IMAP
// IDLE, and polls where the server lacks it.
func (m *IMAP) Idle(ctx context.Context, max time.Duration) error {
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- m.c.Idle(stop, &client.IdleOptions{LogoutTimeout: 10 * time.Minute, PollInterval: 30 * time.Second})
	}()
	t := time.NewTimer(max)
	defer t.Stop()
	select {
	case <-m.Changed:
	case <-ctx.Done():
	case <-t.C:
	case err := <-done:
		if err != nil {
			return fmt.Errorf("wait for mail: %s", serverWords(err))
		}
		return nil
	}
	close(stop)
	if err := <-done; err != nil {
		return fmt.Errorf("wait for mail: %s", serverWords(err))
	}
	return ctx.Err()
}
