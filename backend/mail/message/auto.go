package message

import (
	"bufio"
	"bytes"
	"net/textproto"
	"regexp"
	"strings"

	"github.com/jhillyerd/enmime"
	"github.com/jhillyerd/enmime/dsn"
)

// autoReason says why msg must not get an automatic reply (RFC 3834 and common practice), and
// fills a Bounce for a delivery status notification.
func autoReason(env *enmime.Envelope, msg Message) (string, *Bounce) {
	if b := reportBounce(env); b != nil {
		return AutoBounce, b
	}
	if b := plainBounce(env, msg); b != nil {
		return AutoBounce, b
	}
	h := env.Root.Header
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return AutoSubmitted, nil
	}
	if h.Get("X-Autoreply") != "" || h.Get("X-Autorespond") != "" || suppressesReplies(h.Get("X-Auto-Response-Suppress")) {
		return AutoSubmitted, nil
	}
	switch strings.ToLower(strings.TrimSpace(h.Get("Precedence"))) {
	case "bulk", "list", "junk":
		return AutoPrecedence, nil
	}
	if h.Get("List-Id") != "" || h.Get("List-Unsubscribe") != "" {
		return AutoList, nil
	}
	if isDaemon(msg.From.Email) {
		return AutoDaemon, nil
	}
	return "", nil
}

// suppressesReplies reads Microsoft's X-Auto-Response-Suppress: a sender asking for no automatic
// replies (All, AutoReply, OOF).
func suppressesReplies(v string) bool {
	for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ' ' }) {
		if f == "all" || f == "autoreply" || f == "oof" {
			return true
		}
	}
	return false
}

// isDaemon reports whether email's local part is mailer-daemon or postmaster.
func isDaemon(email string) bool {
	local, _, _ := strings.Cut(strings.ToLower(email), "@")
	return local == "mailer-daemon" || local == "postmaster"
}

// reportBounce reads an RFC 3464 multipart/report with a message/delivery-status part.
func reportBounce(env *enmime.Envelope) *Bounce {
	report, err := dsn.ParseReport(env.Root)
	if err != nil || report == nil || len(report.DeliveryStatus.RecipientDSNs) == 0 {
		return nil
	}
	r := report.DeliveryStatus.RecipientDSNs[0]
	b := &Bounce{
		Recipient:  typedValue(r.Get("Final-Recipient")),
		Action:     strings.ToLower(strings.TrimSpace(r.Get("Action"))),
		Status:     strings.TrimSpace(r.Get("Status")),
		Diagnostic: oneLine(typedValue(r.Get("Diagnostic-Code"))),
	}
	if b.Recipient == "" {
		b.Recipient = typedValue(r.Get("Original-Recipient"))
	}
	b.Recipient = strings.ToLower(strings.Trim(b.Recipient, "<> "))
	b.OriginalMessageID, _ = enclosedHeader(env.Root)
	return b
}

// typedValue drops the type of a DSN field ("rfc822; a@b" is "a@b", "smtp; 550 ..." is "550 ...").
func typedValue(v string) string {
	if _, after, ok := strings.Cut(v, ";"); ok {
		return strings.TrimSpace(after)
	}
	return strings.TrimSpace(v)
}

// enclosedHeader finds the original message of a bounce (a message/rfc822 or text/rfc822-headers
// part) and returns its Message-ID and its first To address.
func enclosedHeader(root *enmime.Part) (id, to string) {
	p := root.DepthMatchFirst(func(p *enmime.Part) bool {
		return p.ContentType == "message/rfc822" || p.ContentType == "text/rfc822-headers"
	})
	if p == nil {
		return "", ""
	}
	h, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(p.Content))).ReadMIMEHeader()
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		id = ids[0]
	}
	if addrs := emailLike.FindAllString(h.Get("To"), 1); len(addrs) > 0 {
		to = strings.ToLower(addrs[0])
	}
	return id, to
}

var (
	bounceSubject = regexp.MustCompile(`(?i)^(undeliverable|undelivered mail|unzustellbar|non remis|onbestelbaar|returned mail|mail delivery failed|delivery status notification \(failure\)|delivery failure|failure notice)\b`)
	statusCode    = regexp.MustCompile(`\b[45]\.\d{1,3}\.\d{1,3}\b`)
)

// plainBounce reads a bounce that is not a multipart/report, as Exchange and some hosted mail
// systems send them: a bounce subject, from a mailer daemon or with the original message enclosed.
func plainBounce(env *enmime.Envelope, msg Message) *Bounce {
	if !bounceSubject.MatchString(msg.Subject) {
		return nil
	}
	id, to := enclosedHeader(env.Root)
	if !isDaemon(msg.From.Email) && id == "" {
		return nil
	}
	b := &Bounce{OriginalMessageID: id, Recipient: to, Action: "failed"}
	for _, line := range strings.Split(env.Text, "\n") {
		if code := statusCode.FindString(line); code != "" {
			b.Status, b.Diagnostic = code, oneLine(line)
			break
		}
	}
	return b
}
