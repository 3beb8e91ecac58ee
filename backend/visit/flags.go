package visit

import (
	"time"

	"outpost/backend/schedule"
)

// Flag kinds.
const (
	FlagDoubleBooked      = "double-booked"
	FlagOutsideHours      = "outside-hours"
	FlagTimeOff           = "time-off"
	FlagUnknownTechnician = "unknown-technician"
)

// Flags computes the warnings on v against every visit and the technician's
// schedule (nil when the technician is unknown). They are derived on every read,
// never stored: a visit synced from another device is flagged the moment it lands.
// Cancelled visits carry no flags and clash with nothing.
func Flags(v Visit, all []Visit, sched *schedule.Schedule) []Flag {
	flags := []Flag{}
	if v.Status == StatusCancelled {
		return flags
	}
	if sched == nil {
		return append(flags, Flag{Kind: FlagUnknownTechnician, Message: "the technician is not in the team's list"})
	}
	loc := sched.Location()
	iv := v.Window().Interval()
	for _, o := range all {
		if o.ID == v.ID || o.Technician != v.Technician || o.Status == StatusCancelled {
			continue
		}
		if o.Window().Interval().Overlaps(iv) {
			what := o.Site
			if o.TicketNumber != "" {
				what = o.TicketNumber + " at " + o.Site
			}
			flags = append(flags, Flag{Kind: FlagDoubleBooked, Other: o.ID,
				Message: "double-booked with " + what + " (" + span(o.Start, o.End, loc) + ")"})
		}
	}
	if off, _, ok := sched.OffDuring(iv); ok {
		msg := "during time off"
		if off.Note != "" {
			msg += " (" + off.Note + ")"
		}
		flags = append(flags, Flag{Kind: FlagTimeOff, Message: msg})
	} else if !sched.Covers(iv) {
		msg := "outside working hours"
		if shifts := sched.ShiftsOn(v.Start); len(shifts) > 0 {
			msg += " (works " + span(shifts[0].Start, shifts[0].End, loc) + " that day)"
		} else {
			msg += " (not a working day)"
		}
		flags = append(flags, Flag{Kind: FlagOutsideHours, Message: msg})
	}
	return flags
}

func span(a, b time.Time, loc *time.Location) string {
	return a.In(loc).Format("15:04") + "-" + b.In(loc).Format("15:04")
}
