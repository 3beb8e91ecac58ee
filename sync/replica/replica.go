// Package replica keeps the local store in step with the team's other replicas
// over memberlist: live changes are sent to every member and announced by
// gossip, and anti-entropy compares version vectors and pulls what is missing
// in bounded chunks. It also rotates the team key and removes devices.
// All replication work runs on one goroutine; memberlist callbacks only hand
// work to it and never block.
package replica

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"filippo.io/age"
	"github.com/hashicorp/memberlist"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
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
	// Identity opens team keys sealed to this device during a key rotation. It
	// must survive restarts (team.LoadDeviceIdentity); a new one is made when nil.
	Identity *age.X25519Identity
	// OnPeerAddr is called (on the replica goroutine) with the address of each peer
	// that joins, so it can be remembered for reconnecting after a restart.
	OnPeerAddr func(addr string)
	// ForgetAfter is how long a remembered address may go without a member answering
	// at it before the reconnect loop stops trying it and OnForget is called (default 14 days).
	ForgetAfter time.Duration
	// OnForget is called (on the reconnect goroutine) with each address aged out.
	OnForget func(addr string)
	// OnKeys is called (on the replica goroutine) with the team keys, primary
	// first, whenever a rotation installs, switches or retires one.
	OnKeys func(keys [][]byte)
	// OnProgress is called (on the replica goroutine) as a catch-up from a peer advances.
	OnProgress func(Progress)
	// ReconnectEvery is how often known but absent peers are retried (default 3 s).
	ReconnectEvery time.Duration
	// PullTimeout abandons a pull that got no answer (default 5 s).
	PullTimeout time.Duration
	// AntiEntropyEvery is how often the replica asks one random peer for anything
	// it lacks, on top of memberlist's push/pull (default 3 s). A lost packet and
	// its lost notice are then repaired within seconds.
	AntiEntropyEvery time.Duration
	// SwitchKeyAfter is how long after installing a rotated key this device starts
	// encrypting with it even if not every online member has confirmed it (default 30 s).
	SwitchKeyAfter time.Duration
	// RetireKeyAfter is how long after switching this device drops the old key (default 2 min).
	// It must exceed SwitchKeyAfter so that every member has switched before anyone retires.
	RetireKeyAfter time.Duration
	// MuteAfter bad messages from one sender within MuteWindow mute it for MuteFor:
	// its messages are dropped unread (defaults 20, 10 s, 2 min).
	MuteAfter  int
	MuteWindow time.Duration
	MuteFor    time.Duration
}

// Replica replicates one store. It is safe for concurrent use.
type Replica struct {
	cfg  Config
	st   *store.Store
	log  *slog.Logger
	self string
	id   *age.X25519Identity
	ml   *memberlist.Memberlist
	ring *memberlist.Keyring
	bq   *memberlist.TransmitLimitedQueue
	strm *gossip.Streams // nil when the gossip runs on a transport given in its options

	inbox  chan []byte  // live packets from memberlist, decoded on the replica goroutine
	urgent chan decoded // pulls, chunks and state, decoded: handled before live packets, never starved
	work   chan func()  // other work for the replica goroutine
	stop   chan struct{}
	done   sync.WaitGroup
	unsub  func()

	// life is held for reading while one of memberlist's goroutines reads the store
	// (LocalState); Stop takes it once memberlist has shut down, so that no such read
	// is left when it returns: memberlist does not wait for its stream handlers.
	life    sync.RWMutex
	stopped bool // guarded by life

	mu        sync.Mutex
	peers     map[string]*peer     // by device ID; guarded by mu
	owe       map[string]bool      // devices whose live changes this replica applied since the last tick: they get its vector; replica goroutine only
	known     []string             // addresses to reconnect to; guarded by mu
	seen      map[string]time.Time // when a member last answered at each known address; guarded by mu
	removed   map[string]bool      // devices removed from the team; guarded by mu
	stats     Stats                // guarded by mu
	keyStale  bool                 // joins fail as if this device's team key were out of date; guarded by mu
	otherTeam string               // an address where a device of another team answered a failed join; guarded by mu
	rot       *rotation            // the key rotation in progress; replica goroutine only
	noticed   map[change.ID]bool   // notices acted on (see firstNotice); replica goroutine only
	pulls     uint64               // pulls sent, which numbers them; guarded by mu
	refused   map[string]*refusal  // devices whose changes were refused as stamped too far ahead; guarded by mu
	warned    map[string]time.Time // when each rate-limited warning was last logged; guarded by mu
	sources   map[string]*source   // senders of bad messages, by address; guarded by mu

	retries atomic.Int64 // pulls from not-yet-listed members waiting to be tried again (see servePull)

	extMu sync.RWMutex
	ext   map[wire.Type]func([]byte) // handlers of other protocols' messages (see Handle); guarded by extMu
}

// peer is what the replica knows of another device.
type peer struct {
	addr     string
	online   bool
	lastSeen time.Time
	vector   store.Vector
	pulling  time.Time           // a pull is outstanding since then; zero if none
	again    bool                // pull again when the outstanding one completes
	got      int                 // changes received in the current catch-up
	left     uint64              // changes the peer said it still holds for us
	pullID   uint64              // the outstanding pull
	nextPart int                 // the part of its answer to take next
	early    map[int]*wire.Chunk // parts of the answer that overtook an earlier part
	asked    store.Vector        // the peer's vector as it stood when the last pull to it went out
}

// Stats count replication traffic.
type Stats struct {
	Received     int   `json:"received"` // messages decoded
	Dropped      int   `json:"dropped"`  // malformed or hostile messages dropped
	Applied      int   `json:"applied"`  // changes merged into the store
	Rejected     int   `json:"rejected"` // changes refused by the store (bad signature, removed device, ...)
	Relayed      int   `json:"relayed"`  // notices of missed changes passed on
	PullsSent    int   `json:"pullsSent"`
	ChunksServed int   `json:"chunksServed"`
	InboxFull    int   `json:"inboxFull"` // live messages dropped because the replica was busy (anti-entropy heals)
	BytesIn      int64 `json:"bytesIn"`   // replication messages received (before memberlist's framing and encryption)
	BytesOut     int64 `json:"bytesOut"`  // replication messages sent reliably
	Muted        int   `json:"muted"`     // messages dropped unread because their sender was muted
	Mutes        int   `json:"mutes"`     // times a sender was muted for sending bad messages
}

// Start joins the team's gossip and starts replicating.
func Start(ctx context.Context, cfg Config) (*Replica, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cfg.ReconnectEvery = orDefault(cfg.ReconnectEvery, 3*time.Second)
	cfg.AntiEntropyEvery = orDefault(cfg.AntiEntropyEvery, 3*time.Second)
	cfg.PullTimeout = orDefault(cfg.PullTimeout, 5*time.Second)
	cfg.SwitchKeyAfter = orDefault(cfg.SwitchKeyAfter, 30*time.Second)
	cfg.RetireKeyAfter = orDefault(cfg.RetireKeyAfter, 2*time.Minute)
	cfg.ForgetAfter = orDefault(cfg.ForgetAfter, 14*24*time.Hour)
	cfg.MuteWindow = orDefault(cfg.MuteWindow, 10*time.Second)
	cfg.MuteFor = orDefault(cfg.MuteFor, 2*time.Minute)
	if cfg.MuteAfter <= 0 {
		cfg.MuteAfter = 20
	}
	if cfg.RetireKeyAfter <= cfg.SwitchKeyAfter {
		return nil, fmt.Errorf("retire-key delay %s must exceed switch-key delay %s", cfg.RetireKeyAfter, cfg.SwitchKeyAfter)
	}
	if err := cfg.Team.Validate(); err != nil {
		return nil, err
	}
	if cfg.Identity == nil {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, fmt.Errorf("make device identity: %w", err)
		}
		cfg.Identity = id
	}
	r := &Replica{
		cfg: cfg, st: cfg.Store, log: cfg.Logger.With("component", "replica"), self: cfg.Store.Device().ID,
		id:    cfg.Identity,
		inbox: make(chan []byte, 4096), urgent: make(chan decoded, 256), work: make(chan func(), 1024),
		stop: make(chan struct{}), peers: map[string]*peer{}, owe: map[string]bool{}, known: append([]string(nil), cfg.Team.Peers...),
		removed: map[string]bool{}, refused: map[string]*refusal{}, warned: map[string]time.Time{},
		sources: map[string]*source{}, noticed: map[change.ID]bool{}, seen: map[string]time.Time{},
	}
	for _, a := range r.known {
		r.seen[a] = time.Now()
		if at, ok := cfg.Team.Seen[a]; ok {
			r.seen[a] = at
		}
	}
	if err := r.publishRecipient(ctx); err != nil {
		return nil, err
	}
	r.refreshRemoved()
	opts := cfg.Gossip
	opts.DeviceID, opts.TeamID, opts.Keys = r.self, cfg.Team.ID, cfg.Team.Keys
	if opts.Logger == nil {
		opts.Logger = cfg.Logger
	}
	mc, err := gossip.Config(opts)
	if err != nil {
		return nil, err
	}
	r.ring = mc.Keyring
	r.strm = gossip.StreamsOf(mc)
	mc.Delegate = &delegate{r: r}
	mc.Events = &eventDelegate{r: r}
	// The queue carries only notices: every change already went to each member
	// directly, so a notice is insurance against a lost packet and needs few retransmits.
	r.bq = &memberlist.TransmitLimitedQueue{NumNodes: r.numNodes, RetransmitMult: 1}
	ml, err := memberlist.Create(mc)
	if err != nil {
		if mc.Transport != nil && cfg.Gossip.Transport == nil {
			_ = mc.Transport.Shutdown() // the one gossip.Config bound
		}
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

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
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
	r.life.Lock()
	r.stopped = true
	r.life.Unlock()
	return err
}

// Addr returns the address peers can reach this replica at.
func (r *Replica) Addr() string { return r.ml.LocalNode().Address() }

// Join contacts peers at the given host:port addresses and remembers them.
func (r *Replica) Join(addrs []string) (int, error) {
	r.remember(addrs...)
	n, err := r.ml.Join(addrs)
	if err != nil && n == 0 {
		r.noteJoinFailure(addrs, err)
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

// maxBatch is how many queued live messages the replica decodes and applies together.
const maxBatch = 512

func (r *Replica) loop() {
	defer r.done.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	entropy := time.NewTicker(r.cfg.AntiEntropyEvery)
	defer entropy.Stop()
	batch := make([]decoded, 0, maxBatch)
	for {
		// Pulls and chunks first: a flood of live packets must not starve a catch-up.
		select {
		case d := <-r.urgent:
			r.handle([]decoded{d})
			continue
		default:
		}
		select {
		case <-r.stop:
			return
		case d := <-r.urgent:
			r.handle([]decoded{d})
		case raw := <-r.inbox:
			batch = append(batch[:0], decode(raw))
		drain:
			for len(batch) < maxBatch {
				select {
				case raw := <-r.inbox:
					batch = append(batch, decode(raw))
				default:
					break drain
				}
			}
			r.handle(batch)
		case fn := <-r.work:
			fn()
		case <-tick.C:
			r.expirePulls()
			r.acknowledge()
			r.advanceRotation()
		case <-entropy.C:
			r.pullRandomPeer()
		}
	}
}

// drop counts and logs a message that failed to decode, as a bad message of its sender.
func (r *Replica) drop(from string, err error) {
	r.count(func(s *Stats) { s.Dropped++ })
	r.noteBad(from, err)
	if from == "" {
		from = "an unnamed sender"
	}
	if r.limitWarn("dropped " + from) {
		r.log.Warn("dropped a message from a peer", "peer", from, "addr", r.addr(from), "err", err)
	}
}

func (r *Replica) count(fn func(*Stats)) {
	r.mu.Lock()
	fn(&r.stats)
	r.mu.Unlock()
}

func (r *Replica) vector() store.Vector {
	v, err := r.st.Vector()
	if err != nil {
		r.log.Error("read version vector", "err", err)
		return store.Vector{}
	}
	return v
}

// send delivers msg to a member over a reliable stream.
func (r *Replica) send(to string, msg []byte) error {
	for _, n := range r.ml.Members() {
		if n.Name == to {
			err := r.ml.SendReliable(n, msg)
			if err == nil {
				r.count(func(s *Stats) { s.BytesOut += int64(len(msg)) })
			}
			return err
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

func (r *Replica) isRemoved(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.removed[id]
}
