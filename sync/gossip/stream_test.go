package gossip

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer collects log lines written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *syncBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// streamNode binds a device's transport (without memberlist) with keys, primary first,
// and returns its streams, its address and its log.
func streamNode(t *testing.T, keys ...[]byte) (*Streams, string, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	c, err := Config(Options{DeviceID: "dev", TeamID: "team1", Keys: keys, BindAddr: "127.0.0.1", BindPort: 0,
		Preset: "local", Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Transport.Shutdown() })
	return StreamsOf(c), net.JoinHostPort("127.0.0.1", strconv.Itoa(c.BindPort)), logs
}

// echo makes ss answer every message with itself, reversed.
func echo(ss *Streams) {
	ss.Handle(1<<20, func(s *Stream) {
		buf := make([]byte, 0, 64<<10)
		for {
			msg, err := s.Receive(buf)
			if err != nil {
				return
			}
			out := NewFrame(len(msg))
			for i := len(msg) - 1; i >= 0; i-- {
				out = append(out, msg[i])
			}
			if s.Send(out) != nil {
				return
			}
		}
	})
}

// A stream opened with the primary key carries messages both ways, also to a device
// that holds that key as the second of two (a key rotation under way).
func TestAStreamCarriesMessagesWithAnyKeyOfTheRing(t *testing.T) {
	t.Parallel()
	old, next := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	for name, keys := range map[string][][]byte{"same key": {old}, "rotating": {next, old}} {
		t.Run(name, func(t *testing.T) {
			srv, addr, _ := streamNode(t, keys...)
			echo(srv)
			cli, _, _ := streamNode(t, old)
			s, err := cli.Open(addr, 1<<20, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, n := range []int{0, 1, 1000, 1 << 20} {
				msg := make([]byte, n)
				rand.Read(msg)
				if err := s.Send(append(NewFrame(n), msg...)); err != nil {
					t.Fatal(err)
				}
				got, err := s.Receive(nil)
				if err != nil {
					t.Fatalf("%d bytes: %v", n, err)
				}
				for i := range got {
					if got[i] != msg[n-1-i] {
						t.Fatalf("%d bytes: the answer differs at %d", n, i)
					}
				}
			}
		})
	}
}

// A device without the team key is refused: it learns nothing but the listener's random
// nonce, its connection is closed, the refusal is logged with its address, and the
// handler never sees it.
func TestAStreamWithoutTheTeamKeyIsRefused(t *testing.T) {
	t.Parallel()
	srv, addr, logs := streamNode(t, bytes.Repeat([]byte{1}, 32))
	called := make(chan struct{}, 1)
	srv.Handle(1<<20, func(*Stream) { called <- struct{}{} })

	other, _, _ := streamNode(t, bytes.Repeat([]byte{9}, 32))
	if s, err := other.Open(addr, 1<<20, 5*time.Second); err == nil {
		s.Close()
		t.Fatal("a device of another key opened a stream")
	}

	// By hand, to see every byte the listener sends to it.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	hello := append([]byte(streamHello), make([]byte, nonceSize)...)
	forged := make([]byte, FrameHead+len(streamProof)+FrameTail)
	binary.BigEndian.PutUint32(forged, uint32(len(forged)-FrameHead))
	rand.Read(forged[FrameHead:])
	conn.Write(append(hello, forged...))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("the connection was not closed: %v", err)
	}
	if len(got) != nonceSize {
		t.Fatalf("a device without the key got %d bytes, want only the %d-byte nonce", len(got), nonceSize)
	}
	select {
	case <-called:
		t.Fatal("the handler was given a stream without the team key")
	default:
	}
	waitLog(t, logs, "refused a stream without the team key", conn.LocalAddr().String())
}

// A frame over the bound, or one whose bytes were changed on the way, ends the stream
// with a log line naming the peer's address; the message never reaches the handler.
func TestADamagedOrOversizedFrameClosesTheStream(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{1}, 32)
	cases := map[string]func(s *Stream) []byte{
		"oversized": func(s *Stream) []byte {
			var hdr [FrameHead]byte
			binary.BigEndian.PutUint32(hdr[:], 1<<20+FrameTail+1)
			return hdr[:]
		},
		"garbled": func(s *Stream) []byte {
			var raw bytes.Buffer
			tap := &Stream{conn: &recorder{Conn: s.conn, w: &raw}, seal: s.seal, max: s.max, wmu: make(chan struct{}, 1), sendN: s.sendN}
			_ = tap.Send(append(NewFrame(5), "hello"...))
			b := raw.Bytes()
			b[FrameHead+2] ^= 0x40
			return b
		},
	}
	for name, frame := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, addr, logs := streamNode(t, key)
			got := make(chan []byte, 1)
			srv.Handle(1<<20, func(s *Stream) {
				for {
					msg, err := s.Receive(nil)
					if err != nil {
						return
					}
					got <- msg
				}
			})
			cli, _, _ := streamNode(t, key)
			s, err := cli.Open(addr, 1<<20, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.conn.Write(frame(s)); err != nil {
				t.Fatal(err)
			}
			_ = s.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			if n, err := s.conn.Read(make([]byte, 1)); err == nil || n > 0 {
				t.Fatalf("the stream stayed open (%d bytes, %v)", n, err)
			}
			select {
			case m := <-got:
				t.Fatalf("the handler got %q", m)
			default:
			}
			waitLog(t, logs, "damaged or oversized frame", s.conn.LocalAddr().String())
		})
	}
}

// recorder keeps what is written instead of sending it.
type recorder struct {
	net.Conn
	w io.Writer
}

func (r *recorder) Write(p []byte) (int, error) { return r.w.Write(p) }

func waitLog(t *testing.T, logs *syncBuffer, want ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(logs.String(), w)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log does not say %q:\n%s", want, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An address holds at most StreamsPerPeer streams open to a device; one more is refused
// and logged, and a handshake that stalls is cut when its time is up.
func TestStreamsAreBoundedPerAddressAndInTime(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{1}, 32)
	srv, addr, logs := streamNode(t, key)
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	srv.Handle(1<<20, func(*Stream) { <-hold })
	cli, _, _ := streamNode(t, key)
	for i := range StreamsPerPeer {
		s, err := cli.Open(addr, 1<<20, 5*time.Second)
		if err != nil {
			t.Fatalf("stream %d: %v", i+1, err)
		}
		defer s.Close()
	}
	if s, err := cli.Open(addr, 1<<20, 5*time.Second); err == nil {
		s.Close()
		t.Fatalf("stream %d from one address was let in", StreamsPerPeer+1)
	}
	waitLog(t, logs, "that address holds too many open")

	other, addr2, _ := streamNode(t, key)
	other.start = 300 * time.Millisecond
	other.Handle(1<<20, func(*Stream) { t.Error("a stalled handshake reached the handler") })
	conn, err := net.Dial("tcp", addr2)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte(streamHello)) // and then nothing
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("a stalled handshake was not cut: %v", err)
	}
	if waited := time.Since(start); waited < 250*time.Millisecond || waited > 2*time.Second || len(got) != 0 {
		t.Fatalf("a stalled handshake was cut after %s, having sent %d bytes", waited, len(got))
	}
}
