package gossip

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"time"
)

// A probe asks the device at a gossip address which team it is in and which team
// keys it holds, without any key. memberlist cannot tell a device why it was not
// let in: a stream with another team's label and one encrypted with a retired key
// are both dropped without an answer. The probe lets a device that failed to join
// tell "this invite is for another team" from "your team key is out of date".
//
// It gives away nothing a listener does not see already: the team's ID travels in
// plaintext as the label of every gossip packet, and a key is named by a hash of it.
// memberlist's streams begin with a message type (below 20) or a label header (244),
// so one that begins with probeHello is a probe.
const probeHello = "OUTPOST-TEAM?\n"

// Answer is what a device answers a probe with.
type Answer struct {
	Team string   `json:"team"` // the team's ID
	Keys []string `json:"keys"` // KeyID of every team key it holds
}

// KeyID names a team key without revealing it.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return "k" + hex.EncodeToString(sum[:8])
}

// Probe asks the device at addr (host:port of its gossip) for its Answer.
func Probe(addr string, timeout time.Duration) (Answer, error) {
	conn, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return Answer{}, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(conn, probeHello); err != nil {
		return Answer{}, err
	}
	var a Answer
	line, err := bufio.NewReader(io.LimitReader(conn, 64<<10)).ReadString('\n')
	if err != nil {
		return Answer{}, fmt.Errorf("the device at %s did not answer as an Outpost device: %w", addr, err)
	}
	if err := json.Unmarshal([]byte(line), &a); err != nil || a.Team == "" {
		return Answer{}, fmt.Errorf("the device at %s did not answer as an Outpost device", addr)
	}
	return a, nil
}

// What a TCP connection to the gossip port opens with.
const (
	openMemberlist = iota // memberlist's own stream
	openProbe             // probeHello
	openStream            // streamHello: a team stream (see Stream)
)

// firstBytes reads what a stream begins with: the whole probeHello or streamHello, else
// its first byte (handed back to memberlist).
func firstBytes(conn net.Conn) ([]byte, int, error) {
	first := make([]byte, 1, len(probeHello))
	if _, err := io.ReadFull(conn, first); err != nil {
		return nil, 0, err
	}
	if first[0] != probeHello[0] {
		return first, openMemberlist, nil
	}
	rest := make([]byte, len(probeHello)-1)
	if _, err := io.ReadFull(conn, rest); err != nil {
		return nil, 0, err
	}
	switch string(first) + string(rest) {
	case probeHello:
		return nil, openProbe, nil
	case streamHello:
		return nil, openStream, nil
	}
	return nil, 0, fmt.Errorf("neither a probe, a team stream nor a gossip stream")
}

// answerProbe writes a's answer to conn and closes it.
func answerProbe(conn net.Conn, a Answer) {
	defer conn.Close()
	raw, _ := json.Marshal(a)
	_, _ = conn.Write(append(raw, '\n'))
}

// peekedConn is a stream whose first bytes were read to tell a probe apart.
type peekedConn struct {
	net.Conn
	peeked []byte
}

func (c *peekedConn) Read(p []byte) (int, error) {
	if len(c.peeked) > 0 {
		n := copy(p, c.peeked)
		c.peeked = c.peeked[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
