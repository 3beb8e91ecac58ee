package permission

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"outpost/backend/core/hlc"
)

// ErrNotAllowed is the sentinel of a refused change.
var ErrNotAllowed = errors.New("not allowed")

// Refused says why a change was not allowed: the right it needs, the roles its
// device held, and the roles that hold the right.
type Refused struct {
	Right Right
	Held  []Role
	Who   []Role
}

func (r *Refused) Error() string {
	held := "no role"
	if len(r.Held) > 0 {
		held = "the role " + joinRoles(r.Held)
	}
	return fmt.Sprintf("this needs the right to %s, which %s hold; this device has %s (an owner can grant a role under Team, Roles)",
		What(r.Right), joinRoles(r.Who), held)
}

func (r *Refused) Unwrap() error { return ErrNotAllowed }

func joinRoles(rs []Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}

// What is a right in words, lower case.
func What(x Right) string {
	for _, r := range defaults {
		if r.Right == x {
			return strings.ToLower(r.What[:1]) + r.What[1:]
		}
	}
	return string(x)
}

// Event is one grant or revocation of a role to a device, as a change wrote it.
type Event struct {
	Device string `json:"device"` // the device given or denied the role
	Person string `json:"person"` // whose device it is, for people to read
	Role   Role   `json:"role"`
	Grant  bool   `json:"grant"`
	Seen   uint64 `json:"seen"` // a revocation: Device's last change the revoker had seen
	// From, on a grant, makes it count for Device's changes from that sequence on
	// however they are stamped (a device bringing history stamped in the past, as the
	// demo does); 0: the grant counts from its clock.
	From uint64        `json:"from,omitempty"`
	At   hlc.Timestamp `json:"at"`
	By   string        `json:"by"`  // the device that wrote it
	Seq  uint64        `json:"seq"` // its change's sequence on By
}

// PolicyEvent is an owner's change of which roles hold a right.
type PolicyEvent struct {
	Right Right         `json:"right"`
	Roles []Role        `json:"roles"`
	At    hlc.Timestamp `json:"at"`
	By    string        `json:"by"`
	Seq   uint64        `json:"seq"`
}

// Change is what the rule needs to know of a change.
type Change struct {
	Device string
	Seq    uint64
	HLC    hlc.Timestamp
	Right  Right // what it needs (see Need)
}

// State is a team's roles as its grant and policy records say, with each event
// checked against the roles of its writer when it was written.
type State struct {
	genesis  string
	events   []Event // valid, in (At, By) order
	policy   []PolicyEvent
	Rejected []Event       // grants and revocations by a device without the right to make them
	Refused  []PolicyEvent // likewise, changes of the table
}

// Open reports whether the team enforces no roles: a team made before roles existed,
// with no owner device named.
func (s *State) Open() bool { return s.genesis == "" }

// Build checks events and policy changes in (At, By) order: each counts only when its
// writer held ManageRoles at it. genesis is the device that created the team; it is
// the first owner. Every replica given the same records builds the same state.
func Build(genesis string, events []Event, policy []PolicyEvent) *State {
	s := &State{genesis: genesis}
	type step struct {
		ev  *Event
		pol *PolicyEvent
	}
	var steps []step
	for i := range events {
		steps = append(steps, step{ev: &events[i]})
	}
	for i := range policy {
		steps = append(steps, step{pol: &policy[i]})
	}
	key := func(st step) (hlc.Timestamp, string, uint64) {
		if st.ev != nil {
			return st.ev.At, st.ev.By, st.ev.Seq
		}
		return st.pol.At, st.pol.By, st.pol.Seq
	}
	slices.SortStableFunc(steps, func(a, b step) int {
		at, ab, as := key(a)
		bt, bb, bs := key(b)
		switch {
		case at != bt:
			return cmpInt(at, bt)
		case ab != bb:
			return strings.Compare(ab, bb)
		}
		return cmpInt(as, bs)
	})
	for _, st := range steps {
		at, by, seq := key(st)
		ok := s.allows(Change{Device: by, Seq: seq, HLC: at, Right: ManageRoles})
		switch {
		case st.ev != nil && ok:
			s.events = append(s.events, *st.ev)
		case st.ev != nil:
			s.Rejected = append(s.Rejected, *st.ev)
		case ok:
			s.policy = append(s.policy, *st.pol)
		default:
			s.Refused = append(s.Refused, *st.pol)
		}
	}
	return s
}

func cmpInt[T ~uint64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Roles returns the roles device held for its change seq stamped at: every team device
// is a technician; the team's creator starts as owner; a grant counts for changes
// stamped at or after it (or, with From, for its changes from that sequence on); a revocation counts for every change the revoker had not
// seen (seq beyond Seen), however it is stamped, so a revoked device cannot backdate
// its way around it. Of the events that count, the latest decides.
func (s *State) Roles(device string, seq uint64, at hlc.Timestamp) []Role {
	out := []Role{Technician}
	for _, r := range roles {
		if r == Technician {
			continue
		}
		held, when, by := device == s.genesis && r == Owner, hlc.Timestamp(0), ""
		for _, e := range s.events {
			if e.Device != device || e.Role != r {
				continue
			}
			counts := e.Grant && (e.At <= at || e.From > 0 && seq >= e.From) || !e.Grant && seq > e.Seen
			if counts && (e.At > when || e.At == when && e.By >= by) {
				held, when, by = e.Grant, e.At, e.By
			}
		}
		if held {
			out = append(out, r)
		}
	}
	return out
}

// Table returns the permissions table as it stood at at.
func (s *State) Table(at hlc.Timestamp) Table {
	t := DefaultTable()
	for _, p := range s.policy {
		if p.At <= at {
			t[p.Right] = slices.Clone(p.Roles)
		}
	}
	return t
}

func (s *State) allows(c Change) bool {
	if s.Open() || c.Right == "" {
		return true
	}
	t := s.Table(c.HLC)
	for _, r := range s.Roles(c.Device, c.Seq, c.HLC) {
		if t.Allows(r, c.Right) {
			return true
		}
	}
	return false
}

// Check returns nil when c's device held a role with the right c needs, else a
// *Refused saying what was needed.
func (s *State) Check(c Change) error {
	if s.allows(c) {
		return nil
	}
	return &Refused{Right: c.Right, Held: s.Roles(c.Device, c.Seq, c.HLC), Who: s.Table(c.HLC).Who(c.Right)}
}

// Granted lists the grants and revocations that count, in (At, By) order.
func (s *State) Granted() []Event { return slices.Clone(s.events) }

// Owners lists the devices that hold the owner role now (at the latest clock).
func (s *State) Owners() []string {
	seen := map[string]bool{}
	var out []string
	cands := []string{s.genesis}
	for _, e := range s.events {
		cands = append(cands, e.Device)
	}
	for _, d := range cands {
		if d == "" || seen[d] {
			continue
		}
		seen[d] = true
		if slices.Contains(s.Roles(d, ^uint64(0), ^hlc.Timestamp(0)), Owner) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}
