package app

import (
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"outpost/app/apptest"
	"outpost/backend/demo"
	"outpost/backend/queue"
)

func TestLoadDemoMakesADeviceWithoutAPersonTheLead(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	st, err := a.Data.DemoStatus()
	if err != nil || !st.Allowed || !strings.Contains(st.Coaching, "become the demo team's lead") {
		t.Fatalf("DemoStatus = %+v, %v", st, err)
	}
	stats, err := a.Data.LoadDemo(demo.Config{Tickets: 80, Technicians: 4, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	lead := stats.Technicians[len(stats.Technicians)-1]
	me, _, err := a.people.Current()
	if err != nil || me.Name != lead || !me.Role.CanCoach() || me.TechnicianID == "" {
		t.Fatalf("this device's person is %+v (%v), want the demo lead %q linked to its profile", me, err, lead)
	}
	if !stats.CoachingReadable || stats.CoachingLead != lead {
		t.Fatalf("coaching by %q, readable %v", stats.CoachingLead, stats.CoachingReadable)
	}
	subs, err := a.Coaching.Subjects()
	if err != nil || len(subs) != 2 {
		t.Fatalf("coaching subjects %+v, %v: want two technicians with notes this device can open", subs, err)
	}
	v, err := a.Coaching.Notes(subs[0].TechnicianID)
	if err != nil || len(v.Notes) == 0 || !v.Notes[0].Mine {
		t.Fatalf("notes %+v, %v", v.Notes, err)
	}
	apptest.Eventually(t, 5*time.Second, func() bool { return a.queue.Len() == 80 })
	st, err = a.Data.DemoStatus()
	if err != nil || st.Allowed || !strings.Contains(st.Reason, "already holds 80 tickets") {
		t.Fatalf("DemoStatus after loading = %+v, %v", st, err)
	}
}

func TestExportTicketsFile(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	if _, err := a.Data.LoadDemo(demo.Config{Tickets: 30, Technicians: 3, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	apptest.Eventually(t, 5*time.Second, func() bool { return a.queue.Len() == 30 })
	if _, err := a.Data.ExportTicketsFile(queue.Filter{IncludeClosed: true}); !errors.Is(err, ErrWindowOnly) {
		t.Fatalf("ExportTicketsFile without a window = %v, want ErrWindowOnly", err)
	}
	for _, tc := range []struct {
		name, path string
	}{
		{"no such folder", filepath.Join(t.TempDir(), "missing", "tickets.csv")},
		{"inside the data directory", filepath.Join(a.cfg.DataDir, "serve-token")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a.SetFilePicker(chooses(tc.path))
			if _, err := a.Data.ExportTicketsFile(queue.Filter{IncludeClosed: true}); !apptest.IsField(err, "path") {
				t.Fatalf("ExportTicketsFile to %q = %v, want a path error", tc.path, err)
			}
		})
	}
	path := filepath.Join(t.TempDir(), "tickets.csv")
	a.SetFilePicker(chooses(path))
	res, err := a.Data.ExportTicketsFile(queue.Filter{IncludeClosed: true})
	if err != nil || res.Tickets != 30 || res.Path != path {
		t.Fatalf("ExportTicketsFile = %+v, %v", res, err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != 31 {
		t.Fatalf("%d rows written, %v", len(rows), err)
	}
}
