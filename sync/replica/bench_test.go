package replica

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/team"
)

// counting wraps a memberlist transport and counts the bytes it sends.
type counting struct {
	memberlist.Transport
	sent *atomic.Int64
}

func (c *counting) WriteTo(b []byte, addr string) (time.Time, error) {
	c.sent.Add(int64(len(b)))
	return c.Transport.WriteTo(b, addr)
}

func (c *counting) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	conn, err := c.Transport.DialTimeout(addr, timeout)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: conn, sent: c.sent}, nil
}

type countingConn struct {
	net.Conn
	sent *atomic.Int64
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.sent.Add(int64(n))
	return n, err
}

// startCounted starts a LAN-preset replica on loopback whose sent bytes are counted.
func startCounted(b testing.TB, tm team.Team, sent *atomic.Int64) *node {
	b.Helper()
	st, err := store.Open(context.Background(), store.Options{Dir: b.TempDir(), Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	nt, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{"127.0.0.1"}, BindPort: 0, Logger: log.New(io.Discard, "", 0),
	})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := Start(context.Background(), Config{
		Store: st, Team: tm, Logger: quiet(),
		Gossip: gossip.Options{BindAddr: "127.0.0.1", BindPort: nt.GetAutoBindPort(), Preset: "lan",
			Transport: &counting{Transport: nt, sent: sent}},
	})
	if err != nil {
		b.Fatal(err)
	}
	n := &node{st: st, rep: rep}
	b.Cleanup(n.stop)
	return n
}

func lanCluster(b testing.TB, size int, sent *atomic.Int64) []*node {
	tm := newTeam(b)
	nodes := []*node{startCounted(b, tm, sent)}
	for i := 1; i < size; i++ {
		n := startCounted(b, tm, sent)
		if _, err := n.rep.Join([]string{nodes[0].rep.Addr()}); err != nil {
			b.Fatal(err)
		}
		nodes = append(nodes, n)
	}
	converge(b, 30*time.Second, nodes...)
	return nodes
}

// BenchmarkVisibility10Nodes measures how long a change takes to be applied on
// all of 10 nodes (LAN preset, loopback), and the bytes sent per change.
func BenchmarkVisibility10Nodes(b *testing.B) {
	var sent atomic.Int64
	nodes := lanCluster(b, 10, &sent)
	var mu sync.Mutex
	arrived := map[change.ID]int{}
	all := make(chan change.ID, 16)
	for _, n := range nodes {
		n.st.Subscribe(func(e store.Event) {
			mu.Lock()
			defer mu.Unlock()
			for _, c := range e.Changes {
				arrived[c.ID()]++
				if arrived[c.ID()] == len(nodes) {
					select {
					case all <- c.ID():
					default: // never block a commit, even when the benchmark has given up
					}
				}
			}
		})
	}
	var lat []time.Duration
	var encoded int64
	sent.Store(0)
	b.ResetTimer()
	const perOp = 500 // enough samples for a p99, and for the wire figure to outweigh the join, even with -benchtime 1x
	for op := 0; b.Loop(); op++ {
		for k := range perOp {
			i := op*perOp + k
			start := time.Now()
			n := nodes[i%len(nodes)]
			cs, err := n.st.Update(context.Background(), "bench", func(tx *store.Tx) error {
				id := fmt.Sprint("t", i%50)
				rec, _ := tx.Get("ticket", id)
				op, _ := change.Set("title", fmt.Sprint("edit ", i), rec.Heads("title"))
				_, err := tx.Write("ticket", id, []change.Op{op})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			raw, _ := cs[0].Encode()
			encoded += int64(len(raw))
			select {
			case <-all:
			case <-time.After(10 * time.Second):
				b.Fatalf("change %d not on all nodes within 10 s", i)
			}
			lat = append(lat, time.Since(start))
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	// Each change should reach the other nine nodes: the ideal is one copy each.
	// The figure includes memberlist's own probes and gossip during the run.
	b.ReportMetric(float64(sent.Load())/float64(encoded*int64(len(nodes)-1)), "wire-x")
}

// BenchmarkCatchUp100k measures a node catching up 100,000 changes it missed
// (two nodes, LAN preset, loopback), from its join to identical state. Goal:
// over 10,000 changes/s, 100,000 changes in under 10 s.
func BenchmarkCatchUp100k(b *testing.B) {
	var sent atomic.Int64
	tm := newTeam(b)
	src := startCounted(b, tm, &sent)
	src.bulkEdit(b, "office", 100_000)
	all, _ := src.st.ChangesAfter(store.Vector{}, 1<<30)
	var encoded int64
	for _, c := range all {
		raw, _ := c.Encode()
		encoded += int64(len(raw))
	}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		var idle atomic.Int64
		dst := startCounted(b, tm, &idle)
		sent.Store(0)
		b.StartTimer()
		start := time.Now()
		if _, err := dst.rep.Join([]string{src.rep.Addr()}); err != nil {
			b.Fatal(err)
		}
		converge(b, time.Minute, src, dst)
		took := time.Since(start)
		b.StopTimer()
		b.ReportMetric(float64(len(all))/took.Seconds(), "changes/s")
		b.ReportMetric(float64(sent.Load())/float64(encoded), "wire-x")
		dst.stop()
	}
}

// BenchmarkPartitionHeal measures the time from a 10-node partition healing to identical state.
func BenchmarkPartitionHeal(b *testing.B) {
	var sent atomic.Int64
	nodes := lanCluster(b, 10, &sent)
	tm := nodes[0].rep.cfg.Team
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		cut := nodes[5:]
		for _, n := range cut {
			n.rep.Stop()
			n.rep = nil
		}
		for j, n := range nodes {
			n.edit(b, fmt.Sprint("t", j%3), "title", fmt.Sprintf("round %d node %d", i, j))
		}
		b.StartTimer()
		start := time.Now()
		for _, n := range cut {
			n.startLAN(b, tm)
			if _, err := n.rep.Join([]string{nodes[0].rep.Addr()}); err != nil {
				b.Fatal(err)
			}
		}
		converge(b, time.Minute, nodes...)
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "heal-ms")
	}
}

func (n *node) startLAN(t testing.TB, tm team.Team) {
	t.Helper()
	rep, err := Start(context.Background(), Config{
		Store: n.st, Team: tm, Logger: quiet(),
		Gossip: gossip.Options{BindAddr: "127.0.0.1", BindPort: 0, Preset: "lan"},
	})
	if err != nil {
		t.Fatal(err)
	}
	n.rep = rep
}
