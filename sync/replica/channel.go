package replica

import (
	"fmt"

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
