package replica

import (
	"fmt"
	"maps"
	"strings"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
)

// broadcast hands peer i's new changes to the others in its group, as live
// gossip does: each change to each peer can be lost, and they arrive in any order.
func (h *history) broadcast(i int) error {
	p := h.peers[i]
	var to []string
	for j, q := range h.peers {
		if j == i || h.group[j] != h.group[i] {
			continue
		}
		var cs []change.Change
		for _, c := range p.unsent {
			if h.rng.IntN(5) > 0 {
				cs = append(cs, c)
			}
		}
		h.rng.Shuffle(len(cs), func(a, b int) { cs[a], cs[b] = cs[b], cs[a] })
		if len(cs) == 0 {
			continue
		}
		to = append(to, fmt.Sprintf("%s:%d", q.name, len(cs)))
		if err := applyLive(q, p, cs); err != nil {
			return err
		}
	}
	h.note("%s broadcasts %d changes to [%s]", p.name, len(p.unsent), strings.Join(to, " "))
	p.unsent = nil
	return nil
}

// applyLive hands from's live changes cs to to, and checks that to then holds
// every one it could take in: those that follow its vector without a gap, up to the
// last signed one (which vouches for the unsigned ones before it).
func applyLive(to, from *historyPeer, cs []change.Change) error {
	dev := from.st.Device().ID
	v, err := to.st.Vector()
	if err != nil {
		return err
	}
	res, err := to.st.Apply(cs)
	if err != nil {
		return fmt.Errorf("%s applies a broadcast of %s: %w", to.name, from.name, err)
	}
	if len(res.Rejected) > 0 {
		return fmt.Errorf("%s refused a broadcast of %s: %+v", to.name, from.name, res.Rejected)
	}
	signed := map[uint64]bool{}
	for _, c := range cs {
		signed[c.Seq] = c.Signed()
	}
	want := v[dev]
	for s := v[dev] + 1; ; s++ {
		is, ok := signed[s]
		if !ok {
			break
		}
		if is {
			want = s
		}
	}
	after, err := to.st.Vector()
	if err != nil {
		return err
	}
	if after[dev] < want {
		return fmt.Errorf("%s was given %s's changes %d to %d (the last signed) but holds them up to %d only (%+v)",
			to.name, from.name, v[dev]+1, want, after[dev], res)
	}
	return nil
}

// pullFromGroup makes peer i pull from another peer of its group.
func (h *history) pullFromGroup(i int) error {
	var in []int
	for j := range h.peers {
		if j != i && h.group[j] == h.group[i] {
			in = append(in, j)
		}
	}
	if len(in) == 0 {
		h.note("%s is alone: no pull", h.peers[i].name)
		return nil
	}
	from := in[h.rng.IntN(len(in))]
	chunk := 1 << (8 + h.rng.IntN(7)) // 256 B to 16 KiB: several chunks per answer
	whole := h.rng.IntN(4) > 0        // else the pull is cut short after one answer
	n, err := pull(h.peers[i], h.peers[from], chunk, h.rng.IntN(4)+1, whole)
	h.note("%s pulls %d changes from %s (chunks of %d B, whole %v)", h.peers[i].name, n, h.peers[from].name, chunk, whole)
	return err
}

// pull fetches what to lacks from from as the replica's pull does: from answers
// to's vector with up to parts chunks of about chunk bytes (servePull), and to
// applies each chunk whole (takeChunk). Unless whole, it stops after one answer.
func pull(to, from *historyPeer, chunk, parts int, whole bool) (int, error) {
	got := 0
	for range 10_000 {
		have, err := to.st.Vector()
		if err != nil {
			return got, err
		}
		after := store.Vector{}
		for d, s := range have {
			after[d] = s
		}
		var answer [][]change.Change
		for range parts {
			cs, err := from.st.ChangesAfter(after, chunk)
			if err != nil {
				return got, fmt.Errorf("%s reads changes for %s: %w", from.name, to.name, err)
			}
			if len(cs) == 0 {
				break
			}
			for _, c := range cs {
				after[c.Device] = max(after[c.Device], c.Seq)
			}
			answer = append(answer, cs)
		}
		if len(answer) == 0 {
			return got, nil
		}
		progress := false
		for _, cs := range answer {
			res, err := to.st.ApplyAll(cs)
			if err != nil {
				return got, fmt.Errorf("%s applies a chunk from %s: %w", to.name, from.name, err)
			}
			if len(res.Rejected) > 0 {
				return got, fmt.Errorf("%s refused a chunk from %s: %+v", to.name, from.name, res.Rejected)
			}
			got += res.Applied
			progress = progress || res.Applied > 0
		}
		if !whole || !progress {
			return got, nil // cut short, or nothing more to take from this peer now
		}
	}
	return got, fmt.Errorf("%s kept taking changes from %s: 10,000 answers", to.name, from.name)
}

// partition splits the peers into two or three groups at random.
func (h *history) partition() {
	k := 2 + h.rng.IntN(2)
	groups := make([][]string, k)
	for i, p := range h.peers {
		h.group[i] = h.rng.IntN(k)
		groups[h.group[i]] = append(groups[h.group[i]], p.name)
	}
	var s []string
	for _, g := range groups {
		s = append(s, strings.Join(g, " "))
	}
	h.note("partition [%s]", strings.Join(s, " | "))
}

func (h *history) heal() {
	for i := range h.group {
		h.group[i] = 0
	}
	h.note("heal")
}

// healAll reconnects everyone and lets each peer pull from every other until all
// hold the same vector: the anti-entropy a healed network ends with.
func (h *history) healAll() error {
	h.heal()
	for round := range 3 {
		for _, to := range h.peers {
			for _, from := range h.peers {
				if to == from {
					continue
				}
				if _, err := pull(to, from, 64<<10, 4, true); err != nil {
					return err
				}
			}
		}
		same, err := h.sameVectors()
		if err != nil || same {
			return err
		}
		if round == 2 {
			return fmt.Errorf("vectors still differ after every peer pulled from every other, three times")
		}
	}
	return nil
}

func (h *history) sameVectors() (bool, error) {
	var first store.Vector
	for i, p := range h.peers {
		v, err := p.st.Vector()
		if err != nil {
			return false, err
		}
		if i == 0 {
			first = v
		} else if !maps.Equal(first, v) {
			return false, nil
		}
	}
	return true, nil
}
