package channel

import (
	"fmt"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/mail/message"
)

// bounce files a delivery report: on the ticket of the mail of ours it is about,
// whose outbox record it marks failed. A report about nothing we sent is filed alone.
func (c *Channel) bounce(tx *store.Tx, msg message.Message, rec *Mail, out *Outcome) error {
	b := msg.Bounce
	reason := strings.TrimSpace(strings.Join(nonEmptyWords(b.Action, b.Status, b.Diagnostic), " "))
	if b.Recipient != "" {
		reason = fmt.Sprintf("delivery to %s failed: %s", b.Recipient, reason)
	}
	id := outboxOf(b.OriginalMessageID)
	r, err := tx.Get(KindOutbox, id)
	if id == "" || err != nil {
		rec.Note = "A delivery report about a mail this team did not send from here (" + reason + ")."
		return nil
	}
	o := outFromRecord(r)
	rec.Ticket, rec.Bounce, out.Ticket = o.Ticket, o.ID, o.Ticket
	rec.Note = "Delivery report: " + reason
	if b.Action != "" && !strings.EqualFold(b.Action, "failed") {
		return nil // delayed or relayed: not a failure yet
	}
	op, err := change.Set(fFailed, failure{At: msg.Date, Reason: "the mail bounced: " + reason}, r.Heads(fFailed))
	if err != nil {
		return err
	}
	_, err = tx.Write(KindOutbox, o.ID, []change.Op{op})
	return err
}

func nonEmptyWords(ws ...string) []string {
	var out []string
	for _, w := range ws {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}
