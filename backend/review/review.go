// Package review implements quality reviews: a lead samples a technician's
// resolved tickets and scores each on a short rubric (diagnosis, communication,
// documentation, escalation quality). Reviews are private like coaching notes:
// their content is sealed to the lead and, when shared, to the technician; other
// devices hold ciphertext and the routing fields only. Scores feed the
// technician's monthly trend.
package review

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
)

// Kind is the record kind of quality reviews in the store. A review is a private
// item (backend/private): its Content is sealed, its subject and author are not.
const Kind = "quality-review"

// DateLayout is how dates are written.
const DateLayout = "2006-01-02"

// Limits.
const (
	MaxComment = 4000
	MaxSample  = 50
)

// Dimension is one line of the rubric.
type Dimension string

// The rubric.
const (
	Diagnosis     Dimension = "diagnosis"
	Communication Dimension = "communication"
	Documentation Dimension = "documentation"
	Escalation    Dimension = "escalation"
)

// rubric lists the dimensions in the order they are shown.
var rubric = []Dimension{Diagnosis, Communication, Documentation, Escalation}

// Rubric lists the dimensions a review scores, in order; the slice is the caller's own.
func Rubric() []Dimension { return slices.Clone(rubric) }

// Score is one dimension's mark (1-5) and why.
type Score struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// Content is what is sealed.
type Content struct {
	Ticket       string              `json:"ticket"` // ticket ID
	TicketNumber string              `json:"ticketNumber"`
	TicketTitle  string              `json:"ticketTitle"`
	Date         string              `json:"date"` // the review date, YYYY-MM-DD
	Scores       map[Dimension]Score `json:"scores"`
	Summary      string              `json:"summary"`
}

// Normalize trims text and dates an undated review.
func (c *Content) Normalize(today time.Time) {
	c.Ticket, c.TicketNumber, c.TicketTitle = strings.TrimSpace(c.Ticket), strings.TrimSpace(c.TicketNumber), strings.TrimSpace(c.TicketTitle)
	c.Summary, c.Date = strings.TrimSpace(c.Summary), strings.TrimSpace(c.Date)
	if c.Date == "" {
		c.Date = today.Format(DateLayout)
	}
	for d, s := range c.Scores {
		s.Comment = strings.TrimSpace(s.Comment)
		c.Scores[d] = s
	}
}

// Validate checks the content, naming the field at fault.
func (c Content) Validate() error {
	if !change.ValidName(c.Ticket) {
		return field.Errorf("ticket", "choose a resolved ticket to review")
	}
	if err := field.First(
		field.Text("ticketNumber", c.TicketNumber, 40, false, false),
		field.Text("ticketTitle", c.TicketTitle, 200, false, false),
		field.Text("summary", c.Summary, MaxComment, false, true),
	); err != nil {
		return err
	}
	if err := field.Date("date", c.Date); err != nil {
		return err
	}
	for d := range c.Scores {
		if !slices.Contains(rubric, d) {
			return field.Errorf("scores", "may score only the rubric's dimensions, not %q", d)
		}
	}
	for _, d := range rubric {
		s, ok := c.Scores[d]
		if !ok || s.Score < 1 || s.Score > 5 {
			return field.Relabel(field.Errorf("scores."+string(d), "needs a score from 1 to 5"), dimensionLabel(d))
		}
		if err := field.Text("scores."+string(d), s.Comment, MaxComment, false, true); err != nil {
			return field.Relabel(err, dimensionLabel(d)+" comment")
		}
	}
	return nil
}

// Average is the mean of the content's rubric scores.
func (c Content) Average() float64 {
	sum := 0
	for _, d := range rubric {
		sum += c.Scores[d].Score
	}
	return round2(float64(sum) / float64(len(rubric)))
}

// Review is a quality review as its reader sees it.
type Review struct {
	ID           string `json:"id"`
	TechnicianID string `json:"technicianId"`
	AuthorID     string `json:"authorId"`
	Content
	Average  float64   `json:"average"`
	Shared   bool      `json:"shared"`
	Mine     bool      `json:"mine"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Conflict bool      `json:"conflict"` // edited on two devices at once; saving settles it
}

// Candidate is a resolved ticket that may be sampled for review.
type Candidate struct {
	ID       string    `json:"id"`
	Number   string    `json:"number"`
	Title    string    `json:"title"`
	Assignee string    `json:"assignee"`
	Resolved time.Time `json:"resolved"`
}

// Sample picks n of technician's tickets resolved in [from, to) at random. The
// same seed and the same tickets give the same sample on every device, so a lead
// can say which sample was reviewed; the order of the input does not matter.
func Sample(cands []Candidate, technician string, from, to time.Time, n int, seed uint64) []Candidate {
	pool := []Candidate{}
	for _, c := range cands {
		if c.Assignee == technician && !c.Resolved.Before(from) && c.Resolved.Before(to) {
			pool = append(pool, c)
		}
	}
	slices.SortFunc(pool, func(a, b Candidate) int { return strings.Compare(a.ID, b.ID) })
	r := rand.New(rand.NewPCG(seed, 0x6f7574706f7374)) // "outpost"
	r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	if n < len(pool) {
		pool = pool[:max(n, 0)]
	}
	slices.SortFunc(pool, func(a, b Candidate) int { return a.Resolved.Compare(b.Resolved) })
	return pool
}

// Month is one month of a technician's review scores.
type Month struct {
	Month   string                `json:"month"` // YYYY-MM
	Reviews int                   `json:"reviews"`
	Average float64               `json:"average"`
	By      map[Dimension]float64 `json:"by"`
}

// Trend averages reviews per month of their review date, oldest first.
func Trend(reviews []Review) []Month {
	type acc struct {
		n   int
		sum map[Dimension]int
	}
	months := map[string]*acc{}
	for _, r := range reviews {
		if len(r.Date) < 7 {
			continue
		}
		m := r.Date[:7]
		a := months[m]
		if a == nil {
			a = &acc{sum: map[Dimension]int{}}
			months[m] = a
		}
		a.n++
		for _, d := range rubric {
			a.sum[d] += r.Scores[d].Score
		}
	}
	out := []Month{}
	for m, a := range months {
		mo := Month{Month: m, Reviews: a.n, By: map[Dimension]float64{}}
		total := 0
		for _, d := range rubric {
			mo.By[d] = round2(float64(a.sum[d]) / float64(a.n))
			total += a.sum[d]
		}
		mo.Average = round2(float64(total) / float64(a.n*len(rubric)))
		out = append(out, mo)
	}
	slices.SortFunc(out, func(a, b Month) int { return strings.Compare(a.Month, b.Month) })
	return out
}

// AverageOf is the mean score on dimension d of the reviews dated in [from, to);
// ok is false when there are none.
func AverageOf(reviews []Review, d Dimension, from, to time.Time) (avg float64, ok bool) {
	sum, n := 0, 0
	for _, r := range reviews {
		day, err := time.Parse(DateLayout, r.Date)
		if err != nil || day.Before(from) || !day.Before(to) {
			continue
		}
		sum += r.Scores[d].Score
		n++
	}
	if n == 0 {
		return 0, false
	}
	return round2(float64(sum) / float64(n)), true
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// dimensionLabel is how the review form names dimension d.
func dimensionLabel(d Dimension) string {
	if d == Escalation {
		return "Escalation quality"
	}
	return field.Words(string(d))
}
