package gossip

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// Streams opens and accepts the team's streams (see Stream) on the device's gossip port.
// It is safe for concurrent use.
type Streams struct {
	ring  *memberlist.Keyring
	dial  func(addr string, timeout time.Duration) (net.Conn, error)
	log   *slog.Logger
	start time.Duration // how long a handshake may take

	mu      sync.Mutex
	handler func(*Stream) // nil: streams are refused; guarded by mu
	max     int           // the bound on a message of an accepted stream; guarded by mu
	perHost map[string]int
	open    map[*Stream]bool // accepted streams, closed at shutdown; guarded by mu
	closed  bool             // guarded by mu
}

const (
	// StreamsPerPeer bounds the streams one address may hold open to this device.
	StreamsPerPeer = 8
	maxStreams     = 64 // bounds the streams held open to this device in all
)

// ErrNoStreams reports that streams are not available (memberlist runs on a transport
// given in Options, not the device's own).
var ErrNoStreams = errors.New("this device's gossip carries no streams")

// StreamsOf returns the streams of the node that c configures; nil when c runs on a
// transport given in Options.
func StreamsOf(c *memberlist.Config) *Streams {
	if t, ok := c.Transport.(*transport); ok {
		return t.streams
	}
	return nil
}

// Handle makes fn the handler of the streams peers open to this device, with messages of
// up to max bytes. fn runs on a goroutine of its own for each stream and owns it: the
// stream is closed when fn returns.
func (ss *Streams) Handle(max int, fn func(*Stream)) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.handler, ss.max = fn, max
}

// Open opens a stream to the device at addr (its gossip address), for messages of up to
// max bytes, with the team's primary key.
func (ss *Streams) Open(addr string, max int, timeout time.Duration) (*Stream, error) {
	if ss == nil {
		return nil, ErrNoStreams
	}
	conn, err := ss.dial(addr, timeout)
	if err != nil {
		return nil, fmt.Errorf("open a stream to %s: %w", addr, err)
	}
	s, err := dialStream(conn, ss.ring.GetPrimaryKey(), max, timeout)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("open a stream to %s: %w", addr, err)
	}
	return s, nil
}

// accept runs the handshake of a stream whose streamHello was read and hands it to the
// handler, within the bounds on streams per address and in all.
func (ss *Streams) accept(conn net.Conn) {
	defer conn.Close()
	host, _, _ := net.SplitHostPort(conn.RemoteAddr().String())
	ss.mu.Lock()
	fn, max := ss.handler, ss.max
	full := ss.perHost[host] >= StreamsPerPeer || len(ss.open) >= maxStreams
	if fn == nil || full || ss.closed {
		ss.mu.Unlock()
		if full {
			ss.log.Warn("refused a stream: that address holds too many open", "addr", conn.RemoteAddr().String())
		}
		return
	}
	ss.perHost[host]++
	ss.mu.Unlock()
	defer func() {
		ss.mu.Lock()
		ss.perHost[host]--
		if ss.perHost[host] == 0 {
			delete(ss.perHost, host)
		}
		ss.mu.Unlock()
	}()
	s, err := acceptStream(conn, ss.ring.GetKeys(), max, ss.start)
	if err != nil {
		ss.log.Warn("refused a stream without the team key (another team, an out-of-date key, or not an Outpost device)",
			"addr", conn.RemoteAddr().String(), "err", err)
		return
	}
	ss.mu.Lock()
	if ss.closed {
		ss.mu.Unlock()
		return
	}
	ss.open[s] = true
	ss.mu.Unlock()
	defer func() {
		ss.mu.Lock()
		delete(ss.open, s)
		ss.mu.Unlock()
	}()
	fn(s)
	if s.bad != nil {
		ss.log.Warn("closed a stream whose peer sent a damaged or oversized frame", "addr", s.RemoteAddr(), "err", s.bad)
	}
}

// shutdown closes every accepted stream and refuses new ones.
func (ss *Streams) shutdown() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.closed = true
	for s := range ss.open {
		s.Close()
	}
}
