package transfer

import (
	"errors"
	"sync"
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
)

// download is one blob being fetched; the fetch loop owns it.
type download struct {
	meta     attach.Meta
	part     *blob.Partial // nil until a peer sent a manifest that verifies
	asked    time.Time     // when the manifest was last asked for
	holders  []string      // peers that hold it, in the order they answered
	next     int           // the holder to ask first next time (round robin)
	queue    []int         // pieces to ask for
	inflight map[uint64]flight
	perPeer  map[string]int // pieces asked of each peer and not yet written (in flight or being checked)
	checking int            // pieces received and being verified and written
	closing  bool           // every piece is here: the whole file is being checked and stored
}

// written is what a piece's verifier tells the fetch loop: the piece was written, was
// damaged (blob.ErrBadChunk), or failed; for the last piece, whether the file was stored.
type written struct {
	d      *download
	f      flight
	bytes  int
	err    error
	stored bool  // the whole file verified and is in the store
	final  error // why the whole file was not stored
}

type flight struct {
	peer, addr string
	piece      int
	at         time.Time
}

// fetchLoop owns every download: it asks, receives, verifies and writes.
func (t *Transfer) fetchLoop() {
	defer t.done.Done()
	f := &fetcher{t: t, active: map[blob.Hash]*download{}, queued: map[blob.Hash]bool{}, bad: map[string]time.Time{},
		written: make(chan written, 64), links: map[string]*link{}, noLink: map[string]time.Time{}, down: make(chan linkDown),
		finishing: make(chan struct{}, 1)}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	rescan := time.NewTimer(0)
	defer rescan.Stop()
	defer f.closeAll()
	for {
		select {
		case <-t.stop:
			return
		case m := <-t.wants:
			f.enqueue(m)
			f.startWaiting()
		case <-rescan.C:
			for _, m := range t.missing() {
				f.enqueue(m)
			}
			f.startWaiting()
			rescan.Reset(t.cfg.RescanEvery)
		case m := <-t.answers:
			f.onAnswer(m)
		case w := <-f.written:
			f.onWritten(w)
		case d := <-f.down:
			f.onLinkDown(d)
		case now := <-tick.C:
			f.startWaiting()
			online := t.online()
			for _, d := range f.active {
				f.advance(d, now, online)
			}
		}
	}
}

// fetcher is the fetch loop's state; only the loop's goroutine touches it.
type fetcher struct {
	t       *Transfer
	active  map[blob.Hash]*download
	waiting []attach.Meta
	queued  map[blob.Hash]bool
	bad     map[string]time.Time // peers avoided until then
	req     uint64               // numbers the questions: an answer must carry one asked of its sender
	written chan written         // verifiers' results
	links   map[string]*link     // the stream to each peer asked
	noLink  map[string]time.Time // peers whose stream could not be opened: not tried again until then
	down    chan linkDown        // links that ended
	// finishing holds a place while a received file is synced and stored (see store)
	finishing chan struct{}

	verifying sync.WaitGroup // verifiers still writing their piece
}

func (f *fetcher) enqueue(m attach.Meta) {
	if !f.queued[m.Hash] && !f.t.cfg.Blobs.Has(m.Hash) {
		f.queued[m.Hash] = true
		f.waiting = append(f.waiting, m)
	}
}

func (f *fetcher) finish(d *download, err error) {
	if d.part != nil {
		d.part.Close()
	}
	delete(f.active, d.meta.Hash)
	delete(f.queued, d.meta.Hash)
	f.t.mu.Lock()
	delete(f.t.progress, d.meta.Hash)
	f.t.mu.Unlock()
	if err != nil {
		f.t.log.Warn("file not received", "file", d.meta.Hash, "name", d.meta.Name, "err", err)
	}
}

// startWaiting starts downloads while there is room, asking for their manifests at once.
func (f *fetcher) startWaiting() {
	for len(f.active) < f.t.cfg.Downloads && len(f.waiting) > 0 {
		m := f.waiting[0]
		f.waiting = f.waiting[1:]
		if f.t.cfg.Blobs.Has(m.Hash) {
			delete(f.queued, m.Hash)
			continue
		}
		d := &download{meta: m, inflight: map[uint64]flight{}, perPeer: map[string]int{}}
		f.active[m.Hash] = d
		f.advance(d, time.Now(), f.t.online())
	}
}

// onAnswer takes a holder's manifest or piece for an active download.
func (f *fetcher) onAnswer(m message) {
	t := f.t
	d := f.active[m.h.Hash]
	if d == nil {
		t.release(m)
		t.count(func(s *Stats) { s.Dropped++ })
		return
	}
	switch m.typ {
	case typeManifest:
		t.onManifest(d, m, f.bad)
		t.release(m)
	case typePiece:
		f.onPiece(d, m)
	}
	if d.part != nil {
		f.advance(d, time.Now(), t.online()) // keep each holder's pipe full
	}
}

// closeAll closes the downloads once the pieces being verified are written: a piece that
// arrived before the stop is on disk for the next start.
func (f *fetcher) closeAll() {
	f.verifying.Wait()
	for _, d := range f.active {
		if d.part != nil {
			d.part.Close()
		}
	}
}

// online maps the team's online peers to their addresses.
func (t *Transfer) online() map[string]string {
	online := map[string]string{}
	for _, m := range t.cfg.Net.Online() {
		online[m.Device] = m.Addr
	}
	return online
}

// advance asks for what a download lacks: the manifest until a holder answers, then
// pieces from the holders, Window at a time each; pieces not sent in time are asked again.
// online is the team's online peers (see online), read once for all downloads.
func (f *fetcher) advance(d *download, now time.Time, online map[string]string) {
	t, bad := f.t, f.bad
	for id, fl := range d.inflight {
		if now.Sub(fl.at) > t.cfg.PieceTimeout || online[fl.peer] == "" {
			delete(d.inflight, id)
			d.perPeer[fl.peer]--
			d.queue = append(d.queue, fl.piece)
		}
	}
	if d.part == nil || len(d.holders) == 0 {
		if now.Sub(d.asked) < 3*time.Second {
			return
		}
		d.asked = now
		for peer := range online {
			if bad[peer].After(now) {
				continue
			}
			_ = f.ask(peer, d.meta.Hash, -1)
		}
		return
	}
	for progress := true; progress && len(d.queue) > 0; {
		progress = false
		for range d.holders {
			peer := d.holders[d.next%len(d.holders)]
			d.next++
			if online[peer] == "" || bad[peer].After(now) || d.perPeer[peer] >= t.cfg.Window || len(d.queue) == 0 {
				continue
			}
			piece := d.queue[0]
			if f.ask(peer, d.meta.Hash, piece) != nil {
				continue
			}
			d.queue = d.queue[1:]
			d.inflight[f.req] = flight{peer: peer, addr: online[peer], piece: piece, at: now}
			d.perPeer[peer]++
			progress = true
		}
	}
}

// ask asks peer, on its link, for a piece of blob h (-1: its manifest) under the next
// question number.
func (f *fetcher) ask(peer string, h blob.Hash, piece int) error {
	l, err := f.link(peer)
	if err != nil {
		return err
	}
	f.req++
	return l.send(frame(typeAsk, header{From: f.t.cfg.Net.Self(), Req: f.req, Hash: h, Piece: piece}, nil))
}

// onManifest takes the first manifest that matches the signed record and notes every holder.
func (t *Transfer) onManifest(d *download, m message, bad map[string]time.Time) {
	if !m.h.Have {
		return
	}
	man := manifestOf(m)
	if !man.Valid() || man.Size != d.meta.Size || man.ListHash() != d.meta.Pieces {
		t.blame(m.h.From, m.addr, d, -1, bad)
		return
	}
	for _, p := range d.holders {
		if p == m.h.From {
			return
		}
	}
	d.holders = append(d.holders, m.h.From)
	if d.part == nil {
		part, err := t.cfg.Blobs.Partial(d.meta.Hash, man)
		if err != nil {
			t.log.Warn("cannot receive file", "file", d.meta.Hash, "name", d.meta.Name, "err", err)
			return
		}
		d.part, d.queue = part, part.Missing()
	}
	t.report(d)
}

// onPiece hands a piece that was asked for to a verifier of its own, so that hashing
// and writing it never hold up the fetch loop (which keeps every holder's pipe full).
// Verifiers hash on all but one of the processor's cores at most (see Transfer.verifiers).
func (f *fetcher) onPiece(d *download, m message) {
	fl, ok := d.inflight[m.h.Req]
	if !ok || fl.peer != m.h.From || fl.piece != m.h.Piece || d.part == nil || d.closing {
		f.t.release(m)
		f.t.count(func(s *Stats) { s.Dropped++ })
		return
	}
	fl.addr = m.addr // the stream's: where the bytes really came from
	delete(d.inflight, m.h.Req)
	d.checking++ // its peer's place in the window is taken until it is written (see onWritten)
	f.t.done.Add(1)
	f.verifying.Add(1)
	go func() {
		defer f.t.done.Done()
		defer f.verifying.Done()
		f.t.verifiers <- struct{}{}
		err := d.part.Write(m.h.Piece, m.payload)
		<-f.t.verifiers
		f.t.release(m)
		f.report(written{d: d, f: fl, bytes: len(m.payload), err: err})
	}()
}

// report hands a verifier's result to the fetch loop, unless the transfer stops.
func (f *fetcher) report(w written) {
	select {
	case f.written <- w:
	case <-f.t.stop:
	}
}

// onWritten takes a verifier's result; once every piece is here the whole file is checked
// and stored on a goroutine of its own, and the download's place goes to the next one.
func (f *fetcher) onWritten(w written) {
	t, d := f.t, w.d
	if w.stored || w.final != nil {
		f.finish(d, w.final)
		if w.final == nil {
			t.count(func(s *Stats) { s.Arrived++ })
			t.log.Info("file received", "file", d.meta.Hash, "name", d.meta.Name, "bytes", d.meta.Size, "from", len(d.holders))
			if t.cfg.OnArrived != nil {
				t.cfg.OnArrived(d.meta.Hash)
			}
		}
		f.startWaiting()
		return
	}
	d.checking--
	d.perPeer[w.f.peer]--
	switch {
	case errors.Is(w.err, blob.ErrBadChunk):
		d.queue = append(d.queue, w.f.piece)
		t.blame(w.f.peer, w.f.addr, d, w.f.piece, f.bad)
	case errors.Is(w.err, blob.ErrClosed):
		return // the download stopped meanwhile
	case w.err != nil:
		f.finish(d, w.err)
		f.startWaiting()
		return
	default:
		t.count(func(s *Stats) { s.PiecesReceived++; s.BytesReceived += int64(w.bytes) })
		t.report(d)
	}
	if d.part.Done() && !d.closing {
		f.store(d)
		return
	}
	f.advance(d, time.Now(), t.online()) // the peer's place in the window is free again
}

// store checks the whole received file and puts it in the store, off the fetch loop.
func (f *fetcher) store(d *download) {
	d.closing = true
	delete(f.active, d.meta.Hash) // its place goes to the next download; queued keeps it from starting again
	f.t.done.Add(1)
	go func() {
		defer f.t.done.Done()
		f.finishing <- struct{}{} // one file synced at a time: a queue of syncs holds up the store's
		err := d.part.Finish()
		<-f.finishing
		f.report(written{d: d, stored: err == nil, final: err})
	}()
	f.startWaiting()
}

// blame logs a peer that sent damaged bytes, by its address, and avoids it for a while.
func (t *Transfer) blame(peer, addr string, d *download, piece int, bad map[string]time.Time) {
	t.count(func(s *Stats) { s.BadPieces++ })
	what := "piece"
	if piece < 0 {
		what = "list of pieces"
	}
	t.log.Warn("a peer sent a damaged "+what+" of a file; it is avoided for 10 minutes",
		"peer", peer, "addr", addr, "file", d.meta.Hash, "name", d.meta.Name, "piece", piece)
	bad[peer] = time.Now().Add(10 * time.Minute)
	for i, p := range d.holders {
		if p == peer {
			d.holders = append(d.holders[:i], d.holders[i+1:]...)
			break
		}
	}
}

func (t *Transfer) report(d *download) {
	p := Progress{Hash: d.meta.Hash, Peers: len(d.holders)}
	if d.part != nil {
		p.Have, p.Pieces = d.part.Have(), d.part.Have()+len(d.part.Missing())
	}
	t.mu.Lock()
	t.progress[d.meta.Hash] = p
	t.mu.Unlock()
}
