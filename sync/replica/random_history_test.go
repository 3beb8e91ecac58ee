package replica

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// The shape of one random history.
const (
	historyPeers   = 5
	historyRecords = 3 // records every history starts writing to; creates add more
	maxRecords     = 7
	minSteps       = 40
	maxSteps       = 120
)

var (
	historyFields = []string{"title", "status", "priority", "assignee"}
	historyTags   = []string{"vpn", "printer", "email"}
)

// runResult is what one history did and found.
type runResult struct {
	steps                  []string
	acked, lost, conflicts int
	crashes, restarts      int
	divergent              bool
	hash                   string // the healed replicas' state hash
}

// historyPeer is one replica of a history: a real store in its own directory.
type historyPeer struct {
	name   string
	dir    string
	st     *store.Store
	skew   time.Duration   // how far its wall clock is off the history's time
	unsent []change.Change // its local changes not yet broadcast live
}

// history is one seeded run: five peers, who can reach whom, and every write acknowledged.
type history struct {
	rng     *rand.Rand
	now     time.Time // the history's time; a peer's clock reads now+skew
	peers   []*historyPeer
	group   []int // peers in the same group reach each other
	records []string
	acked   []change.Change
	res     *runResult
}

// playSeed plays the history of seed in a directory under base, checks the
// healed replicas, and closes and removes everything it opened, whatever happens.
func playSeed(seed uint64, base string) (res runResult, err error) {
	h := &history{
		rng: rand.New(rand.NewPCG(seed, 0x6f7574706f7374)),
		now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), res: &res,
	}
	dir := filepath.Join(base, fmt.Sprint(seed))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
		if cerr := h.closeAll(); cerr != nil && err == nil {
			err = cerr
		}
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = rerr
		}
	}()
	if err := h.open(dir); err != nil {
		return res, err
	}
	steps := minSteps + h.rng.IntN(maxSteps-minSteps+1)
	for range steps {
		if err := h.step(); err != nil {
			return res, err
		}
	}
	h.note("final heal")
	if err := h.healAll(); err != nil {
		return res, err
	}
	err = h.check() // before res is returned: check records what it finds there
	return res, err
}

func (h *history) note(format string, a ...any) {
	h.res.steps = append(h.res.steps, fmt.Sprintf("%3d ", len(h.res.steps)+1)+fmt.Sprintf(format, a...))
}

func (h *history) open(dir string) error {
	for i := range historyPeers {
		p := &historyPeer{name: fmt.Sprint("p", i), dir: filepath.Join(dir, fmt.Sprint("p", i))}
		var seed [32]byte
		for j := range 4 {
			u := h.rng.Uint64()
			for k := range 8 {
				seed[j*8+k] = byte(u >> (8 * k))
			}
		}
		if err := h.openPeer(p, rand.NewChaCha8(seed)); err != nil {
			return err
		}
		h.peers = append(h.peers, p)
		h.group = append(h.group, 0)
	}
	for i := range historyRecords {
		h.records = append(h.records, fmt.Sprint("r", i))
	}
	return nil
}

// openPeer opens p's store; random makes its identity when the directory is new.
func (h *history) openPeer(p *historyPeer, random *rand.ChaCha8) error {
	opts := store.Options{Dir: p.dir, DeviceName: p.name, Logger: quiet(), Now: func() time.Time { return h.now.Add(p.skew) }}
	if random != nil {
		opts.Random = random
	}
	st, err := store.Open(context.Background(), opts)
	if err != nil {
		return fmt.Errorf("open %s: %w", p.name, err)
	}
	p.st = st
	return nil
}

func (h *history) closeAll() error {
	var first error
	for _, p := range h.peers {
		if p.st == nil {
			continue
		}
		if err := p.st.Close(); err != nil && first == nil {
			first = fmt.Errorf("close %s: %w", p.name, err)
		}
		p.st = nil
	}
	return first
}

// step plays one random step on a random peer.
func (h *history) step() error {
	h.now = h.now.Add(time.Duration(h.rng.IntN(4)) * time.Millisecond) // 0: timestamps tie on the wall clock
	p := h.rng.IntN(len(h.peers))
	switch r := h.rng.IntN(100); {
	case r < 27:
		return h.edit(p)
	case r < 30:
		return h.bulk(p)
	case r < 36:
		return h.editMany(p)
	case r < 40:
		return h.create(p)
	case r < 43:
		return h.remove(p)
	case r < 50:
		return h.comment(p)
	case r < 56:
		return h.tag(p)
	case r < 71:
		return h.broadcast(p)
	case r < 86:
		return h.pullFromGroup(p)
	case r < 90:
		h.partition()
	case r < 92:
		h.heal()
	case r < 95:
		return h.restart(p)
	case r < 97:
		return h.crash(p)
	default:
		h.setSkew(p)
	}
	return nil
}

func (h *history) pick(from []string) string { return from[h.rng.IntN(len(from))] }

// write runs one user action on peer i and keeps the changes it acknowledged.
func (h *history) write(i int, what string, fn func(tx *store.Tx) error) error {
	p := h.peers[i]
	h.note("%s %s", p.name, what)
	cs, err := p.st.Update(context.Background(), p.name, fn)
	if err != nil {
		return fmt.Errorf("%s %s: %w", p.name, what, err)
	}
	h.acked = append(h.acked, cs...)
	p.unsent = append(p.unsent, cs...)
	h.res.acked += len(cs)
	return nil
}

// set writes value to field of record id, replacing the heads this replica holds.
func set(tx *store.Tx, id string, fields []string, values ...any) error {
	rec, _ := tx.Get("ticket", id) // not here yet: a new record (or the same one, created elsewhere)
	var ops change.Ops
	for i, f := range fields {
		ops.Put(rec, f, values[i])
	}
	list, err := ops.List()
	if err != nil {
		return err
	}
	_, err = tx.Write("ticket", id, list)
	return err
}

func (h *history) edit(i int) error {
	id, f := h.pick(h.records), h.pick(historyFields)
	v := fmt.Sprintf("%s %d", f, h.rng.IntN(100))
	return h.write(i, fmt.Sprintf("set %s.%s=%q", id, f, v), func(tx *store.Tx) error {
		return set(tx, id, []string{f}, v)
	})
}

// editMany changes two fields of one record and a field of another in one action.
func (h *history) editMany(i int) error {
	a, b := h.pick(h.records), h.pick(h.records)
	f1, f2, f3 := h.pick(historyFields), h.pick(historyFields), h.pick(historyFields)
	if f1 == f2 {
		f2 = "note"
	}
	n := h.rng.IntN(100)
	return h.write(i, fmt.Sprintf("set %s.%s,%s and %s.%s (%d) in one action", a, f1, f2, b, f3, n), func(tx *store.Tx) error {
		if err := set(tx, a, []string{f1, f2}, n, n); err != nil {
			return err
		}
		return set(tx, b, []string{f3}, n)
	})
}

// bulk writes a few changes as an import does (Tx.Bulk): only the last is
// signed, and vouches for those before it, so a peer that gets them without it
// holds them back until it comes.
func (h *history) bulk(i int) error {
	ids, v := make([]string, 2+h.rng.IntN(5)), h.rng.IntN(1000)
	for k := range ids {
		ids[k] = h.pick(h.records)
	}
	return h.write(i, fmt.Sprintf("import notes on %v (%d)", ids, v), func(tx *store.Tx) error {
		tx.Bulk()
		for k, id := range ids {
			if err := set(tx, id, []string{"note"}, fmt.Sprint("import ", v, ".", k)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (h *history) create(i int) error {
	if len(h.records) == maxRecords {
		return h.edit(i)
	}
	id := fmt.Sprint("r", len(h.records))
	h.records = append(h.records, id)
	return h.write(i, "create "+id, func(tx *store.Tx) error {
		return set(tx, id, []string{"title", "status"}, "new ticket "+id, "new")
	})
}

// remove deletes a record (a tombstone), or now and then restores one.
func (h *history) remove(i int) error {
	id, del := h.pick(h.records), h.rng.IntN(4) > 0
	return h.write(i, fmt.Sprintf("set %s.deleted=%v", id, del), func(tx *store.Tx) error {
		return set(tx, id, []string{change.FieldDeleted}, del)
	})
}

func (h *history) comment(i int) error {
	id, n := h.pick(h.records), h.rng.IntN(1000)
	return h.write(i, fmt.Sprintf("comment %d on %s", n, id), func(tx *store.Tx) error {
		op, err := change.Append("comments", fmt.Sprint("comment ", n))
		if err != nil {
			return err
		}
		_, err = tx.Write("ticket", id, []change.Op{op})
		return err
	})
}

// tag adds a tag to a record or removes it (the adds this replica has seen).
func (h *history) tag(i int) error {
	id, tag, add := h.pick(h.records), h.pick(historyTags), h.rng.IntN(2) == 0
	return h.write(i, fmt.Sprintf("tag %s %s (add %v)", id, tag, add), func(tx *store.Tx) error {
		rec, _ := tx.Get("ticket", id)
		var ops change.Ops
		if !add {
			ops.Remove(rec, "tags", tag)
		}
		if ops.Len() == 0 {
			ops.Add("tags", tag)
		}
		list, _ := ops.List()
		_, err := tx.Write("ticket", id, list)
		return err
	})
}

// restart closes peer i's store and opens it again; what it had not broadcast stays unsent.
func (h *history) restart(i int) error {
	p := h.peers[i]
	h.note("%s restarts", p.name)
	h.res.restarts++
	if err := p.st.Close(); err != nil {
		return fmt.Errorf("close %s: %w", p.name, err)
	}
	p.st, p.unsent = nil, nil
	return h.openPeer(p, nil)
}

// crash models kill -9 of peer i: its directory is copied as the files stand
// while the store is open (every acknowledged commit is synced, and a killed
// process leaves exactly what it wrote), the store is dropped, and the copy opened
// in its place. A store cannot be abandoned open within one process: Badger keeps
// the directory locked and its memory held until Close. Steps run one at a time,
// so no write is under way while the files are copied, and copyStill waits out
// Badger's own background work.
func (h *history) crash(i int) error {
	p := h.peers[i]
	h.note("%s crashes (kill -9) and starts again", p.name)
	h.res.crashes++
	left := p.dir + ".killed"
	if err := copyStill(p.dir, left); err != nil {
		return fmt.Errorf("copy %s as it crashed: %w", p.name, err)
	}
	if err := p.st.Close(); err != nil {
		return fmt.Errorf("close %s: %w", p.name, err)
	}
	p.st, p.unsent = nil, nil
	if err := os.RemoveAll(p.dir); err != nil {
		return err
	}
	if err := os.Rename(left, p.dir); err != nil {
		return err
	}
	return h.openPeer(p, nil)
}

// setSkew moves peer i's wall clock up to 2 s either way of the history's time (back, too).
func (h *history) setSkew(i int) {
	p := h.peers[i]
	p.skew = time.Duration(h.rng.IntN(4001)-2000) * time.Millisecond
	h.note("%s clock skew %s", p.name, p.skew)
}
