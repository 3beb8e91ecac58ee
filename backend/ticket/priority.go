package ticket

import "fmt"

// Level is a grade of impact or urgency.
type Level string

// Levels of the default 3x3 matrix.
const (
	High   Level = "high"
	Medium Level = "medium"
	Low    Level = "low"
)

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return l == High || l == Medium || l == Low }

// Matrix maps impact x urgency to a priority, 1 (P1, most urgent) to 5.
type Matrix map[Level]map[Level]int

// DefaultMatrix is the ITIL 3x3 matrix as ServiceNow ships it.
func DefaultMatrix() Matrix {
	return Matrix{
		High:   {High: 1, Medium: 2, Low: 3},
		Medium: {High: 2, Medium: 3, Low: 4},
		Low:    {High: 3, Medium: 4, Low: 5},
	}
}

// Priority returns the priority for impact x urgency.
func (m Matrix) Priority(impact, urgency Level) (int, error) {
	p, ok := m[impact][urgency]
	if !ok {
		return 0, fmt.Errorf("priority matrix has no entry for impact %q, urgency %q", impact, urgency)
	}
	return p, nil
}

// Validate checks that every cell is filled with a priority from 1 to 5.
func (m Matrix) Validate() error {
	for _, i := range []Level{High, Medium, Low} {
		for _, u := range []Level{High, Medium, Low} {
			p, ok := m[i][u]
			if !ok || p < 1 || p > 5 {
				return fmt.Errorf("priority matrix: impact %s, urgency %s: want a priority from 1 to 5", i, u)
			}
		}
	}
	return nil
}
