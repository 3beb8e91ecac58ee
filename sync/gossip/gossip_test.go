package gossip

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
)

func TestAdvertise(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		addr     string
		port     int
		bind     int
		wantHost string
		wantPort int
		wantErr  string
	}{
		{"nothing to advertise", "", 0, 7481, "", 0, ""},
		{"address takes the bind port", "192.168.1.20", 0, 7481, "192.168.1.20", 7481, ""},
		{"address with its own port", "203.0.113.5:9000", 0, 7481, "203.0.113.5", 9000, ""},
		{"advertise port option", "192.168.1.20", 9001, 7481, "192.168.1.20", 9001, ""},
		{"IPv6 with port", "[fd00::5]:9000", 0, 7481, "fd00::5", 9000, ""},
		{"random bind port needs a port", "192.168.1.20", 0, 0, "", 0, "needs a port"},
		{"host name", "helpdesk.example:7481", 0, 7481, "", 0, "want an IP address"},
		{"bad port", "192.168.1.20:99999", 0, 7481, "", 0, "port must be"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, port, err := advertise(Options{AdvertiseAddr: tt.addr, AdvertisePort: tt.port}, tt.bind)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || host != tt.wantHost || port != tt.wantPort {
				t.Fatalf("got %s %d %v, want %s %d", host, port, err, tt.wantHost, tt.wantPort)
			}
		})
	}
}

// A node told to advertise an address (without a port) is known to its peers by
// that address and its real gossip port, and a peer can join it there.
func TestAdvertisedAddressCarriesThePort(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	a := start(t, Options{DeviceID: "deva", TeamID: "team1", Keys: [][]byte{key}, BindAddr: "0.0.0.0",
		BindPort: freePort(t), AdvertiseAddr: "127.0.0.1", Preset: "local"})
	b := start(t, Options{DeviceID: "devb", TeamID: "team1", Keys: [][]byte{key}, BindAddr: "127.0.0.1", Preset: "local"})
	if a.LocalNode().Port == 0 {
		t.Fatal("advertised port 0")
	}
	addr := a.LocalNode().Address()
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("advertises %s, want 127.0.0.1:port", addr)
	}
	if _, err := b.Join([]string{addr}); err != nil {
		t.Fatalf("join the advertised address %s: %v", addr, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.NumMembers() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("a sees %d members", a.NumMembers())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, m := range b.Members() {
		if m.Name == "deva" && m.Address() != addr {
			t.Fatalf("b knows deva at %s, want %s", m.Address(), addr)
		}
	}
}

func start(t *testing.T, o Options) *memberlist.Memberlist {
	t.Helper()
	o.Logger = slog.New(slog.DiscardHandler)
	c, err := Config(o)
	if err != nil {
		t.Fatal(err)
	}
	ml, err := memberlist.Create(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ml.Shutdown() })
	return ml
}

// freePort finds a port free for both TCP and UDP on all interfaces.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		l, err := net.Listen("tcp", "0.0.0.0:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("0.0.0.0:%d", port))
		l.Close()
		if err == nil {
			u.Close()
			return port
		}
	}
	t.Fatal("no free port")
	return 0
}

// A node bound to one address opens its streams from that address too, so its peers
// (and a proxy between them) see every packet and stream of it come from one place.
func TestStreamsLeaveFromTheBoundAddress(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{9}, 32)
	peer := start(t, Options{DeviceID: "devp", TeamID: "team1", Keys: [][]byte{key}, BindAddr: "127.0.0.1", Preset: "local"})
	c, err := Config(Options{DeviceID: "devq", TeamID: "team1", Keys: [][]byte{key}, BindAddr: "127.0.0.7", Preset: "local"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Transport.Shutdown()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	conn, err := c.Transport.DialTimeout(ln.Addr().String(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	in, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if ip := in.RemoteAddr().(*net.TCPAddr).IP.String(); ip != "127.0.0.7" {
		t.Fatalf("the stream came from %s, want the bound 127.0.0.7", ip)
	}
	// And the node works: it joins a peer and both see two members.
	c.Delegate = nil
	ml, err := memberlist.Create(c)
	if err != nil {
		t.Fatal(err)
	}
	defer ml.Shutdown()
	if _, err := ml.Join([]string{fmt.Sprintf("127.0.0.1:%d", peer.LocalNode().Port)}); err != nil {
		t.Fatal(err)
	}
	if ml.LocalNode().Addr.String() != "127.0.0.7" || ml.LocalNode().Port == 0 {
		t.Fatalf("the node is known as %s:%d", ml.LocalNode().Addr, ml.LocalNode().Port)
	}
	deadline := time.Now().Add(5 * time.Second)
	for peer.NumMembers() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the peer sees %d members", peer.NumMembers())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A flood of small packets must cost their size: each packet handed to memberlist
// holds the bytes received, not a 64 KB buffer (memberlist's own transport allocated
// one per packet, and a spray of garbage grew the heap by hundreds of MB).
func TestAPacketCostsItsSize(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{9}, 32)
	c, err := Config(Options{DeviceID: "devr", TeamID: "team1", Keys: [][]byte{key}, BindAddr: "127.0.0.1", BindPort: 0, Preset: "local"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Transport.Shutdown()
	to, err := net.Dial("udp", fmt.Sprintf("127.0.0.1:%d", c.BindPort))
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	for i := range 3 {
		msg := bytes.Repeat([]byte{byte(i + 1)}, 10*(i+1))
		if _, err := to.Write(msg); err != nil {
			t.Fatal(err)
		}
		select {
		case p := <-c.Transport.PacketCh():
			if !bytes.Equal(p.Buf, msg) || cap(p.Buf) > 64 {
				t.Fatalf("packet %d: %d bytes in a buffer of %d, want the %d sent", i, len(p.Buf), cap(p.Buf), len(msg))
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("packet %d never arrived", i)
		}
	}
}

// A probe learns a device's team and key IDs, and never a key; the same port still
// carries gossip streams (the join below is a push/pull over one).
func TestProbeAnswersTeamAndKeyIDs(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	peer := start(t, Options{DeviceID: "devs", TeamID: "team7", Keys: [][]byte{key}, BindAddr: "127.0.0.1", Preset: "local"})
	addr := fmt.Sprintf("127.0.0.1:%d", peer.LocalNode().Port)
	a, err := Probe(addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if a.Team != "team7" || len(a.Keys) != 1 || a.Keys[0] != KeyID(key) {
		t.Fatalf("probe answer = %+v", a)
	}
	other := start(t, Options{DeviceID: "devt", TeamID: "team7", Keys: [][]byte{key}, BindAddr: "127.0.0.1", Preset: "local"})
	if _, err := other.Join([]string{addr}); err != nil {
		t.Fatalf("join over the probed port: %v", err)
	}
	if _, err := Probe(fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t)), time.Second); err == nil {
		t.Fatal("a probe of a closed port answered")
	}
}

func freeTCPPort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
