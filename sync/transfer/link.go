package transfer

import (
	"errors"
	"time"

	"outpost/sync/gossip"
	"outpost/sync/replica"
)

// link is this device's stream to one peer: questions go out on it and the peer's
// answers come back on it, several in flight at once. The fetch loop owns the links map;
// a link's goroutines own its stream.
type link struct {
	peer string
	out  chan []byte   // frames of questions, sent in order
	gone chan struct{} // closed when the link ends
}

// linkOpen is how long opening a stream to a peer may take.
const linkOpen = 10 * time.Second

// errBusy reports a question not sent because its link's queue is full.
var errBusy = errors.New("the link to the peer is busy")

// link returns the link to peer, opening one unless an attempt failed lately.
func (f *fetcher) link(peer string) (*link, error) {
	if l := f.links[peer]; l != nil {
		return l, nil
	}
	if until, ok := f.noLink[peer]; ok && time.Now().Before(until) {
		return nil, errors.New("no stream to the peer for now")
	}
	l := &link{peer: peer, out: make(chan []byte, 512), gone: make(chan struct{})}
	f.links[peer] = l
	f.t.done.Add(1)
	go f.t.runLink(l, f.down)
	return l, nil
}

// send queues a question's frame on the link without blocking.
func (l *link) send(frame []byte) error {
	select {
	case l.out <- frame:
		return nil
	case <-l.gone:
		return errors.New("the link to the peer ended")
	default:
		return errBusy
	}
}

// onLinkDown forgets a link that ended: the pieces asked on it are asked again (of it,
// on a new stream, or of other holders), after a pause if it could not be opened.
func (f *fetcher) onLinkDown(d linkDown) {
	if f.links[d.l.peer] == d.l {
		delete(f.links, d.l.peer)
	}
	if !d.opened {
		f.noLink[d.l.peer] = time.Now().Add(3 * time.Second)
	}
	for _, dl := range f.active {
		for id, fl := range dl.inflight {
			if fl.peer == d.l.peer {
				delete(dl.inflight, id)
				dl.perPeer[fl.peer]--
				dl.queue = append(dl.queue, fl.piece)
			}
		}
	}
}

// linkDown tells the fetch loop a link ended, and whether its stream had opened.
type linkDown struct {
	l      *link
	opened bool
}

// runLink opens the link's stream, sends its questions and hands the answers to the
// fetch loop, until the stream fails or the transfer stops.
func (t *Transfer) runLink(l *link, down chan<- linkDown) {
	defer t.done.Done()
	s, err := t.cfg.Net.OpenStream(l.peer, pieceMessageSize, linkOpen)
	if err != nil {
		close(l.gone)
		t.log.Debug("cannot open a file-transfer stream to a peer", "peer", l.peer, "err", err) // asked again in 3 s
		select {
		case down <- linkDown{l: l}:
		case <-t.stop:
		}
		return
	}
	reading := make(chan struct{})
	go func() {
		defer close(reading)
		t.readLink(l, s)
	}()
	func() {
		for {
			select {
			case <-t.stop:
				return
			case <-reading:
				return
			case fr := <-l.out:
				if s.Send(fr) != nil {
					return
				}
			}
		}
	}()
	s.Close()
	<-reading
	close(l.gone)
	select {
	case down <- linkDown{l: l, opened: true}:
	case <-t.stop:
	}
}

// readLink hands the answers a peer sends on its stream to the fetch loop, each in a
// pooled buffer. A message that does not decode, is a question, or names another sender
// ends the stream.
func (t *Transfer) readLink(l *link, s *replica.Stream) {
	for {
		buf := t.buffer()
		raw, err := s.Receive(*buf)
		if err != nil {
			t.buffers.Put(buf)
			if errors.Is(err, gossip.ErrFrame) {
				t.log.Warn("closed the file-transfer stream to a peer that sent a damaged or oversized frame",
					"peer", l.peer, "addr", s.RemoteAddr(), "err", err)
			}
			return
		}
		m, err := decode(raw)
		if err == nil && (m.typ == typeAsk || m.h.From != l.peer) {
			err = errors.New("a question, or a message in another device's name")
		}
		if err != nil {
			t.buffers.Put(buf)
			t.count(func(s *Stats) { s.Dropped++ })
			t.log.Warn("closed the file-transfer stream to a peer that sent a malformed message",
				"peer", l.peer, "addr", s.RemoteAddr(), "err", err)
			return
		}
		m.addr, m.buf = s.RemoteAddr(), buf
		select {
		case t.answers <- m:
		case <-t.stop:
			t.buffers.Put(buf)
			return
		}
	}
}
