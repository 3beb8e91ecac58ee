package replica

import (
	"errors"
	"maps"
	"math/rand/v2"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/wire"
)

// Progress reports a catch-up from one peer: changes received so far and how
// many the peer said remain. Done is set when the peer has nothing more.
type Progress struct {
	Peer     string `json:"peer"`
	Received int    `json:"received"`
	Expected int    `json:"expected"`
	Done     bool   `json:"done"`
}

// chunksPerPull is how many chunks a peer sends in answer to one pull: the next
// is on the wire while this side applies the previous, and the puller asks
// again only when the last has arrived (back-pressure).
const chunksPerPull = 8

// maxPullRetries bounds the pulls from not-yet-listed members waiting to be tried again.
const maxPullRetries = 64

// bulkAbove is how many changes a peer must hold beyond this replica for a pull to
// ask for bulk chunks (wire.MaxBulkBytes): below it, small chunks keep each apply short.
const bulkAbove = 2_000

// onState compares a peer's vector with ours and pulls if it holds anything we lack
// that the last pull from it did not already ask for: a peer repeating a claim it
// cannot back (a change far beyond what its device made) is asked once, not at every telling.
func (r *Replica) onState(from string, theirs store.Vector) {
	r.mu.Lock()
	p := r.peerLocked(from)
	p.vector = theirs
	p.lastSeen = time.Now()
	asked := p.asked
	r.mu.Unlock()
	if r.wants(theirs, r.vector(), asked) {
		r.pull(from)
	}
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

// pull asks a peer for what we lack. One pull per peer is outstanding at a time.
func (r *Replica) pull(from string) {
	if from == "" || r.isRemoved(from) { // "": a message that named no sender
		return
	}
	r.mu.Lock()
	p := r.peerLocked(from)
	if !p.pulling.IsZero() || r.pullingLocked() {
		// One catch-up at a time: two peers would send the same changes twice.
		// This one follows when the current one completes.
		p.again = true
		r.mu.Unlock()
		return
	}
	p.again = false
	r.mu.Unlock()
	r.sendPull(from, r.vector())
}

// sendPull makes a pull naming vector the outstanding one for a peer and sends
// it. It reports whether the pull went out.
func (r *Replica) sendPull(from string, vector store.Vector) bool {
	r.mu.Lock()
	p := r.peerLocked(from)
	r.pulls++
	p.pulling, p.pullID, p.nextPart = time.Now(), r.pulls, 0
	clear(p.early)
	id := p.pullID
	size := 0
	if diff(p.vector, vector) > bulkAbove {
		size = wire.MaxBulkBytes
	}
	skip := r.skipLocked()
	r.mu.Unlock()
	msg, err := wire.Encode(wire.TypePull, wire.Pull{From: r.self, Vector: vector, ID: id, Bytes: size, Skip: skip})
	if err == nil {
		err = r.send(from, msg)
	}
	if err != nil {
		r.log.Debug("pull failed", "peer", from, "err", err)
		r.mu.Lock()
		if p.pullID == id {
			p.pulling = time.Time{}
		}
		r.mu.Unlock()
		return false
	}
	r.mu.Lock()
	if p.pullID == id {
		p.asked = maps.Clone(p.vector)
		for _, d := range skip {
			delete(p.asked, d) // not asked for: a later state may ask once they are wanted
		}
	}
	r.mu.Unlock()
	r.count(func(s *Stats) { s.PullsSent++ })
	return true
}

// pullAhead asks for the next answer as the last part of this one arrives, before
// applying it, so that the peer reads the next chunks while this side applies:
// the pull names the vector this replica will hold once the part is in. It does
// so only when the part continues exactly from what this replica holds (every
// earlier part went in whole), and reports whether the pull went out.
func (r *Replica) pullAhead(from string, c *wire.Chunk) bool {
	v := r.vector()
	next := maps.Clone(v)
	for _, ch := range c.Changes {
		if ch.Seq > next[ch.Device] {
			if ch.Seq != next[ch.Device]+1 {
				return false // a gap: this part does not follow on from what is held
			}
			next[ch.Device] = ch.Seq
		}
	}
	return r.sendPull(from, next)
}

// servePull answers a pull with up to chunksPerPull bounded chunks of what the
// peer lacks. A pull can arrive before memberlist has told this side about the
// new member; the answer is then retried shortly. A removed device gets nothing.
func (r *Replica) servePull(from string, pl *wire.Pull, attempt int) {
	if r.isRemoved(from) {
		if r.limitWarn("removed pull " + from) {
			r.log.Info("refused a pull from a removed device", "peer", from, "addr", r.addr(from))
		}
		return
	}
	if !r.isMember(from) {
		// A new member's first pull can come before memberlist lists it: try again
		// shortly, a few pulls at a time, so that pulls claiming names no member goes by
		// (an insider's flood) cost neither timers nor peer entries.
		if attempt >= 20 {
			return
		}
		if r.retries.Add(1) > maxPullRetries {
			r.retries.Add(-1)
			return
		}
		time.AfterFunc(100*time.Millisecond, func() {
			r.retries.Add(-1)
			r.do(func() { r.servePull(from, pl, attempt+1) })
		})
		return
	}
	r.mu.Lock()
	p := r.peerLocked(from)
	p.vector, p.lastSeen = pl.Vector, time.Now() // a pull is also an acknowledgement of what it holds
	r.mu.Unlock()
	mine := r.vector()
	after := maps.Clone(pl.Vector)
	if after == nil {
		after = store.Vector{}
	}
	for _, d := range pl.Skip {
		after[d] = max(after[d], mine[d]) // not wanted now: left out of the answer and of Left
	}
	for i := range chunksPerPull {
		cs, raws, err := r.st.EncodedChangesAfter(after, pl.ChunkBytes())
		if err != nil {
			r.log.Error("read changes for a peer", "peer", from, "err", err)
			return
		}
		for _, c := range cs {
			after[c.Device] = max(after[c.Device], c.Seq)
		}
		left := diff(mine, after)
		last := left == 0 || i == chunksPerPull-1 || len(cs) == 0
		msg, err := wire.Encode(wire.TypeChunk, wire.Chunk{From: r.self, Changes: cs, Encoded: raws, More: left > 0, Left: left,
			Follows: !last, Pull: pl.ID, Part: i})
		if err == nil {
			err = r.send(from, msg)
		}
		if err != nil {
			r.log.Debug("answer a pull", "peer", from, "err", err)
			return
		}
		r.count(func(s *Stats) { s.ChunksServed++ })
		if last {
			return
		}
	}
}

// onChunk takes a chunk answering a pull. Each chunk travels on a stream of its
// own, so the chunks of one answer can overtake each other: those of the
// outstanding pull are taken in order of Part, and one that comes early waits
// (in memory, at most chunksPerPull of them) for those before it. A chunk of an
// earlier pull, one given up on, is dropped while a pull is outstanding (that pull
// brings the same changes, and counts them once), and otherwise applied but steers nothing.
func (r *Replica) onChunk(from string, c *wire.Chunk) {
	r.mu.Lock()
	p := r.peerLocked(from)
	p.lastSeen = time.Now()
	pulling := !p.pulling.IsZero()
	current := pulling && c.Pull != 0 && c.Pull == p.pullID && c.Part >= p.nextPart && c.Part < chunksPerPull
	switch {
	case current && c.Part > p.nextPart:
		if p.early == nil {
			p.early = map[int]*wire.Chunk{}
		}
		p.early[c.Part] = c
		r.mu.Unlock()
		return
	case !current && pulling:
		r.mu.Unlock()
		r.log.Debug("dropped a chunk of an earlier pull", "peer", from, "pull", c.Pull, "part", c.Part)
		return
	}
	r.mu.Unlock()
	for c != nil {
		c = r.takeChunk(from, c, current)
	}
}

// takeChunk applies a chunk. For the outstanding pull's chunks, taken in order,
// it reports progress and returns the next part if that came early; at the last
// part it asks for more if there is more (ahead of applying it when it can).
func (r *Replica) takeChunk(from string, c *wire.Chunk, current bool) *wire.Chunk {
	ahead := current && !c.Follows && c.More && len(c.Changes) > 0 && r.pullAhead(from, c)
	began := time.Now()
	res, err := r.st.ApplyAll(c.Changes)
	switch {
	case errors.Is(err, store.ErrForged):
		r.refuseChunk(from, c, err)
	case err != nil:
		r.log.Error("apply a chunk", "peer", from, "err", err)
	}
	r.rejected(res, c.Changes, func(change.ID) string { return from })
	r.count(func(s *Stats) { s.Applied += res.Applied })
	if res.Applied > 0 {
		r.clearRefusals()
	}
	r.log.Debug("chunk applied", "peer", from, "changes", len(c.Changes), "applied", res.Applied,
		"left", c.Left, "follows", c.Follows, "part", c.Part, "current", current, "took", time.Since(began))
	r.mu.Lock()
	p := r.peerLocked(from)
	if !current {
		r.mu.Unlock()
		return nil
	}
	p.got += res.Applied
	p.left = c.Left
	p.pulling = time.Now() // the answer is arriving: the pull is alive
	prog := Progress{Peer: from, Received: p.got, Expected: p.got + int(c.Left), Done: !c.More}
	if prog.Done {
		p.got = 0
	}
	if c.Follows {
		p.nextPart = c.Part + 1
		next := p.early[p.nextPart]
		delete(p.early, p.nextPart)
		r.mu.Unlock()
		r.progress(prog, res.Applied > 0)
		return next
	}
	if ahead {
		r.mu.Unlock() // the next pull is already out
		r.progress(prog, res.Applied > 0)
		return nil
	}
	p.pulling = time.Time{}
	clear(p.early)
	// Pull on while there is more and this chunk made progress; a chunk that
	// applied nothing (all rejected) waits for the next state exchange instead of looping.
	again := (p.again || c.More) && err == nil && (res.Applied > 0 || len(c.Changes) == 0)
	p.again = false
	r.mu.Unlock()
	r.progress(prog, res.Applied > 0)
	if again {
		r.pull(from)
		return nil
	}
	r.pullNext()
	return nil
}

// refuseChunk logs a chunk refused whole because a change in it is forged, naming
// the peer that sent it and its address, and counts its changes as rejected.
func (r *Replica) refuseChunk(from string, c *wire.Chunk, err error) {
	r.mu.Lock()
	addr := r.peerLocked(from).addr
	r.mu.Unlock()
	r.log.Warn("refused a chunk of changes whole: one is forged", "peer", from, "addr", addr,
		"changes", len(c.Changes), "err", err)
	r.count(func(s *Stats) { s.Rejected += len(c.Changes) })
	r.noteBad(from, err)
}

// pullingLocked reports whether a pull from any peer is outstanding. r.mu must be held.
func (r *Replica) pullingLocked() bool {
	for _, p := range r.peers {
		if !p.pulling.IsZero() {
			return true
		}
	}
	return false
}

// pullNext starts a pull that waited for the previous one, if any.
func (r *Replica) pullNext() {
	r.mu.Lock()
	next := ""
	for id, p := range r.peers {
		if p.again && p.online {
			next = id
			break
		}
	}
	r.mu.Unlock()
	if next != "" {
		r.pull(next)
	}
}

func (r *Replica) progress(p Progress, changed bool) {
	if r.cfg.OnProgress != nil && (changed || p.Done) && (p.Received > 0 || p.Expected > 0) {
		r.cfg.OnProgress(p)
	}
}

// pullRandomPeer asks one random live member for anything this replica lacks.
func (r *Replica) pullRandomPeer() {
	var others []string
	for _, n := range r.ml.Members() {
		if n.Name != r.self && !r.isRemoved(n.Name) {
			others = append(others, n.Name)
		}
	}
	if len(others) > 0 {
		r.pull(others[rand.IntN(len(others))])
	}
}

func (r *Replica) expirePulls() {
	r.mu.Lock()
	for _, p := range r.peers {
		if !p.pulling.IsZero() && time.Since(p.pulling) > r.cfg.PullTimeout {
			p.pulling, p.asked = time.Time{}, nil // the next state may ask again
			clear(p.early)                        // parts whose predecessors never came: the next pull brings them again
		}
	}
	r.mu.Unlock()
	r.pullNext()
}
