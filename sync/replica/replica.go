// Package replica keeps the local store in step with the team's other replicas
// over memberlist: live changes are broadcast and relayed, and anti-entropy
// compares version vectors and pulls what is missing in bounded chunks.
// All replication work runs on one goroutine; memberlist callbacks only hand
// work to it and never block.
package replica

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"

	"outpost/backend/change"
	"outpost/backend/store"
	"outpost/sync/gossip"
	"outpost/sync/team"
	"outpost/sync/wire"
)

// Config configures a replica.
type Config struct {
	Store  *store.Store
	Team   team.Team
	Gossip gossip.Options // DeviceID, TeamID and Keys are filled from Store and Team
	Logger *slog.Logger
	// OnPeerAddr is called (on the replica goroutine) with the address of each peer
	// that joins, so it can be remembered for reconnecting after a restart.
	OnPeerAddr func(addr string)
	// ReconnectEvery is how often known but absent peers are retried (default 3 s).
	ReconnectEvery time.Duration
	// PullTimeout abandons a pull that got no answer (default 5 s).
	PullTimeout time.Duration
	// AntiEntropyEvery is how often the replica asks one random peer for anything
	// it lacks, on top of memberlist's push/pull (default 3 s). A lost packet and
	// its lost notice are then repaired within seconds.
	AntiEntropyEvery time.Duration
}

// Replica replicates one store. It is safe for concurrent use.
type Replica struct {
	cfg  Config
	st   *store.Store
	log  *slog.Logger
	self string
	ml   *memberlist.Memberlist
	bq   *memberlist.TransmitLimitedQueue

	inbox chan []byte // raw messages from memberlist, decoded on the replica goroutine
	work  chan func() // other work for the replica goroutine
	stop  chan struct{}
	done  sync.WaitGroup
	unsub func()

	mu    sync.Mutex
	peers map[string]*peer // by device ID; guarded by mu
	known []string         // addresses to reconnect to; guarded by mu
	stats Stats            // guarded by mu
}

// peer is what the replica knows of another device.
type peer struct {
	addr     string
	online   bool
	lastSeen time.Time
	vector   store.Vector
	pulling  time.Time // a pull is outstanding since then; zero if none
	again    bool      // pull again when the outstanding one completes
}

// Stats count replication traffic.
type Stats struct {
	Received     int // messages decoded
	Dropped      int // malformed or hostile messages dropped
	Applied      int // changes merged into the store
	Rejected     int // changes refused by the store (bad signature, removed device, ...)
	Relayed      int // notices of missed changes passed on
	PullsSent    int
	ChunksServed int
	InboxFull    int // messages dropped because the replica was busy (anti-entropy heals)
}

// Start joins the team's gossip and starts replicating.
func Start(ctx context.Context, cfg Config) (*Replica, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ReconnectEvery == 0 {
		cfg.ReconnectEvery = 3 * time.Second
	}
	if cfg.AntiEntropyEvery == 0 {
		cfg.AntiEntropyEvery = 3 * time.Second
	}
	if cfg.PullTimeout == 0 {
		cfg.PullTimeout = 5 * time.Second
	}
	if err := cfg.Team.Validate(); err != nil {
		return nil, err
	}
	r := &Replica{
		cfg: cfg, st: cfg.Store, log: cfg.Logger.With("component", "replica"), self: cfg.Store.Device().ID,
		inbox: make(chan []byte, 4096), work: make(chan func(), 1024), stop: make(chan struct{}),
		peers: map[string]*peer{}, known: append([]string(nil), cfg.Team.Peers...),
	}
	opts := cfg.Gossip
	opts.DeviceID, opts.TeamID, opts.Keys = r.self, cfg.Team.ID, cfg.Team.Keys
	if opts.Logger == nil {
		opts.Logger = cfg.Logger
	}
	mc, err := gossip.Config(opts)
	if err != nil {
		return nil, err
	}
	mc.Delegate = &delegate{r: r}
	mc.Events = &eventDelegate{r: r}
	// The queue carries only notices: every change already went to each member
	// directly, so a notice is insurance against a lost packet and needs few retransmits.
	r.bq = &memberlist.TransmitLimitedQueue{NumNodes: r.numNodes, RetransmitMult: 2}
	ml, err := memberlist.Create(mc)
	if err != nil {
		return nil, fmt.Errorf("start gossip on %s:%d: %w", mc.BindAddr, mc.BindPort, err)
	}
	r.ml = ml
	r.unsub = r.st.Subscribe(r.onCommit)
	r.done.Add(2)
	go r.loop()
	go r.reconnectLoop()
	if len(r.known) > 0 {
		r.joinAsync(r.known)
	}
	return r, nil
}

// Stop leaves the gossip and stops replicating. The store stays open.
func (r *Replica) Stop() error {
	select {
	case <-r.stop:
		return nil
	default:
	}
	r.unsub()
	_ = r.ml.Leave(time.Second)
	close(r.stop)
	err := r.ml.Shutdown()
	r.done.Wait()
	return err
}

// Addr returns the address peers can reach this replica at.
func (r *Replica) Addr() string { return r.ml.LocalNode().Address() }

// Join contacts peers at the given host:port addresses and remembers them.
func (r *Replica) Join(addrs []string) (int, error) {
	r.remember(addrs...)
	n, err := r.ml.Join(addrs)
	if err != nil && n == 0 {
		return 0, fmt.Errorf("no peer answered at %v: %w", addrs, err)
	}
	return n, nil
}

// Stats returns traffic counters.
func (r *Replica) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

func (r *Replica) numNodes() int { return r.ml.NumMembers() }

// do hands fn to the replica goroutine without blocking; it reports false when the queue is full.
func (r *Replica) do(fn func()) bool {
	select {
	case r.work <- fn:
		return true
	default:
		return false
	}
}

func (r *Replica) loop() {
	defer r.done.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	entropy := time.NewTicker(r.cfg.AntiEntropyEvery)
	defer entropy.Stop()
	for {
		select {
		case <-r.stop:
			return
		case raw := <-r.inbox:
			r.handle(raw)
		case fn := <-r.work:
			fn()
		case <-tick.C:
			r.expirePulls()
		case <-entropy.C:
			r.pullRandomPeer()
		}
	}
}

// onCommit hands local changes to the replica goroutine for sending. It runs on
// the committing goroutine and does not block.
func (r *Replica) onCommit(e store.Event) {
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
// A change too large for one packet is announced by notice only.
func (r *Replica) announce(cs []change.Change) {
	members := r.ml.Members()
	for _, c := range cs {
		notice, err := wire.Encode(wire.TypeHave, wire.Have{From: r.self, Device: c.Device, Seq: c.Seq})
		if err != nil {
			r.log.Error("encode notice", "err", err)
			continue
		}
		msg, err := wire.Encode(wire.TypeChange, wire.Change{From: r.self, Change: c})
		if err != nil || len(msg) > wire.MaxPacket {
			msg = notice
		}
		for _, m := range members {
			if m.Name != r.self {
				_ = r.ml.SendBestEffort(m, msg)
			}
		}
		r.bq.QueueBroadcast(&gossip.Broadcast{Key: "h:" + c.ID().String(), Msg: notice})
	}
}

// relayNotice passes on a notice that told this replica of a change it had missed:
// memberlist does not re-gossip user messages, and if this replica missed the
// packet, others may have too.
func (r *Replica) relayNotice(h *wire.Have) {
	notice, err := wire.Encode(wire.TypeHave, wire.Have{From: r.self, Device: h.Device, Seq: h.Seq})
	if err != nil {
		return
	}
	r.bq.QueueBroadcast(&gossip.Broadcast{Key: "h:" + h.Device + ":" + fmt.Sprint(h.Seq), Msg: notice})
	r.count(func(s *Stats) { s.Relayed++ })
}

// handle decodes and acts on one message from a peer.
func (r *Replica) handle(raw []byte) {
	m, err := wire.Decode(raw)
	if err != nil {
		r.drop(m.From(), err)
		return
	}
	from := m.From()
	if from == r.self {
		return
	}
	r.count(func(s *Stats) { s.Received++ })
	switch {
	case m.Change != nil:
		r.onChange(from, m.Change.Change)
	case m.Have != nil:
		if r.lacks(m.Have.Device, m.Have.Seq) {
			r.relayNotice(m.Have)
			r.pull(from)
		}
	case m.Pull != nil:
		r.servePull(from, m.Pull.Vector, 0)
	case m.Chunk != nil:
		r.onChunk(from, m.Chunk)
	case m.State != nil:
		r.onState(from, m.State.Vector)
	}
}

func (r *Replica) drop(from string, err error) {
	if from == "" {
		from = "an unnamed sender"
	}
	r.count(func(s *Stats) { s.Dropped++ })
	r.log.Warn("dropped a message from a peer", "peer", from, "err", err)
}

func (r *Replica) count(fn func(*Stats)) {
	r.mu.Lock()
	fn(&r.stats)
	r.mu.Unlock()
}

// onChange applies a live change; a gap before it is pulled from the sender.
func (r *Replica) onChange(from string, c change.Change) {
	if !r.lacks(c.Device, c.Seq) {
		return
	}
	res, err := r.st.Apply([]change.Change{c})
	if err != nil {
		r.log.Error("apply a change", "peer", from, "err", err)
		return
	}
	r.logRejections(from, res)
	r.count(func(s *Stats) { s.Applied += res.Applied })
	if res.Buffered > 0 {
		r.pull(from) // a gap: fetch what came before
	}
}

func (r *Replica) logRejections(from string, res store.ApplyResult) {
	for _, rej := range res.Rejected {
		r.log.Warn("rejected a change", "peer", from, "change", rej.ID.String(), "err", rej.Err)
	}
	if n := len(res.Rejected); n > 0 {
		r.count(func(s *Stats) { s.Rejected += n })
	}
}

// lacks reports whether the store does not yet hold device:seq.
func (r *Replica) lacks(device string, seq uint64) bool {
	v, err := r.st.Vector()
	return err == nil && v[device] < seq
}

func (r *Replica) vector() store.Vector {
	v, err := r.st.Vector()
	if err != nil {
		r.log.Error("read version vector", "err", err)
		return store.Vector{}
	}
	return v
}

// onState compares a peer's vector with ours and pulls if it holds anything we lack.
func (r *Replica) onState(from string, theirs store.Vector) {
	r.mu.Lock()
	p := r.peerLocked(from)
	p.vector = theirs
	p.lastSeen = time.Now()
	r.mu.Unlock()
	if ahead(theirs, r.vector()) {
		r.pull(from)
	}
}

// ahead reports whether a holds a change b lacks.
func ahead(a, b store.Vector) bool {
	for d, s := range a {
		if s > b[d] {
			return true
		}
	}
	return false
}

// pull asks a peer for what we lack. One pull per peer is outstanding at a time:
// the next chunk is requested only after the previous one is applied (back-pressure).
func (r *Replica) pull(from string) {
	r.mu.Lock()
	p := r.peerLocked(from)
	if !p.pulling.IsZero() {
		p.again = true
		r.mu.Unlock()
		return
	}
	p.pulling = time.Now()
	p.again = false
	r.mu.Unlock()
	msg, err := wire.Encode(wire.TypePull, wire.Pull{From: r.self, Vector: r.vector()})
	if err == nil {
		err = r.send(from, msg)
	}
	if err != nil {
		r.log.Debug("pull failed", "peer", from, "err", err)
		r.mu.Lock()
		p.pulling = time.Time{}
		r.mu.Unlock()
		return
	}
	r.count(func(s *Stats) { s.PullsSent++ })
}

// servePull answers a pull with one bounded chunk of what the peer lacks. A pull
// can arrive before memberlist has told this side about the new member; the
// answer is then retried shortly.
func (r *Replica) servePull(from string, theirs store.Vector, attempt int) {
	if !r.isMember(from) {
		if attempt < 20 {
			time.AfterFunc(100*time.Millisecond, func() {
				r.do(func() { r.servePull(from, theirs, attempt+1) })
			})
		}
		return
	}
	cs, err := r.st.ChangesAfter(theirs, wire.MaxChunkBytes)
	if err != nil {
		r.log.Error("read changes for a peer", "peer", from, "err", err)
		return
	}
	after := maps.Clone(theirs)
	if after == nil {
		after = store.Vector{}
	}
	for _, c := range cs {
		after[c.Device] = max(after[c.Device], c.Seq)
	}
	more := ahead(r.vector(), after)
	msg, err := wire.Encode(wire.TypeChunk, wire.Chunk{From: r.self, Changes: cs, More: more})
	if err == nil {
		err = r.send(from, msg)
	}
	if err != nil {
		r.log.Debug("answer a pull", "peer", from, "err", err)
		return
	}
	r.count(func(s *Stats) { s.ChunksServed++ })
}

// onChunk applies a chunk and asks for the next one if there is more.
func (r *Replica) onChunk(from string, c *wire.Chunk) {
	res, err := r.st.Apply(c.Changes)
	if err != nil {
		r.log.Error("apply a chunk", "peer", from, "err", err)
	}
	r.logRejections(from, res)
	r.count(func(s *Stats) { s.Applied += res.Applied })
	r.mu.Lock()
	p := r.peerLocked(from)
	p.pulling = time.Time{}
	p.lastSeen = time.Now()
	// Pull on while there is more and this chunk made progress; a chunk that
	// applied nothing (all rejected) waits for the next state exchange instead of looping.
	again := (p.again || c.More) && err == nil && (res.Applied > 0 || len(c.Changes) == 0)
	p.again = false
	r.mu.Unlock()
	if again {
		r.pull(from)
	}
}

// pullRandomPeer asks one random live member for anything this replica lacks.
func (r *Replica) pullRandomPeer() {
	var others []string
	for _, n := range r.ml.Members() {
		if n.Name != r.self {
			others = append(others, n.Name)
		}
	}
	if len(others) > 0 {
		r.pull(others[rand.IntN(len(others))])
	}
}

func (r *Replica) expirePulls() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.peers {
		if !p.pulling.IsZero() && time.Since(p.pulling) > r.cfg.PullTimeout {
			p.pulling = time.Time{}
		}
	}
}

// send delivers msg to a member over a reliable stream.
func (r *Replica) send(to string, msg []byte) error {
	for _, n := range r.ml.Members() {
		if n.Name == to {
			return r.ml.SendReliable(n, msg)
		}
	}
	return fmt.Errorf("%s is not a member", to)
}

func (r *Replica) isMember(name string) bool {
	for _, n := range r.ml.Members() {
		if n.Name == name {
			return true
		}
	}
	return false
}

// peerLocked returns the peer entry for a device, creating it. r.mu must be held.
func (r *Replica) peerLocked(id string) *peer {
	p, ok := r.peers[id]
	if !ok {
		p = &peer{}
		r.peers[id] = p
	}
	return p
}
