// Package gossip configures memberlist for an Outpost team: the node is named by
// the device ID, labelled with the team ID, and every packet and stream is
// encrypted with the team keyring. It also provides the named broadcasts the
// replica queues and a bridge from memberlist's logger to slog.
package gossip

import (
	"bytes"
	"fmt"
	"log"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/memberlist"
)

// DefaultPort is the default gossip port (TCP and UDP).
const DefaultPort = 7481

// Options describe one node.
type Options struct {
	DeviceID      string
	TeamID        string
	Keys          [][]byte // primary first
	BindAddr      string   // default 0.0.0.0
	BindPort      int      // default DefaultPort; 0 picks a free port
	AdvertiseAddr string   // an IP, or IP:port; the port defaults to AdvertisePort, then BindPort
	AdvertisePort int
	Preset        string // "lan" (default) or "local" (fast timers, for one host)
	Logger        *slog.Logger
	// Transport, when set, replaces memberlist's UDP/TCP transport (tests and
	// benchmarks count bytes with it). It must already be bound.
	Transport memberlist.Transport
	// WrapConn, when set, wraps every TCP connection the device's own transport opens or
	// accepts (tests capture the bytes on the wire with it).
	WrapConn func(net.Conn) net.Conn
}

// Config builds the memberlist configuration; the caller sets the delegates. Unless
// given a transport, it binds the device's own (see transport); memberlist shuts it
// down with the node, and a caller that does not create the node shuts down
// Config().Transport.
func Config(o Options) (*memberlist.Config, error) {
	var c *memberlist.Config
	switch o.Preset {
	case "", "lan":
		c = memberlist.DefaultLANConfig()
	case "local":
		c = memberlist.DefaultLocalConfig()
		c.PushPullInterval = 5 * time.Second
	default:
		return nil, fmt.Errorf("unknown gossip preset %q (want lan or local)", o.Preset)
	}
	if len(o.Keys) == 0 {
		return nil, fmt.Errorf("no team key")
	}
	ring, err := memberlist.NewKeyring(o.Keys, o.Keys[0])
	if err != nil {
		return nil, fmt.Errorf("team keyring: %w", err)
	}
	c.Name = o.DeviceID
	c.Label = o.TeamID
	c.Keyring = ring
	c.GossipVerifyIncoming = true
	c.GossipVerifyOutgoing = true
	// No LZW on every message: attachment pieces (photos, archives) are compressed already,
	// where LZW grows them and took 60% of a transfer's CPU; on live changes it saved 7% of
	// the wire bytes (1.39x -> 1.29x per change in BenchmarkVisibility10Nodes).
	c.EnableCompression = false
	// memberlist does not re-gossip user messages: the replica relays on first
	// receipt, and 4 retransmits per hop reached every node in measurements.
	c.RetransmitMult = 4
	c.BindAddr = "0.0.0.0"
	if o.BindAddr != "" {
		c.BindAddr = o.BindAddr
	}
	c.BindPort = DefaultPort
	if o.BindPort != 0 || o.BindAddr != "" {
		c.BindPort = o.BindPort
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	c.Logger = log.New(&logBridge{log: o.Logger}, "", 0)
	c.Transport = o.Transport
	if c.Transport == nil {
		ip := net.ParseIP(c.BindAddr)
		if ip == nil {
			return nil, fmt.Errorf("gossip bind address %q is not an IP address", c.BindAddr)
		}
		t, err := newTransport(ip, c.BindPort, c.Logger, func() Answer { return answerOf(o.TeamID, ring) },
			transportOptions{ring: ring, log: o.Logger.With("component", "gossip"), wrap: o.WrapConn})
		if err != nil {
			return nil, err
		}
		c.Transport, c.BindPort = t, t.Port()
	}
	if c.AdvertiseAddr, c.AdvertisePort, err = advertise(o, c.BindPort); err != nil {
		if c.Transport != nil && o.Transport == nil {
			_ = c.Transport.Shutdown()
		}
		return nil, err
	}
	return c, nil
}

// AdvertiseAddress is the host:port peers are told to use for addr (an IP, or IP:port)
// when gossip binds port; "" when addr is "".
func AdvertiseAddress(addr string, port int) (string, error) {
	host, p, err := advertise(Options{AdvertiseAddr: addr}, port)
	if err != nil || host == "" {
		return "", err
	}
	return net.JoinHostPort(host, strconv.Itoa(p)), nil
}

// advertise resolves the address peers are told to use. memberlist advertises
// port 0 when given an address without a port, so the port is always filled in:
// from the address itself, from AdvertisePort, or from the bind port.
func advertise(o Options, bindPort int) (string, int, error) {
	if o.AdvertiseAddr == "" {
		return "", o.AdvertisePort, nil
	}
	host, port := o.AdvertiseAddr, o.AdvertisePort
	if h, p, err := net.SplitHostPort(o.AdvertiseAddr); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, fmt.Errorf("advertise address %q: port must be 1-65535", o.AdvertiseAddr)
		}
		host, port = h, n
	}
	if net.ParseIP(host) == nil {
		return "", 0, fmt.Errorf("advertise address %q: want an IP address such as 192.168.1.20 (optionally with :port)", o.AdvertiseAddr)
	}
	if port == 0 {
		port = bindPort
	}
	if port == 0 {
		return "", 0, fmt.Errorf("advertise address %q needs a port when the gossip port is picked at random", o.AdvertiseAddr)
	}
	return host, port, nil
}

// logBridge turns memberlist's "[LEVEL] memberlist: ..." lines into slog records.
type logBridge struct{ log *slog.Logger }

func (b *logBridge) Write(p []byte) (int, error) {
	line := string(bytes.TrimSpace(p))
	level := slog.LevelDebug
	switch {
	case strings.HasPrefix(line, "[ERR]"):
		level = slog.LevelWarn // peers coming and going are normal for a laptop team
	case strings.HasPrefix(line, "[WARN]"):
		level = slog.LevelInfo
	}
	if i := strings.Index(line, "] "); i > 0 && i < 8 {
		line = line[i+2:]
	}
	b.log.Log(nil, level, line, "component", "gossip")
	return len(p), nil
}

// Broadcast is a named user message: a newer broadcast with the same name replaces
// a queued one, so a change relayed by several peers is queued once.
type Broadcast struct {
	Key string
	Msg []byte
}

var _ memberlist.NamedBroadcast = (*Broadcast)(nil)

// Invalidates reports whether b supersedes other (same name).
func (b *Broadcast) Invalidates(other memberlist.Broadcast) bool {
	nb, ok := other.(memberlist.NamedBroadcast)
	return ok && nb.Name() == b.Key
}

// Name is the broadcast's identity.
func (b *Broadcast) Name() string { return b.Key }

// Message is the payload.
func (b *Broadcast) Message() []byte { return b.Msg }

// Finished is called when memberlist stops sending the broadcast.
func (b *Broadcast) Finished() {}

// answerOf is what this device tells a probe: its team and the keys of ring.
func answerOf(team string, ring *memberlist.Keyring) Answer {
	a := Answer{Team: team}
	for _, k := range ring.GetKeys() {
		a.Keys = append(a.Keys, KeyID(k))
	}
	return a
}
