package change

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"testing"
)

// run makes n chained changes of one device, signing only the last.
func run(t *testing.T, key ed25519.PrivateKey, n int) []Change {
	t.Helper()
	var cs []Change
	var prev []byte
	for i := range n {
		op, _ := Set("title", fmt.Sprint("title ", i), nil)
		c := Change{Device: "dev1", Seq: uint64(i + 1), HLC: 1 << 20, Kind: "ticket", Entity: fmt.Sprint("t", i), Ops: []Op{op}, Prev: prev}
		l, err := c.Seal(key, i == n-1)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatal(err)
		}
		prev = l[:]
		cs = append(cs, c)
	}
	return cs
}

func TestVerifyRun(t *testing.T) {
	t.Parallel()
	pub, key, _ := ed25519.GenerateKey(nil)
	other, _, _ := ed25519.GenerateKey(nil)
	good := run(t, key, 5)
	tests := []struct {
		name string
		pub  ed25519.PublicKey
		edit func(cs []Change) []Change
		ok   bool
	}{
		{"intact", pub, func(cs []Change) []Change { return cs }, true},
		{"another device's key", other, func(cs []Change) []Change { return cs }, false},
		{"a value altered", pub, func(cs []Change) []Change {
			cs[1].Ops = []Op{{Op: OpSet, Field: "title", Value: []byte(`"forged"`)}}
			return cs
		}, false},
		{"a change left out", pub, func(cs []Change) []Change { return append(cs[:2:2], cs[3:]...) }, false},
		{"two changes swapped", pub, func(cs []Change) []Change { cs[1], cs[2] = cs[2], cs[1]; return cs }, false},
		{"the signed end missing", pub, func(cs []Change) []Change { return cs[:4] }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := tt.edit(append([]Change(nil), good...))
			err := VerifyRun(tt.pub, cs, nil)
			if tt.ok != (err == nil) || err != nil && !errors.Is(err, ErrBadSignature) {
				t.Fatalf("VerifyRun = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

// TestUnchainedChangeStillVerifies: a change signed alone before chaining (no Prev)
// verifies as it always did, and a link of the wrong size is refused.
func TestUnchainedChangeStillVerifies(t *testing.T) {
	t.Parallel()
	pub, key, _ := ed25519.GenerateKey(nil)
	op, _ := Set("title", "old", nil)
	c := Change{Device: "dev1", Seq: 7, HLC: 1 << 20, Kind: "ticket", Entity: "t1", Ops: []Op{op}}
	if err := c.Sign(key); err != nil {
		t.Fatal(err)
	}
	raw, _ := c.Encode()
	back, err := Decode(raw)
	if err != nil || back.Verify(pub) != nil {
		t.Fatalf("decode and verify an unchained change: %v, %v", err, back.Verify(pub))
	}
	c.Prev = []byte("short")
	if err := c.Validate(); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Validate with a 5-byte link = %v, want ErrInvalid", err)
	}
}
