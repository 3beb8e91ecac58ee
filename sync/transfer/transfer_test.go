package transfer

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/replica"
	"outpost/sync/team"
)

// logBuffer collects a node's log lines for assertions.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

type node struct {
	dir   string
	st    *store.Store
	rep   *replica.Replica
	blobs *blob.Store
	tr    *Transfer
	log   *logBuffer
	id    *age.X25519Identity
}

func startNode(t testing.TB, tm team.Team, dir string) *node {
	t.Helper()
	return startNodeOn(t, tm, dir, gossip.Options{BindAddr: "127.0.0.1", Preset: "local"})
}

// startNodeOn starts a node whose gossip uses g (a capturing transport, say); dir "" is a new one.
func startNodeOn(t testing.TB, tm team.Team, dir string, g gossip.Options) *node {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	n := &node{dir: dir, log: &logBuffer{}}
	var w io.Writer = n.log
	if os.Getenv("OUTPOST_TEST_LOG") != "" {
		w = io.MultiWriter(n.log, os.Stderr)
	}
	logger := slog.New(slog.NewTextHandler(w, nil))
	var err error
	if n.st, err = store.Open(context.Background(), store.Options{Dir: dir, Logger: logger}); err != nil {
		t.Fatal(err)
	}
	if n.blobs, err = blob.Open(dir, 0); err != nil {
		t.Fatal(err)
	}
	n.id, _ = age.GenerateX25519Identity()
	n.rep, err = replica.Start(context.Background(), replica.Config{Store: n.st, Team: tm, Logger: logger, Identity: n.id,
		ReconnectEvery: 500 * time.Millisecond, Gossip: g})
	if err != nil {
		t.Fatal(err)
	}
	if n.tr, err = Start(Config{Net: n.rep, Blobs: n.blobs, Store: n.st, Logger: logger, RescanEvery: 300 * time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.stop)
	return n
}

// stop ends the node as a crash would for the transfer: nothing is finished or cleaned up.
func (n *node) stop() {
	if n.tr != nil {
		n.tr.Stop()
		n.rep.Stop()
		n.st.Close()
		n.tr = nil
	}
}

func join(t testing.TB, n *node, to *node) {
	t.Helper()
	if _, err := n.rep.Join([]string{to.rep.Addr()}); err != nil {
		t.Fatal(err)
	}
}

func randomFile(size int, seed uint64) []byte {
	b := make([]byte, size)
	rand.NewChaCha8([32]byte{byte(seed)}).Read(b)
	return b
}

// attachOn creates a ticket on n and attaches data to it.
func attachOn(t testing.TB, n *node, data []byte) attach.Attachment {
	t.Helper()
	ticketOn(t, n, "t1")
	h, _, err := n.blobs.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	a, err := attach.Add(context.Background(), n.st, n.blobs, "ana", "ticket", "t1", attach.Meta{Hash: h, Name: "rack.jpg"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func waitFor(t testing.TB, within time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A 100 MB attachment added on A arrives, verified, on B and C once opened there (files
// over the eager size travel when someone opens them).
func TestAFileReachesEveryPeerVerified(t *testing.T) {
	size := 100 << 20
	if testing.Short() {
		size = 8 << 20
	}
	tm, _ := team.New("Field team")
	a, b, c := startNode(t, tm, ""), startNode(t, tm, ""), startNode(t, tm, "")
	join(t, b, a)
	join(t, c, a)
	at := attachOn(t, a, randomFile(size, 1))
	start := time.Now()
	b.tr.Want(at.Meta)
	c.tr.Want(at.Meta)
	for _, n := range []*node{b, c} {
		waitFor(t, 90*time.Second, "the file on every peer", func() bool { return n.blobs.Has(at.Hash) })
		if err := n.blobs.Verify(at.Hash); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d MB on two peers in %s", size>>20, time.Since(start).Round(time.Millisecond))
}

// B stopped mid-transfer and started again resumes from the pieces on its disk: fewer than
// two pieces are sent again.
func TestATransferResumesAfterACrash(t *testing.T) {
	tm, _ := team.New("Field team")
	a, b := startNode(t, tm, ""), startNode(t, tm, "")
	join(t, b, a)
	const pieces = 64 // over the eager size: B fetches it when asked
	at := attachOn(t, a, randomFile(pieces*blob.ChunkSize, 2))
	b.tr.Want(at.Meta)
	deadline := time.Now().Add(30 * time.Second)
	for b.tr.Stats().PiecesReceived < 2 { // watched closely: a fast machine moves 64 MB in a fraction of a second
		if time.Now().After(deadline) {
			t.Fatal("B not under way within 30 s")
		}
		time.Sleep(time.Millisecond)
	}
	b.stop()
	if b.blobs.Has(at.Hash) {
		t.Fatal("B completed before the crash; the test needs a larger file")
	}
	b = startNode(t, tm, b.dir)
	join(t, b, a)
	b.tr.Want(at.Meta)
	waitFor(t, 30*time.Second, "the file on B after the restart", func() bool { return b.blobs.Has(at.Hash) })
	if err := b.blobs.Verify(at.Hash); err != nil {
		t.Fatal(err)
	}
	if again := a.tr.Stats().PiecesServed - pieces; again >= 2 {
		t.Fatalf("A served %d pieces of %d: %d sent again", a.tr.Stats().PiecesServed, pieces, again)
	}
}

// A peer whose copy is damaged serves a bad piece: it is caught, logged by address and
// avoided, and the piece comes from another peer.
func TestADamagedPieceIsRefusedAndItsPeerAvoided(t *testing.T) {
	tm, _ := team.New("Field team")
	a, c := startNode(t, tm, ""), startNode(t, tm, "")
	join(t, c, a)
	data := randomFile(6*blob.ChunkSize, 3)
	at := attachOn(t, a, data)
	waitFor(t, 30*time.Second, "the file on C", func() bool { return c.blobs.Has(at.Hash) })
	// C's copy rots on disk after C listed its pieces: every piece it serves is damaged
	// while its list of pieces is right (what a hostile peer would do).
	if _, err := c.blobs.Manifest(at.Hash); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(blobPath(c, at.Hash), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		f.WriteAt([]byte("rot"), int64(i*blob.ChunkSize+100))
	}
	f.Close()

	b := startNode(t, tm, "")
	join(t, b, a)
	join(t, b, c)
	waitFor(t, 30*time.Second, "the file on B", func() bool { return b.blobs.Has(at.Hash) })
	if err := b.blobs.Verify(at.Hash); err != nil {
		t.Fatal(err)
	}
	if b.tr.Stats().BadPieces == 0 {
		t.Skip("B happened to ask only A; the damaged copy was never served") // rare: both answered the manifest
	}
	if !strings.Contains(b.log.String(), "damaged piece") || !strings.Contains(b.log.String(), c.rep.Addr()) {
		t.Fatalf("the damaged piece is not logged with C's address %s:\n%s", c.rep.Addr(), b.log.String())
	}
}

func blobPath(n *node, h blob.Hash) string {
	return n.dir + "/" + blob.Dir + "/" + string(h[:2]) + "/" + string(h)
}

// Messages that are not the transfer's are refused before anything is used.
func TestDecodeRefusesMalformedMessages(t *testing.T) {
	t.Parallel()
	good := encode(typeAsk, header{From: "dev1", Req: 1, Hash: blob.Hash(strings.Repeat("ab", 32)), Piece: 3}, nil)
	if _, err := decode(good); err != nil {
		t.Fatalf("a good question: %v", err)
	}
	bad := map[string][]byte{
		"short":        good[:4],
		"version":      append([]byte{good[0], 9}, good[2:]...),
		"header":       append(append([]byte{}, good[:6]...), []byte("{not json")...),
		"bad hash":     encode(typeAsk, header{From: "dev1", Hash: "../../etc/passwd", Piece: 1}, nil),
		"bad sender":   encode(typeAsk, header{From: "", Hash: blob.Hash(strings.Repeat("ab", 32))}, nil),
		"piece range":  encode(typePiece, header{From: "d", Hash: blob.Hash(strings.Repeat("ab", 32)), Piece: -5}, []byte("x")),
		"big piece":    encode(typePiece, header{From: "d", Hash: blob.Hash(strings.Repeat("ab", 32)), Piece: 0}, make([]byte, blob.ChunkSize+1)),
		"odd manifest": encode(typeManifest, header{From: "d", Hash: blob.Hash(strings.Repeat("ab", 32)), Piece: -1, Have: true}, make([]byte, 33)),
		"ask w/ body":  encode(typeAsk, header{From: "d", Hash: blob.Hash(strings.Repeat("ab", 32))}, []byte("x")),
	}
	for name, b := range bad {
		if _, err := decode(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
