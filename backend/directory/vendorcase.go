package directory

import (
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
)

// CaseType is what a vendor case is for.
type CaseType string

// Case types.
const (
	CaseSupport  CaseType = "support"
	CaseRMA      CaseType = "rma"
	CaseWarranty CaseType = "warranty"
)

// CaseStatus is where a vendor case stands.
type CaseStatus string

// Case statuses.
const (
	CaseOpen          CaseStatus = "open"
	CaseWaitingVendor CaseStatus = "waiting_vendor"
	CaseWaitingUs     CaseStatus = "waiting_us"
	CaseShipped       CaseStatus = "shipped" // part or device on its way (RMA, warranty)
	CaseResolved      CaseStatus = "resolved"
	CaseClosed        CaseStatus = "closed"
)

var caseStatuses = []CaseStatus{CaseOpen, CaseWaitingVendor, CaseWaitingUs, CaseShipped, CaseResolved, CaseClosed}

// Active reports whether the case still needs following up.
func (s CaseStatus) Active() bool { return s != CaseResolved && s != CaseClosed }

// CaseInput is a vendor case as a coordinator edits it.
type CaseInput struct {
	Vendor       string     `json:"vendor"`     // contact ID of the vendor
	CaseNumber   string     `json:"caseNumber"` // the vendor's own case, RMA or claim number
	Type         CaseType   `json:"type"`
	Title        string     `json:"title"`
	Status       CaseStatus `json:"status"`
	NextFollowUp string     `json:"nextFollowUp"` // YYYY-MM-DD, or "" for none
	Tickets      []string   `json:"tickets"`
}

// FollowUp is one contact with the vendor about a case, append-only.
type FollowUp struct {
	ID     string    `json:"id"`
	Author string    `json:"author"`
	At     time.Time `json:"at"`
	Note   string    `json:"note"`
	Next   string    `json:"next"` // the follow-up date set with it
}

// Case is a vendor case.
type Case struct {
	ID           string     `json:"id"`
	Vendor       string     `json:"vendor"`
	VendorName   string     `json:"vendorName"`
	CaseNumber   string     `json:"caseNumber"`
	Type         CaseType   `json:"type"`
	Title        string     `json:"title"`
	Status       CaseStatus `json:"status"`
	NextFollowUp string     `json:"nextFollowUp"`
	Tickets      []string   `json:"tickets"`
	FollowUps    []FollowUp `json:"followUps"`
	Created      time.Time  `json:"created"`
	Updated      time.Time  `json:"updated"`
	Conflicts    []string   `json:"conflicts"`
}

func (in *CaseInput) normalize() {
	in.Vendor, in.CaseNumber, in.Title = strings.TrimSpace(in.Vendor), strings.TrimSpace(in.CaseNumber), strings.TrimSpace(in.Title)
	in.NextFollowUp = strings.TrimSpace(in.NextFollowUp)
	if in.Type == "" {
		in.Type = CaseSupport
	}
	if in.Status == "" {
		in.Status = CaseOpen
	}
	var ts []string
	for _, t := range in.Tickets {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	in.Tickets = ts
}

func (in *CaseInput) validate() error {
	if err := field.First(
		field.Text("vendor", in.Vendor, MaxShort, true, false),
		field.Relabel(field.Text("caseNumber", in.CaseNumber, MaxShort, true, false), "Their case, RMA or claim number"),
		field.Text("title", in.Title, MaxShort, true, false),
		validDate("nextFollowUp", in.NextFollowUp, false),
	); err != nil {
		return err
	}
	switch in.Type {
	case CaseSupport, CaseRMA, CaseWarranty:
	default:
		return field.Errorf("type", "must be support, rma or warranty, not %q", in.Type)
	}
	if !slices.Contains(caseStatuses, in.Status) {
		return field.Errorf("status", "must be open, waiting_vendor, waiting_us, shipped, resolved or closed, not %q", in.Status)
	}
	if len(in.Tickets) > 200 {
		return field.Errorf("tickets", "at most 200 linked tickets")
	}
	for _, t := range in.Tickets {
		if !change.ValidName(t) {
			return field.Errorf("tickets", "%q is not a ticket ID", t)
		}
	}
	return nil
}

func caseFromRecord(r change.Record) Case {
	c := Case{
		ID: r.ID, Vendor: r.String("vendor"), CaseNumber: r.String("caseNumber"), Type: CaseType(r.String("type")),
		Title: r.String("title"), Status: CaseStatus(r.String("status")), NextFollowUp: r.String("nextFollowUp"),
		Tickets: r.Members("tickets"), FollowUps: []FollowUp{}, Created: r.Created.Time(), Updated: r.Updated.Time(),
		Conflicts: r.Conflicts(),
	}
	if c.Tickets == nil {
		c.Tickets = []string{}
	}
	if c.Conflicts == nil {
		c.Conflicts = []string{}
	}
	for _, it := range r.Items["followups"] {
		var f FollowUp
		if json.Unmarshal(it.Value, &f) == nil {
			f.ID, f.Author, f.At = it.ID, it.By, it.At.Time()
			c.FollowUps = append(c.FollowUps, f)
		}
	}
	return c
}

// DueCase is a case whose follow-up has come, with how late it is.
type DueCase struct {
	Case
	DaysOverdue int `json:"daysOverdue"` // 0: due today
}

// Due returns the active cases whose next follow-up date is today or earlier
// (in now's location), most overdue first. It is pure: the clock is an argument.
func Due(cases []Case, now time.Time) []DueCase {
	today := midnight(now)
	out := []DueCase{}
	for _, c := range cases {
		if !c.Status.Active() || c.NextFollowUp == "" {
			continue
		}
		d, err := time.ParseInLocation(DateLayout, c.NextFollowUp, now.Location())
		if err != nil || d.After(today) {
			continue
		}
		out = append(out, DueCase{Case: c, DaysOverdue: int(math.Round(today.Sub(d).Hours() / 24))})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DaysOverdue != out[j].DaysOverdue {
			return out[i].DaysOverdue > out[j].DaysOverdue
		}
		return out[i].CaseNumber < out[j].CaseNumber
	})
	return out
}
