package replica

import (
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/memberlist"

	"outpost/backend/store"
)

// PeerStatus is what the Peers view shows of one device.
type PeerStatus struct {
	Device   string    `json:"device"`
	Name     string    `json:"name"`
	Addr     string    `json:"addr"`
	Online   bool      `json:"online"`
	LastSeen time.Time `json:"lastSeen"`
	Behind   uint64    `json:"behind"`  // changes this device holds that the peer lacks, as last reported
	Ahead    uint64    `json:"ahead"`   // changes the peer holds that this device lacks
	Pulling  bool      `json:"pulling"` // catching up from it now
}

func (r *Replica) peerEvent(n *memberlist.Node, online bool) {
	if n.Name == r.self {
		return
	}
	addr := n.Address()
	r.mu.Lock()
	p := r.peerLocked(n.Name)
	p.addr, p.online, p.lastSeen = addr, online, time.Now()
	r.mu.Unlock()
	if !online {
		return
	}
	name := n.Name
	r.do(func() {
		r.remember(addr)
		if r.cfg.OnPeerAddr != nil {
			r.cfg.OnPeerAddr(addr)
		}
		r.pull(name)
	})
}

// Peers lists every device this replica has heard of, online ones first.
func (r *Replica) Peers() []PeerStatus {
	mine := r.vector()
	r.mu.Lock()
	out := make([]PeerStatus, 0, len(r.peers))
	for id, p := range r.peers {
		ps := PeerStatus{Device: id, Addr: p.addr, Online: p.online, LastSeen: p.lastSeen, Pulling: !p.pulling.IsZero()}
		if p.vector != nil {
			ps.Behind, ps.Ahead = diff(mine, p.vector), diff(p.vector, mine)
		}
		out = append(out, ps)
	}
	r.mu.Unlock()
	for i := range out {
		if rec, err := r.st.Get(store.KindDevice, out[i].Device); err == nil {
			out[i].Name = rec.String(store.FieldDeviceName)
		}
	}
	slices.SortFunc(out, func(a, b PeerStatus) int {
		if a.Online != b.Online {
			if a.Online {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name+a.Device, b.Name+b.Device)
	})
	return out
}

// diff counts the changes a holds beyond b.
func diff(a, b store.Vector) uint64 {
	var n uint64
	for d, s := range a {
		if s > b[d] {
			n += s - b[d]
		}
	}
	return n
}

// remember adds addresses to the reconnect list.
func (r *Replica) remember(addrs ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range addrs {
		if a != "" && a != r.Addr() && !slices.Contains(r.known, a) {
			r.known = append(r.known, a)
		}
	}
}

// reconnectLoop retries known addresses that are not alive members:
// memberlist never rejoins a dead node by itself.
func (r *Replica) reconnectLoop() {
	defer r.done.Done()
	t := time.NewTicker(r.cfg.ReconnectEvery)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			alive := map[string]bool{}
			for _, n := range r.ml.Members() {
				alive[n.Address()] = true
			}
			r.mu.Lock()
			var absent []string
			for _, a := range r.known {
				if !alive[a] {
					absent = append(absent, a)
				}
			}
			r.mu.Unlock()
			if len(absent) > 0 {
				_, _ = r.ml.Join(absent) // blocks on timeouts: this goroutine does only this
			}
		}
	}
}

// joinAsync contacts addresses without holding up the caller.
func (r *Replica) joinAsync(addrs []string) {
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		_, _ = r.ml.Join(addrs)
	}()
}
