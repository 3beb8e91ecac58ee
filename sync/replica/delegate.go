package replica

import (
	"github.com/hashicorp/memberlist"

	"outpost/sync/wire"
)

// delegate adapts memberlist.Delegate to the replica. memberlist calls these
// concurrently from its packet and stream handlers: each must be thread-safe and
// must not block, so each either answers from memory or hands work to the replica.
type delegate struct{ r *Replica }

var _ memberlist.Delegate = (*delegate)(nil)

// NodeMeta is unused: a node's name is its device ID and everything else travels as changes.
func (d *delegate) NodeMeta(limit int) []byte { return nil }

// NotifyMsg copies a user message into the replica's inbox, or drops it when the
// replica is busy (anti-entropy will fetch the change later). Pulls, chunks and
// states go to a queue of their own so that a flood of live changes cannot crowd
// out a catch-up.
func (d *delegate) NotifyMsg(b []byte) {
	if len(b) == 0 {
		return
	}
	cp := append([]byte(nil), b...)
	d.r.count(func(s *Stats) { s.BytesIn += int64(len(b)) })
	if fn := d.r.handler(wire.Type(b[0])); fn != nil {
		fn(cp)
		return
	}
	switch wire.Type(b[0]) {
	case wire.TypePull, wire.TypeChunk, wire.TypeState:
		// Decoded here, on memberlist's goroutine for this message's stream: a bulk
		// chunk (megabytes of changes) is read while the replica applies the one before.
		// A full queue drops the message before it costs a decoding.
		if len(d.r.urgent) == cap(d.r.urgent) {
			d.r.count(func(s *Stats) { s.InboxFull++ })
			return
		}
		select {
		case d.r.urgent <- decode(cp):
		default:
			d.r.count(func(s *Stats) { s.InboxFull++ })
		}
		return
	}
	select {
	case d.r.inbox <- cp:
	default:
		d.r.count(func(s *Stats) { s.InboxFull++ })
	}
}

// GetBroadcasts hands memberlist queued changes to piggyback on gossip.
func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte {
	return d.r.bq.GetBroadcasts(overhead, limit)
}

// LocalState is the push/pull state: this device's version vector, never the data.
func (d *delegate) LocalState(join bool) []byte {
	d.r.life.RLock()
	defer d.r.life.RUnlock()
	if d.r.stopped {
		return nil // the store may be closed
	}
	b, err := wire.Encode(wire.TypeState, wire.State{From: d.r.self, Vector: d.r.vector()})
	if err != nil {
		return nil
	}
	return b
}

// MergeRemoteState hands a peer's vector to the replica, which pulls what it lacks.
func (d *delegate) MergeRemoteState(buf []byte, join bool) {
	d.NotifyMsg(buf)
}

// eventDelegate adapts memberlist.EventDelegate: membership changes start a pull at
// once (push/pull alone heals slowly) and update the peer list. Must not block.
type eventDelegate struct{ r *Replica }

var _ memberlist.EventDelegate = (*eventDelegate)(nil)

func (e *eventDelegate) NotifyJoin(n *memberlist.Node)   { e.r.peerEvent(n, true) }
func (e *eventDelegate) NotifyUpdate(n *memberlist.Node) { e.r.peerEvent(n, true) }
func (e *eventDelegate) NotifyLeave(n *memberlist.Node)  { e.r.peerEvent(n, false) }
