package store

import (
	"context"
	"slices"
	"testing"

	"outpost/backend/core/change"
)

func TestScanEncodedRange(t *testing.T) {
	t.Parallel()
	s := openTest(t)
	ids := []string{"a1", "b2", "j0", "jz", "q", "z9"}
	_, err := s.Update(context.Background(), "u", func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.Write("ticket", id, []change.Op{set(t, "title", id, nil)}); err != nil {
				return err
			}
		}
		_, err := tx.Write("other", "b3", []change.Op{set(t, "title", "x", nil)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		from, to string
		want     []string
	}{
		{"", "", ids},
		{"", "j", []string{"a1", "b2"}},
		{"j", "", []string{"j0", "jz", "q", "z9"}},
		{"b", "q", []string{"b2", "j0", "jz"}},
		{"zz", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.from+"-"+tt.to, func(t *testing.T) {
			var got []string
			err := s.ScanEncodedRange("ticket", tt.from, tt.to, func(id string, raw []byte) error {
				r, err := change.DecodeRecord(raw)
				if err != nil || r.ID != id {
					t.Fatalf("record %s: %v %s", id, err, r.ID)
				}
				got = append(got, id)
				return nil
			})
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
