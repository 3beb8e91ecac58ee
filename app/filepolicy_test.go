package app

import (
	"bytes"
	"image/jpeg"
	"io"
	"os"
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

// With the team's setting on, a photo added keeps its picture but not the place it was taken;
// with it off (the default) the file is stored exactly as it came.
func TestPhotosLoseTheirLocationWhenTheTeamAsks(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	jpg, err := os.ReadFile("../backend/photo/testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	latitude := []byte{0, 0, 0, 52, 0, 0, 0, 1, 0, 0, 0, 31, 0, 0, 0, 1} // 52/1 31/1, the rationals in the file
	tk, err := a.Tickets.Create(ticket.NewTicket{Title: "Rack B3 cabling"})
	if err != nil {
		t.Fatal(err)
	}
	stored := func(name string) []byte {
		at, err := a.Attach("ticket", tk.ID, name, bytes.NewReader(jpg))
		if err != nil {
			t.Fatal(err)
		}
		f, err := a.OpenBlob(at.Hash)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		return b
	}
	if got := stored("rack.jpg"); !bytes.Equal(got, jpg) {
		t.Fatal("with the setting off the photo was changed")
	}
	if _, err := a.Attachments.SaveSettings(filepolicy.Settings{MaxFileMB: 200, EagerMB: 25, QuotaMB: 10240, StripLocation: true}); err != nil {
		t.Fatal(err)
	}
	got := stored("rack-again.jpg")
	if bytes.Contains(got, latitude) || !bytes.Contains(jpg, latitude) {
		t.Fatal("with the setting on the latitude is still in the stored photo")
	}
	if _, err := jpeg.Decode(bytes.NewReader(got)); err != nil {
		t.Fatalf("the stored photo is not a JPEG: %v", err)
	}
	if list, _ := a.Attachments.List("ticket", tk.ID); len(list) != 2 || list[1].Type != "image/jpeg" {
		t.Fatalf("attachments: %+v", list)
	}
}
