// Package roles keeps a team's role grants and permissions table as replicated
// records and answers, from them, what a device may do. The rule itself is
// backend/permission's; this package reads and writes the records it is built from.
//
//	grant/<device ID>   events: append-only items {role, grant, seen, person}, one per grant or revocation
//	policy/permissions  events: append-only items {right, roles}, one per change of the table
package roles

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/permission"
)

const fEvents = "events"

type grantItem struct {
	Role   permission.Role `json:"role"`
	Grant  bool            `json:"grant"`
	Seen   uint64          `json:"seen,omitempty"`
	From   uint64          `json:"from,omitempty"`
	Person string          `json:"person,omitempty"`
}

type policyItem struct {
	Right permission.Right  `json:"right"`
	Roles []permission.Role `json:"roles"`
}

// Service answers what devices may do and writes grants.
type Service struct {
	st      *store.Store
	genesis func() string // the team's creating device; "" for a team made before roles

	mu     sync.Mutex
	state  *permission.State
	cancel func()
}

// NewService returns the roles of st's team; genesis names the device that created
// the team. Close stops following the store.
func NewService(st *store.Store, genesis func() string) *Service {
	s := &Service{st: st, genesis: genesis}
	s.cancel = st.Subscribe(func(e store.Event) {
		t := e.Touched()
		if len(t[permission.KindGrant]) > 0 || len(t[permission.KindPolicy]) > 0 {
			s.mu.Lock()
			s.state = nil
			s.mu.Unlock()
		}
	})
	return s
}

// Close stops following the store.
func (s *Service) Close() { s.cancel() }

// Reset forgets the state built, for a team that changed (joined, left).
func (s *Service) Reset() {
	s.mu.Lock()
	s.state = nil
	s.mu.Unlock()
}

// State is the team's roles as the records on this replica say.
func (s *Service) State() (*permission.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != nil {
		return s.state, nil
	}
	events, policy, err := s.read()
	if err != nil {
		return nil, err
	}
	s.state = permission.Build(s.genesis(), events, policy)
	return s.state, nil
}

func (s *Service) read() ([]permission.Event, []permission.PolicyEvent, error) {
	var events []permission.Event
	err := s.st.Scan(permission.KindGrant, func(r change.Record) error {
		for _, it := range r.Items[fEvents] {
			var g grantItem
			dev, seq, ok := itemOrigin(it.ID)
			if !ok || json.Unmarshal(it.Value, &g) != nil || !g.Role.Valid() {
				continue
			}
			events = append(events, permission.Event{Device: r.ID, Person: g.Person, Role: g.Role, Grant: g.Grant, Seen: g.Seen,
				From: g.From, At: it.At, By: dev, Seq: seq})
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read grants: %w", err)
	}
	var policy []permission.PolicyEvent
	err = s.st.Scan(permission.KindPolicy, func(r change.Record) error {
		for _, it := range r.Items[fEvents] {
			var p policyItem
			dev, seq, ok := itemOrigin(it.ID)
			if !ok || json.Unmarshal(it.Value, &p) != nil {
				continue
			}
			policy = append(policy, permission.PolicyEvent{Right: p.Right, Roles: p.Roles, At: it.At, By: dev, Seq: seq})
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read the permissions table: %w", err)
	}
	return events, policy, nil
}

// itemOrigin reads the device and sequence of the change that wrote an item
// ("<device>.<seq>.<op>").
func itemOrigin(id string) (string, uint64, bool) {
	parts := strings.Split(id, ".")
	if len(parts) != 3 {
		return "", 0, false
	}
	seq, err := strconv.ParseUint(parts[1], 10, 64)
	return parts[0], seq, err == nil
}

// Check decides one change: nil, or a *permission.Refused.
func (s *Service) Check(c *change.Change) error {
	right := permission.Need(c.Kind, c.Entity, c.Ops)
	if right == "" {
		return nil
	}
	st, err := s.State()
	if err != nil {
		return err
	}
	return st.Check(permission.Change{Device: c.Device, Seq: c.Seq, HLC: c.HLC, Right: right})
}

// May reports whether this device holds right now: what the UI shows or hides.
func (s *Service) May(right permission.Right) error {
	st, err := s.State()
	if err != nil {
		return err
	}
	return st.Check(permission.Change{Device: s.st.Device().ID, Seq: ^uint64(0), HLC: s.st.Clock().Now(), Right: right})
}

// Grant gives device the role (person names whose device it is, for people to read).
func (s *Service) Grant(ctx context.Context, author, device, person string, role permission.Role) error {
	if !role.Valid() || role == permission.Technician {
		return field.Errorf("role", "choose owner, lead or coordinator (every team device is a technician)")
	}
	return s.event(ctx, author, device, grantItem{Role: role, Grant: true, Person: person})
}

// Revoke takes the role from device: its changes this replica has not seen yet when
// the revocation is written are refused on every replica, however they are stamped.
func (s *Service) Revoke(ctx context.Context, author, device string, role permission.Role) error {
	if !role.Valid() || role == permission.Technician {
		return field.Errorf("role", "choose owner, lead or coordinator")
	}
	vec, err := s.st.Vector()
	if err != nil {
		return err
	}
	if role == permission.Owner {
		st, err := s.State()
		if err != nil {
			return err
		}
		if owners := st.Owners(); len(owners) == 1 && owners[0] == device {
			return field.Errorf("role", "this is the team's only owner: make another owner first")
		}
	}
	return s.event(ctx, author, device, grantItem{Role: role, Seen: vec[device]})
}

func (s *Service) event(ctx context.Context, author, device string, it grantItem) error {
	if !change.ValidName(device) {
		return field.Errorf("device", "%q is not a device of the team", device)
	}
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error { return writeEvent(tx, device, it) })
	return err
}

// GrantAll gives device the role for all its changes, however they are stamped,
// inside tx: what an action that loads data from another device (the demo, with a
// year of history stamped in the past) does before that device's changes arrive.
func GrantAll(tx *store.Tx, device, person string, role permission.Role) error {
	return writeEvent(tx, device, grantItem{Role: role, Grant: true, From: 1, Person: person})
}

func writeEvent(tx *store.Tx, device string, it grantItem) error {
	if _, err := tx.Get(store.KindDevice, device); err != nil {
		return field.Errorf("device", "%q is not a device of the team", device)
	}
	op, err := change.Append(fEvents, it)
	if err != nil {
		return err
	}
	_, err = tx.Write(permission.KindGrant, device, []change.Op{op})
	return err
}

// SetTable changes which roles hold right (owners always do).
func (s *Service) SetTable(ctx context.Context, author string, right permission.Right, roles []permission.Role) error {
	if !slices.ContainsFunc(permission.Defaults(), func(r permission.Row) bool { return r.Right == right }) {
		return field.Errorf("right", "%q is not a right", right)
	}
	for _, r := range roles {
		if !r.Valid() {
			return field.Errorf("roles", "%q is not a role", r)
		}
	}
	_, err := s.st.Update(ctx, author, func(tx *store.Tx) error {
		op, err := change.Append(fEvents, policyItem{Right: right, Roles: roles})
		if err != nil {
			return err
		}
		_, err = tx.Write(permission.KindPolicy, permission.PolicyID, []change.Op{op})
		return err
	})
	return err
}

// Scope says whose verdicts a change may alter: a grant or revocation those of the
// device it names and of the devices that device granted roles to (its grants may
// count now, or no longer); a change of the table those of every device.
func (s *Service) Scope(c *change.Change) ([]string, bool) {
	switch c.Kind {
	case permission.KindGrant:
		out := []string{c.Entity}
		if st, err := s.State(); err == nil {
			for _, e := range append(st.Granted(), st.Rejected...) {
				if e.By == c.Entity && !slices.Contains(out, e.Device) {
					out = append(out, e.Device)
				}
			}
		}
		return out, false
	case permission.KindPolicy:
		return nil, true
	}
	return nil, false
}

var _ store.Checker = (*Service)(nil)
