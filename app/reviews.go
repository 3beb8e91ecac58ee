package app

import (
	"time"

	"outpost/backend/core/field"
	"outpost/backend/review"
)

// ReviewService is the quality reviews screen, as bound to the UI. Reviews are
// opened with this device's person key; reviews sealed to others never appear.
type ReviewService struct{ a *App }

// SampleInput asks for a random sample of a technician's resolved tickets.
type SampleInput struct {
	Technician string `json:"technician"` // as tickets name their assignee
	From       string `json:"from"`       // YYYY-MM-DD, first day
	To         string `json:"to"`         // YYYY-MM-DD, last day
	N          int    `json:"n"`
	Seed       uint64 `json:"seed"`
}

// Sample picks N of the technician's tickets resolved in the period; the same
// seed gives the same sample on every device.
func (s *ReviewService) Sample(in SampleInput) ([]review.Candidate, error) {
	from, err := time.ParseInLocation(review.DateLayout, in.From, time.Local)
	if err != nil {
		return nil, field.Errorf("from", "must be a date written YYYY-MM-DD")
	}
	to, err := time.ParseInLocation(review.DateLayout, in.To, time.Local)
	if err != nil || to.Before(from) {
		return nil, field.Errorf("to", "must be a date written YYYY-MM-DD, not before the first day")
	}
	if in.N < 1 || in.N > review.MaxSample {
		return nil, field.Errorf("n", "sample 1 to %d tickets", review.MaxSample)
	}
	if in.Technician == "" {
		return nil, field.Errorf("technician", "choose a technician")
	}
	var cands []review.Candidate
	for _, f := range s.a.ticketFacts() {
		if at, ok := resolvedAt(f.Timeline); ok {
			cands = append(cands, review.Candidate{ID: f.ID, Number: f.Number, Title: f.Title, Assignee: f.Assignee, Resolved: at})
		}
	}
	return review.Sample(cands, in.Technician, from, to.AddDate(0, 0, 1), in.N, in.Seed), nil
}

// Add records a review of a ticket resolved by technician techID.
func (s *ReviewService) Add(techID string, in review.Content, share bool) (review.Review, error) {
	r, err := s.a.lead.reviews.Add(s.a.ctx, techID, in, share)
	return r, s.a.userError("add review", err)
}

// Update replaces a review's content.
func (s *ReviewService) Update(id string, in review.Content) (review.Review, error) {
	r, err := s.a.lead.reviews.Update(s.a.ctx, id, in)
	return r, s.a.userError("change review", err)
}

// Share seals a review to the technician as well, or to its author only.
func (s *ReviewService) Share(id string, shared bool) (review.Review, error) {
	r, err := s.a.lead.reviews.Share(s.a.ctx, id, shared)
	return r, s.a.userError("share review", err)
}

// Delete removes a review.
func (s *ReviewService) Delete(id string) error {
	return s.a.userError("delete review", s.a.lead.reviews.Delete(s.a.ctx, id))
}

// ReviewList is the reviews this person can read and the monthly trend they make.
type ReviewList struct {
	Reviews []review.Review `json:"reviews"`
	Trend   []review.Month  `json:"trend"`
	Damaged int             `json:"damaged"`
}

// List returns the reviews of technician techID ("" for all) this person can read, with the trend.
func (s *ReviewService) List(techID string) (ReviewList, error) {
	rs, damaged, err := s.a.lead.reviews.List(techID)
	if err != nil {
		return ReviewList{}, s.a.userError("list reviews", err)
	}
	return ReviewList{Reviews: rs, Trend: review.Trend(rs), Damaged: damaged}, nil
}
