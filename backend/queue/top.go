package queue

import "slices"

// sortTop puts the k first elements of s in cmp's order at its front; the rest stay
// in no particular order. A page of the queue needs only the tickets up to its end:
// selecting them (quickselect, linear on average) and sorting those costs a fraction
// of sorting every match. cmp must be a total order (no two elements equal).
func sortTop[T any](s []T, k int, cmp func(a, b T) int) {
	if k <= 0 {
		return
	}
	if k >= len(s)/2 {
		slices.SortFunc(s, cmp)
		return
	}
	// s[:hi] holds the hi first elements (in some order), and lo <= k <= hi.
	lo, hi := 0, len(s)
	for hi-lo > 16 {
		p := partition(s, lo, hi, cmp)
		switch {
		case p < k:
			lo = p + 1
		case p > k:
			hi = p
		default:
			lo, hi = k, k
		}
	}
	slices.SortFunc(s[:hi], cmp)
}

// partition orders s[lo:hi] around a median-of-three pivot and returns the pivot's index:
// everything before it comes first in cmp's order, everything after it later.
func partition[T any](s []T, lo, hi int, cmp func(a, b T) int) int {
	mid := lo + (hi-lo)/2
	last := hi - 1
	if cmp(s[mid], s[lo]) < 0 {
		s[mid], s[lo] = s[lo], s[mid]
	}
	if cmp(s[last], s[lo]) < 0 {
		s[last], s[lo] = s[lo], s[last]
	}
	if cmp(s[mid], s[last]) < 0 {
		s[mid], s[last] = s[last], s[mid]
	}
	pivot := s[last] // the median of the three
	i := lo
	for j := lo; j < last; j++ {
		if cmp(s[j], pivot) < 0 {
			s[i], s[j] = s[j], s[i]
			i++
		}
	}
	s[i], s[last] = s[last], s[i]
	return i
}
