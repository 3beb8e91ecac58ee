package channel

import (
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/change"
	"outpost/backend/mail/message"
)

// Limits on what a mail record keeps (the change log caps one value at 256 KiB).
const (
	MaxText = 64 << 10
	MaxHTML = 128 << 10
)

// Mail is one mail taken in, as the ticket's thread shows it.
type Mail struct {
	ID        string            `json:"id"`
	Mailbox   string            `json:"mailbox"`
	Ticket    string            `json:"ticket"` // "" for mail filed without a ticket (blocked, a bounce of nothing we know)
	MessageID string            `json:"messageId"`
	From      message.Address   `json:"from"`
	To        []message.Address `json:"to"`
	Cc        []message.Address `json:"cc"`
	Subject   string            `json:"subject"`
	Date      time.Time         `json:"date"`
	Received  time.Time         `json:"received"`
	Text      string            `json:"text"`
	Quoted    string            `json:"quoted"`
	HTML      string            `json:"html"` // sanitised when taken in; sanitised again when shown
	// Note says what was done with the mail that a person should know: too large,
	// blocked sender, automatic reply not answered, a delivery report.
	Note     string        `json:"note"`
	Auto     string        `json:"auto"`
	Problems []string      `json:"problems"`
	Size     int           `json:"size"`
	Files    []attach.Meta `json:"files"`
	Bounce   string        `json:"bounce"` // the outbox record a delivery report is about
	Rating   int           `json:"rating"` // a satisfaction answer it carried
}

const fMail = "mail"

// mailFromRecord reads a mail record: one register holding the whole mail (written
// alike by every handler that takes it in) and its files.
func mailFromRecord(r change.Record) Mail {
	var m Mail
	_, _ = r.Get(fMail, &m)
	m.ID = r.ID
	m.Files = attach.Files(r)
	for _, p := range []*[]message.Address{&m.To, &m.Cc} {
		if *p == nil {
			*p = []message.Address{}
		}
	}
	if m.Problems == nil {
		m.Problems = []string{}
	}
	return m
}

func cut(s string, max int) (string, bool) {
	if len(s) <= max {
		return s, false
	}
	for max > 0 && s[max]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		max--
	}
	return s[:max], true
}
