package metrics

import (
	"math"
	"slices"

	"outpost/backend/sla"
)

// FCR is the first-contact resolution report.
type FCR struct {
	Definition string `json:"definition"`
	Ratio
}

// Stats are mean, median and p90 of hours.
type Stats struct {
	Count  int     `json:"count"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
}

// MTTR is the time-to-resolve report.
type MTTR struct {
	Definition    string `json:"definition"`
	CalendarHours Stats  `json:"calendarHours"`
	BusinessHours Stats  `json:"businessHours"`
}

// Reopen is the reopen-rate report.
type Reopen struct {
	Definition string `json:"definition"`
	Ratio
}

func fcr(facts []fact, p Period) FCR {
	first, resolved := 0, 0
	for i := range facts {
		if p.Has(facts[i].resolvedAt) {
			resolved++
			if facts[i].firstTouch {
				first++
			}
		}
	}
	return FCR{Definition: DefFCR, Ratio: ratio(first, resolved)}
}

func stats(hours []float64) Stats {
	s := Stats{Count: len(hours)}
	if len(hours) == 0 {
		return s
	}
	slices.Sort(hours)
	sum := 0.0
	for _, h := range hours {
		sum += h
	}
	n := len(hours)
	s.Mean = round2(sum / float64(n))
	if n%2 == 1 {
		s.Median = round2(hours[n/2])
	} else {
		s.Median = round2((hours[n/2-1] + hours[n/2]) / 2)
	}
	s.P90 = round2(hours[int(math.Ceil(0.9*float64(n)))-1])
	return s
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

func mttr(facts []fact, p Period, clock *sla.Clock) MTTR {
	var cal, bus []float64
	for i := range facts {
		ft := &facts[i]
		if p.Has(ft.resolvedAt) {
			cal = append(cal, ft.resolvedAt.Sub(ft.created).Hours())
			bus = append(bus, clock.Between(ft.created, ft.resolvedAt).Hours())
		}
	}
	return MTTR{Definition: DefMTTR, CalendarHours: stats(cal), BusinessHours: stats(bus)}
}

func reopen(facts []fact, p Period) Reopen {
	resolved, reopened := 0, 0
	for i := range facts {
		if facts[i].resolvedInPeriod {
			resolved++
			if facts[i].reopenedInPeriod {
				reopened++
			}
		}
	}
	return Reopen{Definition: DefReopen, Ratio: ratio(reopened, resolved)}
}
