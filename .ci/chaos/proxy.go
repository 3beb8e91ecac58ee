package main

import (
	"fmt"
	"io"
	"math/rand"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// lossyNet is a userspace network between the peers' gossip ports: peer i binds
// 127.0.0.(11+i) and advertises its front, 127.0.0.(101+i) on the same port, where
// this relays UDP packets and TCP streams to it. Each peer sends from its own address
// (see sync/gossip's bound transport), so the front tells the sender apart and can
// cut a pair (a partition), drop a share of packets and streams, and delay them.
type lossyNet struct {
	fronts []*front
	real   []*net.UDPAddr

	mu      sync.Mutex
	blocked map[[2]int]bool
	loss    float64
	delay   time.Duration
	rng     *rand.Rand
	conns   map[[2]int]map[net.Conn]bool

	relayed, dropped atomic.Int64 // packets and streams
	bytes            atomic.Int64
	done             chan struct{}
}

type front struct {
	i   int
	udp *net.UDPConn
	tcp *net.TCPListener
}

func realIP(i int) net.IP  { return net.IPv4(127, 0, 0, byte(11+i)) }
func frontIP(i int) net.IP { return net.IPv4(127, 0, 0, byte(101+i)) }

// newLossyNet opens a front for each peer's gossip port.
func newLossyNet(ports []int, rng *rand.Rand) (*lossyNet, error) {
	n := &lossyNet{blocked: map[[2]int]bool{}, rng: rng, conns: map[[2]int]map[net.Conn]bool{}, done: make(chan struct{})}
	for i, port := range ports {
		u, err := net.ListenUDP("udp", &net.UDPAddr{IP: frontIP(i), Port: port})
		if err != nil {
			n.close()
			return nil, fmt.Errorf("open the front of peer %d: %w", i+1, err)
		}
		t, err := net.ListenTCP("tcp", &net.TCPAddr{IP: frontIP(i), Port: port})
		if err != nil {
			u.Close()
			n.close()
			return nil, fmt.Errorf("open the front of peer %d: %w", i+1, err)
		}
		n.fronts = append(n.fronts, &front{i: i, udp: u, tcp: t})
		n.real = append(n.real, &net.UDPAddr{IP: realIP(i), Port: port})
	}
	for _, f := range n.fronts {
		go n.packets(f)
		go n.streams(f)
	}
	return n, nil
}

func (n *lossyNet) close() {
	select {
	case <-n.done:
		return
	default:
	}
	close(n.done)
	for _, f := range n.fronts {
		f.udp.Close()
		f.tcp.Close()
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, set := range n.conns {
		for c := range set {
			c.Close()
		}
	}
}

// sender is the peer whose address ip is, or -1.
func (n *lossyNet) sender(ip net.IP) int {
	for i := range n.fronts {
		if ip.Equal(realIP(i)) {
			return i
		}
	}
	return -1
}

// pass decides one packet or stream from peer from to peer to: dropped (false), or
// let through after the delay it returns.
func (n *lossyNet) pass(from, to int) (bool, time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if from < 0 || n.blocked[[2]int{from, to}] || n.loss > 0 && n.rng.Float64() < n.loss {
		n.dropped.Add(1)
		return false, 0
	}
	n.relayed.Add(1)
	return true, n.delay
}

// packets relays UDP: a packet from peer j reaching peer i's front goes to peer i from
// peer j's front, so that i's answer to its source goes back through j's front.
func (n *lossyNet) packets(f *front) {
	buf := make([]byte, 65536)
	for {
		size, src, err := f.udp.ReadFromUDP(buf)
		if err != nil {
			return
		}
		j := n.sender(src.IP)
		ok, delay := n.pass(j, f.i)
		if !ok {
			continue
		}
		n.bytes.Add(int64(size))
		msg := append([]byte(nil), buf[:size]...)
		out, to := n.fronts[j].udp, n.real[f.i]
		if delay == 0 {
			_, _ = out.WriteToUDP(msg, to)
			continue
		}
		time.AfterFunc(delay, func() { _, _ = out.WriteToUDP(msg, to) })
	}
}

// streams relays TCP: a stream from peer j to peer i's front is joined to peer i,
// dialled from j's front address; a partition between them cuts it.
func (n *lossyNet) streams(f *front) {
	for {
		in, err := f.tcp.AcceptTCP()
		if err != nil {
			return
		}
		j := n.sender(in.RemoteAddr().(*net.TCPAddr).IP)
		ok, delay := n.pass(j, f.i)
		if !ok {
			in.Close()
			continue
		}
		go n.join(in, j, f.i, delay)
	}
}

func (n *lossyNet) join(in net.Conn, from, to int, delay time.Duration) {
	time.Sleep(delay)
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: frontIP(from)}}
	out, err := d.Dial("tcp", n.real[to].String())
	if err != nil {
		in.Close()
		return
	}
	pair := [2]int{from, to}
	if !n.track(pair, in, out) {
		return
	}
	var wg sync.WaitGroup
	wg.Add(2)
	pipe := func(dst, src net.Conn) {
		defer wg.Done()
		c, _ := io.Copy(dst, src)
		n.bytes.Add(c)
		dst.Close()
		src.Close()
	}
	go pipe(out, in)
	go pipe(in, out)
	wg.Wait()
	n.untrack(pair, in, out)
}

// track notes a stream's two connections, or closes them when the pair was cut meanwhile.
func (n *lossyNet) track(pair [2]int, cs ...net.Conn) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.blocked[pair] {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	if n.conns[pair] == nil {
		n.conns[pair] = map[net.Conn]bool{}
	}
	for _, c := range cs {
		n.conns[pair][c] = true
	}
	return true
}

func (n *lossyNet) untrack(pair [2]int, cs ...net.Conn) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, c := range cs {
		delete(n.conns[pair], c)
	}
}

// partition cuts every pair across the two groups, in both directions, and the
// streams already open between them.
func (n *lossyNet) partition(group []bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for a := range n.fronts {
		for b := range n.fronts {
			if group[a] != group[b] {
				n.blocked[[2]int{a, b}] = true
				for c := range n.conns[[2]int{a, b}] {
					c.Close()
				}
			}
		}
	}
}

// heal lets everything through again, without loss or delay.
func (n *lossyNet) heal() {
	n.mu.Lock()
	defer n.mu.Unlock()
	clear(n.blocked)
	n.loss, n.delay = 0, 0
}

// degrade drops a share of packets and streams and delays the rest.
func (n *lossyNet) degrade(loss float64, delay time.Duration) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.loss, n.delay = loss, delay
}
