package replica

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/team"
	"outpost/sync/wire"
)

// bulkLoad writes n tickets of about 2 KB each to st in bulk transactions (as an
// import does): chained changes, one signature per run.
func bulkLoad(t testing.TB, st *store.Store, n int) {
	t.Helper()
	body := strings.Repeat("Printer jams on every second page. ", 60)
	for i := 0; i < n; i += 400 {
		if _, err := st.Update(context.Background(), "import", func(tx *store.Tx) error {
			tx.Bulk()
			for j := i; j < min(n, i+400); j++ {
				title, _ := change.Set("title", fmt.Sprint("Imported ticket ", j), nil)
				desc, _ := change.Set("description", body, nil)
				if _, err := tx.Write("ticket", fmt.Sprint("imp-", j), []change.Op{title, desc}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// syncBuffer is a log destination tests read while the replica writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestForgedChunkIsRefusedWhole: a peer sends a chunk of another device's bulk changes
// with one unsigned change in it altered. None of the chunk is applied, and the log
// names the peer that sent it and its address.
func TestForgedChunkIsRefusedWhole(t *testing.T) {
	tm := newTeam(t)
	a := startNode(t, tm, "")
	logs := &syncBuffer{}
	b := &node{dir: t.TempDir(), log: slog.New(slog.NewTextHandler(logs, nil))}
	var err error
	if b.st, err = store.Open(context.Background(), store.Options{Dir: b.dir, Logger: quiet()}); err != nil {
		t.Fatal(err)
	}
	b.start(t, tm)
	t.Cleanup(b.stop)
	if _, err := b.rep.Join([]string{a.rep.Addr()}); err != nil {
		t.Fatal(err)
	}
	converge(t, 10*time.Second, a, b)

	// The changes of a third device, which neither replica holds: its registration and a bulk run.
	other, err := store.Open(context.Background(), store.Options{Dir: t.TempDir(), Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	bulkLoad(t, other, 100)
	cs, _ := other.ChangesAfter(store.Vector{}, 1<<30)
	mid := len(cs) / 2
	for cs[mid].Signed() {
		mid++
	}
	cs[mid].Ops = []change.Op{{Op: change.OpSet, Field: "title", Value: []byte(`"forged"`)}}
	msg, err := wire.Encode(wire.TypeChunk, wire.Chunk{From: a.st.Device().ID, Changes: cs})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.rep.ml.SendReliable(member(t, a, b.st.Device().ID), msg); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, func() bool { return b.rep.Stats().Rejected >= len(cs) })
	if v, _ := b.st.Vector(); v[other.Device().ID] != 0 {
		t.Fatalf("applied %d changes of the forged chunk, want none", v[other.Device().ID])
	}
	out := logs.String()
	if !strings.Contains(out, "refused a chunk") || !strings.Contains(out, "peer="+a.st.Device().ID) ||
		!strings.Contains(out, "addr="+a.rep.Addr()) {
		t.Fatalf("the log does not name the sender and its address %s:\n%s", a.rep.Addr(), out)
	}
}

// TestJoinResumesAfterSIGKILL: a new device whose process is killed with SIGKILL part
// way through its first catch-up pulls on restart only what it lacks, and ends equal
// to its source.
func TestJoinResumesAfterSIGKILL(t *testing.T) {
	if os.Getenv("OUTPOST_JOIN_CHILD") != "" {
		joinChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns a process and moves 6,000 bulk changes")
	}
	tm := newTeam(t)
	src := startNode(t, tm, "")
	bulkLoad(t, src.st, 6_000)
	dev := src.st.Device().ID
	dir := t.TempDir()
	raw, _ := json.Marshal(tm)
	cmd := exec.Command(os.Args[0], "-test.run=^TestJoinResumesAfterSIGKILL$")
	cmd.Env = append(os.Environ(), "OUTPOST_JOIN_CHILD="+dir, "OUTPOST_JOIN_TEAM="+string(raw),
		"OUTPOST_JOIN_PEER="+src.rep.Addr(), "OUTPOST_JOIN_DEVICE="+dev)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() { // the child prints how many of the source's changes it holds
		if n, _ := strconv.Atoi(strings.TrimPrefix(sc.Text(), "held ")); n >= 1_500 {
			break
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	st, err := store.Open(context.Background(), store.Options{Dir: dir, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := st.Vector()
	held := v[dev]
	if held < 1_500 || held >= 6_000 {
		t.Fatalf("after SIGKILL the new device holds %d of 6,000 changes; the test needs part of them", held)
	}
	served := settled(src)
	dst := &node{dir: dir, st: st}
	dst.start(t, tm)
	t.Cleanup(dst.stop)
	if _, err := dst.rep.Join([]string{src.rep.Addr()}); err != nil {
		t.Fatal(err)
	}
	converge(t, 60*time.Second, src, dst)
	all, _ := src.st.ChangesAfter(store.Vector{}, 1<<30)
	var lacked int64 // the changes the restarted device lacked, encoded
	for _, c := range all {
		if c.Device == dev && c.Seq > held {
			raw, _ := c.Encode()
			lacked += int64(len(raw))
		}
	}
	sent := src.rep.Stats().BytesOut - served
	t.Logf("kept %d changes through SIGKILL; then sent %d bytes for %d bytes lacked", held, sent, lacked)
	if sent > lacked*5/4+64<<10 {
		t.Fatalf("after the restart the source sent %d bytes for the %d bytes of changes the new device lacked: it sent again what the device had",
			sent, lacked)
	}
}

// settled waits until n has sent nothing for half a second (an answer to the killed
// process may still be going out) and returns the bytes it sent.
func settled(n *node) int64 {
	last := n.rep.Stats().BytesOut
	for {
		time.Sleep(500 * time.Millisecond)
		now := n.rep.Stats().BytesOut
		if now == last {
			return now
		}
		last = now
	}
}

// joinChild is the new device's process: it joins and reports its progress until killed.
func joinChild() {
	var tm team.Team
	if err := json.Unmarshal([]byte(os.Getenv("OUTPOST_JOIN_TEAM")), &tm); err != nil {
		fmt.Println("team:", err)
		os.Exit(2)
	}
	st, err := store.Open(context.Background(), store.Options{Dir: os.Getenv("OUTPOST_JOIN_CHILD"), Logger: quiet()})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	rep, err := Start(context.Background(), Config{Store: st, Team: tm, Logger: quiet(),
		Gossip: gossip.Options{BindAddr: "127.0.0.1", BindPort: 0, Preset: "local"}})
	if err != nil {
		fmt.Println("start:", err)
		os.Exit(2)
	}
	if _, err := rep.Join([]string{os.Getenv("OUTPOST_JOIN_PEER")}); err != nil {
		fmt.Println("join:", err)
		os.Exit(2)
	}
	for {
		v, _ := st.Vector()
		fmt.Printf("held %d\n", v[os.Getenv("OUTPOST_JOIN_DEVICE")])
		time.Sleep(5 * time.Millisecond)
	}
}
