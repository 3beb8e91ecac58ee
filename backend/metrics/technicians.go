package metrics

import (
	"slices"
	"strings"
)

// TechRow is one technician's figures.
type TechRow struct {
	Technician    string  `json:"technician"`
	OpenLoad      int     `json:"openLoad"`
	Resolved      int     `json:"resolved"`
	SLA           Ratio   `json:"sla"` // response and resolution targets together
	FCR           Ratio   `json:"fcr"`
	HoursLogged   float64 `json:"hoursLogged"`
	minutesLogged int
}

// Technicians is the per-technician report.
type Technicians struct {
	Definition string    `json:"definition"`
	Rows       []TechRow `json:"rows"`
}

func technicians(facts []fact, f Filter) Technicians {
	rows := map[string]*TechRow{}
	row := func(name string) *TechRow {
		r := rows[name]
		if r == nil {
			r = &TechRow{Technician: name}
			rows[name] = r
		}
		return r
	}
	type acc struct{ slaMet, slaDue, first, resolved int }
	accs := map[string]*acc{}
	get := func(name string) *acc {
		a := accs[name]
		if a == nil {
			a = &acc{}
			accs[name] = a
		}
		return a
	}
	for i := range facts {
		ft := &facts[i]
		assignee, resolver := f.name(ft.assignee), f.name(ft.resolver)
		if ft.open && assignee != "" {
			row(assignee).OpenLoad++
		}
		if f.Has(ft.resolvedAt) && resolver != "" {
			row(resolver).Resolved++
			a := get(resolver)
			a.resolved++
			if ft.firstTouch {
				a.first++
			}
		}
		if assignee != "" {
			for _, prog := range [2]target{ft.response, ft.resolution} {
				if d, m := targetDue(prog, f.Period); d {
					row(assignee)
					a := get(assignee)
					a.slaDue++
					if m {
						a.slaMet++
					}
				}
			}
		}
		for _, w := range ft.t.WorkLogs {
			if f.Has(w.At) && w.By != "" && f.technicianIs(w.By) {
				row(f.name(w.By)).minutesLogged += w.Minutes
			}
		}
	}
	out := Technicians{Definition: DefTechnicians, Rows: []TechRow{}}
	for name, r := range rows {
		if f.Technician != "" && !strings.EqualFold(name, f.Technician) && name != f.name(f.Technician) {
			continue
		}
		a := get(name)
		r.SLA, r.FCR = ratio(a.slaMet, a.slaDue), ratio(a.first, a.resolved)
		r.HoursLogged = round2(float64(r.minutesLogged) / 60)
		out.Rows = append(out.Rows, *r)
	}
	slices.SortFunc(out.Rows, func(a, b TechRow) int { return strings.Compare(a.Technician, b.Technician) })
	return out
}
