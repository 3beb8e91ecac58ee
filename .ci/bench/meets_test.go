package main

import "testing"

func TestMeetsReadsEveryGoalOperator(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		goal string
		want bool
	}{
		{8.92, ">= 70", false}, {70, ">= 70", true}, {71, "> 70", true}, {70, "> 70", false},
		{1.5, "<= 1.5", true}, {1.6, "<= 1.5", false}, {4.9, "< 5", true}, {5, "< 5", false},
		{1, "about 5", false},
	} {
		if got := meets(tc.v, tc.goal); got != tc.want {
			t.Errorf("meets(%v, %q) = %v, want %v", tc.v, tc.goal, got, tc.want)
		}
	}
}
