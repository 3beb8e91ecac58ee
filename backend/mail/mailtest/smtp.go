package mailtest

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// deliverUser is the SMTP login of Deliver; what it hands in is delivered but not recorded.
const deliverUser = "mailtest-deliver"

var (
	errAuthRequired = &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	errAuthFailed   = &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
	errNoSuchUser   = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user here"}
)

func (s *Server) startSMTP() error {
	l, err := listen()
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	srv.Domain = "mail." + s.Domain
	srv.AllowInsecureAuth = true
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{s.cert.pair}, MinVersion: tls.VersionTLS12}
	srv.MaxMessageBytes = 64 << 20
	srv.MaxRecipients = 100
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.ErrorLog = discardLog{}
	s.smtp, s.SMTPAddr = srv, l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	return nil
}

// session is one SMTP transaction. go-smtp calls its methods from the connection's goroutine,
// one at a time.
type session struct {
	s        *Server
	authed   bool
	internal bool // authenticated as Deliver
	from     string
	to       []string
}

var _ smtp.AuthSession = (*session)(nil)

func (se *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (se *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, name, password string) error {
		if name == deliverUser && password == se.s.deliverPass {
			se.authed, se.internal = true, true
			return nil
		}
		if u, ok := se.s.user(name); ok && u.Password == password {
			se.authed = true
			return nil
		}
		return errAuthFailed
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.opts.SMTPAuth && !se.authed {
		return errAuthRequired
	}
	se.from = from
	return nil
}

// Rcpt accepts any address outside the local domain (it is recorded, as a relay would send
// it on) and, inside it, only local users.
func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if se.s.opts.SMTPAuth && !se.authed {
		return errAuthRequired
	}
	_, domain, _ := strings.Cut(to, "@")
	if _, ok := se.s.localUser(to); !ok && strings.EqualFold(domain, se.s.Domain) && se.s.special(to) == "" {
		return errNoSuchUser
	}
	se.to = append(se.to, to)
	return nil
}

// Data records the message, writes it into the Maildir of each local recipient and starts the
// answers of autoresponders and bouncing addresses. It returns once local delivery is done.
func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	env := Envelope{From: se.from, To: slices.Clone(se.to), Data: data}
	if !se.internal {
		se.s.record(env)
	}
	for _, to := range env.To {
		if u, ok := se.s.localUser(to); ok {
			if err := se.s.deliverLocal(u.Name, env.From, to, data); err != nil {
				return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "local delivery failed"}
			}
			continue
		}
		switch se.s.special(to) {
		case "autoresponder":
			se.s.later(func() error { return se.s.autoReply(to, env) })
		case "bounce":
			se.s.later(func() error { return se.s.bounce(to, env) })
		}
	}
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// special says what a recipient address plays: "autoresponder", "bounce" or "".
func (s *Server) special(addr string) string {
	addr = strings.Trim(addr, "<> ")
	for a := range s.opts.Autoresponders {
		if strings.EqualFold(a, addr) {
			return "autoresponder"
		}
	}
	for _, a := range s.opts.Bounce {
		if strings.EqualFold(a, addr) {
			return "bounce"
		}
	}
	return ""
}

// later runs deliver after ReplyDelay, unless the server closes first.
func (s *Server) later(deliver func() error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		select {
		case <-time.After(s.opts.ReplyDelay):
		case <-s.closing:
			return
		}
		if err := deliver(); err != nil {
			s.backgroundFailed(err)
		}
	}()
}

// replyTarget is the local user an answer to a message from sender goes to: the sender's own
// mailbox when the sender is local, else the team mailbox.
func (s *Server) replyTarget(sender string) User {
	if u, ok := s.localUser(sender); ok {
		return u
	}
	return s.Team()
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// discardLog drops go-smtp's connection errors (clients hanging up mid-session are normal here).
type discardLog struct{}

func (discardLog) Printf(string, ...interface{}) {}
func (discardLog) Println(...interface{})        {}
