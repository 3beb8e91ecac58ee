package transfer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"outpost/backend/core/blob"
)

// FuzzDecode feeds arbitrary bytes to the decoder of file-transfer messages, which every peer
// on the team may send. A message it accepts must be within the limits the fetcher relies on,
// and must survive being encoded again unchanged; anything else must be a malformed-message error.
func FuzzDecode(f *testing.F) {
	h := blob.Hash(strings.Repeat("ab", 32))
	chunks := append(bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)...)
	for _, b := range [][]byte{
		encode(typeAsk, header{From: "dev1", Req: 1, Hash: h, Piece: -1}, nil),
		encode(typeAsk, header{From: "dev1", Req: 2, Hash: h, Piece: 3}, nil),
		encode(typeManifest, header{From: "dev2", Req: 1, Hash: h, Piece: -1, Size: 1<<20 + 5, Have: true}, chunks),
		encode(typeManifest, header{From: "dev2", Req: 1, Hash: h, Piece: -1}, nil),
		encode(typePiece, header{From: "dev2", Req: 2, Hash: h, Piece: 1}, []byte("five")),
		[]byte{byte(typeAsk), version, 0, 0, 0, 2, '{', '}'},
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decode(b)
		if err != nil {
			if !errors.Is(err, errMalformed) {
				t.Fatalf("decode error %v is not a malformed-message error", err)
			}
			return
		}
		checkLimits(t, m)
		again, err := decode(encode(m.typ, m.h, m.payload))
		if err != nil {
			t.Fatalf("a decoded message does not decode once encoded again: %v (%+v)", err, m.h)
		}
		if again.typ != m.typ || again.h != m.h || !bytes.Equal(again.payload, m.payload) {
			t.Fatalf("encoding again changed the message: %+v -> %+v", m.h, again.h)
		}
		if m.typ == typeManifest && !bytes.Equal(manifestPayload(manifestOf(m)), m.payload) {
			t.Fatalf("the manifest's hashes do not survive reading: %d bytes", len(m.payload))
		}
	})
}

func checkLimits(t *testing.T, m message) {
	t.Helper()
	if _, err := blob.ParseHash(string(m.h.Hash)); err != nil {
		t.Fatalf("accepted a message about file %q: %v", m.h.Hash, err)
	}
	if m.h.From == "" || m.h.Piece < -1 || m.h.Piece >= blob.MaxChunks || m.h.Size < 0 {
		t.Fatalf("accepted header %+v", m.h)
	}
	switch m.typ {
	case typeAsk:
		if len(m.payload) != 0 {
			t.Fatalf("accepted a question with %d bytes of body", len(m.payload))
		}
	case typeManifest:
		if n := len(manifestOf(m).Chunks); n > blob.MaxChunks || n*32 != len(m.payload) {
			t.Fatalf("accepted a manifest of %d bytes (%d hashes)", len(m.payload), n)
		}
	case typePiece:
		if len(m.payload) > blob.ChunkSize || m.h.Piece < 0 {
			t.Fatalf("accepted piece %d of %d bytes", m.h.Piece, len(m.payload))
		}
	default:
		t.Fatalf("accepted message type %d", m.typ)
	}
}
