package message

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/jhillyerd/enmime"
)

// maxIDs bounds the message IDs kept from one In-Reply-To or References header.
const maxIDs = 100

// Parse reads one raw RFC 5322 message. A message larger than max bytes is refused with
// ErrTooLarge (max <= 0: no limit). Input that is not a mail message is refused with an error in
// human words; damage confined to parts (an unknown charset, broken base64) yields the rest of the
// message with a note in Problems.
func Parse(raw []byte, max int) (msg Message, err error) {
	if max > 0 && len(raw) > max {
		return Message{}, fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(raw), max)
	}
	head := headerBlock(raw)
	if err := checkHeader(head); err != nil {
		return Message{}, err
	}
	defer func() {
		if recover() != nil {
			msg, err = Message{}, errors.New("the message's structure is too damaged to read")
		}
	}()
	parser := enmime.NewParser(
		enmime.SkipMalformedParts(true),
		enmime.SetReadPartErrorPolicy(keepPartial),
		enmime.DisableTextConversion(true),
	)
	env, err := parser.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return Message{}, readError(err)
	}
	sum := sha256.Sum256(head)
	msg = Message{HeaderHash: hex.EncodeToString(sum[:]), Size: len(raw)}
	readHeaders(env, &msg)
	readBody(env, &msg)
	msg.Attachments = attachments(env)
	msg.Auto, msg.Bounce = autoReason(env, msg)
	msg.Problems = append(msg.Problems, problems(env.Root)...)
	return msg, nil
}

// readError says in words why enmime could not read a message at all. The header case, the one
// seen in practice, does not quote the input line.
func readError(err error) error {
	if strings.Contains(err.Error(), "malformed MIME header") {
		return errors.New("the message's header has a line that is neither a header field nor its continuation")
	}
	return fmt.Errorf("the message's MIME structure is damaged (%s)", humanDetail(err.Error()))
}

// keepPartial keeps what could be read of a part whose base64 is broken.
func keepPartial(_ *enmime.Part, err error) bool { return enmime.IsBase64CorruptInputError(err) }

// headerBlock is the raw header: the bytes up to the first empty line (all of raw when none).
func headerBlock(raw []byte) []byte {
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			break
		}
		line := raw[i : i+j]
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return raw[:i]
		}
		i += j + 1
	}
	return raw
}

var fieldLine = regexp.MustCompile(`^[!-9;-~]+[ \t]*:`)

// checkHeader refuses input that does not begin with a header field.
func checkHeader(head []byte) error {
	if len(bytes.TrimSpace(head)) == 0 {
		return errors.New("the message is empty or has no header")
	}
	first, _, _ := bytes.Cut(head, []byte("\n"))
	if !fieldLine.Match(first) {
		return errors.New(`the message does not begin with a header field (a line like "From: ...")`)
	}
	return nil
}

func readHeaders(env *enmime.Envelope, msg *Message) {
	h := env.Root.Header
	if ids := msgIDs(h.Get("Message-ID")); len(ids) > 0 {
		msg.MessageID = ids[0]
	}
	msg.InReplyTo = msgIDs(h.Get("In-Reply-To"))
	msg.References = msgIDs(strings.Join(h.Values("References"), " "))
	msg.Subject = oneLine(fixC1(env.GetHeader("Subject")))
	from := addresses(env, "From", msg)
	if len(from) > 0 {
		msg.From = from[0]
	}
	msg.ReplyTo = addresses(env, "Reply-To", msg)
	msg.To = addresses(env, "To", msg)
	msg.Cc = addresses(env, "Cc", msg)
	if d := h.Get("Date"); d != "" {
		t, err := mail.ParseDate(strings.TrimSpace(d))
		if err != nil {
			msg.Problems = append(msg.Problems, fmt.Sprintf("the Date header %q is not a date the mail standard knows", oneLine(d)))
		} else {
			msg.Date = t
		}
	}
}

var (
	bracketedID = regexp.MustCompile(`<([^<>\s]+)>`)
	emailLike   = regexp.MustCompile(`[^\s<>,;:"()\[\]]+@[^\s<>,;:"()\[\]]+`)
)

// msgIDs returns the message IDs of a header value, without <>. IDs written without brackets
// (some old clients do) are taken when they contain an @.
func msgIDs(v string) []string {
	var ids []string
	for _, m := range bracketedID.FindAllStringSubmatch(v, maxIDs) {
		ids = append(ids, m[1])
	}
	if len(ids) == 0 {
		ids = emailLike.FindAllString(v, maxIDs)
	}
	return ids
}

// addresses reads an address header; one that cannot be parsed yields the addresses found in
// it and a note.
func addresses(env *enmime.Envelope, key string, msg *Message) []Address {
	raw := env.Root.Header.Get(key)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	list, err := env.AddressList(key)
	if err != nil && !errors.Is(err, mail.ErrHeaderNotPresent) {
		msg.Problems = append(msg.Problems, fmt.Sprintf("the %s header is malformed; only its addresses were kept", key))
		var out []Address
		for _, e := range emailLike.FindAllString(raw, -1) {
			out = append(out, Address{Email: strings.ToLower(e)})
		}
		return out
	}
	out := make([]Address, 0, len(list))
	for _, a := range list {
		out = append(out, Address{Name: oneLine(fixC1(a.Name)), Email: strings.ToLower(strings.TrimSpace(a.Address))})
	}
	return out
}

// oneLine trims s and turns folded or embedded line breaks and tabs into single spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// readBody sets Text, Quoted and HTML: text/plain is preferred; an HTML-only mail gets its text
// from the sanitised HTML, so links the policy dropped are not offered in the text either.
func readBody(env *enmime.Envelope, msg *Message) {
	text := fixC1(env.Text)
	if env.HTML != "" {
		msg.HTML = sanitizeHTML(fixC1(env.HTML))
	}
	if strings.TrimSpace(text) == "" && msg.HTML != "" {
		text = htmlToText(msg.HTML)
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	msg.Text, msg.Quoted = splitQuoted(text)
}
