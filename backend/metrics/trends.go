package metrics

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Trend windows and thresholds (see DefTrends).
const (
	recentWeeks   = 3
	baselineWeeks = 12
	minRecent     = 6
	minRatio      = 2.0
)

// Trend is a category or title term whose recent volume is well above its baseline.
type Trend struct {
	Kind      string  `json:"kind"` // "category" or "term"
	Name      string  `json:"name"`
	Recent    int     `json:"recent"`   // tickets in the last 3 weeks
	Baseline  int     `json:"baseline"` // tickets in the 12 weeks before
	Ratio     float64 `json:"ratio"`    // recent weekly average / baseline weekly average; 0 when the baseline is empty
	Statement string  `json:"statement"`
}

// Trends is the recurring-issue report.
type Trends struct {
	Definition string  `json:"definition"`
	Items      []Trend `json:"items"`
}

// stopWords are title words too common to be a trend (a read-only table).
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the and for not with from after before cannot can't cant does doesn't dont don't
		when while into onto our your their this that than then are was were has have had but all any its it's out off
		new old please help issue issues problem problems error errors request needs need want working work works broken
		again still won't wont get got set down via per one two some more less very just`) {
		m[w] = true
	}
	return m
}()

// terms returns the distinct words of a title worth counting.
func terms(title string, into map[string]bool) {
	clear(into)
	for _, w := range strings.FieldsFunc(strings.ToLower(title), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		w = strings.Trim(w, "-")
		if len(w) < 3 || stopWords[w] || strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue
		}
		into[w] = true
	}
}

func trends(facts []fact, asOf time.Time) Trends {
	week := 7 * 24 * time.Hour
	recentFrom := asOf.Add(-recentWeeks * week)
	baseFrom := recentFrom.Add(-baselineWeeks * week)
	type pair struct{ recent, base int }
	cats, words := map[string]*pair{}, map[string]*pair{}
	catName := map[string]string{}
	bump := func(m map[string]*pair, k string, recent bool) {
		p := m[k]
		if p == nil {
			p = &pair{}
			m[k] = p
		}
		if recent {
			p.recent++
		} else {
			p.base++
		}
	}
	seen := map[string]bool{}
	for i := range facts {
		ft := &facts[i]
		c := ft.created
		if c.Before(baseFrom) || !c.Before(asOf) {
			continue
		}
		recent := !c.Before(recentFrom)
		if cat := ft.t.Category; cat != "" {
			k := strings.ToLower(cat)
			catName[k] = cat
			bump(cats, k, recent)
		}
		terms(ft.t.Title, seen)
		for w := range seen {
			bump(words, w, recent)
		}
	}
	out := Trends{Definition: DefTrends, Items: []Trend{}}
	pick := func(kind string, m map[string]*pair, name func(string) string) {
		for k, p := range m {
			if p.recent < minRecent {
				continue
			}
			t := Trend{Kind: kind, Name: name(k), Recent: p.recent, Baseline: p.base}
			if p.base == 0 {
				t.Statement = fmt.Sprintf("%s: %d tickets in the last %d weeks, none in the %d weeks before",
					t.Name, p.recent, recentWeeks, baselineWeeks)
			} else {
				t.Ratio = round2((float64(p.recent) / recentWeeks) / (float64(p.base) / baselineWeeks))
				if t.Ratio < minRatio {
					continue
				}
				t.Statement = fmt.Sprintf("%s: %d tickets in the last %d weeks, %.1fx its %d-week average",
					t.Name, p.recent, recentWeeks, t.Ratio, baselineWeeks)
			}
			if kind == "term" && cats[k] != nil && out.has(k) {
				continue // the category already says it
			}
			out.Items = append(out.Items, t)
		}
	}
	pick("category", cats, func(k string) string { return catName[k] })
	pick("term", words, func(k string) string { return k })
	rank := func(t Trend) float64 {
		if t.Baseline == 0 {
			return float64(t.Recent) * baselineWeeks / recentWeeks // as if one ticket in the baseline
		}
		return t.Ratio
	}
	slices.SortFunc(out.Items, func(a, b Trend) int {
		return cmp.Or(cmp.Compare(rank(b), rank(a)), cmp.Compare(b.Recent, a.Recent), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Name, b.Name))
	})
	if len(out.Items) > 12 {
		out.Items = out.Items[:12]
	}
	return out
}

func (t Trends) has(lower string) bool {
	for _, it := range t.Items {
		if it.Kind == "category" && strings.ToLower(it.Name) == lower {
			return true
		}
	}
	return false
}
