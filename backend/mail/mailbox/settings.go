// Package mailbox keeps a team's mailboxes: where the team mailbox lives (IMAP and
// SMTP servers, the address replies come from), which devices handle its mail, the
// credentials sealed to those devices only, and the mail settings of the team
// (acknowledgements, notices, reopen window, loop limits, blocked senders).
package mailbox

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"outpost/backend/core/field"
)

// Kind is the record kind of a mailbox.
const Kind = "mailbox"

// Security is how a connection to a mail server is protected.
type Security string

// Connection security.
const (
	TLS      Security = "tls"      // implicit TLS (IMAPS 993, SMTPS 465)
	STARTTLS Security = "starttls" // plain connection upgraded with STARTTLS (IMAP 143, submission 587)
	Plain    Security = "none"     // no encryption: only for a server on this machine or a test
)

// Server is one mail server a mailbox talks to.
type Server struct {
	Host     string   `json:"host"`
	Port     int      `json:"port"`
	Security Security `json:"security"`
}

// Addr is host:port.
func (s Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// Defaults of a new mailbox's settings.
const (
	DefaultProcessed   = "Processed"
	DefaultSent        = "Sent"
	DefaultReopenDays  = 14
	DefaultMaxBytes    = 25 << 20
	DefaultAutoPerHour = 3
	MaxMessageBytes    = 100 << 20
)

// Settings is a mailbox as a person edits it (credentials apart).
type Settings struct {
	Name    string `json:"name"`
	Address string `json:"address"` // the team address mail is sent to and replies come from
	// Tag prefixes the numbers of tickets opened from mail ("HELP" gives HELP-4711).
	Tag       string   `json:"tag"`
	IMAP      Server   `json:"imap"`
	SMTP      Server   `json:"smtp"`
	Processed string   `json:"processed"` // folder a message is moved to once it is a ticket or comment
	Sent      string   `json:"sent"`      // folder sent mail is appended to
	Handlers  []string `json:"handlers"`  // device IDs that fetch and send this mailbox's mail
	// ReopenDays is how long after resolution a reply reopens the ticket; later
	// replies open a new ticket linked to the old one.
	ReopenDays int `json:"reopenDays"`
	// MaxBytes is the largest message taken in whole; a larger one becomes a ticket
	// with a note and without its attachments.
	MaxBytes int `json:"maxBytes"`
	// AutoPerHour is how many automatic mails (acknowledgements) a sender gets per hour.
	AutoPerHour int      `json:"autoPerHour"`
	Acknowledge bool     `json:"acknowledge"` // answer a new ticket with AckTemplate
	AckTemplate string   `json:"ackTemplate"`
	NotifyDone  bool     `json:"notifyDone"` // tell the requester when the ticket is resolved
	DoneText    string   `json:"doneTemplate"`
	AskRating   bool     `json:"askRating"` // the resolution notice asks for a rating 1-5 by reply
	Blocked     []string `json:"blocked"`   // senders (addresses or @domains) whose mail is filed, not ticketed
}

// Default templates; {number}, {title}, {name} and {team} are replaced.
const (
	DefaultAck = "Hello {name},\n\nwe have your request \"{title}\" as ticket {number} and will get back to you.\n" +
		"Reply to this mail to add to it.\n\n{team}"
	DefaultDone = "Hello {name},\n\nyour ticket {number} \"{title}\" is resolved.\n" +
		"If it is not, reply to this mail and we reopen it.\n\n{team}"
	RatingQuestion = "\n\nHow did we do? Reply with a number from 1 (poor) to 5 (excellent)."
)

var tagPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,7}$`)

// Normalize fills defaults and tidies what a person typed.
func (s *Settings) Normalize() {
	for _, p := range []*string{&s.Name, &s.Address, &s.Tag, &s.IMAP.Host, &s.SMTP.Host, &s.Processed, &s.Sent} {
		*p = strings.TrimSpace(*p)
	}
	s.Address = strings.ToLower(s.Address)
	s.Tag = strings.ToUpper(s.Tag)
	if s.Tag == "" {
		s.Tag = "MAIL"
	}
	s.IMAP.Security = Security(strings.ToLower(string(s.IMAP.Security)))
	s.SMTP.Security = Security(strings.ToLower(string(s.SMTP.Security)))
	if s.Processed == "" {
		s.Processed = DefaultProcessed
	}
	if s.Sent == "" {
		s.Sent = DefaultSent
	}
	if s.ReopenDays == 0 {
		s.ReopenDays = DefaultReopenDays
	}
	if s.MaxBytes == 0 {
		s.MaxBytes = DefaultMaxBytes
	}
	if s.AutoPerHour == 0 {
		s.AutoPerHour = DefaultAutoPerHour
	}
	if strings.TrimSpace(s.AckTemplate) == "" {
		s.AckTemplate = DefaultAck
	}
	if strings.TrimSpace(s.DoneText) == "" {
		s.DoneText = DefaultDone
	}
	var blocked []string
	for _, b := range s.Blocked {
		if b = strings.ToLower(strings.TrimSpace(b)); b != "" && !slices.Contains(blocked, b) {
			blocked = append(blocked, b)
		}
	}
	s.Blocked = blocked
	slices.Sort(s.Handlers)
	s.Handlers = slices.Compact(s.Handlers)
}

// Validate says, naming the field, what is wrong with the settings.
func (s *Settings) Validate() error {
	if err := field.First(
		field.Text("name", s.Name, 100, true, false),
		field.Text("address", s.Address, 254, true, false),
		field.Text("processed", s.Processed, 100, true, false),
		field.Text("sent", s.Sent, 100, true, false),
		field.Text("ackTemplate", s.AckTemplate, 4000, false, true),
		field.Text("doneTemplate", s.DoneText, 4000, false, true),
		validServer("imap", s.IMAP),
		validServer("smtp", s.SMTP),
	); err != nil {
		return err
	}
	if !ValidAddress(s.Address) {
		return field.Errorf("address", "%q is not an email address", s.Address)
	}
	if !tagPattern.MatchString(s.Tag) {
		return field.Errorf("tag", "must be 1 to 8 letters or digits, starting with a letter (like HELP)")
	}
	switch {
	case s.ReopenDays < 0 || s.ReopenDays > 365:
		return field.Errorf("reopenDays", "must be from 0 to 365 days")
	case s.MaxBytes < 1<<20 || s.MaxBytes > MaxMessageBytes:
		return field.Errorf("maxBytes", "must be from 1 MB to %d MB", MaxMessageBytes>>20)
	case s.AutoPerHour < 0 || s.AutoPerHour > 100:
		return field.Errorf("autoPerHour", "must be from 0 to 100")
	case len(s.Handlers) > 8:
		return field.Errorf("handlers", "at most 8 devices can handle one mailbox")
	case len(s.Blocked) > 1000:
		return field.Errorf("blocked", "at most 1,000 blocked senders")
	}
	return nil
}

// ValidAddress reports whether s reads as one plain email address: something before
// and after its last @, and no space, comma, semicolon or angle bracket.
func ValidAddress(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return at >= 1 && at < len(s)-1 && !strings.ContainsAny(s, " ,;<>")
}

func validServer(name string, s Server) error {
	if err := field.Text(name+"Host", s.Host, 253, true, false); err != nil {
		return err
	}
	if strings.ContainsAny(s.Host, " /:@") {
		return field.Errorf(name+"Host", "%q is not a host name", s.Host)
	}
	if s.Port < 1 || s.Port > 65535 {
		return field.Errorf(name+"Port", "must be a port number from 1 to 65535")
	}
	switch s.Security {
	case TLS, STARTTLS, Plain:
		return nil
	}
	return field.Errorf(name+"Security", "must be tls, starttls or none, not %q", s.Security)
}

// Blocks reports whether mail from addr is on the blocked list (an address, or
// "@domain" for a whole domain).
func (s *Settings) Blocks(addr string) bool {
	addr = strings.ToLower(addr)
	for _, b := range s.Blocked {
		if b == addr || strings.HasPrefix(b, "@") && strings.HasSuffix(addr, b) {
			return true
		}
	}
	return false
}

// Fill replaces the placeholders of a template.
func Fill(tmpl, number, title, name, team string) string {
	if name == "" {
		name = "there"
	}
	return strings.NewReplacer("{number}", number, "{title}", title, "{name}", name, "{team}", team).Replace(tmpl)
}

// Credentials are what the mail servers need to let a handler in. They are only
// ever stored sealed to the mailbox's handler devices.
type Credentials struct {
	IMAPUser     string `json:"imapUser"`
	IMAPPassword string `json:"imapPassword"`
	SMTPUser     string `json:"smtpUser"` // "" sends without authentication
	SMTPPassword string `json:"smtpPassword"`
}

// Validate checks that the credentials are complete.
func (c Credentials) Validate() error {
	return field.First(
		field.Text("imapUser", c.IMAPUser, 254, true, false),
		field.Text("imapPassword", c.IMAPPassword, 1024, true, false),
		field.Text("smtpUser", c.SMTPUser, 254, false, false),
		field.Text("smtpPassword", c.SMTPPassword, 1024, c.SMTPUser != "", false),
	)
}

// String never shows a password: credentials that end up in a log say only who.
func (c Credentials) String() string { return fmt.Sprintf("credentials of %s", c.IMAPUser) }
