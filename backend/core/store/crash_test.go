package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"outpost/backend/core/change"
)

// TestAcknowledgedWritesSurviveSIGKILL runs a child process that writes tickets
// and prints "ack N" after each Update returns, kills it with SIGKILL at a random
// moment, reopens the store and checks every acknowledged write is there.
func TestAcknowledgedWritesSurviveSIGKILL(t *testing.T) {
	if os.Getenv("OUTPOST_CRASH_CHILD") != "" {
		crashChild()
		return
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(42, 42))
	total := 0
	for round := range 12 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedWritesSurviveSIGKILL$")
		cmd.Env = append(os.Environ(), "OUTPOST_CRASH_CHILD="+dir, "OUTPOST_CRASH_ROUND="+strconv.Itoa(round))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var acked []int
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		killAfter := time.After(time.Duration(150+rng.IntN(400)) * time.Millisecond)
	read:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					break read
				}
				if n, found := strings.CutPrefix(l, "ack "); found {
					v, _ := strconv.Atoi(n)
					acked = append(acked, v)
				}
			case <-killAfter:
				_ = cmd.Process.Signal(syscall.SIGKILL)
				killAfter = nil
			}
		}
		_ = cmd.Wait()
		s, err := Open(context.Background(), Options{Dir: dir, Logger: quietLogger()})
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		for _, n := range acked {
			id := fmt.Sprintf("r%d-%d", round, n)
			rec, err := s.Get("ticket", id)
			if err != nil || rec.String("title") != id {
				s.Close()
				t.Fatalf("round %d: acknowledged write %s lost after SIGKILL: %v", round, id, err)
			}
		}
		total += len(acked)
		s.Close()
	}
	if total == 0 {
		t.Fatal("the child acknowledged no write: the test proved nothing")
	}
	t.Logf("%d acknowledged writes survived 12 SIGKILLs", total)
}

func crashChild() {
	dir := os.Getenv("OUTPOST_CRASH_CHILD")
	round := os.Getenv("OUTPOST_CRASH_ROUND")
	s, err := Open(context.Background(), Options{Dir: dir, Logger: quietLogger()})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	for n := 0; ; n++ {
		id := "r" + round + "-" + strconv.Itoa(n)
		_, err := s.Update(context.Background(), "child", func(tx *Tx) error {
			op, _ := change.Set("title", id, nil)
			_, err := tx.Write("ticket", id, []change.Op{op})
			return err
		})
		if err != nil {
			fmt.Println("write:", err)
			os.Exit(2)
		}
		fmt.Printf("ack %d\n", n)
	}
}

// A crash while Badger moves to a new value-log or memtable file can leave that file
// empty; the replica still opens, with everything it held.
func TestOpensAfterACrashLeftAnEmptyLogFile(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"%06d.vlog", "%05d.mem"} { // as Badger names them
		dir := t.TempDir()
		ctx := context.Background()
		s, err := Open(ctx, Options{Dir: dir, Logger: quietLogger()})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Update(ctx, "alice", func(tx *Tx) error {
			_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", "printer", nil)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		logs, _ := filepath.Glob(filepath.Join(dir, "db", "*.vlog"))
		last := 0
		for _, l := range logs {
			var n int
			fmt.Sscanf(filepath.Base(l), "%06d.vlog", &n)
			last = max(last, n)
		}
		if err := os.WriteFile(filepath.Join(dir, "db", fmt.Sprintf(name, last+7)), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err = Open(ctx, Options{Dir: dir, Logger: quietLogger()})
		if err != nil {
			t.Fatalf("open after an empty %s was left: %v", fmt.Sprintf(name, last+7), err)
		}
		rec, err := s.Get("ticket", "t1")
		s.Close()
		if err != nil || rec.String("title") != "printer" {
			t.Fatalf("record after reopening = %+v, %v", rec, err)
		}
	}
}
