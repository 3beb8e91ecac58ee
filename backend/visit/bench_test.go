package visit

import (
	"context"
	"fmt"
	"testing"
	"time"

	"outpost/backend/schedule"
	"outpost/backend/technician"
)

const benchVisits = 2000

// BenchmarkWeek2000 builds the team week over 2,000 visits of 20 technicians (a year of a busy field team).
func BenchmarkWeek2000(b *testing.B) {
	f := setupB(b)
	ctx := context.Background()
	var techs []technician.Technician
	for i := range 20 {
		t, err := f.techs.Create(ctx, "lead", technician.Profile{Name: fmt.Sprintf("Tech %02d", i), OnSite: true,
			Hours: schedule.WeekdayHours("Europe/Berlin", "08:00", "17:00")})
		if err != nil {
			b.Fatal(err)
		}
		techs = append(techs, t)
	}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for i := range benchVisits {
		d := start.AddDate(0, 0, i/20*365/(benchVisits/20))
		at := d.Add(time.Duration(8+i%8) * time.Hour)
		_, err := f.visits.Create(ctx, "lead", NewVisit{TicketID: f.tk.ID, Technician: techs[i%20].ID,
			Start: at.Format(time.RFC3339), End: at.Add(time.Hour).Format(time.RFC3339), Checklist: []string{"a", "b"}})
		if err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if _, err := f.visits.Week("2026-06-01"); err != nil {
			b.Fatal(err)
		}
	}
}
