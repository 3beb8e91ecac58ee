// Package storetest opens real Badger stores for tests: on the test's temporary
// directory, logging nowhere, and closed when the test ends.
package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"outpost/backend/core/store"
)

// Open opens a store on a fresh t.TempDir() with the wall clock. It is closed
// when the test ends.
func Open(t testing.TB) *store.Store {
	t.Helper()
	return OpenWith(t, store.Options{})
}

// OpenWith opens a store with opts, where an empty Dir is a fresh t.TempDir() and
// a nil Logger discards the log. It is closed when the test ends (closing it
// earlier is fine).
func OpenWith(t testing.TB, opts store.Options) *store.Store {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := store.Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Sync replicates between stores until each holds every change of the others, as
// gossip would: every store sends every other what it lacks, twice over. A change
// refused on the way, or replicas left with different states, fail the test.
func Sync(t testing.TB, stores ...*store.Store) {
	t.Helper()
	if err := Exchange(stores...); err != nil {
		t.Fatal(err)
	}
	want, err := stores[0].StateHash()
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stores[1:] {
		if h, err := st.StateHash(); err != nil || h != want {
			t.Fatalf("replicas did not converge (%v)", err)
		}
	}
}

// Exchange is Sync without the check that the stores converged, for stores that
// take writes meanwhile; it is safe to call from any goroutine.
func Exchange(stores ...*store.Store) error {
	for range 2 {
		for _, from := range stores {
			for _, to := range stores {
				if from == to {
					continue
				}
				have, err := to.Vector()
				if err != nil {
					return err
				}
				cs, err := from.ChangesAfter(have, 1<<30)
				if err != nil {
					return err
				}
				res, err := to.Apply(cs)
				if err != nil {
					return fmt.Errorf("apply: %w", err)
				}
				if len(res.Rejected) > 0 {
					return fmt.Errorf("apply: refused %+v", res.Rejected)
				}
			}
		}
	}
	return nil
}
