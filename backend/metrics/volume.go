package metrics

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Count is created and resolved tickets in one bucket or group.
type Count struct {
	Key      string `json:"key"`
	Created  int    `json:"created"`
	Resolved int    `json:"resolved"`
}

// Volume is the volume report.
type Volume struct {
	Definition   string  `json:"definition"`
	Granularity  string  `json:"granularity"`
	Series       []Count `json:"series"`
	ByCategory   []Count `json:"byCategory"`
	ByPriority   []Count `json:"byPriority"`
	BySource     []Count `json:"bySource"`
	ByTechnician []Count `json:"byTechnician"`
	Created      int     `json:"created"`
	Resolved     int     `json:"resolved"`
}

// bucketDay returns the civil day number (days since 1970-01-01) of t's date in loc,
// or of its week's Monday.
func bucketDay(t time.Time, loc *time.Location, week bool) int64 {
	y, m, d := t.In(loc).Date()
	n := daysFromCivil(y, int(m), d)
	if week {
		n -= (n + 3) % 7 // 1970-01-01 was a Thursday: (n+3)%7 is 0 on Mondays
	}
	return n
}

// daysFromCivil is the day number of a proleptic Gregorian date (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

func dayKey(n int64) string { return time.Unix(n*86400, 0).UTC().Format(time.DateOnly) }

func volume(facts []fact, f Filter, loc *time.Location) Volume {
	week := f.Granularity == "week"
	v := Volume{Definition: DefVolume, Granularity: f.Granularity}
	days := map[int64]*Count{}
	// Every bucket of the period, empty ones included (at most ~3 years of days).
	if !f.From.IsZero() {
		for d, n := f.From.In(loc), 0; d.Before(f.To) && n < 1200; d, n = d.AddDate(0, 0, 1), n+1 {
			if k := bucketDay(d, loc, week); days[k] == nil {
				days[k] = &Count{}
			}
		}
	}
	bump := func(t time.Time, created, resolved int) {
		k := bucketDay(t, loc, week)
		c := days[k]
		if c == nil {
			c = &Count{}
			days[k] = c
		}
		c.Created += created
		c.Resolved += resolved
	}
	groups := [4]map[string]*Count{{}, {}, {}, {}}
	add := func(m map[string]*Count, k string, created, resolved int) {
		c := m[k]
		if c == nil {
			c = &Count{Key: k}
			m[k] = c
		}
		c.Created += created
		c.Resolved += resolved
	}
	for i := range facts {
		ft := &facts[i]
		c, r := 0, 0
		if f.Has(ft.created) {
			c = 1
			bump(ft.created, 1, 0)
		}
		if f.Has(ft.resolvedAt) {
			r = 1
			bump(ft.resolvedAt, 0, 1)
		}
		if c+r == 0 {
			continue
		}
		v.Created += c
		v.Resolved += r
		tech := ft.assignee
		if r == 1 {
			tech = ft.resolver
		}
		add(groups[0], orNone(ft.t.Category), c, r)
		add(groups[1], "P"+strconv.Itoa(ft.priority), c, r)
		add(groups[2], orNone(ft.t.Source), c, r)
		add(groups[3], orNone(f.name(tech)), c, r)
	}
	series := make(map[string]*Count, len(days))
	for n, c := range days {
		c.Key = dayKey(n)
		series[c.Key] = c
	}
	v.Series = sorted(series, func(a, b Count) int { return strings.Compare(a.Key, b.Key) })
	byTotal := func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.Created+b.Resolved, a.Created+a.Resolved), strings.Compare(a.Key, b.Key))
	}
	v.ByCategory = sorted(groups[0], byTotal)
	v.ByPriority = sorted(groups[1], func(a, b Count) int { return strings.Compare(a.Key, b.Key) })
	v.BySource = sorted(groups[2], byTotal)
	v.ByTechnician = sorted(groups[3], byTotal)
	return v
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func sorted(m map[string]*Count, by func(a, b Count) int) []Count {
	out := make([]Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	slices.SortFunc(out, by)
	return out
}
