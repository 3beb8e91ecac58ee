// Package message parses the mail that reaches the team mailbox and builds the mail Outpost sends:
// addresses, threading headers, the new part of a reply, sanitised HTML, attachments, automatic-reply
// and bounce detection, and the RFC 5322 bytes of an outgoing message. It does no network and no storage.
//
// Parsing uses github.com/jhillyerd/enmime rather than github.com/emersion/go-message. Tried on the
// corpus in testdata, enmime kept the rest of a message whose text part names an unknown charset and
// whose PDF part has broken base64 (go-message stopped that part at the first bad byte and left the
// charset to the caller), it decodes RFC 2047 words in any charset golang.org/x/text knows (Shift_JIS,
// Windows-1252), it turns an HTML-only mail into text, it collects each part's damage as a list of
// warnings we can hand on as Problems, and it splits a multipart/report for us (enmime/dsn).
// Building uses go-message: its writer streams a message with quoted-printable text, RFC 2047 encoded
// names and subject, and CRLF line endings, and lets us pick the MIME boundary so the same Outgoing
// always renders to the same bytes.
package message
