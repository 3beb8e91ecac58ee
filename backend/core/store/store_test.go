package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
)

// openTest opens a store on a fresh temporary directory and closes it when the test ends.
func openTest(t testing.TB) *Store {
	t.Helper()
	return openAt(t, t.TempDir())
}

func openAt(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{Dir: dir, DeviceName: "test", Logger: quietLogger()})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func set(t testing.TB, field string, v any, replaces []change.ID) change.Op {
	t.Helper()
	op, err := change.Set(field, v, replaces)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

func TestSecondOpenOfSameDirectoryIsRefusedClearly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := openAt(t, dir)
	_, err := Open(context.Background(), Options{Dir: dir, Logger: quietLogger()})
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Open = %v, want ErrAlreadyRunning", err)
	}
	if err.Error() != "Outpost is already running with this data directory" {
		t.Fatalf("message = %q", err.Error())
	}
	first.Close()
	again := openAt(t, dir)
	if again.Device().ID != first.Device().ID {
		t.Fatalf("device identity changed across reopen")
	}
}

func TestNewStoreRegistersItsDeviceFirst(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	hist, err := s.History(KindDevice, s.Device().ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Seq != 1 {
		t.Fatalf("device history = %+v, want its registration as sequence 1", hist)
	}
	v, _ := s.Vector()
	if v[s.Device().ID] != 1 {
		t.Fatalf("vector = %v", v)
	}
}

func TestUpdateCommitsChangeAndRecordTogether(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ctx := context.Background()
	var events []Event
	s.Subscribe(func(e Event) { events = append(events, e) })

	cs, err := s.Update(ctx, "alice", func(tx *Tx) error {
		_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", "VPN down", nil)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Seq != 2 || cs[0].Author != "alice" {
		t.Fatalf("changes = %+v", cs)
	}
	rec, err := s.Get("ticket", "t1")
	if err != nil {
		t.Fatal(err)
	}
	if rec.String("title") != "VPN down" || rec.CreatedBy != "alice" {
		t.Fatalf("record = %+v", rec)
	}
	if len(events) != 1 || !events[0].Local || events[0].Touched()["ticket"][0] != "t1" {
		t.Fatalf("events = %+v", events)
	}

	boom := errors.New("validation failed")
	_, err = s.Update(ctx, "alice", func(tx *Tx) error {
		if _, err := tx.Write("ticket", "t2", []change.Op{set(t, "title", "half", nil)}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v", err)
	}
	if _, err := s.Get("ticket", "t2"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("failed action left a record: %v", err)
	}
	v, _ := s.Vector()
	if v[s.Device().ID] != 2 {
		t.Fatalf("failed action advanced the vector: %v", v)
	}
	if len(events) != 1 {
		t.Fatalf("failed action published an event")
	}
}

func TestUpdateRejectsInvalidOps(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	_, err := s.Update(context.Background(), "a", func(tx *Tx) error {
		_, err := tx.Write("ticket", "bad/id", []change.Op{set(t, "title", "x", nil)})
		return err
	})
	if !errors.Is(err, change.ErrInvalid) {
		t.Fatalf("Update with bad entity id = %v, want ErrInvalid", err)
	}
}

func TestCountersAreLocalAndIncreasing(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	var got []uint64
	for range 3 {
		_, err := s.Update(context.Background(), "a", func(tx *Tx) error {
			n, err := tx.Next("ticket")
			got = append(got, n)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Fatalf("counter = %v", got)
	}
}

func TestApplyVerifiesOrigin(t *testing.T) {
	t.Parallel()
	a, b := openTest(t), openTest(t)
	ctx := context.Background()
	if _, err := a.Update(ctx, "alice", func(tx *Tx) error {
		_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", "printer", nil)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	all, err := a.ChangesAfter(Vector{}, 1<<20)
	if err != nil || len(all) != 2 {
		t.Fatalf("ChangesAfter = %d changes, %v", len(all), err)
	}

	t.Run("unknown device", func(t *testing.T) {
		res, err := b.Apply(all[1:2]) // seq 2 without the registration: buffered, not applied
		if err != nil || res.Buffered != 1 || res.Applied != 0 {
			t.Fatalf("Apply = %+v, %v", res, err)
		}
	})
	t.Run("forged signature", func(t *testing.T) {
		forged := all[0]
		forged.Ops = append([]change.Op{}, forged.Ops...)
		forged.Ops[1] = set(t, FieldDeviceName, "mallory", nil)
		res, err := b.Apply([]change.Change{forged})
		if err != nil || len(res.Rejected) != 1 || !errors.Is(res.Rejected[0].Err, change.ErrBadSignature) {
			t.Fatalf("Apply forged = %+v, %v", res, err)
		}
		if _, err := b.Get(KindDevice, a.Device().ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("forged registration was stored")
		}
	})
	t.Run("registration releases the buffered change", func(t *testing.T) {
		res, err := b.Apply(all[:1])
		if err != nil || res.Applied != 2 || len(res.Rejected) != 0 {
			t.Fatalf("Apply = %+v, %v", res, err)
		}
		rec, err := b.Get("ticket", "t1")
		if err != nil || rec.String("title") != "printer" {
			t.Fatalf("record on b = %+v, %v", rec, err)
		}
		res, _ = b.Apply(all)
		if res.Duplicates != 2 || res.Applied != 0 {
			t.Fatalf("second Apply = %+v, want duplicates only", res)
		}
	})
	t.Run("tampered value", func(t *testing.T) {
		if _, err := a.Update(ctx, "alice", func(tx *Tx) error {
			_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", "printer jam", nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		next, _ := a.ChangesAfter(Vector{a.Device().ID: 2}, 1<<20)
		next[0].Ops[0] = set(t, "title", "tampered", nil)
		res, _ := b.Apply(next)
		if len(res.Rejected) != 1 || !errors.Is(res.Rejected[0].Err, change.ErrBadSignature) {
			t.Fatalf("Apply tampered = %+v", res)
		}
		rec, _ := b.Get("ticket", "t1")
		if rec.String("title") != "printer" {
			t.Fatalf("tampered value reached the record: %q", rec.String("title"))
		}
	})
	t.Run("future timestamp", func(t *testing.T) {
		far := all[0]
		far.HLC = hlc.FromTime(time.Now().Add(2 * hlc.MaxDrift))
		res, _ := b.Apply([]change.Change{far})
		if len(res.Rejected) != 1 {
			t.Fatalf("Apply far-future = %+v", res)
		}
	})
}

func TestRemovedDeviceIsShutOut(t *testing.T) {
	t.Parallel()
	lead, lost := openTest(t), openTest(t)
	ctx := context.Background()
	sync := func(from, to *Store) ApplyResult {
		have, _ := to.Vector()
		cs, err := from.ChangesAfter(have, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		res, err := to.Apply(cs)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	write := func(s *Store, title string) {
		if _, err := s.Update(ctx, "x", func(tx *Tx) error {
			_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", title, nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	write(lost, "before")
	sync(lost, lead)
	have, _ := lead.Vector()
	if _, err := lead.Update(ctx, "lead", func(tx *Tx) error {
		rec, err := tx.Get(KindDevice, lost.Device().ID)
		if err != nil {
			return err
		}
		_, err = tx.Write(KindDevice, lost.Device().ID, []change.Op{
			set(t, change.FieldDeleted, true, rec.Heads(change.FieldDeleted)),
			set(t, FieldRevokedAfter, have[lost.Device().ID], nil),
		})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	write(lost, "after removal")
	res := sync(lost, lead)
	if len(res.Rejected) != 1 || !errors.Is(res.Rejected[0].Err, ErrRevoked) {
		t.Fatalf("Apply from removed device = %+v", res)
	}
	rec, _ := lead.Get("ticket", "t1")
	if rec.String("title") != "before" {
		t.Fatalf("title = %q", rec.String("title"))
	}
}

func TestReopenKeepsClockAhead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	future := time.Now().Add(30 * time.Minute)
	s, err := Open(context.Background(), Options{Dir: dir, Logger: quietLogger(), Now: func() time.Time { return future }})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.Update(context.Background(), "a", func(tx *Tx) error {
		_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", "x", nil)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	last := cs[0].HLC
	s.Close()
	s2 := openAt(t, dir)
	if next := s2.Clock().Now(); next <= last {
		t.Fatalf("clock after reopen %v not after %v", next, last)
	}
}

// A subscriber reads the committed records from the event itself, and they are
// exactly what a read of the store returns, for local updates and applied changes.
func TestEventCarriesCommittedRecords(t *testing.T) {
	t.Parallel()
	a, b := openTest(t), openTest(t)
	check := func(s *Store) func() {
		var mu sync.Mutex
		var held []change.Record
		s.Subscribe(func(e Event) {
			mu.Lock()
			defer mu.Unlock()
			for kind, ids := range e.Touched() {
				for _, id := range ids {
					if r, ok := e.Record(kind, id); ok {
						held = append(held, r)
					} else if kind != KindDevice {
						t.Errorf("event lacks %s/%s", kind, id)
					}
				}
			}
		})
		return func() {
			mu.Lock()
			defer mu.Unlock()
			if len(held) == 0 {
				t.Fatal("no records in events")
			}
			last := map[string]change.Record{}
			for _, r := range held {
				last[r.Kind+"/"+r.ID] = r
			}
			for _, r := range last {
				got, err := s.Get(r.Kind, r.ID)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := got.Encode()
				have, _ := r.Encode()
				if string(want) != string(have) {
					t.Fatalf("%s/%s: event held\n%s\nstore holds\n%s", r.Kind, r.ID, have, want)
				}
			}
		}
	}
	checkA, checkB := check(a), check(b)
	ctx := context.Background()
	for i := range 5 {
		_, err := a.Update(ctx, "alice", func(tx *Tx) error {
			rec, _ := tx.Get("ticket", "t1")
			if _, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", fmt.Sprint("edit ", i), rec.Heads("title"))}); err != nil {
				return err
			}
			_, err := tx.Write("ticket", fmt.Sprint("n", i), []change.Op{set(t, "title", "new", nil)})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	checkA()
	all, err := a.ChangesAfter(Vector{}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Apply(all); err != nil {
		t.Fatal(err)
	}
	checkB()
}
