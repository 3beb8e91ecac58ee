package replica

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/memberlist"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
)

// PeerStatus is what the Peers view shows of one device of the team.
type PeerStatus struct {
	Device   string    `json:"device"`
	Name     string    `json:"name"`
	Addr     string    `json:"addr"`
	Online   bool      `json:"online"`
	Removed  bool      `json:"removed"`
	LastSeen time.Time `json:"lastSeen"` // zero if never seen by this device
	Known    bool      `json:"known"`    // its version vector is known: Behind and Ahead mean something
	Behind   uint64    `json:"behind"`   // changes this device holds that the peer lacks, as last reported
	Ahead    uint64    `json:"ahead"`    // changes the peer holds that this device lacks
	Pulling  bool      `json:"pulling"`  // catching up from it now
	Received int       `json:"received"` // changes received in the current catch-up
	Left     uint64    `json:"left"`     // changes the peer said remain in the current catch-up
}

// KeyStaleMessage is what a person is told when this device cannot talk to any
// peer because its team key is out of date.
const KeyStaleMessage = "This device cannot talk to the team: its team key is out of date " +
	"(it was offline through a key rotation, or the invite was old). Ask a teammate for a new invite code and join again."

func (r *Replica) peerEvent(n *memberlist.Node, online bool) {
	if n.Name == r.self {
		return
	}
	addr := n.Address()
	r.mu.Lock()
	p := r.peerLocked(n.Name)
	p.addr, p.online, p.lastSeen = addr, online, time.Now()
	if online {
		r.keyStale, r.otherTeam = false, ""
	}
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

// Peers lists every device of the team (and any other live member, memberlist
// having let it in with the team key), online ones first, then by name. A device of the team is one that
// published its sealing recipient, which every replica does when it starts: the
// device list also names devices whose changes were merged without their ever
// running a replica (the author of demo data, say), and those are no peers.
func (r *Replica) Peers() []PeerStatus {
	mine := r.vector()
	team := map[string]bool{}
	if err := r.st.Scan(KindDeviceKey, func(rec change.Record) error {
		team[rec.ID] = true
		return nil
	}); err != nil {
		r.log.Error("read the team's device keys; only peers heard from show", "err", err)
	}
	byID := map[string]*PeerStatus{}
	if err := r.st.Scan(store.KindDevice, func(rec change.Record) error {
		if rec.ID != r.self && team[rec.ID] {
			byID[rec.ID] = &PeerStatus{Device: rec.ID, Name: rec.String(store.FieldDeviceName), Removed: rec.Deleted()}
		}
		return nil
	}); err != nil {
		r.log.Error("read the team's device list; peers show without names", "err", err)
	}
	members := map[string]bool{}
	for _, n := range r.ml.Members() {
		members[n.Name] = true
	}
	r.mu.Lock()
	for id, p := range r.peers {
		ps, ok := byID[id]
		if !ok && !members[id] {
			continue // a name a message claimed, which no member goes by and no signed change registered
		}
		if !ok {
			ps = &PeerStatus{Device: id}
			byID[id] = ps
		}
		ps.Addr, ps.Online, ps.LastSeen, ps.Pulling = p.addr, p.online, p.lastSeen, !p.pulling.IsZero()
		ps.Received, ps.Left = p.got, p.left
		if p.vector != nil {
			ps.Known, ps.Behind, ps.Ahead = true, diff(mine, p.vector), diff(p.vector, mine)
		}
	}
	r.mu.Unlock()
	out := make([]PeerStatus, 0, len(byID))
	for _, ps := range byID {
		if ps.Online {
			ps.LastSeen = time.Now()
		}
		out = append(out, *ps)
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

// KeyStale reports whether joins fail as if this device's team key were out of date.
func (r *Replica) KeyStale() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.keyStale
}

// JoinProblem is why this device cannot talk to its team, in words for a person, or
// "" when nothing is known to be wrong.
func (r *Replica) JoinProblem() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.otherTeam != "":
		return fmt.Sprintf(OtherTeamMessage, r.otherTeam)
	case r.keyStale:
		return KeyStaleMessage
	}
	return ""
}

// OtherTeamMessage is what a person is told when the device at an address (%s) is in
// another team than this device's.
const OtherTeamMessage = "The Outpost device at %s is in another team than this device's: " +
	"the invite was for another team, or that address now belongs to another team's device. " +
	"Ask a member of your team for an invite code and join again."

// probeTimeout is how long a failed join waits for each device it asks why (see noteJoinFailure).
const probeTimeout = 2 * time.Second

// noteJoinFailure finds out why joining addrs failed when peers answered but nobody
// could read this device's messages, and no member is alive: it asks the devices
// there (gossip.Probe) which team and keys they hold. A device of another team is
// told apart from a team key that is out of date.
func (r *Replica) noteJoinFailure(addrs []string, err error) {
	if err == nil || r.ml.NumMembers() > 1 || !unreadable(err) {
		return
	}
	mine := map[string]bool{}
	for _, k := range r.ring.GetKeys() {
		mine[KeyID(k)] = true
	}
	other, answered := "", false
	for _, addr := range addrs[:min(len(addrs), 3)] {
		a, err := gossip.Probe(addr, probeTimeout)
		if err != nil {
			continue
		}
		answered = true
		if a.Team != r.cfg.Team.ID {
			other = addr
			continue
		}
		if slices.ContainsFunc(a.Keys, func(k string) bool { return mine[k] }) {
			return // same team, a key in common: not a key problem
		}
		other = ""
		break
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ml.NumMembers() > 1 {
		return // a peer came online while the probes ran
	}
	switch {
	case other != "":
		r.otherTeam, r.keyStale = other, false
	case answered:
		r.otherTeam, r.keyStale = "", true
	default:
		// No device answered the probe (too old to know it): taken as the team with
		// newer keys, unless one was seen in another team before.
		r.keyStale = r.otherTeam == ""
	}
}

// unreadable reports whether err is how memberlist fails when the other side could
// not read this device's messages (another key or another team's label).
func unreadable(err error) bool {
	msg := strings.ToLower(err.Error())
	for _, sign := range []string{"decrypt", "eof", "connection reset", "no installed keys", "broken pipe"} {
		if strings.Contains(msg, sign) {
			return true
		}
	}
	return false
}

// refreshRemoved rereads which devices the team removed.
func (r *Replica) refreshRemoved() {
	removed := map[string]bool{}
	if err := r.st.Scan(store.KindDevice, func(rec change.Record) error {
		if rec.Deleted() {
			removed[rec.ID] = true
		}
		return nil
	}); err != nil {
		// Keep the list it had: an empty one would let removed devices back in.
		r.log.Error("reread removed devices; the previous list stays in force", "err", err)
		return
	}
	r.mu.Lock()
	r.removed = removed
	r.mu.Unlock()
}

// remember adds addresses to the reconnect list.
func (r *Replica) remember(addrs ...string) {
	self := r.Addr() // outside r.mu: memberlist calls back into the replica while holding its own locks
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range addrs {
		if a != "" && a != self && !slices.Contains(r.known, a) {
			r.known = append(r.known, a)
			r.seen[a] = time.Now()
		}
	}
}

// Forget stops the reconnect loop trying addr; it reports whether addr was known.
func (r *Replica) Forget(addr string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.known)
	r.known = slices.DeleteFunc(r.known, func(a string) bool { return a == addr })
	delete(r.seen, addr)
	return len(r.known) != n
}

// Known returns the addresses the reconnect loop tries.
func (r *Replica) Known() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.known)
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
			absent := r.ageAddrs()
			if len(absent) > 0 {
				if n, err := r.ml.Join(absent); n == 0 { // blocks on timeouts: this goroutine does only this
					r.noteJoinFailure(absent, err)
				}
			}
		}
	}
}

// seenSaveEvery is how stale the saved time a member last answered at an address
// may grow while it keeps answering: OnPeerAddr is called again after that long.
const seenSaveEvery = time.Hour

// ageAddrs notes the known addresses a live member answers at, stops trying those no
// member answered at for ForgetAfter (OnForget is told of each), and returns the
// others where no member is live now: the ones to try again.
func (r *Replica) ageAddrs() []string {
	now := time.Now()
	alive := map[string]bool{}
	for _, n := range r.ml.Members() {
		alive[n.Address()] = true
	}
	var absent, aged, save []string
	r.mu.Lock()
	r.known = slices.DeleteFunc(r.known, func(a string) bool {
		switch {
		case alive[a]:
			if now.Sub(r.seen[a]) >= seenSaveEvery {
				save = append(save, a)
			}
			r.seen[a] = now
		case now.Sub(r.seen[a]) > r.cfg.ForgetAfter:
			aged = append(aged, a)
			delete(r.seen, a)
			return true
		default:
			absent = append(absent, a)
		}
		return false
	})
	r.mu.Unlock()
	for _, a := range aged {
		r.log.Info("stopped trying an address no member answered at for a long time", "addr", a, "after", r.cfg.ForgetAfter)
		if r.cfg.OnForget != nil {
			r.cfg.OnForget(a)
		}
	}
	if r.cfg.OnPeerAddr != nil {
		for _, a := range save {
			r.do(func() { r.cfg.OnPeerAddr(a) })
		}
	}
	return absent
}

// Discovered joins addresses found on the network that are not live members yet.
// Anyone on the network can answer a discovery, so an address is not remembered
// here: one where a member answers with the team key is, as that member joins
// (peerEvent). It blocks while contacting them: call it from the discovery goroutine.
func (r *Replica) Discovered(addrs []string) {
	alive := map[string]bool{}
	for _, n := range r.ml.Members() {
		alive[n.Address()] = true
	}
	var fresh []string
	for _, a := range addrs {
		if !alive[a] {
			fresh = append(fresh, a)
		}
	}
	if len(fresh) > 0 {
		if n, err := r.ml.Join(fresh); n == 0 {
			r.noteJoinFailure(fresh, err)
		}
	}
}

// joinAsync contacts addresses without holding up the caller.
func (r *Replica) joinAsync(addrs []string) {
	r.done.Add(1)
	go func() {
		defer r.done.Done()
		if n, err := r.ml.Join(addrs); n == 0 {
			r.noteJoinFailure(addrs, err)
		}
	}()
}
