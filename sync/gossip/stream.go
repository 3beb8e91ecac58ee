package gossip

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// A stream is a long-lived connection between two devices of the team on the gossip
// port, for bulk traffic (attachment pieces) that would crowd memberlist's own streams.
// It opens with the plaintext line streamHello, so the transport tells it from a probe
// and from memberlist's streams (see admit). Then:
//
//	dialer -> listener  streamHello, 32 random bytes (the dialer's nonce)
//	listener -> dialer  32 random bytes (the listener's nonce)
//	dialer -> listener  the first frame, proof: streamProof sealed with the dialer's key
//	listener -> dialer  the first frame, proof: streamProof sealed with the listener's key
//
// Each direction has its own AES-256-GCM key, derived with HKDF-SHA256 from a team key
// and both nonces, so neither side can replay an old stream. The dialer uses the primary
// team key; the listener tries every key of the keyring against the dialer's proof (a
// rotation in progress). A device without a team key learns nothing but 32 random bytes
// and is disconnected. A frame is its sealed length (4 bytes, big-endian, authenticated
// as the frame's additional data) and its sealed bytes, under a counter nonce; a frame
// longer than the stream's bound, or one that does not open, ends the stream.
const streamHello = "OUTPOST-BLOB1\n" // as long as probeHello: firstBytes reads either in one go

const (
	nonceSize   = 32
	streamProof = "outpost stream proof v1"
	// FrameHead is the room a frame buffer keeps before its message (its sealed length).
	FrameHead = 4
	// FrameTail is the room a frame buffer needs after its message (the GCM tag).
	FrameTail = 16
)

// ErrFrame reports a frame from a peer that is larger than the stream allows or does
// not open with the stream's key (damaged, forged or replayed).
var ErrFrame = errors.New("a damaged or oversized frame")

// NewFrame returns an empty frame buffer with room for a message of up to n bytes.
func NewFrame(n int) []byte { return make([]byte, FrameHead, FrameHead+n+FrameTail) }

// Stream is an encrypted, authenticated stream to another device of the team. Send is
// safe for concurrent use; Receive is for one reader at a time.
type Stream struct {
	conn         net.Conn
	rd           *bufio.Reader
	seal, open   cipher.AEAD
	sendN, recvN uint64
	max          int // the largest message either way
	idle         time.Duration
	wmu          chan struct{} // one sender at a time: the counter orders the frames
	bad          error         // the ErrFrame that ended the stream; Receive's goroutine only
}

const (
	streamWrite = 30 * time.Second // how long one frame may take to leave
	streamIdle  = 2 * time.Minute  // how long a stream may wait for a frame
)

// RemoteAddr is the address the stream's peer is at (for a stream this device opened,
// the peer's gossip address).
func (s *Stream) RemoteAddr() string { return s.conn.RemoteAddr().String() }

// Close closes the stream; a blocked Send or Receive returns.
func (s *Stream) Close() error { return s.conn.Close() }

// Send seals the message frame[FrameHead:] in place and writes it. frame needs FrameTail
// bytes of capacity past its length (see NewFrame); its bytes are ciphertext afterwards.
func (s *Stream) Send(frame []byte) error {
	n := len(frame) - FrameHead
	if n < 0 || n > s.max {
		return fmt.Errorf("send on a stream: a message of %d bytes is over the bound of %d", n, s.max)
	}
	if cap(frame)-len(frame) < FrameTail {
		frame = append(frame, make([]byte, FrameTail)...)[:len(frame)]
	}
	s.wmu <- struct{}{}
	defer func() { <-s.wmu }()
	binary.BigEndian.PutUint32(frame, uint32(n+FrameTail))
	sealed := s.seal.Seal(frame[FrameHead:FrameHead], counterNonce(s.sendN), frame[FrameHead:], frame[:FrameHead])
	s.sendN++
	_ = s.conn.SetWriteDeadline(time.Now().Add(streamWrite))
	if _, err := s.conn.Write(frame[:FrameHead+len(sealed)]); err != nil {
		s.conn.Close() // a frame cut half way leaves nothing to resume
		return fmt.Errorf("send on a stream to %s: %w", s.RemoteAddr(), err)
	}
	return nil
}

// Receive reads the next frame into buf (grown when it is too small) and opens it in
// place; the message it returns is a part of buf. An ErrFrame closes the stream.
func (s *Stream) Receive(buf []byte) ([]byte, error) {
	sealed, hdr, err := s.readSealed(buf)
	if err != nil {
		return nil, err
	}
	msg, err := s.open.Open(sealed[:0], counterNonce(s.recvN), sealed, hdr[:])
	if err != nil {
		s.conn.Close()
		s.bad = fmt.Errorf("%w: it does not open with the stream's key", ErrFrame)
		return nil, s.bad
	}
	s.recvN++
	return msg, nil
}

// readSealed reads one frame's length and sealed bytes into buf.
func (s *Stream) readSealed(buf []byte) ([]byte, [FrameHead]byte, error) {
	var hdr [FrameHead]byte
	_ = s.conn.SetReadDeadline(time.Now().Add(s.idle))
	if _, err := io.ReadFull(s.rd, hdr[:]); err != nil {
		return nil, hdr, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if n < FrameTail || n > s.max+FrameTail {
		s.conn.Close()
		s.bad = fmt.Errorf("%w: a frame of %d bytes (the bound is %d)", ErrFrame, n, s.max+FrameTail)
		return nil, hdr, s.bad
	}
	if cap(buf) < n {
		buf = make([]byte, n)
	}
	if _, err := io.ReadFull(s.rd, buf[:n]); err != nil {
		return nil, hdr, err
	}
	return buf[:n], hdr, nil
}

func counterNonce(n uint64) []byte {
	var b [12]byte
	binary.BigEndian.PutUint64(b[4:], n)
	return b[:]
}

// sessionKeys derives the two directions' ciphers of a stream from a team key and the
// nonces of both sides.
func sessionKeys(key, dialer, listener []byte) (toListener, toDialer cipher.AEAD, err error) {
	salt := append(append(make([]byte, 0, 2*nonceSize), dialer...), listener...)
	mk := func(info string) (cipher.AEAD, error) {
		k, err := hkdf.Key(sha256.New, key, salt, info, 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		return cipher.NewGCM(block)
	}
	if toListener, err = mk("outpost stream: dialer to listener"); err != nil {
		return nil, nil, err
	}
	toDialer, err = mk("outpost stream: listener to dialer")
	return toListener, toDialer, err
}

// dialStream runs the dialer's side of the handshake on conn with the primary key.
func dialStream(conn net.Conn, key []byte, max int, timeout time.Duration) (*Stream, error) {
	_ = conn.SetDeadline(time.Now().Add(timeout))
	mine := make([]byte, len(streamHello)+nonceSize)
	copy(mine, streamHello)
	_, _ = rand.Read(mine[len(streamHello):])
	if _, err := conn.Write(mine); err != nil {
		return nil, err
	}
	theirs := make([]byte, nonceSize)
	if _, err := io.ReadFull(conn, theirs); err != nil {
		return nil, fmt.Errorf("the device did not answer as a device of the team: %w", err)
	}
	seal, open, err := sessionKeys(key, mine[len(streamHello):], theirs)
	if err != nil {
		return nil, err
	}
	s := newStream(conn, seal, open, max)
	if err := s.Send(append(NewFrame(len(streamProof)), streamProof...)); err != nil {
		return nil, err
	}
	s.idle = timeout
	proof, err := s.Receive(make([]byte, 64))
	s.idle = streamIdle
	if err != nil || string(proof) != streamProof {
		return nil, fmt.Errorf("the device did not prove it holds the team key (another team, or an out-of-date key)")
	}
	_ = conn.SetDeadline(time.Time{})
	return s, nil
}

// acceptStream runs the listener's side of the handshake on conn, whose streamHello was
// read, trying each of keys (primary first) against the dialer's proof.
func acceptStream(conn net.Conn, keys [][]byte, max int, timeout time.Duration) (*Stream, error) {
	_ = conn.SetDeadline(time.Now().Add(timeout))
	theirs := make([]byte, nonceSize)
	if _, err := io.ReadFull(conn, theirs); err != nil {
		return nil, err
	}
	mine := make([]byte, nonceSize)
	_, _ = rand.Read(mine)
	if _, err := conn.Write(mine); err != nil {
		return nil, err
	}
	probe := &Stream{conn: conn, rd: bufio.NewReader(conn), max: len(streamProof), idle: timeout}
	sealed, hdr, err := probe.readSealed(make([]byte, 64))
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		open, seal, err := sessionKeys(k, theirs, mine)
		if err != nil {
			return nil, err
		}
		proof, err := open.Open(nil, counterNonce(0), sealed, hdr[:])
		if err != nil || string(proof) != streamProof {
			continue
		}
		s := newStream(conn, seal, open, max)
		s.rd, s.recvN = probe.rd, 1
		if err := s.Send(append(NewFrame(len(streamProof)), streamProof...)); err != nil {
			return nil, err
		}
		_ = conn.SetDeadline(time.Time{})
		return s, nil
	}
	return nil, errors.New("it did not prove it holds a team key")
}

func newStream(conn net.Conn, seal, open cipher.AEAD, max int) *Stream {
	return &Stream{conn: conn, rd: bufio.NewReaderSize(conn, 64<<10), seal: seal, open: open, max: max,
		idle: streamIdle, wmu: make(chan struct{}, 1)}
}
