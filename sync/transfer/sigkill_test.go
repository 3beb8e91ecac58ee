package transfer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/sync/team"
)

// TestATransferResumesAfterSIGKILL: B's process is killed with SIGKILL part way through
// a 100 MB download; started again on the same data directory it fetches only what it
// lacked: fewer than two pieces are sent again, and the file verifies.
func TestATransferResumesAfterSIGKILL(t *testing.T) {
	if os.Getenv("OUTPOST_TRANSFER_CHILD") != "" {
		transferChild(t)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process and moves 100 MB")
	}
	const pieces = 100
	tm, _ := team.New("Field team")
	a := startNode(t, tm, "")
	at := attachOn(t, a, randomFile(pieces*blob.ChunkSize, 3))
	dir := t.TempDir()
	rawTeam, _ := json.Marshal(tm)
	rawMeta, _ := json.Marshal(at.Meta)
	cmd := exec.Command(os.Args[0], "-test.run=^TestATransferResumesAfterSIGKILL$")
	cmd.Env = append(os.Environ(), "OUTPOST_TRANSFER_CHILD="+dir, "OUTPOST_TRANSFER_TEAM="+string(rawTeam),
		"OUTPOST_TRANSFER_META="+string(rawMeta), "OUTPOST_TRANSFER_PEER="+a.rep.Addr())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	got := 0
	for sc.Scan() { // the child prints how many pieces it has received
		if n, err := strconv.Atoi(strings.TrimPrefix(sc.Text(), "pieces ")); err == nil && n >= 30 {
			got = n
			break
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if got == 0 {
		t.Fatal("the child process reported no progress before it ended")
	}
	time.Sleep(200 * time.Millisecond)
	served := a.tr.Stats().PiecesServed
	if served >= pieces {
		t.Fatalf("A served all %d pieces before the kill; the test needs a slower transfer", served)
	}
	b := startNode(t, tm, dir)
	if b.blobs.Has(at.Hash) {
		t.Fatal("B held the whole file after the kill; the test needs the kill mid-transfer")
	}
	join(t, b, a)
	b.tr.Want(at.Meta)
	waitFor(t, 90*time.Second, "the file on B after the restart", func() bool { return b.blobs.Has(at.Hash) })
	if err := b.blobs.Verify(at.Hash); err != nil {
		t.Fatal(err)
	}
	total := a.tr.Stats().PiecesServed
	again := total - pieces
	t.Logf("killed after %d pieces received (%d served); %d served in all, %d sent again", got, served, total, again)
	if again >= 2 {
		t.Fatalf("A served %d pieces for a %d-piece file: %d sent again after the SIGKILL", total, pieces, again)
	}
}

// transferChild is B in its own process: it fetches the file and prints its progress
// until the parent kills it.
func transferChild(t *testing.T) {
	var tm team.Team
	var meta attach.Meta
	if err := json.Unmarshal([]byte(os.Getenv("OUTPOST_TRANSFER_TEAM")), &tm); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(os.Getenv("OUTPOST_TRANSFER_META")), &meta); err != nil {
		t.Fatal(err)
	}
	b := startNode(t, tm, os.Getenv("OUTPOST_TRANSFER_CHILD"))
	if _, err := b.rep.Join([]string{os.Getenv("OUTPOST_TRANSFER_PEER")}); err != nil {
		t.Fatal(err)
	}
	b.tr.Want(meta)
	for {
		fmt.Printf("pieces %d\n", b.tr.Stats().PiecesReceived)
		time.Sleep(5 * time.Millisecond)
	}
}
