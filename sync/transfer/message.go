package transfer

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/sync/gossip"
	"outpost/sync/replica"
	"outpost/sync/wire"
)

// Message types, in the replica's extension range.
const (
	typeAsk      = wire.TypeExtension + iota // "send me piece N of this blob" (-1: its manifest)
	typeManifest                             // the answer to -1: whether the sender holds it, and the pieces' hashes
	typePiece                                // one piece's bytes
)

const (
	version   = 1
	maxHeader = 1024
)

// header is the JSON part of every message; the bytes of a piece, or the 32-byte hashes
// of a manifest, follow it unencoded.
type header struct {
	From  string    `json:"from"`
	Req   uint64    `json:"req"`
	Hash  blob.Hash `json:"hash"`
	Piece int       `json:"piece"`          // -1 asks for the manifest
	Size  int64     `json:"size,omitempty"` // manifest: the blob's size
	Have  bool      `json:"have,omitempty"` // manifest: the sender holds the blob
}

type message struct {
	typ     wire.Type
	h       header
	payload []byte

	addr string          // the address of the stream it came on: its sender's real address
	on   *replica.Stream // the stream it came on (a question is answered on it)
	buf  *[]byte         // the pooled buffer payload is in, if any (see Transfer.release)
}

// errMalformed reports a message that is not a valid transfer message.
var errMalformed = errors.New("malformed file-transfer message")

// pieceMessageSize is room for the largest message (a piece; a manifest is smaller).
const pieceMessageSize = 6 + maxHeader + blob.ChunkSize

// frame returns a message as a stream's frame (see gossip.NewFrame).
func frame(typ wire.Type, h header, payload []byte) []byte {
	return append(encodeHeader(gossip.NewFrame(maxHeader+len(payload)), typ, h), payload...)
}

func encode(typ wire.Type, h header, payload []byte) []byte {
	return append(encodeHeader(nil, typ, h), payload...)
}

// encodeHeader appends a message's type, version and header to buf (reused if it has room).
func encodeHeader(buf []byte, typ wire.Type, h header) []byte {
	hb, _ := json.Marshal(h) // a struct of strings and numbers always encodes
	at := len(buf)
	out := append(buf, byte(typ), version, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(out[at+2:], uint32(len(hb)))
	return append(out, hb...)
}

// decode checks everything a peer sends before any of it is used.
func decode(b []byte) (message, error) {
	if len(b) < 6 {
		return message{}, fmt.Errorf("%w: too short", errMalformed)
	}
	m := message{typ: wire.Type(b[0])}
	if m.typ < typeAsk || m.typ > typePiece {
		return message{}, fmt.Errorf("%w: unknown type %d", errMalformed, b[0])
	}
	if b[1] != version {
		return message{}, fmt.Errorf("%w: version %d (this build speaks %d)", errMalformed, b[1], version)
	}
	n := binary.BigEndian.Uint32(b[2:])
	if n > maxHeader || int(n) > len(b)-6 {
		return message{}, fmt.Errorf("%w: header length %d", errMalformed, n)
	}
	dec := json.NewDecoder(bytes.NewReader(b[6 : 6+n]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m.h); err != nil {
		return message{}, fmt.Errorf("%w: header", errMalformed)
	}
	m.payload = b[6+n:]
	if !change.ValidName(m.h.From) {
		return message{}, fmt.Errorf("%w: sender", errMalformed)
	}
	if _, err := blob.ParseHash(string(m.h.Hash)); err != nil {
		return message{}, fmt.Errorf("%w: file hash", errMalformed)
	}
	if m.h.Piece < -1 || m.h.Piece >= blob.MaxChunks || m.h.Size < 0 {
		return message{}, fmt.Errorf("%w: piece %d", errMalformed, m.h.Piece)
	}
	switch m.typ {
	case typeAsk:
		if len(m.payload) != 0 {
			return message{}, fmt.Errorf("%w: a question with a body", errMalformed)
		}
	case typeManifest:
		if len(m.payload)%32 != 0 || len(m.payload) > blob.MaxChunks*32 || (!m.h.Have && len(m.payload) > 0) {
			return message{}, fmt.Errorf("%w: manifest of %d bytes", errMalformed, len(m.payload))
		}
	case typePiece:
		if len(m.payload) > blob.ChunkSize || m.h.Piece < 0 {
			return message{}, fmt.Errorf("%w: piece of %d bytes", errMalformed, len(m.payload))
		}
	}
	return m, nil
}

func manifestPayload(m blob.Manifest) []byte {
	out := make([]byte, 0, 32*len(m.Chunks))
	for _, c := range m.Chunks {
		out = append(out, c[:]...)
	}
	return out
}

func manifestOf(msg message) blob.Manifest {
	m := blob.Manifest{Size: msg.h.Size}
	for i := 0; i+32 <= len(msg.payload); i += 32 {
		m.Chunks = append(m.Chunks, [32]byte(msg.payload[i:i+32]))
	}
	return m
}
