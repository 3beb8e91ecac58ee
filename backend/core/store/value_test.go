package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"outpost/backend/core/change"
)

func TestPackedValuesReadAsWritten(t *testing.T) {
	t.Parallel()
	long := []byte(`{"title":"` + strings.Repeat("printer jam on floor 3, ", 40) + `"}`)
	for _, raw := range [][]byte{nil, []byte(`{}`), []byte(`{"a":1}`), long, bytes.Repeat([]byte{0xff}, 300)} {
		stored := pack(raw)
		if len(raw) >= packAbove && bytes.Equal(raw, long) && len(stored) >= len(raw)/2 {
			t.Fatalf("a %d-byte JSON value is stored in %d bytes", len(raw), len(stored))
		}
		got, err := unpack(nil, stored)
		if err != nil || !bytes.Equal(got, raw) {
			t.Fatalf("unpack(pack(%.20q)) = %.20q, %v", raw, got, err)
		}
	}
	if _, err := unpack(nil, append([]byte{packedTag}, "not s2"...)); !errors.Is(err, errPacked) {
		t.Fatalf("a damaged packed value: %v", err)
	}
}

// Records and changes an earlier build stored as plain JSON read as before, beside
// packed ones, and hash as the same state.
func TestUnpackedValuesOfEarlierBuildsStillRead(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := openTest(t)
	title := strings.Repeat("VPN drops every hour ", 20)
	cs, err := s.Update(ctx, "alice", func(tx *Tx) error {
		_, err := tx.Write("ticket", "t1", []change.Op{set(t, "title", title, nil)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	before, err := s.StateHash()
	if err != nil {
		t.Fatal(err)
	}
	// Store the record and the change as an earlier build did: unpacked.
	rec, _ := s.Get("ticket", "t1")
	raw, _ := rec.Encode()
	craw, _ := cs[0].Encode()
	if err := s.db.Update(func(txn *badger.Txn) error {
		for k, v := range map[string][]byte{string(recordKey("ticket", "t1")): raw, string(changeKey(cs[0].Device, cs[0].Seq)): craw} {
			item, err := txn.Get([]byte(k))
			if err != nil {
				return err
			}
			if err := item.Value(func(old []byte) error {
				if old[0] != packedTag {
					t.Errorf("%s is stored unpacked", k)
				}
				return nil
			}); err != nil {
				return err
			}
			if err := txn.Set([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("ticket", "t1"); err != nil || got.String("title") != title {
		t.Fatalf("plain record: %q, %v", got.String("title"), err)
	}
	if h, err := s.History("ticket", "t1"); err != nil || len(h) != 1 || h[0].ID() != cs[0].ID() {
		t.Fatalf("plain change: %+v, %v", h, err)
	}
	if after, err := s.StateHash(); err != nil || after != before {
		t.Fatalf("the state hash depends on how values are stored: %s, then %s (%v)", before, after, err)
	}
	if _, err := s.Update(ctx, "bob", func(tx *Tx) error {
		_, err := tx.Write("ticket", "t1", []change.Op{set(t, "status", "open", nil)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get("ticket", "t1"); got.String("title") != title || got.String("status") != "open" {
		t.Fatalf("a plain record extended: title %q, status %q", got.String("title"), got.String("status"))
	}
}
