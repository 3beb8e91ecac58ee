// Package transfer moves attachment bytes between the team's devices over the team's
// streams (one long-lived TCP connection per peer on the gossip port, encrypted with the
// team key; see gossip.Stream). A blob travels in pieces of blob.ChunkSize: the device
// that wants it asks every online peer for its manifest, keeps the first whose hash is the
// one the signed attachment record names, and then asks the peers that hold the blob for
// pieces, a few at a time from each, and receives them on the same stream. Every piece
// is verified against the manifest before it is written; a peer that sends a damaged piece
// or manifest is logged with its address and avoided. Pieces already on disk survive a
// disconnect or a crash (blob.Partial), and the blob appears only once the whole file
// verifies.
package transfer

import (
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/replica"
	"outpost/sync/wire"
)

// Net is what the transfer needs of the replica: the team's streams, and who is online.
type Net interface {
	// OpenStream opens a stream to an online member for messages of up to max bytes.
	OpenStream(device string, max int, timeout time.Duration) (*replica.Stream, error)
	// HandleStreams gives fn, on a goroutine of its own, each stream a member opens.
	HandleStreams(max int, fn func(*replica.Stream))
	// Member finds the online member device whose address is at host.
	Member(device, host string) (replica.Member, bool)
	// Handle routes the replica's messages of type t to fn (see oldVersion).
	Handle(t wire.Type, fn func([]byte)) error
	Online() []replica.Member
	Self() string
}

// Config configures a transfer.
type Config struct {
	Net    Net
	Blobs  *blob.Store
	Store  *store.Store
	Logger *slog.Logger
	// EagerBelow: attachments up to this size are fetched as soon as their record arrives,
	// so an offline technician has them; larger ones when asked for (Want). Default 25 MB.
	EagerBelow int64
	// Eager, if set, is asked for the eager size at each decision instead (a team setting
	// that may change, or arrive from a peer, while the transfer runs).
	Eager func() int64
	// OnArrived is called (on the transfer's goroutine) when a blob has arrived and verified.
	OnArrived func(blob.Hash)
	// Window is how many pieces of one blob are asked of one peer and not yet written, at
	// a time (default 1: a transfer cut by a crash has had at most one piece sent in vain;
	// several blobs and several peers keep the line busy).
	Window int
	// Downloads is how many blobs are fetched at once (default 8).
	Downloads int
	// PieceTimeout gives up on a piece a peer did not send (default 20 s).
	PieceTimeout time.Duration
	// RescanEvery is how often the whole replica is searched for attachments whose bytes
	// are missing (default 10 minutes); an attachment arriving from a peer is seen at once.
	RescanEvery time.Duration
}

// Stats count the transfer's traffic.
type Stats struct {
	PiecesServed   int   `json:"piecesServed"`
	BytesServed    int64 `json:"bytesServed"`
	PiecesReceived int   `json:"piecesReceived"`
	BytesReceived  int64 `json:"bytesReceived"`
	BadPieces      int   `json:"badPieces"` // damaged pieces or manifests refused
	Dropped        int   `json:"dropped"`   // malformed or unexpected messages
	Arrived        int   `json:"arrived"`   // blobs completed
}

// Progress is one download as the UI shows it.
type Progress struct {
	Hash   blob.Hash `json:"hash"`
	Have   int       `json:"have"`   // pieces verified on disk
	Pieces int       `json:"pieces"` // pieces in all; 0 until a peer that holds it answered
	Peers  int       `json:"peers"`  // peers it is fetched from
}

// Transfer serves this device's blobs to peers and fetches the ones its records name.
type Transfer struct {
	cfg Config
	log *slog.Logger

	asks    chan message // peers' questions, answered by the servers
	answers chan message // manifests and pieces for the fetch loop
	wants   chan attach.Meta
	stop    chan struct{}
	done    sync.WaitGroup
	unsub   func()

	buffers sync.Pool // *[]byte of room for the frame of a piece message (see frameSize)
	// verifiers holds a place for each piece being hashed and written: all but one core
	// at most, so that the replica (the team's edits) and the app always find one free.
	// On a loaded 2-core machine, eight verifiers at once doubled an edit's p99 to be seen.
	verifiers chan struct{}

	mu       sync.Mutex
	stats    Stats
	progress map[blob.Hash]Progress
	streams  map[*replica.Stream]bool // the streams peers opened to this device; guarded by mu
	stopped  bool                     // guarded by mu
}

// Start registers the transfer's messages with the replica and starts serving and fetching.
func Start(cfg Config) (*Transfer, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.EagerBelow == 0 {
		cfg.EagerBelow = 25 << 20
	}
	cfg.Window = max(cfg.Window, 1)
	if cfg.Downloads <= 0 {
		cfg.Downloads = 8
	}
	if cfg.PieceTimeout <= 0 {
		cfg.PieceTimeout = 20 * time.Second
	}
	if cfg.RescanEvery <= 0 {
		cfg.RescanEvery = 10 * time.Minute
	}
	t := &Transfer{cfg: cfg, log: cfg.Logger.With("part", "transfer"),
		asks: make(chan message, 256), answers: make(chan message, 256), wants: make(chan attach.Meta, 64),
		stop: make(chan struct{}), progress: map[blob.Hash]Progress{}, streams: map[*replica.Stream]bool{},
		verifiers: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))}
	t.buffers.New = func() any { b := make([]byte, 0, frameSize); return &b }
	cfg.Net.HandleStreams(pieceMessageSize, t.serveStream)
	for _, typ := range []wire.Type{typeAsk, typeManifest, typePiece} {
		if err := cfg.Net.Handle(typ, t.oldVersion); err != nil {
			return nil, err
		}
	}
	t.unsub = cfg.Store.Subscribe(t.onCommit)
	for range 4 { // sending waits on the network more than on the disk
		t.done.Add(1)
		go t.serve()
	}
	t.done.Add(1)
	go t.fetchLoop()
	return t, nil
}

// Stop stops serving and fetching; what arrived stays on disk.
func (t *Transfer) Stop() {
	t.unsub()
	t.mu.Lock()
	t.stopped = true
	for s := range t.streams {
		s.Close()
	}
	t.mu.Unlock()
	close(t.stop)
	t.done.Wait()
}

// eagerBelow is the size up to which attachments are fetched as soon as their record arrives.
func (t *Transfer) eagerBelow() int64 {
	if t.cfg.Eager != nil {
		return t.cfg.Eager()
	}
	return t.cfg.EagerBelow
}

// Want asks for an attachment's bytes now, whatever its size (a person opened it, or
// pinned a visit's files before driving out).
func (t *Transfer) Want(m attach.Meta) {
	if t.cfg.Blobs.Has(m.Hash) {
		return
	}
	select {
	case t.wants <- m:
	case <-t.stop:
	}
}

// onCommit sees attachments that arrive from peers: files up to the eager size are asked
// for at once. It runs on the committing goroutine and never blocks (a full queue is
// caught up by the periodic search).
func (t *Transfer) onCommit(e store.Event) {
	if e.Local {
		return
	}
	for _, c := range e.Changes {
		if !slices.ContainsFunc(c.Ops, func(op change.Op) bool { return op.Field == attach.FieldItems }) {
			continue
		}
		rec, ok := e.Record(c.Kind, c.Entity)
		if !ok {
			continue
		}
		for _, a := range attach.List(rec, t.cfg.Blobs) {
			if !a.Here && a.Size <= t.eagerBelow() {
				select {
				case t.wants <- a.Meta:
				default:
				}
			}
		}
	}
}

// Stats returns the counters.
func (t *Transfer) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

// Downloads lists the blobs being fetched.
func (t *Transfer) Downloads() []Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Progress, 0, len(t.progress))
	for _, p := range t.progress {
		out = append(out, p)
	}
	return out
}

func (t *Transfer) count(fn func(*Stats)) {
	t.mu.Lock()
	fn(&t.stats)
	t.mu.Unlock()
}

// oldVersion drops a file-transfer message that came over the gossip, where devices of
// an earlier version send them: taken for the replica's own, it would count as a bad
// message against its sender. It runs on memberlist's goroutines and never blocks.
func (t *Transfer) oldVersion([]byte) {
	t.count(func(s *Stats) { s.Dropped++ })
	t.log.Debug("dropped a file-transfer message of an earlier version of Outpost (that device needs an update to exchange files)")
}

// missing lists the attachments of live records whose bytes are not here, up to the eager size.
func (t *Transfer) missing() []attach.Meta {
	var out []attach.Meta
	seen := map[blob.Hash]bool{}
	eager := t.eagerBelow()
	err := attach.ScanLive(t.cfg.Store, func(m attach.Meta) {
		if !seen[m.Hash] && m.Size <= eager && !t.cfg.Blobs.Has(m.Hash) {
			seen[m.Hash] = true
			out = append(out, m)
		}
	})
	if err != nil {
		t.log.Warn("find attachments to fetch", "err", err)
	}
	return out
}
