package roles

import (
	"context"
	"errors"
	"math/rand"
	"testing"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/permission"
)

type device struct {
	st    *store.Store
	roles *Service
}

// team opens n replicas of one team whose first is its owner, each enforcing roles.
func team(t *testing.T, n int) []*device {
	t.Helper()
	var devs []*device
	var owner string
	for i := range n {
		st := storetest.Open(t)
		if i == 0 {
			owner = st.Device().ID
		}
		d := &device{st: st, roles: NewService(st, func() string { return owner })}
		t.Cleanup(d.roles.Close)
		st.SetChecker(d.roles)
		devs = append(devs, d)
	}
	exchange(t, devs...)
	return devs
}

func exchange(t *testing.T, devs ...*device) {
	t.Helper()
	var sts []*store.Store
	for _, d := range devs {
		sts = append(sts, d.st)
	}
	if err := storetest.Exchange(sts...); err != nil {
		t.Fatal(err)
	}
}

func setSLA(d *device, target int) error {
	_, err := d.st.Update(context.Background(), "someone", func(tx *store.Tx) error {
		op, err := change.Set("responseHours", target, nil)
		if err != nil {
			return err
		}
		_, err = tx.Write("settings", "sla", []change.Op{op})
		return err
	})
	return err
}

func slaOn(t *testing.T, d *device) int {
	t.Helper()
	r, err := d.st.Get("settings", "sla")
	if errors.Is(err, store.ErrNotFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return r.Int("responseHours")
}

func hash(t *testing.T, d *device) string {
	h, err := d.st.StateHash()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// injected writes as a modified build would: around its own replica's check.
func injected(t *testing.T, d *device, target int) {
	t.Helper()
	d.st.SetChecker(nil)
	defer d.st.SetChecker(d.roles)
	if err := setSLA(d, target); err != nil {
		t.Fatal(err)
	}
}

func TestATechniciansSLAChangeIsRefusedEverywhere(t *testing.T) {
	devs := team(t, 3)
	owner, tech, other := devs[0], devs[1], devs[2]
	err := setSLA(tech, 2)
	var ref *permission.Refused
	if !errors.As(err, &ref) || ref.Right != permission.ManageSLA {
		t.Fatalf("the technician's own API: %v, want a refusal naming the SLA right", err)
	}
	injected(t, tech, 1)
	exchange(t, devs...)
	for name, d := range map[string]*device{"owner": owner, "other": other} {
		if got := slaOn(t, d); got != 0 {
			t.Fatalf("%s applied the injected SLA change (%d)", name, got)
		}
		refused, err := d.st.Refused()
		if err != nil || len(refused) != 1 || refused[0].Kind != "settings" {
			t.Fatalf("%s lists refused %+v (%v), want the injected change", name, refused, err)
		}
	}
	if hash(t, owner) != hash(t, other) {
		t.Fatal("the honest replicas differ")
	}
	if err := setSLA(owner, 4); err != nil {
		t.Fatalf("the owner's SLA change: %v", err)
	}
	exchange(t, devs...)
	if slaOn(t, other) != 4 {
		t.Fatal("the owner's change did not apply")
	}
}

// A lead revoked while offline keeps what the owner had seen of its work; what it
// wrote after that is refused on every replica, its own included, once they sync.
func TestARevokedLeadKeepsEarlierWorkOnly(t *testing.T) {
	devs := team(t, 3)
	owner, lead, other := devs[0], devs[1], devs[2]
	ctx := context.Background()
	if err := owner.roles.Grant(ctx, "owner", lead.st.Device().ID, "Lena", permission.Lead); err != nil {
		t.Fatal(err)
	}
	exchange(t, devs...)
	if err := setSLA(lead, 6); err != nil {
		t.Fatalf("the lead's SLA change: %v", err)
	}
	exchange(t, devs...)
	if err := owner.roles.Revoke(ctx, "owner", lead.st.Device().ID, permission.Lead); err != nil {
		t.Fatal(err)
	}
	if err := setSLA(lead, 9); err != nil { // it has not heard of the revocation yet
		t.Fatalf("the lead's later change, offline: %v", err)
	}
	exchange(t, devs...)
	for name, d := range map[string]*device{"owner": owner, "lead": lead, "other": other} {
		if got := slaOn(t, d); got != 6 {
			t.Errorf("%s: SLA target %d, want 6 (the earlier change kept, the later refused)", name, got)
		}
	}
	if hash(t, owner) != hash(t, lead) || hash(t, owner) != hash(t, other) {
		t.Fatal("replicas differ after the revocation reached them")
	}
	if err := setSLA(lead, 3); err == nil {
		t.Fatal("the revoked lead's own API still allows SLA changes")
	}
}

// Replicas receive the same grants, revocations and SLA changes in random orders
// and piecemeal: they end identical, and so do all five honest ones after a full
// exchange (the sixth, which wrote around its own check, is left out).
func TestConcurrentRevokeAndChangeConverge(t *testing.T) {
	devs := team(t, 6)
	ctx := context.Background()
	owner, a, b := devs[0], devs[1], devs[2]
	for _, d := range []*device{a, b} {
		if err := owner.roles.Grant(ctx, "owner", d.st.Device().ID, "", permission.Lead); err != nil {
			t.Fatal(err)
		}
	}
	exchange(t, owner, a, b)
	// Concurrently: the owner revokes a, a and b change the SLA, b grants nothing (it may not).
	if err := owner.roles.Revoke(ctx, "owner", a.st.Device().ID, permission.Lead); err != nil {
		t.Fatal(err)
	}
	for i, d := range []*device{a, b, a, b} {
		if err := setSLA(d, 10+i); err != nil {
			t.Fatal(err)
		}
	}
	injected(t, devs[5], 99) // a technician's, as a modified build writes it
	if err := b.roles.Grant(ctx, "b", devs[3].st.Device().ID, "", permission.Owner); err == nil {
		t.Fatal("a lead granted owner")
	}
	var all []change.Change
	for _, d := range devs {
		cs, err := d.st.ChangesAfter(store.Vector{}, 1<<30)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, cs...)
	}
	want := ""
	for i, d := range devs[3:5] { // they held only their own registrations so far
		rng := rand.New(rand.NewSource(int64(i)))
		cs := append([]change.Change(nil), all...)
		rng.Shuffle(len(cs), func(x, y int) { cs[x], cs[y] = cs[y], cs[x] })
		for len(cs) > 0 {
			n := min(1+rng.Intn(5), len(cs))
			if _, err := d.st.Apply(cs[:n]); err != nil {
				t.Fatal(err)
			}
			cs = cs[n:]
		}
		if h := hash(t, d); want == "" {
			want = h
		} else if h != want {
			t.Fatal("replicas given the same changes in other orders differ")
		}
	}
	exchange(t, devs...)
	for _, d := range devs[:5] {
		if hash(t, d) != want {
			t.Fatal("a replica differs after a full exchange")
		}
	}
	if got := slaOn(t, devs[4]); got == 99 {
		t.Fatal("the injected change applied")
	}
}
