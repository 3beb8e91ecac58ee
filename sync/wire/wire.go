// Package wire encodes and validates the messages replicas exchange: one type
// byte, one version byte, then a JSON body (a chunk's changes follow its JSON
// header in their own encoding: see chunk.go). Nothing from a peer is trusted
// before Decode has checked its size, structure and every change it carries.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"outpost/backend/core/change"
)

// Type identifies a message.
type Type byte

// Message types.
const (
	TypeChange Type = iota + 1 // a live change, broadcast and relayed
	TypeHave                   // notice that a change too large to broadcast exists
	TypePull                   // "here is my vector: send what I lack" (reliable)
	TypeChunk                  // a bounded run of changes answering a pull (reliable)
	TypeState                  // push/pull state: the sender's version vector only

	// TypeExtension and the types after it belong to other protocols carried on the
	// replica's transport (attachment transfer); Decode refuses them.
	TypeExtension Type = 0x40
)

// Version is the encoding version this build speaks. Version 2 carries a
// chunk's changes in their own encoding instead of inside its JSON.
const Version = 2

// Limits.
const (
	MaxPacket       = 1350      // what one gossip packet can carry after headers and encryption
	MaxChunkBytes   = 256 << 10 // changes per chunk, encoded
	MaxBulkBytes    = 3 << 20   // changes per chunk, encoded, for a puller far behind (Pull.Bytes)
	MaxMessage      = 4 << 20   // any message, including a chunk's framing
	MaxVectorLen    = 10_000    // devices in a vector
	MaxChunkChanges = 10_000
	MaxChunkParts   = 64 // chunks in one answer to a pull
)

// ErrMalformed reports a message that is not a valid Outpost message.
var ErrMalformed = errors.New("malformed message")

// Change carries one change. From is the peer that sent this copy when it is not
// the change's origin (a relay); a copy sent by its origin leaves From empty, as
// the signed change already names its device, and Decode fills it in. Every
// byte counts here: a live change goes to each member as a packet of its own.
type Change struct {
	From   string        `json:"from,omitempty"`
	Change change.Change `json:"change"`
}

// Have announces that Device has a change at Seq. From is the peer passing the
// notice on; it is left empty when that is Device itself.
type Have struct {
	From   string `json:"from,omitempty"`
	Device string `json:"device"`
	Seq    uint64 `json:"seq"`
}

// Pull asks From's peer for the changes it holds beyond Vector. ID names the
// pull; the chunks answering it carry it back. Bytes asks for chunks of that many
// encoded bytes (up to MaxBulkBytes) instead of MaxChunkBytes: a device far behind
// takes its catch-up in few large chunks, each applied in one synced commit.
// Skip names devices whose changes the puller does not want for now (it refused
// them as stamped too far in the future): the answer leaves them out.
type Pull struct {
	From   string            `json:"from"`
	Vector map[string]uint64 `json:"vector"`
	ID     uint64            `json:"id,omitempty"`
	Bytes  int               `json:"bytes,omitempty"`
	Skip   []string          `json:"skip,omitempty"`
}

// ChunkBytes is how many encoded bytes of changes each chunk answering p holds.
func (p *Pull) ChunkBytes() int {
	return min(max(p.Bytes, MaxChunkBytes), MaxBulkBytes)
}

// Chunk answers a pull. An answer is one or more chunks, numbered by Part from 0;
// all but the last have Follows set. Each chunk travels on a stream of its own, so
// they can arrive in any order: the puller puts them back in order by Part. More
// means the sender holds further changes after this answer: pull again. Left is how
// many changes the sender holds that the puller still lacks after this chunk.
type Chunk struct {
	From    string          `json:"from"`
	Changes []change.Change `json:"changes"`
	// Encoded, when it holds one entry per change, is each change's encoding as the
	// sender's log stores it: sent instead of encoding the change again. Decode leaves it nil.
	Encoded [][]byte `json:"-"`
	More    bool     `json:"more"`
	Left    uint64   `json:"left,omitempty"`
	Follows bool     `json:"follows,omitempty"`
	Pull    uint64   `json:"pull,omitempty"` // the ID of the pull this answers
	Part    int      `json:"part,omitempty"`
}

// State is what a replica shares on push/pull: who it is and its vector, never data.
type State struct {
	From   string            `json:"from"`
	Vector map[string]uint64 `json:"vector"`
}

// Encode frames a message.
func Encode(t Type, body any) ([]byte, error) {
	switch c := body.(type) {
	case Chunk:
		return encodeChunk(&c)
	case *Chunk:
		return encodeChunk(c)
	}
	var buf bytes.Buffer
	buf.WriteByte(byte(t))
	buf.WriteByte(Version)
	if err := json.NewEncoder(&buf).Encode(body); err != nil {
		return nil, fmt.Errorf("encode message: %w", err)
	}
	b := buf.Bytes()
	return b[:len(b)-1], nil // drop the encoder's newline
}

// Message is a decoded, validated message: exactly one of the pointers is set.
type Message struct {
	Type   Type
	Change *Change
	Have   *Have
	Pull   *Pull
	Chunk  *Chunk
	State  *State
}

// From returns the sender the message names.
func (m Message) From() string {
	switch {
	case m.Change != nil:
		return m.Change.From
	case m.Have != nil:
		return m.Have.From
	case m.Pull != nil:
		return m.Pull.From
	case m.Chunk != nil:
		return m.Chunk.From
	case m.State != nil:
		return m.State.From
	}
	return ""
}

// Decode parses and validates a message. Its error says what was wrong.
func Decode(b []byte) (Message, error) {
	var m Message
	if len(b) < 3 {
		return m, fmt.Errorf("%w: %d bytes", ErrMalformed, len(b))
	}
	if len(b) > MaxMessage {
		return m, fmt.Errorf("%w: %d bytes (at most %d)", ErrMalformed, len(b), MaxMessage)
	}
	m.Type = Type(b[0])
	if b[1] != Version {
		return m, fmt.Errorf("%w: version %d (this device speaks %d)", ErrMalformed, b[1], Version)
	}
	body := b[2:]
	var err error
	switch m.Type {
	case TypeChange:
		m.Change = &Change{}
		if err = strict(body, m.Change); err == nil {
			if m.Change.From == "" {
				m.Change.From = m.Change.Change.Device
			}
			err = validFrom(m.Change.From, m.Change.Change.Validate())
		}
	case TypeHave:
		m.Have = &Have{}
		if err = strict(body, m.Have); err == nil {
			if m.Have.From == "" {
				m.Have.From = m.Have.Device
			}
			err = validFrom(m.Have.From, nil)
			if err == nil && (!change.ValidName(m.Have.Device) || m.Have.Seq == 0) {
				err = errors.New("bad change reference")
			}
		}
	case TypePull:
		m.Pull = &Pull{}
		if err = strict(body, m.Pull); err == nil {
			err = validFrom(m.Pull.From, validVector(m.Pull.Vector))
			if err == nil {
				err = validDevices(m.Pull.Skip)
			}
		}
	case TypeChunk:
		m.Chunk, err = decodeChunk(body)
	case TypeState:
		m.State = &State{}
		if err = strict(body, m.State); err == nil {
			err = validFrom(m.State.From, validVector(m.State.Vector))
		}
	default:
		return m, fmt.Errorf("%w: unknown type %d", ErrMalformed, b[0])
	}
	if err != nil {
		return m, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return m, nil
}

func strict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data")
	}
	return nil
}

func validFrom(from string, err error) error {
	if !change.ValidName(from) {
		return fmt.Errorf("sender %q", from)
	}
	return err
}

func validVector(v map[string]uint64) error {
	if len(v) > MaxVectorLen {
		return fmt.Errorf("vector of %d devices", len(v))
	}
	for d := range v {
		if !change.ValidName(d) {
			return fmt.Errorf("vector device %q", d)
		}
	}
	return nil
}

func validDevices(ds []string) error {
	if len(ds) > MaxVectorLen {
		return fmt.Errorf("%d devices to skip", len(ds))
	}
	for _, d := range ds {
		if !change.ValidName(d) {
			return fmt.Errorf("device to skip %q", d)
		}
	}
	return nil
}
