package app

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"outpost/app/apptest"
	"outpost/backend/core/field"
	"outpost/backend/filepolicy"
	"outpost/backend/ticket"
)

// The team's attachment settings travel to a teammate and apply there: the per-file limit
// refuses an upload over it, the eager size 0 leaves a file on its peer until it is opened,
// and the usage names the team's quota.
func TestAttachmentSettingsApplyOnEveryDevice(t *testing.T) {
	lead := openSyncApp(t, t.TempDir(), "lead-laptop")
	tech := openSyncApp(t, t.TempDir(), "field-laptop")
	if _, err := lead.Team.Create("Helpdesk"); err != nil {
		t.Fatal(err)
	}
	want := filepolicy.Settings{MaxFileMB: 1, EagerMB: 0, QuotaMB: 300}
	if _, err := lead.Attachments.SaveSettings(want); err != nil {
		t.Fatal(err)
	}
	tk, err := lead.Tickets.Create(ticket.NewTicket{Title: "Label printer shows E42"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lead.Attach("ticket", tk.ID, "dump.bin", bytes.NewReader(make([]byte, 1<<20+1))); !isFieldError(err, "file") {
		t.Fatalf("a file over the team's 1 MB limit: %v", err)
	}
	if _, err := lead.Attach("ticket", tk.ID, "e42.png", bytes.NewReader(apptest.Screenshot())); err != nil {
		t.Fatal(err)
	}
	code, _ := lead.Team.Invite()
	if _, err := tech.Team.Join(code); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 30*time.Second, func() bool { got, err := tech.Attachments.Settings(); return err == nil && got == want })
	apptest.Eventually(t, 30*time.Second, func() bool {
		list, err := tech.Attachments.List("ticket", tk.ID)
		return err == nil && len(list) == 1
	})
	time.Sleep(1500 * time.Millisecond) // several of the transfer's searches
	if list, _ := tech.Attachments.List("ticket", tk.ID); list[0].Here {
		t.Fatal("with an eager size of 0 the file was fetched before anyone opened it")
	}
	if _, err := tech.Attachments.Fetch("ticket", tk.ID); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 30*time.Second, func() bool {
		list, err := tech.Attachments.List("ticket", tk.ID)
		return err == nil && len(list) == 1 && list[0].Here
	})
	if _, err := tech.Attach("ticket", tk.ID, "dump.bin", bytes.NewReader(make([]byte, 1<<20+1))); !isFieldError(err, "file") {
		t.Fatalf("the teammate took a file over the team's limit: %v", err)
	}
	u, err := tech.Attachments.Usage()
	if err != nil || u.Quota != 300<<20 || u.MaxFile != 1<<20 || u.Over || u.Warning != "" {
		t.Fatalf("usage = %+v, %v", u, err)
	}
}

func isFieldError(err error, name string) bool {
	fe, ok := field.As(err)
	return ok && fe.Field == name
}

func TestQuotaWarning(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		used, quota int64
		want        string
	}{
		{"well under", 1 << 30, 10 << 30, ""},
		{"near", 9500 << 20, 10 << 30, "of the 10.0 GB"},
		{"over", 11 << 30, 10 << 30, "more than the 10.0 GB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := quotaWarning(c.used, c.quota)
			if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
				t.Fatalf("quotaWarning(%d, %d) = %q, want one with %q", c.used, c.quota, got, c.want)
			}
		})
	}
}
