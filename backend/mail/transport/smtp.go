package transport

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"outpost/backend/mail/mailbox"
)

// SendError is a failed delivery to the SMTP server. Permanent means the server
// refused the mail for good (a 5xx answer): sending it again will not help.
type SendError struct {
	Permanent bool
	Reason    string
}

func (e *SendError) Error() string { return e.Reason }

// Send hands raw to the SMTP server srv for delivery from from to rcpts and returns
// what the server answered. The error is a *SendError saying whether to retry.
func Send(ctx context.Context, srv mailbox.Server, user, pass, from string, rcpts []string, raw []byte, tlsConf *tls.Config) (string, error) {
	c, err := dialSMTP(ctx, srv, tlsConf)
	if err != nil {
		return "", &SendError{Reason: err.Error()}
	}
	defer c.Close()
	if user != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
			return "", &SendError{Reason: fmt.Sprintf("%v: the SMTP server %s refused the user name or password (%s)", ErrLogin, srv.Host, serverWords(err))}
		}
	}
	resp, err := deliver(c, from, rcpts, raw)
	if err != nil {
		return "", classify(err)
	}
	_ = c.Quit()
	return resp, nil
}

func dialSMTP(ctx context.Context, srv mailbox.Server, tlsConf *tls.Config) (*smtp.Client, error) {
	d := &net.Dialer{Timeout: DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", srv.Addr())
	if err != nil {
		return nil, explainDial("SMTP", srv, err)
	}
	conf := tlsConfig(srv.Host, tlsConf)
	switch srv.Security {
	case mailbox.TLS:
		tc := tls.Client(conn, conf)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, explainTLS("SMTP", srv, err)
		}
		return smtp.NewClient(tc), nil
	case mailbox.STARTTLS:
		c, err := smtp.NewClientStartTLS(conn, conf)
		if err != nil {
			return nil, explainTLS("SMTP", srv, err)
		}
		return c, nil
	}
	c := smtp.NewClient(conn)
	if err := c.Hello("outpost.local"); err != nil {
		c.Close()
		return nil, explainDial("SMTP", srv, err)
	}
	return c, nil
}

func deliver(c *smtp.Client, from string, rcpts []string, raw []byte) (string, error) {
	if err := c.Mail(from, nil); err != nil {
		return "", err
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return "", err
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", err
	}
	if _, err := bytes.NewReader(raw).WriteTo(w); err != nil {
		return "", err
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return "", err
	}
	return resp.StatusText, nil
}

func classify(err error) *SendError {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return &SendError{Permanent: se.Code >= 500, Reason: fmt.Sprintf("the SMTP server answered %d %s", se.Code, se.Message)}
	}
	return &SendError{Reason: "the connection to the SMTP server failed while sending: " + serverWords(err)}
}

// Check logs in to both servers of a mailbox and says in words what failed.
func Check(ctx context.Context, s mailbox.Settings, c mailbox.Credentials, tlsConf *tls.Config) error {
	m, err := DialIMAP(ctx, s.IMAP, c.IMAPUser, c.IMAPPassword, tlsConf)
	if err != nil {
		return err
	}
	err = m.Ensure(s.Processed, s.Sent)
	m.Close()
	if err != nil {
		return err
	}
	sc, err := dialSMTP(ctx, s.SMTP, tlsConf)
	if err != nil {
		return err
	}
	defer sc.Close()
	if c.SMTPUser != "" {
		if err := sc.Auth(sasl.NewPlainClient("", c.SMTPUser, c.SMTPPassword)); err != nil {
			return fmt.Errorf("%w: the SMTP server %s refused the user name or password (%s)", ErrLogin, s.SMTP.Host, serverWords(err))
		}
	}
	return sc.Quit()
}
