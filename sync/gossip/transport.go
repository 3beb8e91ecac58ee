package gossip

import (
	"fmt"
	"log"
	"net"
	"time"

	"github.com/hashicorp/memberlist"
)

// boundTransport is memberlist's UDP/TCP transport whose streams also leave from the
// bound address. memberlist's own dials from whatever address the system picks, so a
// device bound to one of its addresses (--gossip-bind) would reach its peers from
// another; with this one, every packet and stream of a device comes from the address
// it was told to use, which is also how a fault-injecting proxy between peers tells
// them apart.
type boundTransport struct {
	*memberlist.NetTransport
	local *net.TCPAddr
}

var _ memberlist.NodeAwareTransport = (*boundTransport)(nil)

// newBoundTransport binds UDP and TCP on ip:port (0 picks a free port).
func newBoundTransport(ip net.IP, port int, logger *log.Logger) (*boundTransport, error) {
	var nt *memberlist.NetTransport
	var err error
	for range 10 { // a picked port may be free for TCP and taken for UDP: try again
		nt, err = memberlist.NewNetTransport(&memberlist.NetTransportConfig{
			BindAddrs: []string{ip.String()}, BindPort: port, Logger: logger,
		})
		if err == nil || port != 0 {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bind gossip on %s: %w", net.JoinHostPort(ip.String(), fmt.Sprint(port)), err)
	}
	return &boundTransport{NetTransport: nt, local: &net.TCPAddr{IP: ip}}, nil
}

// DialTimeout opens a stream to addr from the bound address.
func (t *boundTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

// DialAddressTimeout opens a stream to a from the bound address.
func (t *boundTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	d := net.Dialer{Timeout: timeout, LocalAddr: t.local}
	return d.Dial("tcp", a.Addr)
}

// specificIP returns addr's IP when it names one address (not 0.0.0.0 or ::).
func specificIP(addr string) (net.IP, bool) {
	ip := net.ParseIP(addr)
	if ip == nil || ip.IsUnspecified() {
		return nil, false
	}
	return ip, true
}
