package replica

import (
	"fmt"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/wire"
)

// smallCommit is the most changes one commit sends whole; a larger commit (an
// import, a bulk edit) is announced by one notice per device and pulled in chunks.
const smallCommit = 16

// onCommit hands committed changes to the replica goroutine: local ones for
// sending, and any that touch the device list or the team keys for the trust
// state. It runs on the committing goroutine and does not block.
func (r *Replica) onCommit(e store.Event) {
	trust := false
	for _, c := range e.Changes {
		if c.Kind == store.KindDevice || c.Kind == KindTeamKey {
			trust = true
		}
	}
	if trust {
		r.do(func() { r.refreshRemoved(); r.advanceRotation() })
	}
	if !e.Local {
		return
	}
	cs := e.Changes
	if !r.do(func() { r.announce(cs) }) {
		r.count(func(s *Stats) { s.InboxFull++ }) // peers will pull these on the next state exchange
	}
}

// announce sends new local changes to every live member at once (a packet each:
// the fast path), and queues a small notice of each on the gossip broadcast
// queue, so a member that lost the packet still hears of the change and pulls it.
// A change too large for one packet, or a large commit, is announced by notice only.
func (r *Replica) announce(cs []change.Change) {
	var members []string
	for _, m := range r.ml.Members() {
		if m.Name != r.self && !r.isRemoved(m.Name) {
			members = append(members, m.Name)
		}
	}
	if len(cs) > smallCommit {
		last := cs[len(cs)-1] // local changes are in sequence order: one notice covers them all
		for _, c := range cs {
			last.Seq = max(last.Seq, c.Seq)
		}
		r.notify(members, last.Device, last.Seq, true)
		return
	}
	for _, c := range cs {
		msg, err := wire.Encode(wire.TypeChange, wire.Change{Change: c}) // from its origin: From is implied
		if err != nil || len(msg) > wire.MaxPacket {
			r.notify(members, c.Device, c.Seq, true)
			continue
		}
		r.sendPacket(members, msg)
		r.notify(members, c.Device, c.Seq, false)
	}
}

// notify queues a notice of device:seq on the gossip queue and, when direct, also
// sends it to every member at once.
func (r *Replica) notify(members []string, device string, seq uint64, direct bool) {
	from := r.self
	if device == r.self {
		from = "" // implied: a notice from the change's own device
	}
	notice, err := wire.Encode(wire.TypeHave, wire.Have{From: from, Device: device, Seq: seq})
	if err != nil {
		r.log.Error("encode notice", "err", err)
		return
	}
	if direct {
		r.sendPacket(members, notice)
	}
	r.bq.QueueBroadcast(&gossip.Broadcast{Key: fmt.Sprintf("h:%s:%d", device, seq), Msg: notice})
}

func (r *Replica) sendPacket(members []string, msg []byte) {
	for _, m := range r.ml.Members() {
		for _, name := range members {
			if m.Name == name {
				_ = r.ml.SendBestEffort(m, msg)
			}
		}
	}
}

// decoded is a message from a peer as wire.Decode read it, or why it could not.
type decoded struct {
	m   wire.Message
	err error
}

// decode reads a raw message from a peer.
func decode(raw []byte) decoded {
	m, err := wire.Decode(raw)
	return decoded{m, err}
}

// handle acts on decoded messages from peers. Live changes in the batch are
// applied together in one call to the store.
func (r *Replica) handle(batch []decoded) {
	var vec store.Vector
	lacks := func(device string, seq uint64) bool {
		if vec == nil {
			vec = r.vector()
		}
		return vec[device] < seq
	}
	var live []change.Change
	seen := map[change.ID]bool{}
	senders := map[string]bool{}
	by := map[change.ID]string{}
	for _, d := range batch {
		m, err := d.m, d.err
		from := m.From()
		if from == r.self || r.muted(from) && !keptWhileMuted(m, err, r.isMember(from)) {
			continue
		}
		if err != nil {
			r.drop(from, err)
			continue
		}
		r.count(func(s *Stats) { s.Received++ })
		switch {
		case m.Change != nil:
			c := m.Change.Change
			r.noteHolds(from, c.Device, c.Seq)
			if lacks(c.Device, c.Seq) && !seen[c.ID()] && r.due(c.Device) {
				seen[c.ID()] = true
				live = append(live, c)
				senders[from] = true
				by[c.ID()] = from
			}
		case m.Have != nil:
			if from == m.Have.Device {
				r.noteHolds(from, m.Have.Device, m.Have.Seq)
			}
			if lacks(m.Have.Device, m.Have.Seq) && r.due(m.Have.Device) && r.firstNotice(m.Have) {
				r.relayNotice(m.Have)
				r.pull(from)
			}
		case m.Pull != nil:
			r.servePull(from, m.Pull, 0)
		case m.Chunk != nil:
			r.onChunk(from, m.Chunk)
			vec = nil
		case m.State != nil:
			r.onState(from, m.State.Vector)
		}
	}
	if len(live) == 0 {
		return
	}
	res, err := r.st.Apply(live)
	if err != nil {
		r.log.Error("apply changes", "err", err)
		return
	}
	r.rejected(res, live, func(id change.ID) string { return by[id] })
	r.count(func(s *Stats) { s.Applied += res.Applied })
	if res.Applied > 0 {
		r.clearRefusals()
	}
	for _, c := range live {
		if c.Device != r.self {
			r.owe[c.Device] = true
		}
	}
	if res.Buffered > 0 || res.Ahead > 0 {
		for from := range senders {
			r.pull(from) // a gap: fetch what came before
		}
	}
}

// noteHolds records that peer from holds device's change seq (it sent or relayed it),
// so the Peers view's behind and ahead follow live traffic instead of waiting for the
// next push/pull. Only a peer whose vector is known is updated, and a device's count
// only grows: the figures are for display, and anti-entropy still compares whole vectors.
func (r *Replica) noteHolds(from, device string, seq uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.peers[from]; ok && p.vector != nil && p.vector[device] < seq {
		p.vector[device] = seq
	}
}

// acknowledge tells each device whose live changes this replica applied since the last
// tick what it now holds (its version vector, as push/pull would), so that device's
// Peers view stops counting them as missing within a second instead of at the next
// push/pull. It runs on the replica goroutine, once a second.
func (r *Replica) acknowledge() {
	if len(r.owe) == 0 {
		return
	}
	msg, err := wire.Encode(wire.TypeState, wire.State{From: r.self, Vector: r.vector()})
	if err != nil {
		return
	}
	for _, n := range r.ml.Members() {
		if !r.owe[n.Name] {
			continue
		}
		if len(msg) <= wire.MaxPacket {
			_ = r.ml.SendBestEffort(n, msg)
		} else {
			_ = r.ml.SendReliable(n, msg)
		}
	}
	clear(r.owe)
}

// firstNotice reports whether this replica acts on a notice of this change for the
// first time: it relays and pulls for each change once. A notice of a change nobody
// holds (a sequence number far beyond what its device made) would otherwise go back
// and forth between the replicas that lack it, each pass a pull, for ever; a lost
// pull is repaired by anti-entropy. It runs on the replica goroutine.
func (r *Replica) firstNotice(h *wire.Have) bool {
	id := change.ID{Device: h.Device, Seq: h.Seq}
	if r.noticed[id] {
		return false
	}
	if len(r.noticed) >= maxNoticed {
		clear(r.noticed) // bounded: at worst a notice is acted on twice
	}
	r.noticed[id] = true
	return true
}

// maxNoticed bounds how many notices firstNotice remembers.
const maxNoticed = 65_536

// relayNotice passes on a notice that told this replica of a change it had missed:
// memberlist does not re-gossip user messages, and if this replica missed the
// packet, others may have too.
func (r *Replica) relayNotice(h *wire.Have) {
	notice, err := wire.Encode(wire.TypeHave, wire.Have{From: r.self, Device: h.Device, Seq: h.Seq})
	if err != nil {
		return
	}
	r.bq.QueueBroadcast(&gossip.Broadcast{Key: fmt.Sprintf("h:%s:%d", h.Device, h.Seq), Msg: notice})
	r.count(func(s *Stats) { s.Relayed++ })
}

// keptWhileMuted reports whether a message claiming a muted sender is taken all the
// same: a pull, a chunk or a state from a member of the gossip. memberlist does not say
// where a message came from, so a muting is by the device a message claims, and any
// insider holding the team key can claim another's name; if that silenced the real
// device, an insider could cut it off. Its live changes and notices are dropped while
// the muting lasts, but anti-entropy with it goes on (a chunk is verified whole, a
// state starts at most one pull), so it is slower to see, never cut off.
func keptWhileMuted(m wire.Message, err error, member bool) bool {
	return err == nil && member && (m.Pull != nil || m.Chunk != nil || m.State != nil)
}
