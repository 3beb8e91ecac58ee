package transfer

import (
	"bytes"
	"net"
	"sync"
	"testing"
	"time"

	"outpost/backend/core/blob"
	"outpost/sync/gossip"
	"outpost/sync/team"
)

// capture keeps every byte each TCP connection of a device carries, both ways (see
// gossip.Options.WrapConn): memberlist's streams and the team's streams alike.
type capture struct {
	mu    sync.Mutex
	conns []*capturedConn
}

func (c *capture) wrap(conn net.Conn) net.Conn {
	cc := &capturedConn{Conn: conn, c: c}
	c.mu.Lock()
	c.conns = append(c.conns, cc)
	c.mu.Unlock()
	return cc
}

type capturedConn struct {
	net.Conn
	c       *capture
	in, out bytes.Buffer
}

func (cc *capturedConn) Write(b []byte) (int, error) {
	cc.c.mu.Lock()
	cc.out.Write(b)
	cc.c.mu.Unlock()
	return cc.Conn.Write(b)
}

func (cc *capturedConn) Read(b []byte) (int, error) {
	n, err := cc.Conn.Read(b)
	cc.c.mu.Lock()
	cc.in.Write(b[:n])
	cc.c.mu.Unlock()
	return n, err
}

// memberlist's stream framing: an optional label header (type 244, length, label), then
// the message type; 10 is an encrypted message (memberlist's encryptMsg).
const (
	labelMsg   = 244
	encryptMsg = 10
)

// Every connection the serving device holds while it sends a file is encrypted with the
// team key: memberlist's begin with an encrypted message, the team's streams with their
// opening line, and no capture holds the file's bytes or the transfer's headers in the clear.
func TestStreamsCarryNoPlaintext(t *testing.T) {
	tm, _ := team.New("Field team")
	capA := &capture{}
	a := startNodeOn(t, tm, "", gossip.Options{BindAddr: "127.0.0.1", Preset: "local", WrapConn: capA.wrap})
	b := startNode(t, tm, "")
	join(t, b, a)
	data := randomFile(3*blob.ChunkSize, 4)
	marker := []byte("SERIAL 8812-A, RACK B4, ADMIN PASSWORD Winter2026!")
	for i := 0; i < len(data)-len(marker); i += 64 << 10 {
		copy(data[i:], marker)
	}
	at := attachOn(t, a, data)
	waitFor(t, 30*time.Second, "the file on B", func() bool { return b.blobs.Has(at.Hash) })

	capA.mu.Lock()
	defer capA.mu.Unlock()
	streams, carried := 0, 0
	for i, c := range capA.conns {
		if bytes.HasPrefix(c.in.Bytes(), []byte("OUTPOST-BLOB1\n")) {
			streams++
			carried += c.out.Len()
		} else {
			for dir, raw := range map[string][]byte{"sent": c.out.Bytes(), "received": c.in.Bytes()} {
				if len(raw) > 1 && raw[0] == labelMsg {
					raw = raw[2+int(raw[1]):]
				}
				if len(raw) > 0 && raw[0] != encryptMsg {
					t.Errorf("connection %d of A %s message type %v first, not an encrypted message", i, dir, raw[:1])
				}
			}
		}
		for _, clear := range [][]byte{marker, []byte(at.Hash), []byte(`"piece"`)} {
			if bytes.Contains(c.out.Bytes(), clear) || bytes.Contains(c.in.Bytes(), clear) {
				t.Errorf("connection %d of A carries %q in the clear", i, clear)
			}
		}
	}
	if streams == 0 || carried < len(data) {
		t.Fatalf("A sent %d bytes on %d team streams, want the file's %d and more", carried, streams, len(data))
	}
}
