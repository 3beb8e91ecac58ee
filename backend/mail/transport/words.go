package transport

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"outpost/backend/mail/mailbox"
)

// Errors callers branch on.
var (
	ErrLookup  = errors.New("cannot find the mail server")
	ErrConnect = errors.New("cannot reach the mail server")
	ErrTLS     = errors.New("the mail server's encryption failed")
	ErrLogin   = errors.New("the mail server refused the login")
	ErrGone    = errors.New("the message is no longer in the folder")
)

func tlsConfig(host string, base *tls.Config) *tls.Config {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		conf = base.Clone()
	}
	if conf.ServerName == "" {
		conf.ServerName = host
	}
	return conf
}

// explainDial says why a connection to srv could not be made.
func explainDial(proto string, srv mailbox.Server, err error) error {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return fmt.Errorf("%w: the name %s does not resolve (check the %s host name and this device's network)", ErrLookup, srv.Host, proto)
	case isTLS(err):
		return explainTLS(proto, srv, err)
	case errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("%w: %s did not answer on port %d within %s (check the port and any firewall)", ErrConnect, srv.Host, srv.Port, DialTimeout)
	}
	return fmt.Errorf("%w: %s on port %d refused the connection or closed it (check the %s port and security setting)", ErrConnect, srv.Host, srv.Port, proto)
}

func explainTLS(proto string, srv mailbox.Server, err error) error {
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	switch {
	case errors.As(err, &unknown):
		return fmt.Errorf("%w: the %s server's certificate is not signed by an authority this device trusts", ErrTLS, proto)
	case errors.As(err, &host):
		return fmt.Errorf("%w: the %s server's certificate is not valid for %s", ErrTLS, proto, srv.Host)
	}
	return fmt.Errorf("%w: %s on port %d did not complete a secure connection (is the security setting, TLS or STARTTLS, the one the server uses?)", ErrTLS, srv.Host, srv.Port)
}

func isTLS(err error) bool {
	var rec tls.RecordHeaderError
	var cert *tls.CertificateVerificationError
	return errors.As(err, &rec) || errors.As(err, &cert) || strings.Contains(err.Error(), "tls:")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// serverWords is what a server said, trimmed to one line.
func serverWords(err error) string {
	s := strings.TrimSpace(err.Error())
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
