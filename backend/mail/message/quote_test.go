package message

import "testing"

func TestSplitQuoted(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in, text, quoted string
	}{
		{"nothing to cut", "Hello,\nthe printer.\n", "Hello,\nthe printer.", ""},
		{"gmail", "Fixed, thanks.\n\nOn Mon, Mar 9, 2026 at 10:00 AM Support <s@x.example> wrote:\n> Try again.\n", "Fixed, thanks.", "On Mon, Mar 9, 2026 at 10:00 AM Support <s@x.example> wrote:\n> Try again."},
		{"gmail wrapped", "Fixed.\n\nOn Mon, Mar 9, 2026 at 10:00 AM Support Team <support@x.example>\nwrote:\n\n> Try again.\n", "Fixed.", "On Mon, Mar 9, 2026 at 10:00 AM Support Team <support@x.example>\nwrote:\n\n> Try again."},
		{"german", "Danke!\n\nAm 09.03.2026 um 10:00 schrieb Support <s@x.example>:\n> Bitte neu starten.\n", "Danke!", "Am 09.03.2026 um 10:00 schrieb Support <s@x.example>:\n> Bitte neu starten."},
		{"french", "Merci.\n\nLe lun. 9 mars 2026 à 10:00, Support <s@x.example> a écrit :\n> Redémarrez.\n", "Merci.", "Le lun. 9 mars 2026 à 10:00, Support <s@x.example> a écrit :\n> Redémarrez."},
		{"original message", "Yes.\n\n-----Original Message-----\nFrom: Support\nplease confirm\n", "Yes.", "-----Original Message-----\nFrom: Support\nplease confirm"},
		{"outlook block", "Done.\n\nFrom: Support <s@x.example>\nSent: Monday, March 9, 2026 10:00\nTo: Ana\nSubject: x\n\nold text\n", "Done.", "From: Support <s@x.example>\nSent: Monday, March 9, 2026 10:00\nTo: Ana\nSubject: x\n\nold text"},
		{"outlook german", "Erledigt.\n\nVon: Support <s@x.example>\nGesendet: Montag, 9. März 2026 10:00\nAn: Ana\n\nalt\n", "Erledigt.", "Von: Support <s@x.example>\nGesendet: Montag, 9. März 2026 10:00\nAn: Ana\n\nalt"},
		{"trailing quote", "Works now.\n\n> did you restart?\n>\n> Support\n", "Works now.", "> did you restart?\n>\n> Support"},
		{"signature", "See you.\n-- \nAna Ruiz\nIT\n", "See you.", "-- \nAna Ruiz\nIT"},
		{"interleaved quote kept", "> is it the printer?\nyes, the one upstairs\n> since when?\nsince Monday\n", "> is it the printer?\nyes, the one upstairs\n> since when?\nsince Monday", ""},
		{"wrote without quote kept", "On Monday the tech wrote:\nthe fix is ready, see below.\nIt works.\n", "On Monday the tech wrote:\nthe fix is ready, see below.\nIt works.", ""},
		{"from line in prose kept", "From: the second floor\nThe printer is broken.\n", "From: the second floor\nThe printer is broken.", ""},
		{"double dash is no signature", "Step 1\n--\nStep 2\n", "Step 1\n--\nStep 2", ""},
		{"all quoted kept", "> only a quote\n> nothing new\n", "> only a quote\n> nothing new", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			text, quoted := splitQuoted(c.in)
			if text != c.text || quoted != c.quoted {
				t.Errorf("splitQuoted(%q)\n text   %q\n quoted %q\nwant\n text   %q\n quoted %q", c.in, text, quoted, c.text, c.quoted)
			}
		})
	}
}
