package coaching

import (
	"context"
	"fmt"
	"testing"

	"outpost/backend/person"
)

// BenchmarkNotes opens a technician's view: every item about them is decrypted
// (one X25519 unwrap and one ChaCha20-Poly1305 open per item).
func BenchmarkNotes(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("items=%d", n), func(b *testing.B) {
			lead := newDevice(b, "Ana", person.RoleLead, "")
			ctx := context.Background()
			for i := range n {
				if _, err := lead.coach.AddNote(ctx, "techbo", Content{Title: fmt.Sprintf("note %d", i), Body: "Talked through the week's tickets."}, false); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				v, err := lead.coach.Notes("techbo")
				if err != nil || len(v.Notes) != n {
					b.Fatal(err, len(v.Notes))
				}
			}
		})
	}
}
