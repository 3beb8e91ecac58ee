package visit

import (
	"context"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"
)

func TestICSParsesBackWithZones(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	winter := f.create(t, "2026-11-24T09:00", "2026-11-24T11:00", "Replace switch")
	summer := f.create(t, "2026-07-07T14:00", "2026-07-07T15:30")
	if _, err := f.visits.CheckItem(ctx, "ana", winter.ID, winter.Checklist[0].ID, true); err != nil {
		t.Fatal(err)
	}
	cancel := StatusCancelled
	if _, err := f.visits.Update(ctx, "lead", summer.ID, Patch{Status: &cancel}); err != nil {
		t.Fatal(err)
	}
	text, err := f.visits.ICS(f.ana.ID)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(text))
	if err != nil {
		t.Fatalf("parse own output: %v\n%s", err, text)
	}
	events := map[string]*ics.VEvent{}
	for _, e := range cal.Events() {
		events[e.Id()] = e
	}
	tests := []struct {
		name      string
		v         Visit
		wantStart string // UTC
		wantEnd   string
		localDT   string // as written, in Berlin time
		status    string
	}{
		{"winter, UTC+1", winter, "2026-11-24T08:00:00Z", "2026-11-24T10:00:00Z", "20261124T090000", "CONFIRMED"},
		{"summer, UTC+2", summer, "2026-07-07T12:00:00Z", "2026-07-07T13:30:00Z", "20260707T140000", "CANCELLED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := events[tt.v.ID+"@outpost"]
			if e == nil {
				t.Fatalf("no event with UID %s@outpost", tt.v.ID)
			}
			start, err1 := e.GetStartAt()
			end, err2 := e.GetEndAt()
			if err1 != nil || err2 != nil || !start.Equal(utc(tt.wantStart)) || !end.Equal(utc(tt.wantEnd)) {
				t.Fatalf("DTSTART %v DTEND %v (%v %v)", start, end, err1, err2)
			}
			dt := e.GetProperty(ics.ComponentPropertyDtStart)
			if tz := dt.ICalParameters["TZID"]; len(tz) != 1 || tz[0] != "Europe/Berlin" || dt.Value != tt.localDT {
				t.Fatalf("DTSTART %s TZID %v, want %s in Europe/Berlin", dt.Value, tz, tt.localDT)
			}
			if got := e.GetProperty(ics.ComponentPropertySummary).Value; got != "On-site visit "+f.tk.Number+": Switch in room 4 is dead" {
				t.Fatalf("SUMMARY %q", got)
			}
			if got := e.GetProperty(ics.ComponentPropertyLocation).Value; got != "Lindenstrasse office, Lindenstrasse 5, 10969 Berlin" {
				t.Fatalf("LOCATION %q", got)
			}
			if got := e.GetProperty(ics.ComponentPropertyStatus).Value; got != tt.status {
				t.Fatalf("STATUS %q", got)
			}
		})
	}
	if d := events[winter.ID+"@outpost"].GetProperty(ics.ComponentPropertyDescription).Value; !strings.Contains(d, "[x] Replace switch") {
		t.Fatalf("DESCRIPTION %q", d)
	}
	// The zone is described: 2026 opens in CET and has both Berlin transitions.
	tzs := cal.Timezones()
	if len(tzs) != 1 || tzs[0].GetProperty(ics.ComponentPropertyTzid).Value != "Europe/Berlin" {
		t.Fatalf("VTIMEZONE = %v", tzs)
	}
	var obs []string
	for _, c := range tzs[0].SubComponents() {
		var base *ics.ComponentBase
		kind := ""
		switch o := c.(type) {
		case *ics.Standard:
			base, kind = &o.ComponentBase, "STANDARD"
		case *ics.Daylight:
			base, kind = &o.ComponentBase, "DAYLIGHT"
		default:
			continue
		}
		obs = append(obs, kind+" "+base.GetProperty(ics.ComponentPropertyDtStart).Value+" "+
			base.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom)).Value+">"+
			base.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto)).Value)
	}
	want := "STANDARD 20260101T000000 +0100>+0100; DAYLIGHT 20260329T020000 +0100>+0200; STANDARD 20261025T030000 +0200>+0100"
	if got := strings.Join(obs, "; "); got != want {
		t.Fatalf("observances:\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(text, "\r\n") {
		t.Fatal("lines do not end in CRLF")
	}
}
