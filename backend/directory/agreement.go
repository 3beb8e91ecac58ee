package directory

import (
	"fmt"
	"math"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
)

// DateLayout is how dates without a time (expiry, follow-up) are written.
const DateLayout = "2006-01-02"

// ExpiryNotice is how long before its expiry an agreement is flagged.
const ExpiryNotice = 60 * 24 * time.Hour

// AgreementInput is a vendor support agreement as a person edits it.
type AgreementInput struct {
	Vendor        string `json:"vendor"` // contact ID of the vendor
	Contract      string `json:"contract"`
	Coverage      string `json:"coverage"`      // support hours, e.g. "Mon-Fri 08:00-18:00 CET"
	ResponseTerms string `json:"responseTerms"` // e.g. "4 h response, next-business-day parts"
	Expires       string `json:"expires"`       // YYYY-MM-DD
	Notes         string `json:"notes"`
}

// Agreement is a vendor support agreement with its expiry state, computed when read.
type Agreement struct {
	ID string `json:"id"`
	AgreementInput
	VendorName   string    `json:"vendorName"`
	DaysLeft     int       `json:"daysLeft"`
	ExpiringSoon bool      `json:"expiringSoon"`
	Expired      bool      `json:"expired"`
	Updated      time.Time `json:"updated"`
	Conflicts    []string  `json:"conflicts"`
}

var agreementFields = []string{"vendor", "contract", "coverage", "responseTerms", "expires", "notes"}

func (in *AgreementInput) values() []string {
	return []string{in.Vendor, in.Contract, in.Coverage, in.ResponseTerms, in.Expires, in.Notes}
}

func (in *AgreementInput) normalize() {
	for _, p := range []*string{&in.Vendor, &in.Contract, &in.Coverage, &in.ResponseTerms, &in.Expires, &in.Notes} {
		*p = strings.TrimSpace(*p)
	}
}

func (in *AgreementInput) validate() error {
	if err := field.First(
		field.Text("vendor", in.Vendor, MaxShort, true, false),
		field.Text("contract", in.Contract, MaxShort, true, false),
		field.Text("coverage", in.Coverage, MaxShort, false, false),
		field.Text("responseTerms", in.ResponseTerms, MaxText, false, true),
		field.Text("notes", in.Notes, MaxText, false, true),
	); err != nil {
		return err
	}
	return validDate("expires", in.Expires, true)
}

func validDate(name, v string, required bool) error {
	if v == "" {
		if required {
			return field.Errorf(name, "is required (YYYY-MM-DD)")
		}
		return nil
	}
	if _, err := time.Parse(DateLayout, v); err != nil {
		return field.Errorf(name, "%q is not a date (YYYY-MM-DD)", v)
	}
	return nil
}

// Expiry fills the agreement's expiry state as of now: days left counted in
// now's location, expired after the expiry day, expiring soon within ExpiryNotice.
func (a *Agreement) Expiry(now time.Time) {
	exp, err := time.ParseInLocation(DateLayout, a.Expires, now.Location())
	if err != nil {
		return
	}
	today := midnight(now)
	a.DaysLeft = int(math.Round(exp.Sub(today).Hours() / 24))
	a.Expired = a.DaysLeft < 0
	a.ExpiringSoon = !a.Expired && exp.Sub(today) <= ExpiryNotice
}

// Flag is a sentence for an agreement that needs attention, or "".
func (a Agreement) Flag() string {
	switch {
	case a.Expired:
		return fmt.Sprintf("Contract %s expired %d days ago.", a.Contract, -a.DaysLeft)
	case a.ExpiringSoon:
		return fmt.Sprintf("Contract %s expires in %d days (%s).", a.Contract, a.DaysLeft, a.Expires)
	}
	return ""
}

func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func agreementFromRecord(r change.Record) Agreement {
	a := Agreement{ID: r.ID, Updated: r.Updated.Time(), Conflicts: r.Conflicts()}
	a.Vendor, a.Contract, a.Coverage = r.String("vendor"), r.String("contract"), r.String("coverage")
	a.ResponseTerms, a.Expires, a.Notes = r.String("responseTerms"), r.String("expires"), r.String("notes")
	if a.Conflicts == nil {
		a.Conflicts = []string{}
	}
	return a
}
