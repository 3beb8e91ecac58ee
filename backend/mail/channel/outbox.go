package channel

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/mail/message"
)

// Kinds of outgoing mail.
const (
	OutReply = "reply" // a public reply a person wrote on the ticket
	OutAck   = "ack"   // the acknowledgement of a new ticket
	OutDone  = "done"  // the resolution notice (with the rating question)
)

// States of an outgoing mail.
const (
	Queued = "queued"
	Sent   = "sent"
	Failed = "failed"
)

// Retrying: an attempt that failed for a reason that may pass is tried again after
// a growing pause; after MaxAttempts the mail is failed for good.
const (
	MaxAttempts = 8
	firstPause  = 30 * time.Second
	maxPause    = time.Hour
)

const (
	fOut      = "out"
	fAttempts = "attempts"
	fSent     = "sent"
	fFailed   = "failed"
)

// Outmail is a mail to send, and what became of it.
type Outmail struct {
	ID         string            `json:"id"`
	Mailbox    string            `json:"mailbox"`
	Ticket     string            `json:"ticket"`
	Kind       string            `json:"kind"`
	From       message.Address   `json:"from"`
	To         []message.Address `json:"to"`
	Cc         []message.Address `json:"cc"`
	Subject    string            `json:"subject"`
	Text       string            `json:"text"`
	MessageID  string            `json:"messageId"`
	InReplyTo  string            `json:"inReplyTo"`
	References []string          `json:"references"`
	Queued     time.Time         `json:"queued"`
	By         string            `json:"by"`

	State    string    `json:"state"`
	Attempts []Attempt `json:"attempts"`
	SentAt   time.Time `json:"sentAt"`
	Response string    `json:"response"` // what the SMTP server said on accepting it
	Reason   string    `json:"reason"`   // why it failed
}

// Attempt is one try at sending, by one device. A start without a result is a try
// that was interrupted (a crash): the next sender first looks in the Sent folder.
type Attempt struct {
	Device    string    `json:"device"`
	At        time.Time `json:"at"`
	Started   bool      `json:"started"`
	Error     string    `json:"error"`
	Permanent bool      `json:"permanent"`
}

type sentResult struct {
	Device   string    `json:"device"`
	At       time.Time `json:"at"`
	Response string    `json:"response"`
}

type failure struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

func outFromRecord(r change.Record) Outmail {
	var o Outmail
	_, _ = r.Get(fOut, &o)
	o.ID, o.State, o.Attempts = r.ID, Queued, []Attempt{}
	for _, it := range r.Items[fAttempts] {
		var a Attempt
		if json.Unmarshal(it.Value, &a) == nil {
			o.Attempts = append(o.Attempts, a)
		}
	}
	var s sentResult
	if ok, _ := r.Get(fSent, &s); ok {
		o.State, o.SentAt, o.Response = Sent, s.At, s.Response
	}
	var f failure
	if ok, _ := r.Get(fFailed, &f); ok {
		o.State, o.Reason = Failed, f.Reason
	}
	if o.To == nil {
		o.To = []message.Address{}
	}
	if o.Cc == nil {
		o.Cc = []message.Address{}
	}
	return o
}

// Due reports whether the mail should be tried now: queued, and the pause after its
// last failed attempt is over.
func (o Outmail) Due(now time.Time) bool {
	if o.State != Queued {
		return false
	}
	failed, last := 0, time.Time{}
	for _, a := range o.Attempts {
		if !a.Started {
			failed++
			last = a.At
		}
	}
	if failed == 0 {
		return true
	}
	pause := firstPause << (failed - 1)
	if pause > maxPause || pause <= 0 {
		pause = maxPause
	}
	return !now.Before(last.Add(pause))
}

// Interrupted reports whether an attempt started and never reported: the mail may
// have gone out, so the Sent folder must be searched before sending it again.
func (o Outmail) Interrupted() bool {
	open := 0
	for _, a := range o.Attempts {
		if a.Started {
			open++
		} else {
			open--
		}
	}
	return open > 0
}

// Claimant is the device among handlers that sends outbox record id: the one whose
// hash with the record ID is highest (rendezvous hashing). Every device computes the
// same from the same list, and when a handler goes away only its records move.
func Claimant(id string, handlers []string) string {
	best, bestSum := "", []byte(nil)
	for _, h := range handlers {
		sum := sha256.Sum256([]byte(id + "\x00" + h))
		if best == "" || bytes.Compare(sum[:], bestSum) > 0 {
			best, bestSum = h, sum[:]
		}
	}
	return best
}

// queue writes outbox record o under id in tx unless it exists (an acknowledgement
// two handlers both queue is one record).
func queue(tx *store.Tx, o Outmail) error {
	if _, err := tx.Get(KindOutbox, o.ID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	o.MessageID = messageID(o.ID, o.From.Email)
	o.State, o.Attempts = "", nil
	op, err := change.Set(fOut, o, nil)
	if err != nil {
		return err
	}
	_, err = tx.Write(KindOutbox, o.ID, []change.Op{op})
	return err
}
