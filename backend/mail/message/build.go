package message

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	gomessage "github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// Outgoing is a mail Outpost sends.
type Outgoing struct {
	From        Address
	To, Cc      []Address
	Subject     string
	Text        string // plain text body, UTF-8
	MessageID   string // without <>; the caller supplies it (see NewMessageID)
	InReplyTo   string // without <>
	References  []string
	Auto        bool // an acknowledgement or notice: marked Auto-Submitted: auto-generated (RFC 3834)
	Date        time.Time
	Attachments []Part
}

// Build renders o as RFC 5322 bytes: UTF-8 text in quoted-printable, RFC 2047 encoded subject and
// names, CRLF line endings. The same Outgoing always gives the same bytes.
func Build(o Outgoing) ([]byte, error) {
	h, err := outgoingHeader(o)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if len(o.Attachments) == 0 {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := gomessage.CreateWriter(&buf, h.Header)
		if err != nil {
			return nil, fmt.Errorf("build message: %w", err)
		}
		if err := writeText(w, o.Text); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	h.SetContentType("multipart/mixed", map[string]string{"boundary": boundary(o.MessageID)})
	w, err := gomessage.CreateWriter(&buf, h.Header)
	if err != nil {
		return nil, fmt.Errorf("build message: %w", err)
	}
	if err := writeParts(w, o); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("build message: %w", err)
	}
	return buf.Bytes(), nil
}

func outgoingHeader(o Outgoing) (mail.Header, error) {
	var h mail.Header
	switch {
	case !strings.Contains(o.From.Email, "@"):
		return h, errors.New("build message: the sender address is missing")
	case len(o.To) == 0:
		return h, errors.New("build message: there is no recipient")
	case o.Date.IsZero():
		return h, errors.New("build message: the date is missing")
	}
	for _, id := range append([]string{o.MessageID, o.InReplyTo}, o.References...) {
		if strings.ContainsAny(id, "<> \t\r\n") {
			return h, fmt.Errorf("build message: %q is not a message ID (write it without <> and spaces)", id)
		}
	}
	if o.MessageID == "" {
		return h, errors.New("build message: the message ID is missing")
	}
	// go-message writes fields in the reverse order of setting: set last what should come first.
	if o.Auto {
		h.Set("X-Auto-Response-Suppress", "All")
		h.Set("Auto-Submitted", "auto-generated")
	}
	h.SetMsgIDList("References", o.References)
	if o.InReplyTo != "" {
		h.SetMsgIDList("In-Reply-To", []string{o.InReplyTo})
	}
	h.SetMessageID(o.MessageID)
	h.SetSubject(oneLine(o.Subject))
	h.SetAddressList("Cc", mailAddrs(o.Cc))
	h.SetAddressList("To", mailAddrs(o.To))
	h.SetAddressList("From", mailAddrs([]Address{o.From}))
	h.SetDate(o.Date)
	return h, nil
}

func mailAddrs(in []Address) []*mail.Address {
	out := make([]*mail.Address, 0, len(in))
	for _, a := range in {
		out = append(out, &mail.Address{Name: oneLine(a.Name), Address: strings.TrimSpace(a.Email)})
	}
	return out
}

// writeText writes text with LF line breaks; the quoted-printable writer turns them into CRLF.
func writeText(w io.WriteCloser, text string) error {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	if _, err := io.WriteString(w, text); err != nil {
		return fmt.Errorf("build message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("build message: %w", err)
	}
	return nil
}

func writeParts(w *gomessage.Writer, o Outgoing) error {
	var th gomessage.Header
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Transfer-Encoding", "quoted-printable")
	tw, err := w.CreatePart(th)
	if err != nil {
		return fmt.Errorf("build message: %w", err)
	}
	if err := writeText(tw, o.Text); err != nil {
		return err
	}
	for _, p := range o.Attachments {
		name := sanitizeName(p.Name, p.MediaType)
		media := p.MediaType
		if media == "" {
			media = sniff(p.Data, "")
		}
		var ah gomessage.Header
		ah.SetContentType(media, map[string]string{"name": name})
		disp := "attachment"
		if p.Inline {
			disp = "inline"
		}
		ah.SetContentDisposition(disp, map[string]string{"filename": name})
		if p.ContentID != "" {
			ah.Set("Content-Id", "<"+strings.Trim(p.ContentID, "<>")+">")
		}
		ah.Set("Content-Transfer-Encoding", "base64")
		aw, err := w.CreatePart(ah)
		if err != nil {
			return fmt.Errorf("build message: attachment %q: %w", name, err)
		}
		if _, err := aw.Write(p.Data); err != nil {
			return fmt.Errorf("build message: attachment %q: %w", name, err)
		}
		if err := aw.Close(); err != nil {
			return fmt.Errorf("build message: attachment %q: %w", name, err)
		}
	}
	return nil
}

// boundary is the MIME boundary for a message: derived from its ID, so Build is deterministic.
func boundary(messageID string) string {
	sum := sha256.Sum256([]byte("boundary\x00" + messageID))
	return "=_op_" + hex.EncodeToString(sum[:12])
}

var idEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewMessageID returns a message ID (without <>) for seed, such as an outbox record ID, at domain
// (a domain or an address, whose domain is taken). The same seed and domain give the same ID.
func NewMessageID(seed, domain string) string {
	if i := strings.LastIndex(domain, "@"); i >= 0 {
		domain = domain[i+1:]
	}
	domain = strings.ToLower(strings.Trim(strings.TrimSpace(domain), "<>[]."))
	if domain == "" || strings.ContainsAny(domain, " \t\r\n<>@\"()[],;:\\") {
		domain = "outpost.invalid"
	}
	sum := sha256.Sum256([]byte(seed + "\x00" + domain))
	return "op." + idEncoding.EncodeToString(sum[:15]) + "@" + domain
}
