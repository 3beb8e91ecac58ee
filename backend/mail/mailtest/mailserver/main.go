// Command mailserver runs mailtest's mail server (dovecot and the SMTP server) outside
// `go test`, for the browser tests and `make bench`.
//
// It prints one JSON line with the addresses, users and the certificate's PEM file, then
// reads file paths on stdin, one a line, delivers each to the -to mailbox and answers each
// with a JSON line. It stops when stdin closes or on SIGTERM or SIGINT.
//
//	mailserver [-domain D] [-user name:password]... [-smtp-auth] [-autoreply ADDR]...
//	           [-autoreply-bad ADDR]... [-bounce ADDR]... [-deliver DIR] [-fast] [-to USER]
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"outpost/backend/mail/mailtest"
)

// list is a flag that may be given more than once.
type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

// config is what the flags say.
type config struct {
	opts    mailtest.Options
	deliver string // a directory whose files are delivered before the server is announced
	fast    bool   // deliver straight into Maildir instead of over SMTP
	to      string
}

// info is the JSON line that announces the server.
type info struct {
	IMAP     string          `json:"imap"`
	IMAPS    string          `json:"imaps"`
	SMTP     string          `json:"smtp"`
	Domain   string          `json:"domain"`
	Users    []mailtest.User `json:"users"`
	CAFile   string          `json:"caFile"`
	MailDir  string          `json:"mailDir"`
	Team     string          `json:"team"`
	Delivers int             `json:"delivered"`
}

// result answers one path read on stdin.
type result struct {
	Path      string `json:"path"`
	Delivered bool   `json:"delivered"`
	Error     string `json:"error,omitempty"`
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "mailserver:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var c config
	var users, good, bad, bounce list
	fs := flag.NewFlagSet("mailserver", flag.ContinueOnError)
	fs.StringVar(&c.opts.Domain, "domain", "example.test", "mail domain of the local users")
	fs.Var(&users, "user", "a local mailbox as name:password (repeatable; the first is the team mailbox)")
	fs.BoolVar(&c.opts.SMTPAuth, "smtp-auth", false, "require AUTH PLAIN on SMTP")
	fs.Var(&good, "autoreply", "a well-behaved autoresponder address (repeatable)")
	fs.Var(&bad, "autoreply-bad", "an autoresponder that marks nothing and answers everything (repeatable)")
	fs.Var(&bounce, "bounce", "an address whose mail bounces (repeatable)")
	fs.StringVar(&c.deliver, "deliver", "", "deliver every file of this directory before starting")
	fs.BoolVar(&c.fast, "fast", false, "deliver straight into Maildir rather than over SMTP")
	fs.StringVar(&c.to, "to", "", "the mailbox deliveries go to (default: the team mailbox)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	for _, u := range users {
		name, password, ok := strings.Cut(u, ":")
		if !ok {
			return config{}, fmt.Errorf("-user %q: want name:password", u)
		}
		c.opts.Users = append(c.opts.Users, mailtest.User{Name: name, Password: password})
	}
	c.opts.Autoresponders = map[string]bool{}
	for _, a := range good {
		c.opts.Autoresponders[a] = true
	}
	for _, a := range bad {
		c.opts.Autoresponders[a] = false
	}
	c.opts.Bounce = bounce
	return c, nil
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	c, err := parseFlags(args)
	if err != nil {
		return err
	}
	s, err := mailtest.New(c.opts)
	if err != nil {
		return err
	}
	defer s.Close()
	if c.to == "" {
		c.to = s.Team().Name
	}
	n, err := deliverDir(s, c)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	if err := enc.Encode(info{s.IMAPAddr, s.IMAPSAddr, s.SMTPAddr, s.Domain, s.Users, s.CAFile, s.MailDir, s.Address(c.to), n}); err != nil {
		return fmt.Errorf("announce: %w", err)
	}
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
	for {
		select {
		case <-stop:
			return s.Close()
		case line, ok := <-lines:
			if !ok {
				return s.Close()
			}
			if err := enc.Encode(deliverFile(s, c, strings.TrimSpace(line))); err != nil {
				return fmt.Errorf("answer: %w", err)
			}
		}
	}
}

// deliverDir delivers the files of c.deliver in name order and says how many.
func deliverDir(s *mailtest.Server, c config) (int, error) {
	if c.deliver == "" {
		return 0, nil
	}
	entries, err := os.ReadDir(c.deliver)
	if err != nil {
		return 0, fmt.Errorf("-deliver: %w", err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	n := 0
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if r := deliverFile(s, c, filepath.Join(c.deliver, e.Name())); !r.Delivered {
			return n, errors.New(r.Error)
		}
		n++
	}
	return n, nil
}

func deliverFile(s *mailtest.Server, c config, path string) result {
	raw, err := os.ReadFile(path)
	if err == nil {
		if c.fast {
			err = s.DeliverFast(c.to, raw)
		} else {
			err = s.DeliverSMTP(c.to, raw)
		}
	}
	if err != nil {
		return result{Path: path, Error: fmt.Sprintf("deliver %s: %v", path, err)}
	}
	return result{Path: path, Delivered: true}
}
