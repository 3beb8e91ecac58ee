package queue

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSortTopGivesTheFrontOfAFullSort(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 1))
	tests := []struct {
		name string
		gen  func(n int) []int
	}{
		{"random", func(n int) []int { return rng.Perm(n) }},
		{"sorted", func(n int) []int { s := rng.Perm(n); slices.Sort(s); return s }},
		{"reversed", func(n int) []int { s := rng.Perm(n); slices.Sort(s); slices.Reverse(s); return s }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{0, 1, 5, 17, 100, 1000, 5000} {
				for _, k := range []int{0, 1, 2, 10, 16, 17, 50, 200, n / 2, n - 1, n, n + 3} {
					s := tt.gen(n)
					want := slices.Clone(s)
					slices.Sort(want)
					sortTop(s, k, cmp.Compare[int])
					m := min(max(k, 0), n)
					if !slices.Equal(s[:m], want[:m]) {
						t.Fatalf("n=%d k=%d: front %v, want %v", n, k, s[:min(m, 10)], want[:min(m, 10)])
					}
					slices.Sort(s)
					if !slices.Equal(s, want) {
						t.Fatalf("n=%d k=%d: elements lost", n, k)
					}
				}
			}
		})
	}
}
