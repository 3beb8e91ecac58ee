package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/hlc"
	"outpost/sync/wire"
)

// forger makes the flood: each message is one of a few kinds of hostile bytes.
type forger struct {
	rng     *rand.Rand
	devices []string // real device IDs of the team, and the insider's own node name
	team    string
}

// next returns a message's kind, its bytes and whether it goes over a stream (TCP)
// rather than a packet (UDP). One in fifty goes over a stream, as pulls and chunks do.
func (f *forger) next() (string, []byte, bool) {
	reliable := f.rng.Intn(50) == 0
	switch f.rng.Intn(8) {
	case 0:
		return "random bytes", f.bytes(1 + f.rng.Intn(1200)), reliable
	case 1:
		return "broken frame", append([]byte{byte(wire.TypeChange), wire.Version}, f.bytes(f.rng.Intn(600))...), reliable
	case 2:
		return "forged change of a real device", f.change(f.pick(), 1+uint64(f.rng.Intn(1000))), reliable
	case 3:
		return "forged change far ahead", f.change(f.pick(), uint64(f.rng.Int63())), reliable
	case 4:
		return "forged change of an unknown device", f.change(f.unknown(), 1+uint64(f.rng.Intn(1<<20))), reliable
	case 5:
		return "notice of a change that does not exist", f.encode(wire.TypeHave, wire.Have{Device: f.pick(), Seq: uint64(f.rng.Int63())}), reliable
	case 6:
		return "pull from an unknown device", f.encode(wire.TypePull, wire.Pull{From: f.unknown(), Vector: map[string]uint64{}}), true
	default:
		return "vector far ahead", f.encode(wire.TypeState, wire.State{From: f.pick(), Vector: f.vector()}), reliable
	}
}

func (f *forger) bytes(n int) []byte {
	b := make([]byte, n)
	f.rng.Read(b)
	return b
}

func (f *forger) pick() string { return f.devices[f.rng.Intn(len(f.devices))] }

func (f *forger) unknown() string { return fmt.Sprintf("D%015X", f.rng.Uint64()>>4) }

func (f *forger) vector() map[string]uint64 {
	v := map[string]uint64{}
	for i := 0; i < 1+f.rng.Intn(5); i++ {
		v[f.pick()] = uint64(f.rng.Int63())
	}
	return v
}

// change is a well-formed change by device at seq with a signature that is not its device's.
func (f *forger) change(device string, seq uint64) []byte {
	title, _ := json.Marshal(fmt.Sprintf("forged %d", f.rng.Int()))
	c := change.Change{
		Device: device, Seq: seq, HLC: f.stamp(), Author: "mallory",
		Kind: "ticket", Entity: fmt.Sprintf("T%08x", f.rng.Uint32()),
		Ops: []change.Op{{Op: change.OpSet, Field: "title", Value: title}},
		Sig: f.bytes(64),
	}
	if f.rng.Intn(2) == 0 {
		c.Prev = f.bytes(32)
	}
	return f.encode(wire.TypeChange, wire.Change{Change: c})
}

// stamp is now, or (one in four) any time at all.
func (f *forger) stamp() hlc.Timestamp {
	if f.rng.Intn(4) == 0 {
		return hlc.Timestamp(f.rng.Uint64())
	}
	return hlc.FromTime(time.Now())
}

func (f *forger) encode(t wire.Type, body any) []byte {
	b, err := wire.Encode(t, body)
	if err != nil {
		return f.bytes(64)
	}
	return b
}
