package gossip

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-sockaddr"
	"github.com/hashicorp/memberlist"
)

// transport is the device's UDP/TCP gossip transport: memberlist's NetTransport with
// two changes.
//   - Streams leave from the bound address. memberlist's dials from whatever address
//     the system picks, so a device bound to one of its addresses (--gossip-bind) would
//     reach its peers from another; with this one every packet and stream of a device
//     comes from the address it was told to use, which is also how a fault-injecting
//     proxy between peers tells them apart.
//   - A packet costs its size, not 64 KB. memberlist's reads each UDP packet into a
//     new 64 KB buffer; under a flood of small packets (a hostile insider spraying
//     garbage) that was a third of the receiver's CPU in zeroing and collecting memory,
//     and its heap grew by hundreds of MB. This one reads into one buffer and passes on
//     a copy of the bytes received.
//
// It also carries the team's streams (see Stream) on the same port.
type transport struct {
	ip       net.IP
	local    *net.TCPAddr // where streams leave from; nil when bound to every address
	tcp      *net.TCPListener
	udp      *net.UDPConn
	packetCh chan *memberlist.Packet
	streamCh chan net.Conn
	logger   *log.Logger
	answer   func() Answer // what a probe is told (see Probe)
	streams  *Streams      // the team's streams on this port (see Stream)
	wrap     func(net.Conn) net.Conn
	closed   atomic.Bool
	done     chan struct{} // closed by Shutdown
	wg       sync.WaitGroup
}

var _ memberlist.NodeAwareTransport = (*transport)(nil)

const (
	maxPacket   = 65536           // the largest UDP payload
	udpRecvBuf  = 2 * 1024 * 1024 // the socket's receive buffer, as memberlist sets it
	tcpBaseWait = 5 * time.Millisecond
	tcpMaxWait  = time.Second
	streamStart = 10 * time.Second // how long a stream may take to send its first byte
)

// newTransport binds UDP and TCP on ip:port (0 picks a port free for both); answer
// is what a probe is told.
func newTransport(ip net.IP, port int, logger *log.Logger, answer func() Answer, o transportOptions) (*transport, error) {
	var t *transport
	var err error
	for range 10 { // a picked port may be free for TCP and taken for UDP: try again
		t, err = bind(ip, port)
		if err == nil || port != 0 {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bind gossip on %s: %w", net.JoinHostPort(ip.String(), fmt.Sprint(port)), err)
	}
	t.logger, t.answer, t.wrap = logger, answer, o.wrap
	if !ip.IsUnspecified() {
		t.local = &net.TCPAddr{IP: ip}
	}
	t.streams = &Streams{ring: o.ring, dial: t.dialTCP, log: o.log, start: streamStart,
		perHost: map[string]int{}, open: map[*Stream]bool{}}
	t.wg.Add(2)
	go t.acceptStreams()
	go t.readPackets()
	return t, nil
}

func bind(ip net.IP, port int) (*transport, error) {
	tcp, err := net.ListenTCP("tcp", &net.TCPAddr{IP: ip, Port: port})
	if err != nil {
		return nil, err
	}
	port = tcp.Addr().(*net.TCPAddr).Port
	udp, err := net.ListenUDP("udp", &net.UDPAddr{IP: ip, Port: port})
	if err != nil {
		tcp.Close()
		return nil, err
	}
	for size := udpRecvBuf; size > 0; size /= 2 {
		if udp.SetReadBuffer(size) == nil {
			break
		}
	}
	return &transport{ip: ip, tcp: tcp, udp: udp, done: make(chan struct{}),
		packetCh: make(chan *memberlist.Packet), streamCh: make(chan net.Conn)}, nil
}

// Port is the port both listeners hold.
func (t *transport) Port() int { return t.tcp.Addr().(*net.TCPAddr).Port }

// FinalAdvertiseAddr is ip:port when given, else the bound address (a private address
// of the machine when bound to every address).
func (t *transport) FinalAdvertiseAddr(ip string, port int) (net.IP, int, error) {
	if ip != "" {
		addr := net.ParseIP(ip)
		if addr == nil {
			return nil, 0, fmt.Errorf("advertise address %q is not an IP address", ip)
		}
		if v4 := addr.To4(); v4 != nil {
			addr = v4
		}
		return addr, port, nil
	}
	if !t.ip.IsUnspecified() {
		ip := t.ip
		if v4 := ip.To4(); v4 != nil {
			ip = v4 // as memberlist's transport gives it: peers compare addresses byte for byte
		}
		return ip, t.Port(), nil
	}
	private, err := sockaddr.GetPrivateIP()
	if err != nil {
		return nil, 0, fmt.Errorf("read the machine's addresses: %w", err)
	}
	if private == "" {
		return nil, 0, fmt.Errorf("this machine has no private address to advertise; give one")
	}
	return net.ParseIP(private), t.Port(), nil
}

func (t *transport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, memberlist.Address{Addr: addr})
}

func (t *transport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	to, err := net.ResolveUDPAddr("udp", a.Addr)
	if err != nil {
		return time.Time{}, err
	}
	_, err = t.udp.WriteTo(b, to)
	return time.Now(), err
}

func (t *transport) PacketCh() <-chan *memberlist.Packet { return t.packetCh }

// IngestPacket reads a whole packet from conn (memberlist's packet-over-stream fallback).
func (t *transport) IngestPacket(conn net.Conn, addr net.Addr, now time.Time, shouldClose bool) error {
	if shouldClose {
		defer conn.Close()
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, conn); err != nil {
		return fmt.Errorf("read a packet: %w", err)
	}
	if buf.Len() == 0 {
		return fmt.Errorf("an empty packet from %s", addr)
	}
	t.packetCh <- &memberlist.Packet{Buf: buf.Bytes(), From: addr, Timestamp: now}
	return nil
}

func (t *transport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

// DialAddressTimeout opens a stream to a, from the bound address.
func (t *transport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	return t.dialTCP(a.Addr, timeout)
}

// dialTCP opens a TCP connection to addr from the bound address.
func (t *transport) dialTCP(addr string, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout}
	if t.local != nil {
		d.LocalAddr = t.local
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil || t.wrap == nil {
		return conn, err
	}
	return t.wrap(conn), nil
}

func (t *transport) StreamCh() <-chan net.Conn { return t.streamCh }

func (t *transport) IngestStream(conn net.Conn) error {
	t.streamCh <- conn
	return nil
}

func (t *transport) Shutdown() error {
	if t.closed.Swap(true) {
		return nil
	}
	close(t.done)
	t.tcp.Close()
	t.udp.Close()
	t.streams.shutdown()
	t.wg.Wait()
	return nil
}

// transportOptions are what a transport needs beyond its address.
type transportOptions struct {
	ring *memberlist.Keyring     // the team keys the streams use
	log  *slog.Logger            // where refused streams are logged
	wrap func(net.Conn) net.Conn // see Options.WrapConn
}

// acceptStreams hands memberlist every stream opened to it (see admit), waiting
// longer after each failed accept (a full file table) so that it does not spin.
func (t *transport) acceptStreams() {
	defer t.wg.Done()
	var wait time.Duration
	for {
		conn, err := t.tcp.AcceptTCP()
		if err != nil {
			if t.closed.Load() {
				return
			}
			wait = min(max(2*wait, tcpBaseWait), tcpMaxWait)
			t.logger.Printf("[ERR] memberlist: accept a stream: %v", err)
			time.Sleep(wait)
			continue
		}
		wait = 0
		if t.wrap != nil {
			go t.admit(t.wrap(conn))
		} else {
			go t.admit(conn)
		}
	}
}

// admit answers a probe on conn, hands a team stream to its handler, or hands conn to
// memberlist.
func (t *transport) admit(conn net.Conn) {
	_ = conn.SetReadDeadline(time.Now().Add(streamStart))
	first, kind, err := firstBytes(conn)
	if err != nil {
		conn.Close()
		return
	}
	switch kind {
	case openProbe:
		if t.answer != nil {
			answerProbe(conn, t.answer())
		} else {
			conn.Close()
		}
		return
	case openStream:
		t.streams.accept(conn)
		return
	}
	_ = conn.SetReadDeadline(time.Time{})
	select {
	case t.streamCh <- &peekedConn{Conn: conn, peeked: first}:
	case <-t.done:
		conn.Close()
	}
}

// readPackets hands memberlist every packet received, each in a buffer of its size.
func (t *transport) readPackets() {
	defer t.wg.Done()
	buf := make([]byte, maxPacket)
	for {
		n, from, err := t.udp.ReadFrom(buf)
		at := time.Now()
		if err != nil {
			if t.closed.Load() {
				return
			}
			t.logger.Printf("[ERR] memberlist: read a packet: %v", err)
			continue
		}
		if n == 0 {
			continue
		}
		select {
		case t.packetCh <- &memberlist.Packet{Buf: bytes.Clone(buf[:n]), From: from, Timestamp: at}:
		case <-t.done:
			return
		}
	}
}
