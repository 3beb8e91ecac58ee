package app

import (
	"strings"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/metrics"
	"outpost/backend/schedule"
	"outpost/backend/technician"
	"outpost/backend/ticket"
)

func TestReportServiceOverTheReplica(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	mk := func(title, cat string) ticket.Ticket {
		tk, err := a.Tickets.Create(ticket.NewTicket{Title: title, Category: cat, Impact: ticket.Medium, Urgency: ticket.Medium})
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	vpn := mk("VPN drops", "network")
	mk("Printer jam", "hardware")
	tom, err := a.Technicians.Create(technician.Profile{Name: "Tom", Hours: schedule.WeekdayHours("UTC", "09:00", "17:00")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Assign(vpn.ID, tom.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Tickets.Resolve(vpn.ID, "fixed", "fixed it"); err != nil {
		t.Fatal(err)
	}
	r, err := a.Reports.Reports(metrics.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// Both created in the last 28 days; the VPN ticket resolved by its first assignee, at first contact.
	if r.Volume.Created != 2 || r.Volume.Resolved != 1 || r.FCR.Part != 1 || r.FCR.Whole != 1 || r.Backlog.Open != 1 {
		t.Fatalf("reports = volume %d/%d, fcr %+v, open %d", r.Volume.Created, r.Volume.Resolved, r.FCR.Ratio, r.Backlog.Open)
	}
	if r.FCR.Definition == "" || !strings.Contains(r.SLA.Definition, "targets met / targets due") {
		t.Fatal("reports carry no definitions")
	}
	csv, err := a.Reports.CSV("volume-by-category", metrics.Filter{Category: "network"})
	if err != nil || csv != "category,created,resolved\nnetwork,1,1\n" {
		t.Fatalf("csv = %q, %v", csv, err)
	}
	tables, err := a.Reports.Tables(metrics.Filter{})
	if err != nil || len(tables) != len(metrics.TableNames()) {
		t.Fatalf("tables = %d, %v", len(tables), err)
	}
	for _, bad := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"backwards period", func() error {
			_, err := a.Reports.Reports(metrics.Filter{Period: metrics.Period{From: time.Now(), To: time.Now().Add(-time.Hour)}})
			return err
		}, "to"},
		{"unknown table", func() error { _, err := a.Reports.CSV("pie", metrics.Filter{}); return err }, "report"},
		{"bad week", func() error { _, err := a.Reports.WeeklySummary("last monday"); return err }, "weekStart"},
		{"bad granularity", func() error { _, err := a.Reports.Reports(metrics.Filter{Granularity: "hour"}); return err }, "granularity"},
	} {
		if fe, ok := field.As(bad.call()); !ok || fe.Field != bad.field {
			t.Errorf("%s: want a %s field error, got %v", bad.name, bad.field, bad.call())
		}
	}
	monday := time.Now().AddDate(0, 0, -((int(time.Now().UTC().Weekday()) + 6) % 7)).UTC().Format(time.DateOnly)
	w, err := a.Reports.WeeklySummary(monday)
	if err != nil || w.Reports.Volume.Created != 2 || len(w.Lines) < 5 {
		t.Fatalf("weekly = %+v, %v", w.Lines, err)
	}
}
