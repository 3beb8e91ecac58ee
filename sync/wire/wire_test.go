package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"outpost/backend/core/change"
)

func sample() change.Change {
	return change.Change{Device: "dev1", Seq: 3, HLC: 99, Author: "a", Kind: "ticket", Entity: "t1",
		Ops: []change.Op{{Op: change.OpSet, Field: "title", Value: []byte(`"x"`)}}, Sig: make([]byte, 64)}
}

func sampleRaw() []byte {
	c := sample()
	raw, _ := c.Encode()
	return raw
}

// msg frames a JSON body as a message of type t.
func msg(t Type, body string) []byte {
	return append([]byte{byte(t), Version}, body...)
}

// chunk frames a chunk: its JSON header, then each change with its length.
func chunk(header string, changes ...[]byte) []byte {
	b := binary.AppendUvarint([]byte{byte(TypeChunk), Version}, uint64(len(header)))
	b = append(b, header...)
	for _, c := range changes {
		b = binary.AppendUvarint(b, uint64(len(c)))
		b = append(b, c...)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		typ  Type
		body any
	}{
		{"change", TypeChange, Change{From: "n1", Change: sample()}},
		{"have", TypeHave, Have{From: "n1", Device: "dev1", Seq: 4}},
		{"pull", TypePull, Pull{From: "n1", Vector: map[string]uint64{"dev1": 3}, ID: 9}},
		{"pull skipping a device", TypePull, Pull{From: "n1", Vector: map[string]uint64{"dev1": 3}, ID: 9, Skip: []string{"dev2"}}},
		{"chunk", TypeChunk, Chunk{From: "n1", Changes: []change.Change{sample()}, More: true}},
		{"numbered chunk", TypeChunk, Chunk{From: "n1", Changes: []change.Change{sample()}, Pull: 9, Part: 3, Follows: true, Left: 5}},
		{"state", TypeState, State{From: "n1", Vector: map[string]uint64{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Encode(tt.typ, tt.body)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if m.Type != tt.typ || m.From() != "n1" {
				t.Fatalf("decoded %+v", m)
			}
		})
	}
}

// A change sent by its origin does not repeat the device in From: Decode names
// the change's own (signed) device as the sender, and the packet is smaller.
func TestChangeFromItsOrigin(t *testing.T) {
	t.Parallel()
	implied, err := Encode(TypeChange, Change{Change: sample()})
	if err != nil {
		t.Fatal(err)
	}
	explicit, _ := Encode(TypeChange, Change{From: "dev1", Change: sample()})
	if len(implied) >= len(explicit) {
		t.Fatalf("origin copy is %d bytes, relayed copy %d: From not left out", len(implied), len(explicit))
	}
	m, err := Decode(implied)
	if err != nil {
		t.Fatal(err)
	}
	if m.From() != "dev1" || m.Change.From != "dev1" {
		t.Fatalf("sender %q, want the change's device dev1", m.From())
	}
	h, _ := Encode(TypeHave, Have{Device: "dev1", Seq: 4})
	if m, err := Decode(h); err != nil || m.From() != "dev1" {
		t.Fatalf("notice from its device: sender %q, %v", m.From(), err)
	}
	noDevice := sample()
	noDevice.Device = ""
	b, _ := Encode(TypeChange, Change{Change: noDevice})
	if _, err := Decode(b); err == nil || !errors.Is(err, ErrMalformed) {
		t.Fatalf("a change naming no device and no sender decoded: %v", err)
	}
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	good, _ := Encode(TypeChange, Change{From: "n1", Change: sample()})
	bad := sample()
	bad.Entity = "../etc"
	badChange, _ := Encode(TypeChange, Change{From: "n1", Change: bad})
	badRaw, _ := bad.Encode()
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "0 bytes"},
		{"unknown type", append([]byte{99, Version}, good[2:]...), "unknown type"},
		{"future version", append([]byte{byte(TypeChange), 9}, good[2:]...), "version 9"},
		{"not json", []byte{byte(TypeChange), Version, '{', 'x'}, "malformed"},
		{"unknown field", msg(TypeChange, `{"from":"n1","evil":1}`), "unknown field"},
		{"bad sender", msg(TypePull, `{"from":"a/b","vector":{}}`), "sender"},
		{"bad change inside", badChange, "entity"},
		{"bad vector device", msg(TypeState, `{"from":"n1","vector":{"a b":1}}`), "vector device"},
		{"bad device to skip", msg(TypePull, `{"from":"n1","vector":{},"skip":["a b"]}`), "device to skip"},
		{"chunk part out of range", chunk(`{"from":"n1","n":0,"more":false,"pull":7,"part":64}`), "chunk part"},
		{"negative chunk part", chunk(`{"from":"n1","n":0,"more":false,"part":-1}`), "chunk part"},
		{"chunk of too many changes", chunk(`{"from":"n1","n":10001,"more":false}`), "changes in one chunk"},
		{"chunk cut short", chunk(`{"from":"n1","n":2,"more":false}`, sampleRaw()), "change 1 of 2: cut short"},
		{"chunk with trailing bytes", chunk(`{"from":"n1","n":1,"more":false}`, sampleRaw(), []byte("x")), "after the last"},
		{"chunk with a bad change", chunk(`{"from":"n1","n":1,"more":false}`, badRaw), "change 0"},
		{"chunk header longer than the message", append([]byte{byte(TypeChunk), Version}, 0x7f, '{'), "chunk header length"},
		{"chunk in the JSON of version 1", []byte("\x04\x01{\"from\":\"n1\",\"changes\":[],\"more\":false}"), "version 1 (this device speaks 2)"},
		{"oversized", append([]byte{byte(TypeChange), Version}, []byte(strings.Repeat(" ", MaxMessage))...), "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.in)
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Decode = %v, want ErrMalformed mentioning %q", err, tt.want)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, m := range []struct {
		t Type
		b any
	}{
		{TypeChange, Change{From: "n1", Change: sample()}},
		{TypePull, Pull{From: "n1", Vector: map[string]uint64{"d": 1}}},
		{TypeChunk, Chunk{From: "n1", Changes: []change.Change{sample()}}},
		{TypeHave, Have{From: "n1", Device: "d", Seq: 1}},
		{TypeState, State{From: "n1"}},
	} {
		b, _ := Encode(m.t, m.b)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Decode error %v is not ErrMalformed", err)
			}
			return
		}
		if m.From() == "" {
			t.Fatalf("valid message without sender: %q", b)
		}
		// A message accepted once is accepted again as this device would relay or answer it,
		// and its encoding is then stable.
		once := reencode(t, m)
		m2, err := Decode(once)
		if err != nil {
			t.Fatalf("a decoded message does not decode once encoded again: %v\n%q", err, once)
		}
		if twice := reencode(t, m2); !bytes.Equal(once, twice) || m2.Type != m.Type || m2.From() != m.From() {
			t.Fatalf("encoding is not stable:\n%q\n%q", once, twice)
		}
	})
}

// reencode encodes the one body a decoded message holds, checking that it holds exactly one.
func reencode(t *testing.T, m Message) []byte {
	t.Helper()
	var bodies []any
	if m.Change != nil {
		bodies = append(bodies, m.Change)
	}
	if m.Have != nil {
		bodies = append(bodies, m.Have)
	}
	if m.Pull != nil {
		bodies = append(bodies, m.Pull)
		if len(m.Pull.Vector) > MaxVectorLen || m.Pull.ChunkBytes() > MaxBulkBytes {
			t.Fatalf("accepted a pull of %d devices for chunks of %d bytes", len(m.Pull.Vector), m.Pull.ChunkBytes())
		}
	}
	if m.Chunk != nil {
		bodies = append(bodies, m.Chunk)
		if len(m.Chunk.Changes) > MaxChunkChanges || m.Chunk.Part < 0 || m.Chunk.Part >= MaxChunkParts {
			t.Fatalf("accepted chunk part %d of %d changes", m.Chunk.Part, len(m.Chunk.Changes))
		}
	}
	if m.State != nil {
		bodies = append(bodies, m.State)
		if len(m.State.Vector) > MaxVectorLen {
			t.Fatalf("accepted a state of %d devices", len(m.State.Vector))
		}
	}
	if len(bodies) != 1 {
		t.Fatalf("decoded message of type %d holds %d bodies", m.Type, len(bodies))
	}
	b, err := Encode(m.Type, bodies[0])
	if err != nil {
		t.Fatalf("a decoded message does not encode: %v", err)
	}
	return b
}

// A chunk's changes arrive as they were sent, whatever their values hold, and
// its header fields with them.
func TestChunkCarriesItsChanges(t *testing.T) {
	t.Parallel()
	second := sample()
	second.Seq, second.Prev = 4, bytes.Repeat([]byte{7}, 32)
	second.Ops = append(second.Ops, change.Op{Op: change.OpAppend, Field: "comments", Value: []byte(`{"text":"a \"quoted\" line\nand <b>more</b>"}`)})
	third := sample()
	third.Seq, third.Entity = 5, "t2"
	third.Ops = []change.Op{{Op: change.OpAdd, Field: "tags", Elem: "vpn"}}
	in := Chunk{From: "n1", Changes: []change.Change{sample(), second, third}, More: true, Left: 12, Follows: true, Pull: 3, Part: 2}
	b, err := Encode(TypeChunk, in)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	got := *m.Chunk
	if got.From != in.From || got.More != in.More || got.Left != in.Left || got.Follows != in.Follows || got.Pull != in.Pull || got.Part != in.Part {
		t.Fatalf("header: got %+v", got)
	}
	if len(got.Changes) != len(in.Changes) {
		t.Fatalf("%d changes, want %d", len(got.Changes), len(in.Changes))
	}
	for i := range in.Changes {
		want, _ := in.Changes[i].Encode()
		have, _ := got.Changes[i].Encode()
		if !bytes.Equal(want, have) {
			t.Fatalf("change %d:\n got %s\nwant %s", i, have, want)
		}
	}
	if empty, _ := Encode(TypeChunk, &Chunk{From: "n1"}); len(empty) > 40 {
		t.Fatalf("an empty chunk takes %d bytes", len(empty))
	} else if m, err := Decode(empty); err != nil || len(m.Chunk.Changes) != 0 {
		t.Fatalf("empty chunk: %+v, %v", m.Chunk, err)
	}
}

// A chunk given its changes' stored encodings sends those bytes as they are.
func TestChunkSendsStoredEncodings(t *testing.T) {
	t.Parallel()
	c := sample()
	stored := []byte(`{ "dev":"dev1", "seq":3, "hlc":99, "by":"a", "kind":"ticket", "ent":"t1", "ops":[{"op":"set","f":"title","v":"x"}], "sig":"` +
		strings.Repeat("A", 86) + `==" }`)
	if _, err := change.Decode(stored); err != nil {
		t.Fatalf("the JSON form of the sample does not decode: %v", err)
	}
	b, err := Encode(TypeChunk, Chunk{From: "n1", Changes: []change.Change{c}, Encoded: [][]byte{stored}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, stored) {
		t.Fatal("the stored encoding was not sent as it is")
	}
	m, err := Decode(b)
	if err != nil || len(m.Chunk.Changes) != 1 || m.Chunk.Changes[0].Seq != 3 || m.Chunk.Encoded != nil {
		t.Fatalf("decoded %+v, %v", m.Chunk, err)
	}
}
