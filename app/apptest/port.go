package apptest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
)

// FreeLoopbackPort returns a port free for both TCP and UDP on 127.0.0.1, for a peer
// process to bind later. It is picked below the system's range of ephemeral ports:
// a port from that range (what binding port 0 gives) can be taken by any outgoing
// connection between this check and the peer binding it, which made peers fail to
// start now and then on a busy machine.
func FreeLoopbackPort() (int, error) {
	low := ephemeralLow()
	for range 100 {
		port := 10000 + rand.IntN(low-10000)
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		ln.Close()
		if err == nil {
			u.Close()
			return port, nil
		}
	}
	return 0, fmt.Errorf("no port free for both TCP and UDP")
}

// ephemeralLow is where the system's ephemeral ports begin (Linux: 32768).
func ephemeralLow() int {
	var low, high int
	raw, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err == nil {
		if _, err := fmt.Sscan(string(raw), &low, &high); err == nil && low > 12000 {
			return low
		}
	}
	return 32768
}
