package queue

import (
	"cmp"
	"slices"
)

// Count is one value of a ticket field and how many open tickets have it.
type Count struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets are the values the queue's filters can offer, counted over open tickets:
// categories, tags and assignees, most used first.
type Facets struct {
	Categories []Count `json:"categories"`
	Tags       []Count `json:"tags"`
	Assignees  []Count `json:"assignees"`
}

// Facets counts the categories, tags and assignees of open tickets.
func (x *Index) Facets() Facets {
	cats, tags, people := map[string]int{}, map[string]int{}, map[string]int{}
	x.wait(true)
	x.mu.RLock()
	for _, e := range x.open.list {
		if !e.Status.Open() {
			continue
		}
		if e.Category != "" {
			cats[e.Category]++
		}
		if e.Assignee != "" {
			people[e.Assignee]++
		}
		for _, t := range e.Tags {
			tags[t]++
		}
	}
	x.mu.RUnlock()
	return Facets{Categories: counts(cats), Tags: counts(tags), Assignees: counts(people)}
}

func counts(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for v, n := range m {
		out = append(out, Count{Value: v, Count: n})
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value)) })
	return out
}
