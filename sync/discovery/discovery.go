// Package discovery finds the team's peers on the local network by mDNS: each
// device advertises its gossip address under a service name derived from a hash
// of the team ID (never the key), and browses for the same name periodically.
package discovery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/mdns"

	"outpost/backend/core/change"
)

// Options configure discovery for one device.
type Options struct {
	TeamID   string
	DeviceID string
	Port     int      // the gossip port to advertise
	IPs      []net.IP // addresses to advertise; default: this machine's
	Interval time.Duration
	// OnFound is called, on the discovery goroutine, with the addresses of peers
	// of this team found in one browse (never this device's own). It may block.
	OnFound func(addrs []string)
	Logger  *slog.Logger
}

// ServiceName is the mDNS service a team's devices advertise: a hash of the team
// ID, so a listener learns neither the team's name nor anything of its key.
func ServiceName(teamID string) string {
	sum := sha256.Sum256([]byte("outpost-team:" + teamID))
	return "_outpost-" + hex.EncodeToString(sum[:6]) + "._tcp"
}

// Discovery advertises this device and browses for its team's peers.
type Discovery struct {
	opts    Options
	service string
	cancel  context.CancelFunc
	done    sync.WaitGroup

	mu     sync.Mutex
	server *mdns.Server // nil while this device has no address to advertise; guarded by mu
	ips    []net.IP     // the addresses server advertises; guarded by mu
}

// Start advertises this device and starts browsing every Interval (default 15 s).
// Without fixed IPs it advertises this machine's LAN addresses and follows them
// as they change (a laptop that joins the office Wi-Fi is announced there);
// a machine with none yet still browses.
func Start(ctx context.Context, o Options) (*Discovery, error) {
	if o.Interval == 0 {
		o.Interval = 15 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Port < 1 || o.Port > 65535 {
		return nil, fmt.Errorf("discovery: port %d", o.Port)
	}
	if !change.ValidName(o.DeviceID) {
		return nil, fmt.Errorf("discovery: device ID %q", o.DeviceID)
	}
	d := &Discovery{opts: o, service: ServiceName(o.TeamID)}
	if err := d.advertise(); err != nil {
		return nil, err
	}
	ctx, d.cancel = context.WithCancel(ctx)
	d.done.Add(1)
	go d.browseLoop(ctx)
	return d, nil
}

// Stop ends advertising and browsing.
func (d *Discovery) Stop() {
	d.cancel()
	d.done.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.server != nil {
		_ = d.server.Shutdown()
		d.server = nil
	}
}

// Advertised returns the addresses this device is announcing (none while it has no LAN address).
func (d *Discovery) Advertised() []net.IP {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.ips)
}

// advertise (re)starts the mDNS responder when the addresses to announce changed.
func (d *Discovery) advertise() error {
	ips := d.opts.IPs
	if len(ips) == 0 {
		ips = LocalIPs()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if slices.EqualFunc(ips, d.ips, net.IP.Equal) && (d.server != nil || len(ips) == 0) {
		return nil
	}
	if d.server != nil {
		_ = d.server.Shutdown()
		d.server, d.ips = nil, nil
	}
	if len(ips) == 0 {
		return nil
	}
	zone, err := mdns.NewMDNSService(d.opts.DeviceID, d.service, "local.", d.opts.DeviceID+".local.", d.opts.Port, ips,
		[]string{"v=1", "device=" + d.opts.DeviceID})
	if err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	d.server, err = mdns.NewServer(&mdns.Config{Zone: zone, Logger: quietLogger()})
	if err != nil {
		return fmt.Errorf("discovery: advertise: %w", err)
	}
	d.ips = ips
	d.opts.Logger.Debug("mdns advertising", "service", d.service, "ips", ips, "port", d.opts.Port)
	return nil
}

func (d *Discovery) browseLoop(ctx context.Context) {
	defer d.done.Done()
	t := time.NewTicker(d.opts.Interval)
	defer t.Stop()
	for {
		if err := d.advertise(); err != nil {
			d.opts.Logger.Debug("mdns advertise", "err", err) // tried again next round
		}
		if addrs := d.Browse(ctx, 2*time.Second); len(addrs) > 0 && d.opts.OnFound != nil {
			d.opts.OnFound(addrs)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// LocalIPs lists this machine's IPv4 addresses on interfaces that are up and
// can multicast, other than loopback and link-local: where LAN peers can reach it.
func LocalIPs() []net.IP {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []net.IP
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagMulticast == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.To4() == nil || ipn.IP.IsLoopback() || ipn.IP.IsLinkLocalUnicast() {
				continue
			}
			out = append(out, ipn.IP.To4())
		}
	}
	slices.SortFunc(out, func(a, b net.IP) int { return bytes.Compare(a, b) })
	return out
}

// Browse queries the network once and returns the gossip addresses of this team's other devices.
func (d *Discovery) Browse(ctx context.Context, timeout time.Duration) []string {
	entries := make(chan *mdns.ServiceEntry, 64)
	var found []string
	collected := make(chan struct{})
	go func() {
		defer close(collected)
		for e := range entries {
			if a, ok := PeerAddr(e, d.service, d.opts.DeviceID); ok && !slices.Contains(found, a) {
				found = append(found, a)
			}
		}
	}()
	q := mdns.DefaultParams(d.service)
	q.Entries, q.Timeout, q.DisableIPv6, q.Logger = entries, timeout, true, quietLogger()
	if err := mdns.QueryContext(ctx, q); err != nil {
		d.opts.Logger.Debug("mdns browse", "err", err)
	}
	close(entries)
	<-collected
	return found
}

// PeerAddr turns an mDNS answer into a gossip address if it is another device
// of this team: right service, a device instance other than self, an IPv4
// address and a valid port.
func PeerAddr(e *mdns.ServiceEntry, service, self string) (string, bool) {
	if e == nil || e.AddrV4 == nil || e.Port < 1 || e.Port > 65535 {
		return "", false
	}
	instance, rest, ok := strings.Cut(strings.TrimSuffix(e.Name, "."), ".")
	if !ok || rest != service+".local" {
		return "", false
	}
	instance = strings.ReplaceAll(instance, `\`, "")
	if instance == self || instance == "" {
		return "", false
	}
	device := ""
	for _, f := range e.InfoFields {
		if v, ok := strings.CutPrefix(f, "device="); ok {
			device = v
		}
	}
	if device != "" && device != instance {
		return "", false
	}
	return net.JoinHostPort(e.AddrV4.String(), strconv.Itoa(e.Port)), true
}

// quietLogger silences the library's own log lines (a laptop's network comes and goes).
func quietLogger() *log.Logger { return log.New(io.Discard, "", 0) }
