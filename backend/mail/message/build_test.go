package message

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
)

func reply() Outgoing {
	return Outgoing{
		From:       Address{Name: "Outpost Support – Köln", Email: "support@outpost.example"},
		To:         []Address{{Name: "Jürgen Weiß", Email: "j.weiss@example.de"}},
		Cc:         []Address{{Name: "山田太郎", Email: "yamada@example.co.jp"}},
		Subject:    "[OP-1234] Grüße: Drucker repariert – 5 € Toner",
		Text:       "Hallo Jürgen,\n\nder Drucker läuft wieder. A line that is long enough to need a soft line break in quoted-printable encoding, surely.\n\n-- \nOutpost\n",
		MessageID:  NewMessageID("outbox-17", "outpost.example"),
		InReplyTo:  "20260303101500.4711@mx.example.de",
		References: []string{"op-out-0.aaaa@outpost.example", "20260303101500.4711@mx.example.de"},
		Date:       time.Date(2026, 3, 3, 11, 0, 0, 0, time.UTC),
	}
}

func TestBuildRoundTrip(t *testing.T) {
	t.Parallel()
	for _, auto := range []bool{false, true} {
		o := reply()
		o.Auto = auto
		raw, err := Build(o)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Parse(raw, 0)
		if err != nil {
			t.Fatalf("parse what Build wrote: %v\n%s", err, raw)
		}
		if m.Subject != o.Subject {
			t.Errorf("subject %q, want %q", m.Subject, o.Subject)
		}
		if m.From != o.From || !slices.Equal(m.To, o.To) || !slices.Equal(m.Cc, o.Cc) {
			t.Errorf("addresses %+v %+v %+v", m.From, m.To, m.Cc)
		}
		if m.Text+"\n\n"+m.Quoted+"\n" != o.Text || m.Quoted != "-- \nOutpost" {
			t.Errorf("text %q + quoted %q, want %q", m.Text, m.Quoted, o.Text)
		}
		if m.MessageID != o.MessageID || !slices.Equal(m.InReplyTo, []string{o.InReplyTo}) || !slices.Equal(m.References, o.References) {
			t.Errorf("ids %q %q %q", m.MessageID, m.InReplyTo, m.References)
		}
		if !m.Date.Equal(o.Date) {
			t.Errorf("date %v", m.Date)
		}
		wantAuto := ""
		if auto {
			wantAuto = AutoSubmitted
		}
		if m.Auto != wantAuto {
			t.Errorf("auto %v: parsed as %q", auto, m.Auto)
		}
		if auto != bytes.Contains(raw, []byte("\r\nAuto-Submitted: auto-generated\r\n")) || auto != bytes.Contains(raw, []byte("\r\nX-Auto-Response-Suppress: All\r\n")) {
			t.Errorf("auto %v: headers\n%s", auto, raw)
		}
	}
}

func TestBuildWritesEncodedCRLFMail(t *testing.T) {
	t.Parallel()
	raw, err := Build(reply())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) || bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\r")) {
		t.Errorf("bare LF or CR in:\n%q", raw)
	}
	for _, b := range raw {
		if b >= 0x80 {
			t.Fatalf("8-bit byte %#x: headers must be RFC 2047 encoded, the body quoted-printable", b)
		}
	}
	for _, want := range []string{"Content-Transfer-Encoding: quoted-printable", "charset=utf-8", "Subject: =?utf-8?", "Mime-Version: 1.0", "Message-Id: <op."} {
		if !bytes.Contains(raw, []byte(want)) {
			t.Errorf("missing %q in:\n%s", want, raw)
		}
	}
	for _, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line of %d bytes", len(line))
		}
	}
	again, _ := Build(reply())
	if !bytes.Equal(raw, again) {
		t.Error("the same Outgoing built twice gave different bytes")
	}
}

func TestBuildAttachments(t *testing.T) {
	t.Parallel()
	o := reply()
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	o.Attachments = []Part{
		{Name: "Bericht März.pdf", MediaType: "application/pdf", Data: pdf},
		{Name: "logo.png", MediaType: "image/png", ContentID: "logo@outpost.example", Inline: true, Data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")},
	}
	raw, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Text, "Hallo Jürgen,") || len(m.Attachments) != 2 {
		t.Fatalf("text %q, attachments %+v", m.Text, m.Attachments)
	}
	a, b := m.Attachments[0], m.Attachments[1]
	if a.Name != "Bericht März.pdf" || a.MediaType != "application/pdf" || !bytes.Equal(a.Data, pdf) || a.Inline {
		t.Errorf("pdf came back as %+v", a)
	}
	if b.Name != "logo.png" || !b.Inline || b.ContentID != "logo@outpost.example" || b.MediaType != "image/png" {
		t.Errorf("inline image came back as %+v", b)
	}
	again, _ := Build(o)
	if !bytes.Equal(raw, again) {
		t.Error("a multipart Outgoing built twice gave different bytes")
	}
}

func TestBuildRefuses(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*Outgoing){
		"no sender":          func(o *Outgoing) { o.From.Email = "" },
		"no recipient":       func(o *Outgoing) { o.To = nil },
		"no date":            func(o *Outgoing) { o.Date = time.Time{} },
		"no message ID":      func(o *Outgoing) { o.MessageID = "" },
		"bracketed ID":       func(o *Outgoing) { o.MessageID = "<a@b>" },
		"header injection":   func(o *Outgoing) { o.InReplyTo = "a@b>\r\nBcc: x@evil.example" },
		"reference w/ space": func(o *Outgoing) { o.References = []string{"a@b c@d"} },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			o := reply()
			change(&o)
			if _, err := Build(o); err == nil || !humanError(err.Error()) {
				t.Errorf("Build: %v, want a refusal in words", err)
			}
		})
	}
}

func TestBuildEncodesNewlinesInNamesAndSubject(t *testing.T) {
	t.Parallel()
	o := reply()
	o.Subject = "Printer\r\nBcc: x@evil.example"
	o.To[0].Name = "Ana\r\nBcc: y@evil.example"
	raw, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("\nBcc:")) {
		t.Errorf("a header was injected:\n%s", raw)
	}
}

func TestNewMessageID(t *testing.T) {
	t.Parallel()
	a := NewMessageID("outbox-17", "outpost.example")
	if a != NewMessageID("outbox-17", "Support@Outpost.Example") {
		t.Error("the same seed and domain (given as an address) gave another ID")
	}
	if a == NewMessageID("outbox-18", "outpost.example") || a == NewMessageID("outbox-17", "other.example") {
		t.Error("another seed or domain gave the same ID")
	}
	if !strings.HasSuffix(a, "@outpost.example") || strings.ContainsAny(a, "<> ") || len(a) < 20 {
		t.Errorf("ID %q", a)
	}
	if got := NewMessageID("x", ""); !strings.HasSuffix(got, "@outpost.invalid") {
		t.Errorf("no domain: %q", got)
	}
}
