package queue

import "strings"

// ByNumber returns the ID of the ticket numbered n (case-insensitive), as a reply
// naming "[HELP-17]" in its subject finds its ticket. It waits for the whole queue.
func (x *Index) ByNumber(n string) (string, bool) {
	x.wait(false)
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, e := range x.items.list {
		if strings.EqualFold(e.Number, n) {
			return e.ID, true
		}
	}
	return "", false
}
