package transfer

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/team"
)

// BenchmarkPhotos300 sends 300 photos of 5 MB (1.5 GB; OUTPOST_PHOTOS sets the count) from
// A to B on loopback while A keeps editing tickets. It reports the throughput beside a raw
// TCP copy of the same bytes in the same run, the p99 of an edit's time to be visible on B
// during the transfer, and the memory the process took on top of what it held before.
func BenchmarkPhotos300(b *testing.B) {
	count := 300
	if n, err := strconv.Atoi(os.Getenv("OUTPOST_PHOTOS")); err == nil && n > 0 {
		count = n
	}
	const size = 5 << 20
	for b.Loop() {
		tm, _ := team.New("Field team")
		a := startNode(b, tm, "")
		var hashes []blob.Hash
		for i := range count {
			if i%10 == 0 {
				ticketOn(b, a, fmt.Sprintf("t%d", i/10))
			}
			h := putRandom(b, a, size, uint64(i))
			if _, err := attach.Add(context.Background(), a.st, a.blobs, "ana", "ticket", fmt.Sprintf("t%d", i/10), attach.Meta{Hash: h, Name: fmt.Sprintf("IMG_%04d.jpg", i)}); err != nil {
				b.Fatal(err)
			}
			hashes = append(hashes, h)
		}
		cpuBefore := cpuTime()
		tcp := rawCopy(b, a, hashes)
		tcpCPU := cpuTime() - cpuBefore

		rssBefore := rss()
		peak := rssBefore
		bnode := startNode(b, tm, "")
		var lat latencies
		bnode.st.Subscribe(lat.seen)
		start, cpuStart := time.Now(), cpuTime()
		join(b, bnode, a)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // a technician keeps working on A during the transfer
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
				lat.edit(b, a, i)
				peak = max(peak, rss())
			}
		}()
		for !allHere(bnode, hashes) {
			time.Sleep(20 * time.Millisecond)
			if time.Since(start) > 10*time.Minute {
				b.Fatal("the photos did not all arrive within 10 minutes")
			}
		}
		took, tookCPU := time.Since(start), cpuTime()-cpuStart
		close(stop)
		wg.Wait()
		mbps := float64(count*size) / took.Seconds() / 1e6
		b.ReportMetric(mbps, "MB/s")
		b.ReportMetric(tcp, "tcp-MB/s")
		b.ReportMetric(100*mbps/tcp, "pct-of-tcp")
		b.ReportMetric(lat.p99(), "edit-p99-ms")
		b.ReportMetric(float64(peak-rssBefore)/(1<<20), "extra-MB")
		b.ReportMetric(float64(count*size)/(1<<30), "GB")
		mb := float64(count*size) / 1e6
		b.ReportMetric(tookCPU.Seconds()*1e3/mb, "cpu-ms/MB")
		b.ReportMetric(tcpCPU.Seconds()*1e3/mb, "tcp-cpu-ms/MB")
	}
}

func ticketOn(b testing.TB, n *node, id string) {
	b.Helper()
	op, _ := change.Set("title", "Site survey "+id, nil)
	if _, err := n.st.Update(context.Background(), "ana", func(tx *store.Tx) error {
		_, err := tx.Write("ticket", id, []change.Op{op})
		return err
	}); err != nil {
		b.Fatal(err)
	}
}

func putRandom(b testing.TB, n *node, size int, seed uint64) blob.Hash {
	r, w := io.Pipe()
	go func() {
		buf := randomFile(1<<20, seed)
		for i := 0; i < size; i += len(buf) {
			buf[0], buf[1] = byte(i>>20), byte(seed) // every MiB differs
			w.Write(buf)
		}
		w.Close()
	}()
	h, _, err := n.blobs.Put(r)
	if err != nil {
		b.Fatal(err)
	}
	return h
}

func allHere(n *node, hs []blob.Hash) bool {
	for _, h := range hs {
		if !n.blobs.Has(h) {
			return false
		}
	}
	return true
}

// rawCopy sends the blobs' bytes over one loopback TCP connection into files, as a plain
// copy would, and returns its MB/s: the line the transfer is measured against.
func rawCopy(b testing.TB, n *node, hs []blob.Hash) float64 {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	dir := b.TempDir()
	done := make(chan int64)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			done <- 0
			return
		}
		defer c.Close()
		var total int64
		for i := range hs {
			f, _ := os.Create(filepath.Join(dir, strconv.Itoa(i)))
			m, _ := io.CopyN(f, c, 5<<20)
			f.Close()
			total += m
		}
		done <- total
	}()
	start := time.Now()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range hs {
		f, _ := n.blobs.Open(h)
		io.Copy(c, f)
		f.Close()
	}
	total := <-done
	c.Close()
	return float64(total) / time.Since(start).Seconds() / 1e6
}

// latencies pairs each edit made on A with the moment B applied it.
type latencies struct {
	mu   sync.Mutex
	sent map[string]time.Time
	got  []float64
}

func (l *latencies) edit(b testing.TB, a *node, i int) {
	title := "edit " + strconv.Itoa(i)
	l.mu.Lock()
	if l.sent == nil {
		l.sent = map[string]time.Time{}
	}
	l.sent[title] = time.Now()
	l.mu.Unlock()
	op, _ := change.Set("note", title, nil)
	a.st.Update(context.Background(), "ana", func(tx *store.Tx) error {
		_, err := tx.Write("ticket", "t0", []change.Op{op})
		return err
	})
}

func (l *latencies) seen(e store.Event) {
	now := time.Now()
	for _, c := range e.Changes {
		for _, op := range c.Ops {
			if op.Field != "note" {
				continue
			}
			title, _ := strconv.Unquote(string(op.Value))
			l.mu.Lock()
			if at, ok := l.sent[title]; ok {
				l.got = append(l.got, float64(now.Sub(at).Microseconds())/1000)
				delete(l.sent, title)
			}
			l.mu.Unlock()
		}
	}
}

func (l *latencies) p99() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.got) == 0 {
		return -1
	}
	s := slices.Clone(l.got)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*99/100)]
}

// cpuTime is the processor time this process has used (user and system; Linux and macOS).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rss is this process's resident memory in bytes (Linux; 0 elsewhere).
func rss() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
