// Package channel turns a team mailbox's mail into tickets and comments, exactly once
// however many handler devices fetch it and however often they crash, and keeps the
// outbox of mail to send (replies, acknowledgements, resolution notices) with the rule
// that picks the one device that sends each.
//
// Exactly once comes from the IDs, not from a lock: a mail's record ID derives from its
// mailbox and Message-ID (a hash of its header block where it has none), and the ID of
// the ticket it opens from the thread's first Message-ID, so two handlers that take in
// the same mail write the same records with the same values, and the copies merge.
package channel

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// Record kinds.
const (
	KindMail   = "mail"    // a mail taken in, linked to its ticket
	KindOutbox = "outmail" // a mail to send, and what became of it
)

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

func derive(parts ...string) string {
	sum := sha256.Sum256([]byte("mail\x00" + strings.Join(parts, "\x00")))
	return idEncoding.EncodeToString(sum[:16])
}

// MailID is the record ID of the mail with key (its Message-ID, or "hdr:" and the hash
// of its header block) in mailbox.
func MailID(mailbox, key string) string { return derive("mail", mailbox, key) }

// ThreadTicket is the ID of the ticket a thread opens: from the thread's first message.
func ThreadTicket(mailbox, root string) string { return derive("ticket", mailbox, root) }

// followUpTicket is the ID of the new ticket a late reply to a resolved ticket opens.
func followUpTicket(mailID string) string { return derive("follow-up", mailID) }

// ackID is the ID of the acknowledgement of a ticket. It derives from the ticket, not
// from the mail that opened it: a reply taken in ahead of its thread's first mail
// opens the same ticket on another handler, and the two acknowledgements must merge.
func ackID(ticketID string) string { return derive("ack", ticketID) }

// ourPrefix starts the local part of every Message-ID we send: "op." + outbox ID.
const ourPrefix = "op."

// messageID is the Message-ID (without <>) of outbox record id sent from address.
func messageID(id, address string) string {
	domain := "outpost.invalid"
	if at := strings.LastIndexByte(address, '@'); at >= 0 && at < len(address)-1 {
		domain = address[at+1:]
	}
	return ourPrefix + id + "@" + domain
}

// outboxOf returns the outbox record ID a Message-ID of ours names, or "".
func outboxOf(msgID string) string {
	local, _, ok := strings.Cut(msgID, "@")
	if !ok || !strings.HasPrefix(local, ourPrefix) {
		return ""
	}
	id := local[len(ourPrefix):]
	if len(id) != 26 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyz234567") != "" {
		return ""
	}
	return id
}
