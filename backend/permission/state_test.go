package permission

import (
	"errors"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
)

func grant(dev string, r Role, at hlc.Timestamp, by string, seq uint64) Event {
	return Event{Device: dev, Role: r, Grant: true, At: at, By: by, Seq: seq}
}

func revoke(dev string, r Role, seen uint64, at hlc.Timestamp, by string, seq uint64) Event {
	return Event{Device: dev, Role: r, Seen: seen, At: at, By: by, Seq: seq}
}

func TestTechnicianCannotChangeTheSLAPolicy(t *testing.T) {
	s := Build("owner-dev", nil, nil)
	need := Need("settings", "sla", nil)
	if need != ManageSLA {
		t.Fatalf("an SLA settings change needs %q", need)
	}
	err := s.Check(Change{Device: "tech-dev", Seq: 5, HLC: 100, Right: need})
	var ref *Refused
	if !errors.As(err, &ref) || !errors.Is(err, ErrNotAllowed) {
		t.Fatalf("a technician's SLA change: %v", err)
	}
	if !strings.Contains(err.Error(), "owner or lead") || !strings.Contains(err.Error(), "technician") {
		t.Fatalf("the refusal does not say who may: %q", err)
	}
	if err := s.Check(Change{Device: "owner-dev", Seq: 5, HLC: 100, Right: need}); err != nil {
		t.Fatalf("the owner's SLA change: %v", err)
	}
	if err := s.Check(Change{Device: "tech-dev", Seq: 6, HLC: 100, Right: Need("ticket", "t1", nil)}); err != nil {
		t.Fatalf("a technician's ticket edit: %v", err)
	}
}

// A revoked lead's changes the revoker had seen are kept; later ones are refused,
// even stamped before the revocation; a new grant counts from its clock on.
func TestRevocationCoversWhatTheRevokerHadNotSeen(t *testing.T) {
	events := []Event{
		grant("lead-dev", Lead, 10, "owner-dev", 1),
		revoke("lead-dev", Lead, 20, 50, "owner-dev", 2),
		grant("lead-dev", Lead, 70, "owner-dev", 3),
	}
	s := Build("owner-dev", events, nil)
	cases := []struct {
		name string
		seq  uint64
		at   hlc.Timestamp
		ok   bool
	}{
		{"before the grant", 3, 5, false},
		{"after the grant, seen by the revoker", 18, 30, true},
		{"after the revocation", 21, 60, false},
		{"not seen, stamped before the revocation", 22, 30, false},
		{"after the new grant", 23, 80, true},
		{"not seen, stamped between revocation and new grant", 24, 65, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.Check(Change{Device: "lead-dev", Seq: c.seq, HLC: c.at, Right: ManageSLA})
			if (err == nil) != c.ok {
				t.Fatalf("allowed %v, want %v (%v)", err == nil, c.ok, err)
			}
		})
	}
}

// Grants written by a device without the right to grant are not counted, and are
// listed as rejected; the owner can hand ManageRoles on.
func TestOnlyRoleManagersGrant(t *testing.T) {
	events := []Event{
		grant("tech-dev", Owner, 10, "tech-dev", 1),  // self-promotion
		grant("lead-dev", Owner, 20, "owner-dev", 4), // the owner makes a second owner
		grant("tech2-dev", Lead, 30, "lead-dev", 2),  // ... who grants in turn
		grant("tech3-dev", Lead, 15, "lead-dev", 1),  // stamped before lead-dev was an owner
	}
	s := Build("owner-dev", events, nil)
	if len(s.Rejected) != 2 {
		t.Fatalf("rejected %+v, want the self-promotion and the early grant", s.Rejected)
	}
	if !slices.Contains(s.Roles("tech2-dev", 1, 40), Lead) || slices.Contains(s.Roles("tech-dev", 2, 40), Owner) {
		t.Fatal("grant validity was not decided by the writer's role")
	}
	if got := s.Owners(); !slices.Equal(got, []string{"lead-dev", "owner-dev"}) {
		t.Fatalf("owners %v", got)
	}
}

func TestPolicyChangesCountFromTheirClockAndOnlyFromOwners(t *testing.T) {
	pol := []PolicyEvent{
		{Right: ManageSLA, Roles: []Role{Coordinator}, At: 50, By: "owner-dev", Seq: 3},
		{Right: ManageSLA, Roles: []Role{Technician}, At: 60, By: "tech-dev", Seq: 9},
	}
	s := Build("owner-dev", []Event{grant("coord-dev", Coordinator, 1, "owner-dev", 1)}, pol)
	if len(s.Refused) != 1 {
		t.Fatalf("refused %+v, want the technician's", s.Refused)
	}
	if s.Check(Change{Device: "coord-dev", Seq: 2, HLC: 40, Right: ManageSLA}) == nil {
		t.Fatal("a coordinator changed the SLA before the table allowed it")
	}
	if err := s.Check(Change{Device: "coord-dev", Seq: 3, HLC: 55, Right: ManageSLA}); err != nil {
		t.Fatalf("a coordinator after the table allowed it: %v", err)
	}
	if s.Check(Change{Device: "owner-dev", Seq: 4, HLC: 55, Right: ManageSLA}) != nil {
		t.Fatal("an owner lost a right to the table")
	}
}

// Five replicas that receive the same grants, revocations and changes in random
// orders reach the same verdict on every change.
func TestVerdictsDoNotDependOnArrivalOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	devs := []string{"owner-dev", "a", "b", "c"}
	var events []Event
	for i := range 40 {
		by := devs[rng.Intn(len(devs))]
		e := Event{Device: devs[1+rng.Intn(3)], Role: roles[rng.Intn(3)], Grant: rng.Intn(3) > 0,
			Seen: uint64(rng.Intn(30)), At: hlc.Timestamp(rng.Intn(100)), By: by, Seq: uint64(i + 1)}
		events = append(events, e)
	}
	var changes []Change
	for i := range 200 {
		changes = append(changes, Change{Device: devs[rng.Intn(4)], Seq: uint64(i % 40), HLC: hlc.Timestamp(rng.Intn(120)),
			Right: defaults[rng.Intn(len(defaults))].Right})
	}
	verdicts := func(es []Event) []bool {
		s := Build("owner-dev", es, nil)
		out := make([]bool, len(changes))
		for i, c := range changes {
			out[i] = s.Check(c) == nil
		}
		return out
	}
	want := verdicts(events)
	for r := range 5 {
		shuffled := slices.Clone(events)
		rand.New(rand.NewSource(int64(r))).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := verdicts(shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("replica %d reached other verdicts", r)
		}
	}
}

func TestNeed(t *testing.T) {
	del, _ := change.Set(change.FieldDeleted, true, nil)
	title, _ := change.Set("title", "x", nil)
	cases := []struct {
		kind, id string
		ops      []change.Op
		want     Right
	}{
		{"ticket", "t", []change.Op{title}, WorkTickets},
		{"ticket", "t", []change.Op{del}, DeleteRecords},
		{"sop", "s", []change.Op{del}, DeleteRecords},
		{"settings", "sla", nil, ManageSLA},
		{"settings", "categories", nil, ManageTeam},
		{"device", "d", []change.Op{title}, ""},
		{"device", "d", []change.Op{del}, ManageDevices},
		{"teamkey", "k", nil, ManageDevices},
		{"grant", "d", nil, ManageRoles},
		{"mailbox", "m", nil, ManageMail},
		{"coaching", "c", nil, WriteCoaching},
		{"escalation-path", "p", nil, ManageEscalation},
	}
	for _, c := range cases {
		if got := Need(c.kind, c.id, c.ops); got != c.want {
			t.Errorf("%s %v: %q, want %q", c.kind, c.ops, got, c.want)
		}
	}
}

// A grant from a sequence on covers a device's history however it is stamped (the
// demo's year of changes, stamped in the past), and nothing before that sequence.
func TestGrantFromASequenceCoversBackdatedHistory(t *testing.T) {
	s := Build("owner-dev", []Event{{Device: "demo-dev", Role: Lead, Grant: true, From: 2, At: 1000, By: "owner-dev", Seq: 1}}, nil)
	if err := s.Check(Change{Device: "demo-dev", Seq: 5, HLC: 10, Right: WriteCoaching}); err != nil {
		t.Fatalf("a change from the granted sequence on, stamped long before: %v", err)
	}
	if s.Check(Change{Device: "demo-dev", Seq: 1, HLC: 10, Right: WriteCoaching}) == nil {
		t.Fatal("a change before the granted sequence counted")
	}
}
