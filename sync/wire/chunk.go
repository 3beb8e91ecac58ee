package wire

import (
	"encoding/binary"
	"errors"
	"fmt"

	"outpost/backend/core/change"
)

// A chunk carries most of the bytes of a catch-up, so its changes are not wrapped
// in JSON: after the type and version bytes comes the length of a JSON header (a
// uvarint), the header, then each change as its length (a uvarint) and its own
// encoding (change.Encode), which the receiver reads with the change's decoder.
// The header says how many changes follow; anything after the last is refused.
type chunkHeader struct {
	From    string `json:"from"`
	Count   int    `json:"n"`
	More    bool   `json:"more"`
	Left    uint64 `json:"left,omitempty"`
	Follows bool   `json:"follows,omitempty"`
	Pull    uint64 `json:"pull,omitempty"`
	Part    int    `json:"part,omitempty"`
}

// maxChunkHeader bounds the header: a sender name and a few numbers.
const maxChunkHeader = 1 << 10

func encodeChunk(c *Chunk) ([]byte, error) {
	h, err := Encode(TypeChunk, chunkHeader{From: c.From, Count: len(c.Changes), More: c.More, Left: c.Left,
		Follows: c.Follows, Pull: c.Pull, Part: c.Part})
	if err != nil {
		return nil, err
	}
	stored := len(c.Encoded) == len(c.Changes)
	size := len(h) + binary.MaxVarintLen32 + len(c.Changes)*512
	if stored { // sized exactly, so that a bulk chunk's 3 MiB are not copied as it grows
		size = len(h) + binary.MaxVarintLen32*(1+len(c.Changes))
		for _, raw := range c.Encoded {
			size += len(raw)
		}
	}
	out := make([]byte, 0, size)
	out = append(out, h[:2]...)
	out = binary.AppendUvarint(out, uint64(len(h)-2))
	out = append(out, h[2:]...)
	for i := range c.Changes {
		var raw []byte
		if stored {
			raw = c.Encoded[i]
		} else if raw, err = c.Changes[i].Encode(); err != nil {
			return nil, fmt.Errorf("encode message: change %d: %w", i, err)
		}
		out = binary.AppendUvarint(out, uint64(len(raw)))
		out = append(out, raw...)
	}
	return out, nil
}

// decodeChunk parses and validates a chunk's body (what follows the type and version).
func decodeChunk(body []byte) (*Chunk, error) {
	n, k := binary.Uvarint(body)
	if k <= 0 || n > maxChunkHeader || n > uint64(len(body)-k) {
		return nil, errors.New("chunk header length")
	}
	var h chunkHeader
	if err := strict(body[k:k+int(n)], &h); err != nil {
		return nil, err
	}
	if err := validFrom(h.From, nil); err != nil {
		return nil, err
	}
	if h.Count < 0 || h.Count > MaxChunkChanges {
		return nil, fmt.Errorf("%d changes in one chunk", h.Count)
	}
	if h.Part < 0 || h.Part >= MaxChunkParts {
		return nil, fmt.Errorf("chunk part %d (at most %d)", h.Part, MaxChunkParts-1)
	}
	c := &Chunk{From: h.From, More: h.More, Left: h.Left, Follows: h.Follows, Pull: h.Pull, Part: h.Part,
		Changes: make([]change.Change, 0, min(h.Count, len(body)/64))}
	rest := body[k+int(n):]
	for i := range h.Count {
		size, k := binary.Uvarint(rest)
		if k <= 0 || size > uint64(len(rest)-k) {
			return nil, fmt.Errorf("change %d of %d: cut short", i, h.Count)
		}
		ch, err := change.Decode(rest[k : k+int(size)])
		if err != nil {
			return nil, fmt.Errorf("change %d: %w", i, err)
		}
		c.Changes = append(c.Changes, ch)
		rest = rest[k+int(size):]
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%d bytes after the last of %d changes", len(rest), h.Count)
	}
	return c, nil
}
