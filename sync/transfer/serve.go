package transfer

import (
	"errors"
	"net"

	"outpost/backend/core/blob"
	"outpost/sync/gossip"
	"outpost/sync/replica"
)

// frameSize is room for the frame of the largest message.
const frameSize = gossip.FrameHead + pieceMessageSize + gossip.FrameTail

// serveStream reads the questions a peer asks on a stream it opened to this device and
// queues them for the servers, which answer on the same stream. The first question names
// the asker, and every later one must come from it; at every question it must be an
// online member of the team (not removed) at the stream's address. It runs on the
// stream's own goroutine.
func (t *Transfer) serveStream(s *replica.Stream) {
	if !t.track(s) {
		return
	}
	defer t.untrack(s)
	host, _, _ := net.SplitHostPort(s.RemoteAddr())
	asker := ""
	buf := make([]byte, 0, 4<<10)
	for {
		raw, err := s.Receive(buf)
		if err != nil {
			return // closed, idle, or a damaged frame (which the gossip logs)
		}
		m, err := decode(raw)
		if err == nil && m.typ != typeAsk {
			err = errors.New("an answer where a question belongs")
		}
		if err == nil && asker != "" && m.h.From != asker {
			err = errors.New("a question in the name of another device")
		}
		if err == nil {
			if _, ok := t.cfg.Net.Member(m.h.From, host); !ok { // checked at every question: it may have been removed meanwhile
				t.log.Warn("closed a stream from a device that is not an online member at its address",
					"addr", s.RemoteAddr(), "claims", m.h.From)
				return
			}
			asker = m.h.From
		}
		if err != nil {
			t.count(func(s *Stats) { s.Dropped++ })
			t.log.Warn("closed a stream whose peer sent a malformed file-transfer message", "addr", s.RemoteAddr(), "peer", asker, "err", err)
			return
		}
		m.on, m.addr = s, s.RemoteAddr()
		select {
		case t.asks <- m: // a full queue holds this asker back, and only it
		case <-t.stop:
			return
		}
	}
}

// track notes a stream peers opened, so that Stop can close it; false once stopping.
func (t *Transfer) track(s *replica.Stream) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return false
	}
	t.streams[s] = true
	t.done.Add(1)
	return true
}

func (t *Transfer) untrack(s *replica.Stream) {
	t.mu.Lock()
	delete(t.streams, s)
	t.mu.Unlock()
	t.done.Done()
}

// serve answers peers' questions from the blobs held here.
func (t *Transfer) serve() {
	defer t.done.Done()
	for {
		select {
		case <-t.stop:
			return
		case m := <-t.asks:
			t.answer(m)
		}
	}
}

// answer sends a manifest, or reads a piece into a pooled frame that is sealed in place.
func (t *Transfer) answer(m message) {
	h := header{From: t.cfg.Net.Self(), Req: m.h.Req, Hash: m.h.Hash, Piece: m.h.Piece}
	if m.h.Piece < 0 {
		var payload []byte
		if man, err := t.cfg.Blobs.Manifest(m.h.Hash); err == nil {
			h.Have, h.Size, payload = true, man.Size, manifestPayload(man)
		} else if !errors.Is(err, blob.ErrNotFound) {
			t.log.Warn("read file for a peer", "file", m.h.Hash, "err", err)
		}
		_ = m.on.Send(frame(typeManifest, h, payload))
		return
	}
	buf := t.buffer()
	defer t.buffers.Put(buf)
	msg := encodeHeader((*buf)[:gossip.FrameHead], typePiece, h)
	piece, err := t.cfg.Blobs.ReadChunkInto(m.h.Hash, m.h.Piece, msg[len(msg):cap(msg)-gossip.FrameTail])
	if err != nil {
		return // not here (any more): the asker times out and asks elsewhere
	}
	if err := m.on.Send(msg[:len(msg)+len(piece)]); err == nil {
		t.count(func(s *Stats) { s.PiecesServed++; s.BytesServed += int64(len(piece)) })
	}
}

// buffer returns a pooled buffer of room for a frame of the largest message.
func (t *Transfer) buffer() *[]byte { return t.buffers.Get().(*[]byte) }

// release returns a message's buffer to the pool once its payload is no longer used.
func (t *Transfer) release(m message) {
	if m.buf != nil {
		t.buffers.Put(m.buf)
	}
}
