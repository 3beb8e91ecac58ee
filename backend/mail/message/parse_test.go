package message

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCharsetsAreDecoded(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, subject, from, text string
	}{
		{"plain-utf8.eml", "Drucker im 2. Stock druckt nur leere Seiten", "Jana Nováková", "viele Grüße"},
		{"latin1-qp.eml", "VPN-Verbindung: Grüße und Abbrüche", "Jürgen Weiß", "Grüße aus Köln"},
		{"cp1252.eml", "“Invoices” share won’t open", "Mark O'Neill", "won’t open – we were charged €49"},
		{"latin1-mislabelled.eml", "“Invoices” again – €49", "Paul “PJ” Jones", "won’t open – we were charged €49"},
		{"shift-jis.eml", "プリンターが動きません", "山田太郎", "三階のプリンターが今朝から動きません。"},
		{"base64-body.eml", "Disk space on fileserver", "Ops Robot", "volume D: is 97% full"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m := parseFile(t, c.file)
			if m.Subject != c.subject {
				t.Errorf("subject %q, want %q", m.Subject, c.subject)
			}
			if m.From.Name != c.from {
				t.Errorf("from name %q, want %q", m.From.Name, c.from)
			}
			if !strings.Contains(m.Text, c.text) {
				t.Errorf("text %q does not contain %q", m.Text, c.text)
			}
			if len(m.Problems) > 0 {
				t.Errorf("problems in a clean mail: %v", m.Problems)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	t.Parallel()
	m := parseFile(t, "outlook-reply.eml")
	if m.MessageID != "DB9PR01MB1234ABCD@DB9PR01MB1234.eurprd01.prod.outlook.com" {
		t.Errorf("message ID %q", m.MessageID)
	}
	if !slices.Equal(m.InReplyTo, []string{"op-out-1.a1b2c3@outpost.example"}) {
		t.Errorf("in-reply-to %q", m.InReplyTo)
	}
	if !slices.Equal(m.References, []string{"op-out-0.aaaa@outpost.example", "op-out-1.a1b2c3@outpost.example"}) {
		t.Errorf("references %q", m.References)
	}
	if m.From != (Address{Name: "Grant, Helen", Email: "helen.grant@corp.example"}) {
		t.Errorf("from %+v: the address must be lower-cased, the name kept", m.From)
	}
	if m.Date.IsZero() || m.Date.Unix() != 1773057660 {
		t.Errorf("date %v", m.Date)
	}
	alt := parseFile(t, "alternative.eml")
	if len(alt.Cc) != 1 || alt.Cc[0].Email != "lead@example.com" {
		t.Errorf("cc %+v", alt.Cc)
	}
}

func TestAlternativePrefersPlainText(t *testing.T) {
	t.Parallel()
	m := parseFile(t, "alternative.eml")
	if m.Text != "Hello,\n\nour intern starts on Monday and needs a laptop with the standard image.\n\nLena" {
		t.Errorf("text %q", m.Text)
	}
	if !strings.Contains(m.HTML, "<b>Monday</b>") {
		t.Errorf("html %q", m.HTML)
	}
}

func TestHTMLOnlyBecomesText(t *testing.T) {
	t.Parallel()
	m := parseFile(t, "html-only.eml")
	for _, want := range []string{"rejects all cards", "badge wiki", "https://wiki.example.org/badges", "since 07:30"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text %q lacks %q", m.Text, want)
		}
	}
	if strings.Contains(m.Text, "<") || strings.Contains(m.Text, "color:red") {
		t.Errorf("text carries markup or style: %q", m.Text)
	}
}

func TestHostileHTMLIsSanitised(t *testing.T) {
	t.Parallel()
	m := parseFile(t, "html-hostile.eml")
	lower := strings.ToLower(m.HTML)
	for _, bad := range []string{"<script", "alert(", "onerror", "onload", "javascript:", "<iframe", "<object", "<style", "style=", "<form", "<input", "<svg", "url(", "evil.example/pixel", "evil.example/frame"} {
		if strings.Contains(lower, bad) {
			t.Errorf("sanitised HTML contains %q:\n%s", bad, m.HTML)
		}
	}
	for _, good := range []string{`src="cid:logo123@evil.example"`, `href="https://example.com/ok"`, "Please see the invoice."} {
		if !strings.Contains(m.HTML, good) {
			t.Errorf("sanitised HTML lost %q:\n%s", good, m.HTML)
		}
	}
	if strings.Contains(m.Text, "javascript") {
		t.Errorf("text offers the javascript: link: %q", m.Text)
	}
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	type want struct {
		name, media, cid string
		inline           bool
		size             int
	}
	cases := []struct {
		file string
		want []want
	}{
		{"mixed-attachments.eml", []want{
			{"quote.pdf", "application/pdf", "", false, 142}, // ../../etc/ stripped, octet-stream header corrected by the bytes
			{"sync.log", "text/x-log", "", false, 94},        // text bytes, a text type declared: kept
			{"attachment.txt", "text/plain", "", false, 47},  // declared application/pdf, bytes are text
		}},
		{"related-inline.eml", []want{{"image001.png", "image/png", "shot1@example.com", true, 69}}},
		{"winmail.eml", []want{{"winmail.dat", "application/ms-tnef", "", false, 40}}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m := parseFile(t, c.file)
			if len(m.Attachments) != len(c.want) {
				t.Fatalf("%d attachments, want %d: %+v", len(m.Attachments), len(c.want), m.Attachments)
			}
			for i, w := range c.want {
				p := m.Attachments[i]
				got := want{p.Name, p.MediaType, p.ContentID, p.Inline, len(p.Data)}
				if got != w {
					t.Errorf("attachment %d: %+v, want %+v", i, got, w)
				}
			}
		})
	}
}

func TestSanitizeName(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"report.pdf":                      "report.pdf",
		"../../etc/passwd":                "passwd",
		`C:\Users\x\Desktop\a b.txt`:      "a b.txt",
		"bad\x00\x01name\u202e.exe":       "badname.exe",
		"what?.txt":                       "what_.txt",
		"  ..  ":                          "attachment.bin",
		"":                                "attachment.bin",
		"dir/":                            "attachment.bin",
		strings.Repeat("é", 150) + ".pdf": strings.Repeat("é", 98) + ".pdf",
	}
	for in, want := range cases {
		if got := sanitizeName(in, "application/octet-stream"); got != want {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := sanitizeName("", "image/png"); got != "attachment.png" {
		t.Errorf("unnamed png: %q", got)
	}
}

func TestRepliesAreCut(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file, text, quotedStart string
	}{
		{"outlook-reply.eml", "It works again after your restart, thank you!\n\nHelen Grant\nFacilities | Corp Example", "________________________________\nFrom: Outpost Support"},
		{"gmail-reply.eml", "Still expired, I tried twice.\n\nSam", "-- \nSam Lee | sent from my phone\n\nOn Tue, Mar 10, 2026"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m := parseFile(t, c.file)
			if m.Text != c.text {
				t.Errorf("text %q, want %q", m.Text, c.text)
			}
			if !strings.HasPrefix(m.Quoted, c.quotedStart) {
				t.Errorf("quoted %q, want it to start %q", m.Quoted, c.quotedStart)
			}
		})
	}
}

func TestMissingMessageIDHasAStableHeaderHash(t *testing.T) {
	t.Parallel()
	a, b := parseFile(t, "no-message-id-a.eml"), parseFile(t, "no-message-id-b.eml")
	if a.MessageID != "" || b.MessageID != "" {
		t.Fatalf("message IDs %q %q, want none", a.MessageID, b.MessageID)
	}
	if len(a.HeaderHash) != 64 || a.HeaderHash == b.HeaderHash {
		t.Errorf("header hashes %q and %q: want two different SHA-256 hex strings", a.HeaderHash, b.HeaderHash)
	}
	if again := parseFile(t, "no-message-id-a.eml"); again.HeaderHash != a.HeaderHash {
		t.Errorf("header hash changed between two parses")
	}
	raw, _ := os.ReadFile(filepath.Join("testdata", "no-message-id-a.eml"))
	body := strings.Replace(string(raw), "Scanned document", "Another body", 1)
	other, err := Parse([]byte(body), 0)
	if err != nil || other.HeaderHash != a.HeaderHash {
		t.Errorf("a different body changed the header hash (%v)", err)
	}
}

func TestDamagedPartsAreNotedAndTheRestKept(t *testing.T) {
	t.Parallel()
	m := parseFile(t, "damaged.eml")
	if m.Text != "The report is attached, but my mail program is old." {
		t.Errorf("text %q", m.Text)
	}
	joined := strings.Join(m.Problems, "\n")
	for _, want := range []string{"x-no-such-charset-42", `base64 content of the attachment "report.pdf" is damaged`, "Date header"} {
		if !strings.Contains(joined, want) {
			t.Errorf("problems lack %q:\n%s", want, joined)
		}
	}
	if len(m.Attachments) != 2 || m.Attachments[1].Name != "notes.txt" || string(m.Attachments[1].Data) != "These notes survived." {
		t.Errorf("attachments %+v", m.Attachments)
	}
	if !m.Date.IsZero() {
		t.Errorf("an unparsable date gave %v", m.Date)
	}
}

func TestTooLarge(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "oversized.eml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(raw, 4096); !errors.Is(err, ErrTooLarge) {
		t.Errorf("4701 bytes against a 4096 limit: %v, want ErrTooLarge", err)
	}
	if m, err := Parse(raw, len(raw)); err != nil || m.Size != len(raw) {
		t.Errorf("at exactly the limit: %v, size %d", err, m.Size)
	}
	if _, err := Parse(raw, 0); err != nil {
		t.Errorf("no limit: %v", err)
	}
}

func TestNotAMessage(t *testing.T) {
	t.Parallel()
	for name, raw := range map[string]string{
		"empty":     "",
		"blank":     "\r\n\r\n",
		"binary":    "\x89PNG\r\n\x1a\n\x00\x00",
		"prose":     "hello, this is not a mail\nat all\n",
		"body only": "\nonly a body",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(raw), 0)
			if err == nil {
				t.Fatal("accepted")
			}
			if !humanError(err.Error()) {
				t.Errorf("error is not in human words: %q", err)
			}
		})
	}
}

// humanError reports whether s reads as a sentence: lower-case start, valid UTF-8, no Go
// formatting or runtime debris.
func humanError(s string) bool {
	if s == "" || !utf8.ValidString(s) || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, bad := range []string{"%!", "runtime error", "goroutine", "panic", "\x00", "Failed to"} {
		if strings.Contains(s, bad) {
			return false
		}
	}
	return true
}

func TestFromAny(t *testing.T) {
	t.Parallel()
	m := Message{From: Address{Email: "support@outpost.example"}}
	if !m.FromAny([]string{"help@outpost.example", " Support@Outpost.Example "}) {
		t.Error("our own address in another case was not recognised")
	}
	if m.FromAny([]string{"help@outpost.example"}) || (Message{}).FromAny([]string{""}) {
		t.Error("a foreign or empty sender was taken for ours")
	}
}
