package replica

import (
	"fmt"
	"net"
	"time"

	"outpost/sync/gossip"
	"outpost/sync/wire"
)

// Member is an online device of the team other than this one.
type Member struct {
	Device string `json:"device"`
	Addr   string `json:"addr"` // the address memberlist reaches it at: its real source
}

// Handle routes messages of type t, which the replica does not speak itself, to fn: another
// protocol (attachment transfer) carried on the team's authenticated, encrypted transport.
// fn gets its own copy of each message, runs on memberlist's goroutines and must not block.
// Types below wire.TypeExtension are the replica's own and cannot be taken.
func (r *Replica) Handle(t wire.Type, fn func(msg []byte)) error {
	if t < wire.TypeExtension {
		return fmt.Errorf("message type %d is the replica's own", t)
	}
	r.extMu.Lock()
	defer r.extMu.Unlock()
	if r.ext == nil {
		r.ext = map[wire.Type]func([]byte){}
	}
	r.ext[t] = fn
	return nil
}

// handler returns the handler of an extension type, or nil.
func (r *Replica) handler(t wire.Type) func([]byte) {
	if t < wire.TypeExtension {
		return nil
	}
	r.extMu.RLock()
	defer r.extMu.RUnlock()
	return r.ext[t]
}

// SendStream sends msg to an online member over a reliable stream (TCP, encrypted with
// the team key like every gossip message). Removed devices get nothing.
func (r *Replica) SendStream(device string, msg []byte) error {
	if r.isRemoved(device) {
		return fmt.Errorf("%s was removed from the team", device)
	}
	return r.send(device, msg)
}

// Online lists the team's online members other than this device, removed devices left out.
func (r *Replica) Online() []Member {
	var out []Member
	for _, n := range r.ml.Members() {
		if n.Name == r.self || r.isRemoved(n.Name) {
			continue
		}
		out = append(out, Member{Device: n.Name, Addr: n.Address()})
	}
	return out
}

// Self is this device's ID.
func (r *Replica) Self() string { return r.self }

// Stream is a long-lived, encrypted stream to another device of the team on the gossip
// port, for bulk traffic that would crowd the gossip's own streams (see gossip.Stream).
type Stream = gossip.Stream

// OpenStream opens a stream to an online member for messages of up to max bytes. Removed
// devices get none.
func (r *Replica) OpenStream(device string, max int, timeout time.Duration) (*Stream, error) {
	if r.isRemoved(device) {
		return nil, fmt.Errorf("%s was removed from the team", device)
	}
	addr := ""
	for _, m := range r.Online() {
		if m.Device == device {
			addr = m.Addr
		}
	}
	if addr == "" {
		return nil, fmt.Errorf("%s is not online", device)
	}
	if r.strm == nil {
		return nil, gossip.ErrNoStreams
	}
	return r.strm.Open(addr, max, timeout)
}

// HandleStreams gives fn the streams members open to this device, with messages of up to
// max bytes; fn runs on a goroutine of its own for each and owns it (the stream closes
// when fn returns). Before a handler is set, streams are refused.
func (r *Replica) HandleStreams(max int, fn func(*Stream)) {
	if r.strm != nil {
		r.strm.Handle(max, fn)
	}
}

// Member returns the online member whose gossip address is at host (the address a
// stream came from, without its port) and claims to be device: the stream is that
// device's as far as the team key can tell. Removed devices are never found.
func (r *Replica) Member(device, host string) (Member, bool) {
	for _, m := range r.Online() {
		if m.Device != device {
			continue
		}
		if h, _, err := net.SplitHostPort(m.Addr); err == nil && h == host {
			return m, true
		}
	}
	return Member{}, false
}
