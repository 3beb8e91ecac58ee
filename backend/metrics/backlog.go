package metrics

import (
	"time"
)

// Bucket is a labelled count.
type Bucket struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// Backlog is the backlog aging report.
type Backlog struct {
	Definition string    `json:"definition"`
	AsOf       time.Time `json:"asOf"`
	Open       int       `json:"open"`
	ByAge      []Bucket  `json:"byAge"`
	BySLA      []Bucket  `json:"bySla"`
}

// Labels of the backlog buckets.
var (
	AgeBuckets = []string{"0-1 d", "1-5 d", "6-10 d", "11-30 d", "> 30 d"}
	SLABuckets = []string{"< 50%", "50-75%", "76-90%", "> 90%", "breached"}
)

func backlog(facts []fact, asOf time.Time) Backlog {
	b := Backlog{Definition: DefBacklog, AsOf: asOf}
	var age, share [5]int
	for i := range facts {
		ft := &facts[i]
		if !ft.open {
			continue
		}
		b.Open++
		switch days := int(asOf.Sub(ft.created) / (24 * time.Hour)); {
		case days < 1:
			age[0]++
		case days <= 5:
			age[1]++
		case days <= 10:
			age[2]++
		case days <= 30:
			age[3]++
		default:
			age[4]++
		}
		res := ft.resolution
		switch s := res.share; {
		case res.breached:
			share[4]++
		case s < 0.5:
			share[0]++
		case s <= 0.75:
			share[1]++
		case s <= 0.9:
			share[2]++
		default:
			share[3]++
		}
	}
	for i := range 5 {
		b.ByAge = append(b.ByAge, Bucket{AgeBuckets[i], age[i]})
		b.BySLA = append(b.BySLA, Bucket{SLABuckets[i], share[i]})
	}
	return b
}
