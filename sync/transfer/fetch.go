package transfer

import (
	"cmp"
	"errors"
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
	perPeer  map[string]int
}

type flight struct {
	peer, addr string
	piece      int
	at         time.Time
}

// fetchLoop owns every download: it asks, receives, verifies and writes.
func (t *Transfer) fetchLoop() {
	defer t.done.Done()
	f := &fetcher{t: t, active: map[blob.Hash]*download{}, queued: map[blob.Hash]bool{}, bad: map[string]time.Time{}}
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
		case now := <-tick.C:
			f.startWaiting()
			online := t.online()
			for _, d := range f.active {
				t.advance(d, now, online, f.bad, &f.req)
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
		f.t.advance(d, time.Now(), f.t.online(), f.bad, &f.req)
	}
}

// onAnswer takes a holder's manifest or piece for an active download.
func (f *fetcher) onAnswer(m message) {
	t := f.t
	d := f.active[m.h.Hash]
	if d == nil {
		t.count(func(s *Stats) { s.Dropped++ })
		return
	}
	switch m.typ {
	case typeManifest:
		t.onManifest(d, m, f.bad)
	case typePiece:
		if done, err := t.onPiece(d, m, f.bad); done || err != nil {
			f.finish(d, err)
			if err == nil && t.cfg.OnArrived != nil {
				t.cfg.OnArrived(d.meta.Hash)
			}
			f.startWaiting()
			return
		}
	}
	if d.part != nil {
		t.advance(d, time.Now(), t.online(), f.bad, &f.req) // keep each holder's pipe full
	}
}

func (f *fetcher) closeAll() {
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
func (t *Transfer) advance(d *download, now time.Time, online map[string]string, bad map[string]time.Time, req *uint64) {
	for id, f := range d.inflight {
		if now.Sub(f.at) > t.cfg.PieceTimeout || online[f.peer] == "" {
			delete(d.inflight, id)
			d.perPeer[f.peer]--
			d.queue = append(d.queue, f.piece)
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
			_ = t.ask(peer, d.meta.Hash, -1, req)
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
			if t.ask(peer, d.meta.Hash, piece, req) != nil {
				continue
			}
			d.queue = d.queue[1:]
			d.inflight[*req] = flight{peer: peer, addr: online[peer], piece: piece, at: now}
			d.perPeer[peer]++
			progress = true
		}
	}
}

// ask asks peer for a piece of blob h (-1: its manifest) under the next question number.
func (t *Transfer) ask(peer string, h blob.Hash, piece int, req *uint64) error {
	*req++
	return t.cfg.Net.SendStream(peer, encode(typeAsk, header{From: t.cfg.Net.Self(), Req: *req, Hash: h, Piece: piece}, nil))
}

// onManifest takes the first manifest that matches the signed record and notes every holder.
func (t *Transfer) onManifest(d *download, m message, bad map[string]time.Time) {
	if !m.h.Have {
		return
	}
	man := manifestOf(m)
	if !man.Valid() || man.Size != d.meta.Size || man.ListHash() != d.meta.Pieces {
		t.blame(m.h.From, cmp.Or(t.online()[m.h.From], "unknown"), d, -1, bad)
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

// onPiece verifies and writes a piece; done is true once the blob is whole and stored.
func (t *Transfer) onPiece(d *download, m message, bad map[string]time.Time) (done bool, err error) {
	f, ok := d.inflight[m.h.Req]
	if !ok || f.peer != m.h.From || f.piece != m.h.Piece || d.part == nil {
		t.count(func(s *Stats) { s.Dropped++ })
		return false, nil
	}
	delete(d.inflight, m.h.Req)
	d.perPeer[f.peer]--
	if err := d.part.Write(m.h.Piece, m.payload); err != nil {
		if !errors.Is(err, blob.ErrBadChunk) {
			return false, err
		}
		d.queue = append(d.queue, m.h.Piece)
		t.blame(f.peer, f.addr, d, m.h.Piece, bad)
		return false, nil
	}
	t.count(func(s *Stats) { s.PiecesReceived++; s.BytesReceived += int64(len(m.payload)) })
	t.report(d)
	if !d.part.Done() {
		return false, nil
	}
	if err := d.part.Finish(); err != nil {
		return false, err
	}
	t.count(func(s *Stats) { s.Arrived++ })
	t.log.Info("file received", "file", d.meta.Hash, "name", d.meta.Name, "bytes", d.meta.Size, "from", len(d.holders))
	return true, nil
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
