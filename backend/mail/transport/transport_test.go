package transport

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/mailtest"
)

func serverAt(t *testing.T, addr string, sec mailbox.Security) mailbox.Server {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return mailbox.Server{Host: host, Port: p, Security: sec}
}

// Testing a mailbox's connection says what failed in words: the name, the port, the
// encryption or the login, against a real dovecot and SMTP server.
func TestCheckSaysWhatFailed(t *testing.T) {
	srv := mailtest.Start(t, mailtest.Options{SMTPAuth: true})
	team := srv.Team()
	good := mailbox.Settings{Name: "IT", Address: srv.Address(team.Name),
		IMAP: serverAt(t, srv.IMAPAddr, mailbox.STARTTLS), SMTP: serverAt(t, srv.SMTPAddr, mailbox.STARTTLS)}
	good.Normalize()
	creds := mailbox.Credentials{IMAPUser: team.Name, IMAPPassword: team.Password, SMTPUser: team.Name, SMTPPassword: team.Password}
	ctx := context.Background()
	if err := Check(ctx, good, creds, srv.TLSConfig()); err != nil {
		t.Fatalf("a good mailbox: %v", err)
	}
	implicit := good
	implicit.IMAP = serverAt(t, srv.IMAPSAddr, mailbox.TLS)
	if err := Check(ctx, implicit, creds, srv.TLSConfig()); err != nil {
		t.Fatalf("IMAP over TLS: %v", err)
	}
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()
	cases := []struct {
		name  string
		spoil func(*mailbox.Settings, *mailbox.Credentials)
		tls   bool
		want  error
		words string
	}{
		{"unknown host", func(s *mailbox.Settings, _ *mailbox.Credentials) { s.IMAP.Host = "imap.no-such-host.invalid" }, true, ErrLookup, "does not resolve"},
		{"closed port", func(s *mailbox.Settings, _ *mailbox.Credentials) { s.IMAP = serverAt(t, closedAddr, mailbox.STARTTLS) }, true, ErrConnect, "port"},
		{"certificate not trusted", func(*mailbox.Settings, *mailbox.Credentials) {}, false, ErrTLS, "not signed by an authority"},
		{"TLS on the STARTTLS port", func(s *mailbox.Settings, _ *mailbox.Credentials) { s.IMAP.Security = mailbox.TLS }, true, ErrTLS, "secure connection"},
		{"wrong IMAP password", func(_ *mailbox.Settings, c *mailbox.Credentials) { c.IMAPPassword = "wrong" }, true, ErrLogin, "app password"},
		{"wrong SMTP password", func(_ *mailbox.Settings, c *mailbox.Credentials) { c.SMTPPassword = "wrong" }, true, ErrLogin, "SMTP server"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, cr := good, creds
			c.spoil(&s, &cr)
			conf := srv.TLSConfig()
			if !c.tls {
				conf = nil
			}
			err := Check(ctx, s, cr, conf)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.words) {
				t.Fatalf("error %v, want %v saying %q", err, c.want, c.words)
			}
		})
	}
}
