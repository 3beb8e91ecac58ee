package replica

import (
	"context"
	"sync"
	"testing"
	"time"

	"outpost/backend/core/store"
	"outpost/sync/wire"
)

// TestChunksAreTakenInOrder hands a replica the parts of one answer to its pull in
// the orders streams can deliver them: however they arrive, they are applied in
// order, progress counts every change once against one expected total, and only
// the last part ends the catch-up. A part of an earlier pull is applied but ends nothing.
func TestChunksAreTakenInOrder(t *testing.T) {
	tm := newTeam(t)
	src := startNode(t, tm, "")
	src.bulkEdit(t, "office", 1_500)
	var parts []wire.Chunk
	have := store.Vector{}
	for {
		cs, err := src.st.ChangesAfter(have, 64<<10)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			break
		}
		parts = append(parts, wire.Chunk{From: src.st.Device().ID, Changes: cs, Pull: 7, Part: len(parts), Follows: true})
		for _, c := range cs {
			have[c.Device] = max(have[c.Device], c.Seq)
		}
	}
	total := 0
	for _, p := range parts {
		total += len(p.Changes)
	}
	for i := range parts {
		total -= len(parts[i].Changes)
		parts[i].Left, parts[i].More = uint64(total), total > 0
	}
	parts[len(parts)-1].Follows = false
	if len(parts) < 3 {
		t.Fatalf("%d parts, want at least 3", len(parts))
	}
	want := int(have[src.st.Device().ID])
	n := len(parts)
	tests := []struct {
		name  string
		order []int
		stale int // a part of an earlier pull delivered first, -1 for none
	}{
		{"in order", seq(n), -1},
		{"last first", append([]int{n - 1}, seq(n-1)...), -1},
		{"reversed", reversed(n), -1},
		{"an earlier pull's part first", seq(n), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var reports []Progress
			dst := &node{dir: t.TempDir(), onProgress: func(p Progress) {
				mu.Lock()
				reports = append(reports, p)
				mu.Unlock()
			}}
			var err error
			if dst.st, err = store.Open(context.Background(), store.Options{Dir: dst.dir, Logger: quiet()}); err != nil {
				t.Fatal(err)
			}
			dst.start(t, tm)
			t.Cleanup(dst.stop)
			done := make(chan struct{})
			dst.rep.do(func() {
				defer close(done)
				dst.rep.mu.Lock()
				p := dst.rep.peerLocked(src.st.Device().ID)
				p.pullID, p.pulling = 7, time.Now()
				dst.rep.mu.Unlock()
				if tt.stale >= 0 {
					old := parts[tt.stale]
					old.Pull = 6
					dst.rep.onChunk(old.From, &old)
				}
				for _, i := range tt.order {
					c := parts[i]
					dst.rep.onChunk(c.From, &c)
				}
			})
			<-done
			v, _ := dst.st.Vector()
			if got := int(v[src.st.Device().ID]); got != want {
				t.Fatalf("holds %d of the source's %d changes", got, want)
			}
			mu.Lock()
			defer mu.Unlock()
			for i, p := range reports {
				last := i == len(reports)-1
				if p.Expected != want || p.Done != last || i > 0 && p.Received <= reports[i-1].Received || last && p.Received != want {
					t.Fatalf("report %d is %+v, want %d expected; all reports %+v", i+1, p, want, reports)
				}
			}
			if len(reports) == 0 {
				t.Fatal("no progress reported")
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func reversed(n int) []int {
	s := seq(n)
	for i, j := 0, n-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}
