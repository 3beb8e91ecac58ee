// Package discovery finds the team's peers on the local network by mDNS: each
// device advertises its gossip address under a service name derived from a hash
// of the team ID (never the key), and browses for the same name periodically.
package discovery

import (
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
	server  *mdns.Server
	cancel  context.CancelFunc
	done    sync.WaitGroup
}

// Start advertises this device and starts browsing every Interval (default 15 s).
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
	d := &Discovery{opts: o, service: ServiceName(o.TeamID)}
	host := o.DeviceID + ".local."
	zone, err := mdns.NewMDNSService(o.DeviceID, d.service, "local.", host, o.Port, o.IPs,
		[]string{"v=1", "device=" + o.DeviceID})
	if err != nil {
		return nil, fmt.Errorf("discovery: %w", err)
	}
	d.server, err = mdns.NewServer(&mdns.Config{Zone: zone, Logger: quietLogger()})
	if err != nil {
		return nil, fmt.Errorf("discovery: advertise: %w", err)
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
	_ = d.server.Shutdown()
}

func (d *Discovery) browseLoop(ctx context.Context) {
	defer d.done.Done()
	t := time.NewTicker(d.opts.Interval)
	defer t.Stop()
	for {
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
