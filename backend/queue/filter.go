package queue

import (
	"outpost/backend/core/field"
)

// MaxLimit is the most rows one question may ask for (a page, an export asks the index directly).
const MaxLimit = 10_000

// Sorts are the orders a queue question may ask for ("" is "priority").
var sorts = map[string]bool{"": true, "priority": true, "age": true, "updated": true, SortSLA: true}

// Validate checks a question from outside (the window, the API) before it is asked, and
// names the field that is wrong.
func (f Filter) Validate() error {
	switch {
	case !sorts[f.Sort]:
		return field.Errorf("sort", "must be priority, age, updated or sla")
	case f.Limit < 0 || f.Limit > MaxLimit:
		return field.Errorf("limit", "must be between 1 and %d (0 for the default of %d)", MaxLimit, DefaultLimit)
	case f.Offset < 0:
		return field.Errorf("offset", "cannot be negative")
	case len(f.Text) > 500:
		return field.Errorf("text", "is %d characters long; the limit is 500", len(f.Text))
	}
	for _, s := range f.Statuses {
		if !s.Valid() {
			return field.Errorf("statuses", "holds %q, which is not a status", string(s))
		}
	}
	for _, p := range f.Priorities {
		if p < 1 || p > 5 {
			return field.Errorf("priorities", "must be between 1 and 5")
		}
	}
	return nil
}
