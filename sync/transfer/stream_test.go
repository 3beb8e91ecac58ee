package transfer

import (
	"context"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/blob"
	"outpost/backend/core/store"
	"outpost/sync/gossip"
	"outpost/sync/team"
)

// A holder answers on a team stream only what it can decode, from an online member at the
// stream's address, in that member's own name: anything else closes the stream with a log
// line naming the address, and is never answered.
func TestAServerClosesAStreamThatSendsAMalformedQuestion(t *testing.T) {
	tm, _ := team.New("Field team")
	a, b := startNode(t, tm, ""), startNode(t, tm, "")
	join(t, b, a)
	waitFor(t, 10*time.Second, "A online for B", func() bool { return len(b.rep.Online()) == 1 })
	hash := blob.Hash(strings.Repeat("ab", 32))
	cases := map[string]struct {
		msg  []byte
		logs string
	}{
		"not a message": {append(gossip.NewFrame(9), "not json!"...), "malformed file-transfer message"},
		"an answer":     {frame(typePiece, header{From: b.rep.Self(), Req: 1, Hash: hash, Piece: 0}, []byte("x")), "malformed file-transfer message"},
		"in another device's name": {frame(typeAsk, header{From: "someone-else", Req: 1, Hash: hash, Piece: -1}, nil),
			"not an online member at its address"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			before := len(a.log.String())
			s, err := b.rep.OpenStream(a.rep.Self(), pieceMessageSize, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Send(c.msg); err != nil {
				t.Fatal(err)
			}
			if got, err := s.Receive(nil); err == nil {
				t.Fatalf("A answered %q", got)
			}
			waitFor(t, 5*time.Second, "A's log line", func() bool {
				line := a.log.String()[before:]
				return strings.Contains(line, c.logs) && strings.Contains(line, "addr=127.0.0.1:")
			})
		})
	}
}

// A device of an earlier version still sends its questions over the gossip: they are
// dropped by the transfer, never taken for bad replication messages that would mute it.
func TestQuestionsOfAnEarlierVersionDoNotMuteTheirSender(t *testing.T) {
	tm, _ := team.New("Field team")
	a, b := startNode(t, tm, ""), startNode(t, tm, "")
	join(t, b, a)
	waitFor(t, 10*time.Second, "A online for B", func() bool { return len(b.rep.Online()) == 1 })
	hash := blob.Hash(strings.Repeat("ab", 32))
	const n = 30 // over the replica's MuteAfter (20) bad messages
	for i := range n {
		if err := b.rep.SendStream(a.rep.Self(), encode(typeAsk, header{From: b.rep.Self(), Req: uint64(i + 1), Hash: hash, Piece: -1}, nil)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 10*time.Second, "the questions taken by A", func() bool {
		return a.tr.Stats().Dropped+a.rep.Stats().Dropped+a.rep.Stats().Muted >= n
	})
	if s := a.rep.Stats(); s.Mutes > 0 || s.Dropped > 0 {
		t.Fatalf("A's replica counted the old questions as bad messages: %+v", s)
	}
}

// A device removed from the team while its stream is open gets nothing more on it.
func TestADeviceRemovedMidStreamGetsNothingMore(t *testing.T) {
	tm, _ := team.New("Field team")
	a, b := startNode(t, tm, ""), startNode(t, tm, "")
	join(t, b, a)
	at := attachOn(t, a, randomFile(blob.ChunkSize, 5))
	bID := b.rep.Self()
	waitFor(t, 10*time.Second, "B's registration on A", func() bool {
		_, err := a.st.Get(store.KindDevice, bID)
		return err == nil
	})
	s, err := b.rep.OpenStream(a.rep.Self(), pieceMessageSize, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ask := func(req uint64) error {
		return s.Send(frame(typeAsk, header{From: bID, Req: req, Hash: at.Hash, Piece: -1}, nil))
	}
	if err := ask(1); err != nil {
		t.Fatal(err)
	}
	if raw, err := s.Receive(nil); err != nil {
		t.Fatalf("no manifest before the removal: %v", err)
	} else if m, err := decode(raw); err != nil || m.typ != typeManifest || !m.h.Have {
		t.Fatalf("before the removal: %+v, %v", m.h, err)
	}
	if err := a.rep.RemoveDevice(context.Background(), "ana", bID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "B no longer an online member for A", func() bool { return len(a.rep.Online()) == 0 })
	_ = ask(2)
	if raw, err := s.Receive(nil); err == nil {
		t.Fatalf("a removed device was answered: %q", raw)
	}
	waitFor(t, 5*time.Second, "A's log line", func() bool { return strings.Contains(a.log.String(), "not an online member") })
}
