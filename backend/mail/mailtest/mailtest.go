// Package mailtest runs a real mail server for tests: Debian's dovecot for IMAP (plain,
// STARTTLS and implicit TLS, with a certificate made at start) and an SMTP server
// (emersion/go-smtp) that records what it accepts, delivers mail for local users into their
// Maildir the way an MDA does, and plays autoresponders and bouncing addresses.
//
// Each server lives in its own temporary directory with its own configuration, sockets and
// free loopback ports, so servers started in parallel (and a system dovecot on port 143) do
// not meet. Dovecot must be installed: .ci/setup test installs dovecot-imapd.
package mailtest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Options configure a server. The zero value is one user, "team", on example.test.
type Options struct {
	// Domain is the mail domain of the local users; default "example.test".
	Domain string
	// Users are the local mailboxes; the first is the team mailbox. Default: team/team-password.
	Users []User
	// SMTPAuth makes the SMTP server require AUTH PLAIN with a local user's name and password.
	SMTPAuth bool
	// Autoresponders maps an address to whether it behaves: every message it receives is
	// answered with "Out of office: <subject>". A well-behaved one (true) marks its answer
	// Auto-Submitted: auto-replied and, as RFC 3834 asks, does not answer automatic messages;
	// a badly-behaved one (false) adds no marker and answers everything, as many real ones do.
	Autoresponders map[string]bool
	// Bounce lists addresses whose mail is accepted and then bounced with an RFC 3464
	// delivery status notification (5.1.1) from MAILER-DAEMON@Domain.
	Bounce []string
	// ReplyDelay is how long auto-replies and bounces take to arrive; default 50 ms.
	ReplyDelay time.Duration
	// Dovecot is the dovecot binary; default /usr/sbin/dovecot.
	Dovecot string
}

// User is a local mailbox: its IMAP login and, with SMTPAuth, its SMTP login.
type User struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// Envelope is one message the SMTP server accepted.
type Envelope struct {
	From string
	To   []string
	Data []byte
}

// Server is a running mail server. Its exported fields are set by New and read-only after.
type Server struct {
	IMAPAddr  string         // plain IMAP with STARTTLS, host:port
	IMAPSAddr string         // IMAP over implicit TLS
	SMTPAddr  string         // SMTP without TLS, with STARTTLS offered
	Domain    string         // the local users' mail domain
	Users     []User         // the local mailboxes; Users[0] is the team mailbox
	RootCAs   *x509.CertPool // verifies the server's certificate (for 127.0.0.1 and localhost)
	CAFile    string         // the certificate as a PEM file
	MailDir   string         // holds <user>/Maildir for every user

	opts          Options
	dir           string
	id            identity
	cert          certificate
	dovecot       *exec.Cmd
	dovecotExited <-chan struct{}
	smtp          *smtp.Server
	deliverPass   string // the credentials Deliver authenticates with; its mail is not recorded

	mu       sync.Mutex
	sent     []Envelope
	changed  chan struct{} // closed and replaced whenever sent grows
	bgErr    error         // the first failure of a background delivery
	bg       sync.WaitGroup
	closing  chan struct{}
	closeErr error
	closed   bool
	seq      uint64 // Maildir file name counter
}

// Start runs a server for the test and stops it when the test ends. It fails the test if
// dovecot is missing or does not start.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatalf("mailtest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("mailtest: dovecot log:\n%s", s.LogTail(40))
		}
		if err := s.Close(); err != nil {
			t.Errorf("mailtest: %v", err)
		}
	})
	return s
}

// New runs a server until Close. Everything it writes is under one new temporary directory
// (short, so dovecot's socket paths fit), removed by Close.
func New(opts Options) (*Server, error) {
	binary, err := findDovecot(opts.Dovecot)
	if err != nil {
		return nil, err
	}
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	if err := s.prepareDirs(); err != nil {
		_ = os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.startSMTP(); err != nil {
		_ = os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.startDovecot(binary); err != nil {
		_ = s.smtp.Close()
		_ = os.RemoveAll(s.dir)
		return nil, err
	}
	return s, nil
}

func newServer(opts Options) (*Server, error) {
	if opts.Domain == "" {
		opts.Domain = "example.test"
	}
	if len(opts.Users) == 0 {
		opts.Users = []User{{Name: "team", Password: "team-password"}}
	}
	if opts.ReplyDelay == 0 {
		opts.ReplyDelay = 50 * time.Millisecond
	}
	for _, u := range opts.Users {
		if u.Name == "" || strings.ContainsAny(u.Name, ":@/ \n") || strings.ContainsAny(u.Password, ":\n") || u.Password == "" {
			return nil, fmt.Errorf("user %q: a name needs no ':', '@', '/' or spaces and a password no ':'", u.Name)
		}
	}
	id, err := runIdentity()
	if err != nil {
		return nil, err
	}
	cert, err := newCertificate(time.Now())
	if err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	dir, err := os.MkdirTemp("", "mailtest-")
	if err != nil {
		return nil, fmt.Errorf("make server directory: %w", err)
	}
	return &Server{
		Domain: opts.Domain, Users: opts.Users, RootCAs: cert.pool,
		CAFile: filepath.Join(dir, "cert.pem"), MailDir: filepath.Join(dir, "mail"),
		opts: opts, dir: dir, id: id, cert: cert, deliverPass: randomToken(),
		changed: make(chan struct{}), closing: make(chan struct{}),
	}, nil
}

func findDovecot(binary string) (string, error) {
	if binary == "" {
		binary = defaultDovecot
	}
	if _, err := os.Stat(binary); err != nil {
		if path, lookErr := exec.LookPath("dovecot"); lookErr == nil && binary == defaultDovecot {
			return path, nil
		}
		return "", fmt.Errorf("%w: %s: %w", ErrNoDovecot, binary, err)
	}
	return binary, nil
}

// prepareDirs makes the Maildir of every user, owned by the user dovecot reads mail as.
func (s *Server) prepareDirs() error {
	if s.id.chown {
		// dovecot's mail processes run as another user and must reach MailDir
		if err := os.Chmod(s.dir, 0o711); err != nil {
			return fmt.Errorf("open server directory: %w", err)
		}
	}
	if err := s.mkdirOwned(s.MailDir); err != nil {
		return err
	}
	for _, u := range s.Users {
		if err := s.mkdirOwned(filepath.Join(s.MailDir, u.Name)); err != nil {
			return err
		}
		if err := s.ensureMaildir(s.Maildir(u.Name, "INBOX")); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the SMTP server, waits for pending auto-replies and bounces, stops dovecot and
// removes the server's directory. It reports the first failed background delivery.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return s.closeErr
	}
	s.closed = true
	close(s.closing)
	s.mu.Unlock()
	errs := []error{s.smtp.Close()}
	s.bg.Wait()
	stopProcess(s.dovecot, s.dovecotExited)
	errs = append(errs, os.RemoveAll(s.dir))
	s.mu.Lock()
	errs = append(errs, s.bgErr)
	s.closeErr = errors.Join(errs...)
	s.mu.Unlock()
	if s.closeErr != nil {
		return fmt.Errorf("close mail server: %w", s.closeErr)
	}
	return nil
}

// Address is the mail address of local user name.
func (s *Server) Address(name string) string { return name + "@" + s.Domain }

// Team is the team mailbox, Users[0].
func (s *Server) Team() User { return s.Users[0] }

// TLSConfig is a client configuration that verifies the server's certificate.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// Sent returns a copy of every message the SMTP server accepted, oldest first, except those
// handed in by Deliver and DeliverSMTP.
func (s *Server) Sent() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Envelope(nil), s.sent...)
}

// WaitSent waits until the SMTP server accepted at least n messages and returns them all; it
// fails the test after timeout.
func (s *Server) WaitSent(t testing.TB, n int, timeout time.Duration) []Envelope {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		sent, changed := append([]Envelope(nil), s.sent...), s.changed
		s.mu.Unlock()
		if len(sent) >= n {
			return sent
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("mailtest: %d messages sent after %v, want %d", len(sent), timeout, n)
		}
	}
}

func (s *Server) record(e Envelope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, e)
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) backgroundFailed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bgErr == nil {
		s.bgErr = err
	}
}

func (s *Server) user(name string) (User, bool) {
	for _, u := range s.Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// localUser returns the local user an address belongs to.
func (s *Server) localUser(addr string) (User, bool) {
	local, domain, ok := strings.Cut(strings.Trim(addr, "<> "), "@")
	if !ok || !strings.EqualFold(domain, s.Domain) {
		return User{}, false
	}
	for _, u := range s.Users {
		if strings.EqualFold(u.Name, local) {
			return u, true
		}
	}
	return User{}, false
}

func listen() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return l, nil
}
