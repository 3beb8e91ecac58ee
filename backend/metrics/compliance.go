package metrics

import (
	"math"
	"strconv"
)

// Ratio is a part of a whole, with the percentage (nil when nothing was due).
type Ratio struct {
	Part    int      `json:"part"`
	Whole   int      `json:"whole"`
	Percent *float64 `json:"percent"`
}

func ratio(part, whole int) Ratio {
	r := Ratio{Part: part, Whole: whole}
	if whole > 0 {
		p := math.Round(float64(part)*1000/float64(whole)) / 10
		r.Percent = &p
	}
	return r
}

func (r Ratio) String() string {
	if r.Percent == nil {
		return ""
	}
	return strconv.FormatFloat(*r.Percent, 'f', 1, 64)
}

// Compliance is the SLA compliance report.
type Compliance struct {
	Definition string  `json:"definition"`
	Response   Ratio   `json:"response"`
	Resolution Ratio   `json:"resolution"`
	ByPriority []PrioC `json:"byPriority"`
}

// PrioC is compliance of one priority.
type PrioC struct {
	Priority   int   `json:"priority"`
	Response   Ratio `json:"response"`
	Resolution Ratio `json:"resolution"`
}

// targetDue tells whether a target's outcome fell in p, and whether it was met.
func targetDue(t target, in Period) (due, met bool) {
	if !t.breachedAt.IsZero() {
		return in.Has(t.breachedAt), false
	}
	if t.done {
		return in.Has(t.doneAt), true
	}
	return false, false
}

func compliance(facts []fact, p Period) Compliance {
	c := Compliance{Definition: DefSLA}
	var met, due [6][2]int // [priority][response, resolution]
	for i := range facts {
		ft := &facts[i]
		for k, prog := range [2]target{ft.response, ft.resolution} {
			pr := min(max(prog.priority, 0), 5)
			if d, m := targetDue(prog, p); d {
				due[pr][k]++
				if m {
					met[pr][k]++
				}
			}
		}
	}
	var tm, td [2]int
	for pr := 1; pr <= 5; pr++ {
		c.ByPriority = append(c.ByPriority, PrioC{Priority: pr, Response: ratio(met[pr][0], due[pr][0]), Resolution: ratio(met[pr][1], due[pr][1])})
		for k := range 2 {
			tm[k] += met[pr][k]
			td[k] += due[pr][k]
		}
	}
	c.Response, c.Resolution = ratio(tm[0], td[0]), ratio(tm[1], td[1])
	return c
}
