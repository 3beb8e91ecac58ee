package metrics

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
)

// Table is one report table, as shown and as exported to CSV.
type Table struct {
	Name    string     `json:"name"`
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// TableNames lists every exportable table, in the order the screen shows them.
var tableNames = []string{"volume", "volume-by-category", "volume-by-priority", "volume-by-source", "volume-by-technician",
	"sla", "fcr", "mttr", "backlog-age", "backlog-sla", "reopen", "technicians", "trends"}

// TableNames lists the report tables by name, in the order reports show them; the slice is the caller\'s own.
func TableNames() []string { return slices.Clone(tableNames) }

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }

func counts(name, title, key string, cs []Count) Table {
	t := Table{Name: name, Title: title, Columns: []string{key, "created", "resolved"}}
	for _, c := range cs {
		t.Rows = append(t.Rows, []string{c.Key, itoa(c.Created), itoa(c.Resolved)})
	}
	return t
}

func ratioRow(label string, r Ratio) []string {
	return []string{label, itoa(r.Part), itoa(r.Whole), r.String()}
}

// Table returns the table named name, or false.
func (r Reports) Table(name string) (Table, bool) {
	switch name {
	case "volume":
		return counts(name, "Volume per "+r.Volume.Granularity, r.Volume.Granularity, r.Volume.Series), true
	case "volume-by-category":
		return counts(name, "Volume by category", "category", r.Volume.ByCategory), true
	case "volume-by-priority":
		return counts(name, "Volume by priority", "priority", r.Volume.ByPriority), true
	case "volume-by-source":
		return counts(name, "Volume by source", "source", r.Volume.BySource), true
	case "volume-by-technician":
		return counts(name, "Volume by technician", "technician", r.Volume.ByTechnician), true
	case "sla":
		t := Table{Name: name, Title: "SLA compliance", Columns: []string{"scope", "target", "met", "due", "percent"}}
		t.Rows = append(t.Rows, append([]string{"all"}, ratioRow("response", r.SLA.Response)...),
			append([]string{"all"}, ratioRow("resolution", r.SLA.Resolution)...))
		for _, p := range r.SLA.ByPriority {
			pr := "P" + itoa(p.Priority)
			t.Rows = append(t.Rows, append([]string{pr}, ratioRow("response", p.Response)...), append([]string{pr}, ratioRow("resolution", p.Resolution)...))
		}
		return t, true
	case "fcr":
		return Table{Name: name, Title: "First-contact resolution", Columns: []string{"measure", "at first contact", "resolved", "percent"},
			Rows: [][]string{ratioRow("FCR", r.FCR.Ratio)}}, true
	case "mttr":
		t := Table{Name: name, Title: "Time to resolve (hours)", Columns: []string{"clock", "tickets", "mean", "median", "p90"}}
		for _, s := range []struct {
			n string
			s Stats
		}{{"calendar", r.MTTR.CalendarHours}, {"business", r.MTTR.BusinessHours}} {
			t.Rows = append(t.Rows, []string{s.n, itoa(s.s.Count), ftoa(s.s.Mean), ftoa(s.s.Median), ftoa(s.s.P90)})
		}
		return t, true
	case "backlog-age", "backlog-sla":
		bs, title, col := r.Backlog.ByAge, "Backlog by age", "age"
		if name == "backlog-sla" {
			bs, title, col = r.Backlog.BySLA, "Backlog by share of SLA elapsed", "sla elapsed"
		}
		t := Table{Name: name, Title: title, Columns: []string{col, "open tickets"}}
		for _, b := range bs {
			t.Rows = append(t.Rows, []string{b.Label, itoa(b.Count)})
		}
		return t, true
	case "reopen":
		return Table{Name: name, Title: "Reopen rate", Columns: []string{"measure", "reopened within 14 days", "resolved", "percent"},
			Rows: [][]string{ratioRow("reopen rate", r.Reopen.Ratio)}}, true
	case "technicians":
		t := Table{Name: name, Title: "Per technician", Columns: []string{"technician", "open load", "resolved",
			"sla met", "sla due", "sla percent", "fcr", "fcr percent", "hours logged"}}
		for _, x := range r.Technicians.Rows {
			t.Rows = append(t.Rows, []string{x.Technician, itoa(x.OpenLoad), itoa(x.Resolved), itoa(x.SLA.Part), itoa(x.SLA.Whole),
				x.SLA.String(), itoa(x.FCR.Part), x.FCR.String(), ftoa(x.HoursLogged)})
		}
		return t, true
	case "trends":
		t := Table{Name: name, Title: "Recurring-issue trends", Columns: []string{"kind", "name", "last 3 weeks", "12 weeks before", "ratio", "statement"}}
		for _, x := range r.Trends.Items {
			t.Rows = append(t.Rows, []string{x.Kind, x.Name, itoa(x.Recent), itoa(x.Baseline), ftoa(x.Ratio), x.Statement})
		}
		return t, true
	}
	return Table{}, false
}

// CSV writes table name as CSV with a header row.
func (r Reports) CSV(name string) (string, error) {
	t, ok := r.Table(name)
	if !ok {
		return "", fmt.Errorf("no report table %q", name)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(t.Columns)
	_ = w.WriteAll(t.Rows) // WriteAll flushes
	if err := w.Error(); err != nil {
		return "", fmt.Errorf("write %s csv: %w", name, err)
	}
	return b.String(), nil
}
