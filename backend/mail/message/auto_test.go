package message

import "testing"

// mailWith is a plain mail from sender with extra header lines.
func mailWith(sender, extra string) []byte {
	return []byte("From: " + sender + "\r\nTo: support@outpost.example\r\nSubject: Printer\r\nMessage-ID: <x.1@example.com>\r\n" + extra + "\r\nThe printer is broken.\r\n")
}

func TestAutoRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		raw    []byte
		reason string
	}{
		{"a person", mailWith("Ana <ana@example.com>", ""), ""},
		{"auto-submitted no", mailWith("ana@example.com", "Auto-Submitted: no\r\n"), ""},
		{"auto-replied", mailWith("ana@example.com", "Auto-Submitted: auto-replied\r\n"), AutoSubmitted},
		{"auto-generated", mailWith("ana@example.com", "Auto-Submitted: Auto-Generated; owner-email=\"x@y\"\r\n"), AutoSubmitted},
		{"x-autoreply", mailWith("ana@example.com", "X-Autoreply: yes\r\n"), AutoSubmitted},
		{"x-autorespond", mailWith("ana@example.com", "X-Autorespond: vacation\r\n"), AutoSubmitted},
		{"suppress all", mailWith("ana@example.com", "X-Auto-Response-Suppress: DR, All\r\n"), AutoSubmitted},
		{"suppress receipts only", mailWith("ana@example.com", "X-Auto-Response-Suppress: RN, NRN\r\n"), ""},
		{"precedence bulk", mailWith("ana@example.com", "Precedence: Bulk\r\n"), AutoPrecedence},
		{"precedence junk", mailWith("ana@example.com", "Precedence: junk\r\n"), AutoPrecedence},
		{"precedence first-class", mailWith("ana@example.com", "Precedence: first-class\r\n"), ""},
		{"list-id", mailWith("ana@example.com", "List-Id: <it.lists.example.com>\r\n"), AutoList},
		{"list-unsubscribe", mailWith("ana@example.com", "List-Unsubscribe: <mailto:leave@example.com>\r\n"), AutoList},
		{"mailer-daemon", mailWith("MAILER-DAEMON@mx.example.com", ""), AutoDaemon},
		{"postmaster", mailWith("Postmaster <PostMaster@example.com>", ""), AutoDaemon},
		{"daemon-like name", mailWith("mailer-daemon-fan@example.com", ""), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(c.raw, 0)
			if err != nil {
				t.Fatal(err)
			}
			if m.Auto != c.reason || m.Bounce != nil {
				t.Errorf("auto %q bounce %+v, want %q and no bounce", m.Auto, m.Bounce, c.reason)
			}
		})
	}
}

func TestCorpusAuto(t *testing.T) {
	t.Parallel()
	cases := map[string]string{"out-of-office.eml": AutoSubmitted, "mailing-list.eml": AutoPrecedence, "gmail-reply.eml": "", "winmail.eml": ""}
	for file, want := range cases {
		if m := parseFile(t, file); m.Auto != want {
			t.Errorf("%s: auto %q, want %q", file, m.Auto, want)
		}
	}
}

func TestBounces(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file string
		want Bounce
	}{
		{"dsn-bounce.eml", Bounce{
			OriginalMessageID: "op-out-12.cafe@outpost.example", Recipient: "nobody@example.org", Action: "failed", Status: "5.1.1",
			Diagnostic: "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
		}},
		{"exchange-ndr.eml", Bounce{
			OriginalMessageID: "op-out-13.beef@outpost.example", Recipient: "old.user@corp.example", Action: "failed", Status: "5.1.10",
			Diagnostic: "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'",
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			m := parseFile(t, c.file)
			if m.Auto != AutoBounce || m.Bounce == nil {
				t.Fatalf("auto %q bounce %v, want a bounce", m.Auto, m.Bounce)
			}
			if *m.Bounce != c.want {
				t.Errorf("bounce\n %+v\nwant\n %+v", *m.Bounce, c.want)
			}
		})
	}
}

func TestBounceSubjectAloneIsNoBounce(t *testing.T) {
	t.Parallel()
	raw := []byte("From: ana@example.com\r\nSubject: Undeliverable: my parcel\r\n\r\nWhere is my parcel?\r\n")
	m, err := Parse(raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Auto != "" || m.Bounce != nil {
		t.Errorf("a person's mail with a bounce-like subject: auto %q bounce %+v", m.Auto, m.Bounce)
	}
}
