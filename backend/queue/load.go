package queue

import "time"

// Loads counts open tickets per assignee value (a technician ID, or a name on
// tickets assigned before assignees were IDs). Unassigned tickets are not counted.
func (x *Index) Loads() map[string]int {
	x.wait(true)
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := map[string]int{}
	for _, e := range x.open.list {
		if e.Assignee != "" && e.Status.Open() {
			out[e.Assignee]++
		}
	}
	return out
}

// LastAssigned returns, per assignee, when they last received a ticket they still
// hold (open or closed): the history a round-robin rotation continues from.
func (x *Index) LastAssigned() map[string]time.Time {
	x.wait(false)
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := map[string]time.Time{}
	for _, e := range x.items.list {
		if e.Assignee != "" && e.Assigned.After(out[e.Assignee]) {
			out[e.Assignee] = e.Assigned
		}
	}
	return out
}
