package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
)

// print writes the table: figure, value, goal, meets.
func (r *Report) print(w io.Writer) {
	fmt.Fprintf(w, "\nOutpost benchmarks, %s\n%s\n\n", r.Taken.Format("2006-01-02 15:04 MST"), r.Machine)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tvalue\tgoal\tmeets?\t")
	fmt.Fprintln(tw, "------\t-----\t----\t------\t")
	for _, f := range r.Figures {
		val := "-"
		if f.Unit != "" {
			val = strconv.FormatFloat(f.Value, 'f', decimals(f.Value), 64) + " " + f.Unit
		}
		goal, ok := "", ""
		if f.Goal != "" {
			goal = f.Goal + " " + f.Unit
			ok = "no"
			if *f.Meets {
				ok = "yes"
			}
		}
		name := f.Name
		if f.Unit == "" && f.Note != "" {
			name += " (" + f.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t\n", name, val, goal, ok)
	}
	tw.Flush()
}

func decimals(v float64) int {
	switch {
	case v >= 100:
		return 0
	case v >= 10:
		return 1
	}
	return 2
}
