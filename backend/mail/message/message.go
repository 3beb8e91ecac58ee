package message

import (
	"errors"
	"strings"
	"time"
)

// ErrTooLarge is returned by Parse for a message over the size limit.
var ErrTooLarge = errors.New("the message is larger than the mailbox accepts")

// Address is one mailbox of a header field. Email is lower-cased.
type Address struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// Part is an attachment or an inline image.
type Part struct {
	Name      string `json:"name"`      // file name, sanitised, never empty
	MediaType string `json:"mediaType"` // sniffed from the bytes, the header only where the bytes agree
	ContentID string `json:"contentId"` // for inline images, without <>
	Inline    bool   `json:"inline"`
	Data      []byte `json:"-"`
}

// Bounce is what a delivery status notification says about a message we sent.
type Bounce struct {
	OriginalMessageID string // without <>
	Recipient         string
	Action            string // failed, delayed, delivered, relayed, expanded
	Status            string // e.g. 5.1.1
	Diagnostic        string
}

// Auto reasons: why a message must not get an automatic reply.
const (
	AutoSubmitted  = "auto-submitted"
	AutoPrecedence = "precedence"
	AutoList       = "list"
	AutoDaemon     = "mailer-daemon"
	AutoBounce     = "bounce"
)

// Message is one parsed incoming mail.
type Message struct {
	MessageID   string   // without <>; "" when the header is missing
	HeaderHash  string   // hex SHA-256 of the raw header block, always set
	InReplyTo   []string // message IDs without <>
	References  []string
	Subject     string // decoded, trimmed
	From        Address
	ReplyTo     []Address
	To, Cc      []Address
	Date        time.Time // zero when missing or unparsable
	Text        string    // the new part of the body as plain text
	Quoted      string    // what was cut from Text: earlier replies, the signature
	HTML        string    // the HTML body sanitised for display, or ""
	Attachments []Part
	Auto        string  // why no automatic reply may go to this message, "" if one may
	Bounce      *Bounce // non-nil for a delivery status notification
	Size        int
	Problems    []string // damage found and worked around, in human words
}

// FromAny reports whether the sender is one of addrs (case-insensitive): mail from our own
// addresses must not open tickets or get replies.
func (m Message) FromAny(addrs []string) bool {
	from := m.From.Email
	if from == "" {
		return false
	}
	for _, a := range addrs {
		a = strings.Trim(strings.TrimSpace(a), "<>")
		if strings.EqualFold(a, from) {
			return true
		}
	}
	return false
}

// ReplyAddress is where a reply goes: the first Reply-To address, else From.
func (m Message) ReplyAddress() Address {
	if len(m.ReplyTo) > 0 && m.ReplyTo[0].Email != "" {
		return m.ReplyTo[0]
	}
	return m.From
}
