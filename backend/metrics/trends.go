package metrics

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
)

// Trend windows and thresholds (see DefTrends).
const (
	recentWeeks   = 3
	baselineWeeks = 12
	minRecent     = 6
	minRatio      = 2.0
	maxChance     = 0.01    // a rise this likely by chance at the baseline rate is not a trend
	termShare     = 2.0 / 3 // a term this much inside one trending category is told with it
)

// Trend is a category or title term whose recent volume is well above its baseline.
type Trend struct {
	Kind      string   `json:"kind"` // "category" or "term"
	Name      string   `json:"name"`
	Recent    int      `json:"recent"`          // tickets in the last 3 weeks
	Baseline  int      `json:"baseline"`        // tickets in the 12 weeks before
	Ratio     float64  `json:"ratio"`           // recent weekly average / baseline weekly average; 0 when the baseline is empty
	Terms     []string `json:"terms,omitempty"` // for a category: rising title terms its recent tickets share
	Statement string   `json:"statement"`
}

// Trends is the recurring-issue report.
type Trends struct {
	Definition string  `json:"definition"`
	Items      []Trend `json:"items"`
}

// stopWords are title words that are no trend: bleve's English and German stop-word
// lists (kept with the library, the Snowball project's lists) and help-desk boilerplate,
// the words every kind of ticket is written with. A read-only table.
var stopWords = func() map[string]bool {
	tm := analysis.NewTokenMap()
	for _, list := range [][]byte{en.EnglishStopWords, de.GermanStopWords} {
		if err := tm.LoadBytes(list); err != nil {
			panic("metrics: bleve stop words: " + err.Error()) // compiled-in text: cannot fail at run time
		}
	}
	m := map[string]bool{}
	for w := range tm {
		m[w] = true
	}
	for _, w := range strings.Fields(`cannot can't cant doesn't dont don't won't wont isn't wasn't
		please help issue issues problem problems error errors request requests needs need want wants working
		work works broken again still get gets got set down via per one two some more less new old
		asks ask asked asking says said client clients user users customer someone anyone term terms
		ticket tickets question questions thing things since today yesterday urgent asap fyi re fw fwd`) {
		m[w] = true
	}
	return m
}()

// boilerShare: a word in the titles of more than this share of all tickets of the
// windows is boilerplate of how titles are written, not what they are about.
const boilerShare = 0.25

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
	inWindow := 0
	termCats := map[string]map[string]int{} // term -> category (lower case) -> recent tickets
	for i := range facts {
		ft := &facts[i]
		c := ft.created
		if c.Before(baseFrom) || !c.Before(asOf) {
			continue
		}
		recent := !c.Before(recentFrom)
		inWindow++
		if cat := ft.t.Category; cat != "" {
			k := strings.ToLower(cat)
			catName[k] = cat
			bump(cats, k, recent)
		}
		terms(ft.t.Title, seen)
		for w := range seen {
			bump(words, w, recent)
			if recent && ft.t.Category != "" {
				if termCats[w] == nil {
					termCats[w] = map[string]int{}
				}
				termCats[w][strings.ToLower(ft.t.Category)]++
			}
		}
	}
	out := Trends{Definition: DefTrends, Items: []Trend{}}
	rising := func(kind string, m map[string]*pair, name func(string) string) []Trend {
		found := []Trend{} // an empty list, not null, for the UI
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
				expected := float64(p.base) * recentWeeks / baselineWeeks
				if t.Ratio < minRatio || chanceOfAtLeast(p.recent, expected) >= maxChance {
					continue
				}
				t.Statement = fmt.Sprintf("%s: %d tickets in the last %d weeks, %.1fx its %d-week average",
					t.Name, p.recent, recentWeeks, t.Ratio, baselineWeeks)
			}
			found = append(found, t)
		}
		return found
	}
	out.Items = rising("category", cats, func(k string) string { return catName[k] })
	byCat := map[string]int{}
	for i, t := range out.Items {
		byCat[strings.ToLower(t.Name)] = i
	}
	// A term whose recent tickets sit mostly in one rising category says what that
	// category's tickets are about: it is told with the category, not beside it.
	for k, p := range words {
		if inWindow >= 20 && float64(p.recent+p.base) > boilerShare*float64(inWindow) {
			delete(words, k)
		}
	}
	terms := rising("term", words, func(k string) string { return k })
	slices.SortFunc(terms, func(a, b Trend) int {
		if c := cmp.Compare(b.Recent, a.Recent); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	for _, t := range terms {
		if _, ok := byCat[t.Name]; ok {
			continue // the category already says it
		}
		cat, n := "", 0
		for c, k := range termCats[t.Name] {
			if k > n || (k == n && c < cat) {
				cat, n = c, k
			}
		}
		if i, ok := byCat[cat]; ok && float64(n) >= termShare*float64(t.Recent) {
			if len(out.Items[i].Terms) < 2 {
				out.Items[i].Terms = append(out.Items[i].Terms, t.Name)
			}
			continue
		}
		out.Items = append(out.Items, t)
	}
	for i := range out.Items {
		if ts := out.Items[i].Terms; len(ts) > 0 {
			out.Items[i].Statement += fmt.Sprintf("; most mention %q", ts[0])
			if len(ts) > 1 {
				out.Items[i].Statement += fmt.Sprintf(" or %q", ts[1])
			}
		}
	}
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

// chanceOfAtLeast is the probability of k or more tickets in a window where
// expected arrive on average, if they arrive independently (Poisson).
func chanceOfAtLeast(k int, expected float64) float64 {
	if k <= 0 {
		return 1
	}
	if expected <= 0 {
		return 0
	}
	below := 0.0
	for i := range k {
		lg, _ := math.Lgamma(float64(i) + 1)
		below += math.Exp(-expected + float64(i)*math.Log(expected) - lg)
	}
	return max(0, 1-below)
}
