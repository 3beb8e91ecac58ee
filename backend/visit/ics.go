package visit

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"outpost/backend/core/field"
)

// ICS returns a technician's visits as an iCalendar file. Times carry the
// technician's IANA zone (TZID) with a VTIMEZONE describing its offsets over the
// years the visits span, so calendar apps show them at the right local time.
// Cancelled visits stay in the file with STATUS:CANCELLED, so a re-import removes them.
func (s *Service) ICS(techID string) (string, error) {
	tm, err := s.team()
	if err != nil {
		return "", err
	}
	tech, ok := tm[techID]
	if !ok {
		return "", field.Errorf("technician", "no technician %q", techID)
	}
	loc, err := tech.Hours.Location()
	if err != nil {
		loc = time.UTC
	}
	all, err := s.all()
	if err != nil {
		return "", err
	}
	var mine []Visit
	for _, v := range all {
		if v.Technician == techID {
			mine = append(mine, s.decorateWith(v, all, tm))
		}
	}
	return Calendar(tech.Name, loc, mine), nil
}

// Calendar renders visits as an iCalendar document with times in loc.
func Calendar(name string, loc *time.Location, visits []Visit) string {
	cal := ics.NewCalendarFor("Outpost")
	cal.SetProductId("-//Outpost//Visits//EN")
	cal.SetMethod(ics.MethodPublish)
	cal.SetXWRCalName("Outpost visits: " + name)
	local := loc != time.UTC && loc.String() != "UTC"
	if local && len(visits) > 0 {
		first, last := visits[0].Start, visits[0].End
		for _, v := range visits {
			if v.Start.Before(first) {
				first = v.Start
			}
			if v.End.After(last) {
				last = v.End
			}
		}
		cal.SetXWRTimezone(loc.String())
		cal.AddVTimezone(vtimezone(loc, first, last))
	}
	for _, v := range visits {
		e := cal.AddEvent(v.ID + "@outpost")
		e.SetDtStampTime(v.Updated)
		e.SetModifiedAt(v.Updated)
		e.SetCreatedTime(v.Created)
		if local {
			e.SetProperty(ics.ComponentPropertyDtStart, v.Start.In(loc).Format("20060102T150405"), ics.WithTZID(loc.String()))
			e.SetProperty(ics.ComponentPropertyDtEnd, v.End.In(loc).Format("20060102T150405"), ics.WithTZID(loc.String()))
		} else {
			e.SetStartAt(v.Start)
			e.SetEndAt(v.End)
		}
		e.SetSummary(summary(v))
		e.SetLocation(location(v))
		e.SetDescription(description(v))
		if v.Status == StatusCancelled {
			e.SetStatus(ics.ObjectStatusCancelled)
		} else {
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.Serialize(ics.WithNewLineWindows) // RFC 5545 lines end in CRLF
}

func summary(v Visit) string {
	if v.TicketNumber == "" {
		return "On-site visit: " + v.Site
	}
	return "On-site visit " + v.TicketNumber + ": " + v.TicketTitle
}

func location(v Visit) string {
	if v.Address == "" {
		return v.Site
	}
	return v.Site + ", " + strings.ReplaceAll(v.Address, "\n", ", ")
}

func description(v Visit) string {
	var b strings.Builder
	if v.TicketNumber != "" {
		fmt.Fprintf(&b, "Ticket %s: %s\n", v.TicketNumber, v.TicketTitle)
	}
	for _, it := range v.Checklist {
		mark := "[ ]"
		if it.Done {
			mark = "[x]"
		}
		fmt.Fprintf(&b, "%s %s\n", mark, it.Text)
	}
	if v.Outcome != "" {
		fmt.Fprintf(&b, "Outcome: %s\n", v.Outcome)
	}
	return strings.TrimSpace(b.String())
}

// vtimezone describes loc's offsets from the start of from's year to the end of
// to's year: an opening observance, then one per transition found in Go's zone data.
func vtimezone(loc *time.Location, from, to time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	start := time.Date(from.In(loc).Year(), 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(to.In(loc).Year()+1, 1, 1, 0, 0, 0, 0, loc)
	_, off := start.Zone()
	observe(tz, start, off)
	for t := start; t.Before(end); t = t.Add(24 * time.Hour) {
		next := t.Add(24 * time.Hour)
		if _, o := next.Zone(); o != off {
			lo, hi := t, next // the offset changes in (lo, hi]: find the instant
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, mo := mid.Zone(); mo == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			observe(tz, hi, off)
			_, off = hi.Zone()
		}
	}
	return tz
}

// observe adds the observance that begins at instant at; DTSTART is the local time
// just before it (in the previous offset), as RFC 5545 requires.
func observe(tz *ics.VTimezone, at time.Time, fromOffset int) {
	name, toOffset := at.Zone()
	props := ics.ComponentBase{}
	props.SetProperty(ics.ComponentPropertyDtStart, at.In(time.FixedZone("", fromOffset)).Format("20060102T150405"))
	props.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), offset(fromOffset))
	props.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), offset(toOffset))
	props.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
	if at.IsDST() {
		tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: props})
	} else {
		tz.Components = append(tz.Components, &ics.Standard{ComponentBase: props})
	}
}

func offset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}
