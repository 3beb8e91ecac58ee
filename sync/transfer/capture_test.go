package transfer

import (
	"bytes"
	"io"
	"log"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"

	"outpost/backend/core/blob"
	"outpost/sync/gossip"
	"outpost/sync/team"
)

// capture wraps memberlist's transport and keeps every byte each stream connection sends.
type capture struct {
	memberlist.Transport
	mu    sync.Mutex
	conns []*bytes.Buffer
}

func (c *capture) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	conn, err := c.Transport.DialTimeout(addr, timeout)
	if err != nil {
		return nil, err
	}
	buf := &bytes.Buffer{}
	c.mu.Lock()
	c.conns = append(c.conns, buf)
	c.mu.Unlock()
	return &capturedConn{Conn: conn, c: c, buf: buf}, nil
}

type capturedConn struct {
	net.Conn
	c   *capture
	buf *bytes.Buffer
}

func (cc *capturedConn) Write(b []byte) (int, error) {
	cc.c.mu.Lock()
	cc.buf.Write(b)
	cc.c.mu.Unlock()
	return cc.Conn.Write(b)
}

// memberlist's stream framing: an optional label header (type 244, length, label), then
// the message type; 10 is an encrypted message (memberlist's encryptMsg).
const (
	labelMsg   = 244
	encryptMsg = 10
)

// Every stream the serving device opens while it sends a file is encrypted with the team
// key, and no capture holds the file's bytes or the transfer's headers in the clear.
func TestStreamsCarryNoPlaintext(t *testing.T) {
	tm, _ := team.New("Field team")
	capA := &capture{}
	a := startCaptured(t, tm, capA)
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
	if len(capA.conns) == 0 {
		t.Fatal("A opened no stream")
	}
	for i, c := range capA.conns {
		raw := c.Bytes()
		if len(raw) > 1 && raw[0] == labelMsg {
			raw = raw[2+int(raw[1]):]
		}
		if len(raw) == 0 || raw[0] != encryptMsg {
			t.Errorf("stream %d of A starts with message type %v, not an encrypted message", i, raw[:min(len(raw), 1)])
		}
		for _, clear := range [][]byte{marker, []byte(at.Hash), []byte(`"piece"`)} {
			if bytes.Contains(c.Bytes(), clear) {
				t.Errorf("stream %d of A carries %q in the clear", i, clear)
			}
		}
	}
}

func startCaptured(t *testing.T, tm team.Team, c *capture) *node {
	t.Helper()
	nt, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{"127.0.0.1"}, BindPort: 0, Logger: log.New(io.Discard, "", 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	c.Transport = nt
	return startNodeOn(t, tm, "", gossip.Options{BindAddr: "127.0.0.1", BindPort: nt.GetAutoBindPort(), Preset: "local", Transport: c})
}
