package mailtest

import (
	"bytes"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Maildir is the directory of a user's folder: INBOX is the Maildir itself, another folder
// its Maildir++ subfolder (".Processed", ".Sent").
func (s *Server) Maildir(user, folder string) string {
	root := filepath.Join(s.MailDir, user, "Maildir")
	if strings.EqualFold(folder, "INBOX") || folder == "" {
		return root
	}
	return filepath.Join(root, "."+strings.ReplaceAll(folder, "/", "."))
}

// DeliverFast writes raw into the user's INBOX as it is, straight into Maildir new/ without
// SMTP: for benchmarks that need thousands of messages.
func (s *Server) DeliverFast(user string, raw []byte) error {
	if _, ok := s.user(user); !ok {
		return fmt.Errorf("deliver to %q: %w", user, errNoSuchUser)
	}
	return s.writeMaildir(s.Maildir(user, "INBOX"), raw)
}

// Deliver hands raw to the SMTP server for the user's INBOX, as mail from outside arrives,
// and fails the test if it is refused. The envelope sender is the message's From address.
func (s *Server) Deliver(t testing.TB, user string, raw []byte) {
	t.Helper()
	if err := s.DeliverSMTP(user, raw); err != nil {
		t.Fatalf("mailtest: %v", err)
	}
}

// DeliverSMTP is Deliver without a test. The message is delivered (with the Return-Path and
// Delivered-To headers an MDA adds) but not listed by Sent.
func (s *Server) DeliverSMTP(user string, raw []byte) error {
	if _, ok := s.user(user); !ok {
		return fmt.Errorf("deliver to %q: %w", user, errNoSuchUser)
	}
	c, err := smtp.Dial(s.SMTPAddr)
	if err != nil {
		return fmt.Errorf("deliver: dial smtp: %w", err)
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return fmt.Errorf("deliver: hello: %w", err)
	}
	if err := c.Auth(sasl.NewPlainClient("", deliverUser, s.deliverPass)); err != nil {
		return fmt.Errorf("deliver: auth: %w", err)
	}
	if err := c.Mail(headerSender(raw), nil); err != nil {
		return fmt.Errorf("deliver: mail from: %w", err)
	}
	if err := c.Rcpt(s.Address(user), nil); err != nil {
		return fmt.Errorf("deliver: rcpt to: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("deliver: data: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("deliver: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("deliver: message refused: %w", err)
	}
	return c.Quit()
}

// headerSender is the address in raw's From header, or "" (the null sender).
func headerSender(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	a, err := mail.ParseAddress(m.Header.Get("From"))
	if err != nil {
		return ""
	}
	return a.Address
}

// deliverLocal is the MDA: it adds Return-Path and Delivered-To, in the message's own line
// ending, and writes the message into the recipient's INBOX.
func (s *Server) deliverLocal(user, from, to string, data []byte) error {
	eol := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		eol = "\r\n"
	}
	head := "Return-Path: <" + strings.Trim(from, "<>") + ">" + eol + "Delivered-To: " + strings.Trim(to, "<>") + eol
	return s.writeMaildir(s.Maildir(user, "INBOX"), append([]byte(head), data...))
}

// writeMaildir delivers one message the Maildir way: written under tmp/ with a unique name,
// then renamed into new/, so a reader never sees half a message.
func (s *Server) writeMaildir(dir string, data []byte) error {
	if err := s.ensureMaildir(dir); err != nil {
		return err
	}
	now := time.Now()
	name := fmt.Sprintf("%d.M%dP%dQ%d.mailtest,S=%d", now.Unix(), now.Nanosecond()/1000, os.Getpid(), atomic.AddUint64(&s.seq, 1), len(data))
	tmp := filepath.Join(dir, "tmp", name)
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write maildir: %w", err)
	}
	if err := s.own(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, "new", name)); err != nil {
		return fmt.Errorf("write maildir: %w", err)
	}
	return nil
}

// ensureMaildir makes dir's tmp, new and cur if they are missing.
func (s *Server) ensureMaildir(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "new")); err == nil {
		return nil
	}
	for _, d := range []string{dir, filepath.Join(dir, "tmp"), filepath.Join(dir, "new"), filepath.Join(dir, "cur")} {
		if err := s.mkdirOwned(d); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) mkdirOwned(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return fmt.Errorf("make maildir: %w", err)
	}
	return s.own(dir)
}

// own gives path to the user dovecot reads mail as, when that is not us.
func (s *Server) own(path string) error {
	if !s.id.chown {
		return nil
	}
	if err := os.Chown(path, s.id.uid, s.id.gid); err != nil {
		return fmt.Errorf("hand %s to dovecot's mail user: %w", filepath.Base(path), err)
	}
	return nil
}
