// Package requester implements the requester directory: the people who ask the team for
// help, each with several email addresses, and the tickets they opened. A requester never
// signs in and is not a device; the record is what tickets link to and what mail intake
// finds by a sender's address.
package requester

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"slices"
	"strings"
	"time"

	"outpost/backend/core/change"
	"outpost/backend/core/field"
	"outpost/backend/ticket"
)

// Kind is the record kind of requesters in the store.
const Kind = ticket.RequesterKind

// Record fields of a requester. The scalars are last-writer-wins registers; emails is an
// add-wins set; mergedInto names the survivor once the requester was merged into another
// (the record is then deleted, a tombstone).
const (
	fName       = "name"
	fEmails     = "emails"
	fPhone      = "phone"
	fSite       = "site"
	fDepartment = "department"
	fVIP        = "vip"
	fNotes      = "notes"
	fMergedInto = "mergedInto"
)

// Limits on requester input.
const (
	MaxShort  = 200
	MaxNotes  = 4000
	MaxEmails = 20
)

// Input is a requester as a person edits it.
type Input struct {
	Name       string   `json:"name"`
	Emails     []string `json:"emails"`
	Phone      string   `json:"phone"`
	Site       string   `json:"site"`
	Department string   `json:"department"`
	VIP        bool     `json:"vip"`
	Notes      string   `json:"notes"`
}

// Requester is one entry of the directory.
type Requester struct {
	ID string `json:"id"`
	Input
	MergedInto string    `json:"mergedInto,omitempty"`
	Created    time.Time `json:"created"`
	Updated    time.Time `json:"updated"`
	Conflicts  []string  `json:"conflicts"` // fields two people changed at the same time, to look at
}

// IDFor is the record ID of the requester first created for email: "rq-" and the first 20
// hex characters of the SHA-256 of the lower-cased, trimmed address. Every replica that
// creates the requester for one address writes the same record, so they converge on one.
func IDFor(email string) string {
	sum := sha256.Sum256([]byte(NormalizeEmail(email)))
	return "rq-" + hex.EncodeToString(sum[:])[:20]
}

// idForPair is the record ID of a requester known by name and contact only (an older
// ticket's requester without an email address): derived from the pair, lower-cased with
// spaces collapsed, so every replica migrating the same tickets makes the same record.
func idForPair(name, contact string) string {
	key := strings.ToLower(strings.Join(strings.Fields(name), " ")) + "\x00" + strings.ToLower(strings.Join(strings.Fields(contact), " "))
	sum := sha256.Sum256([]byte("pair\x00" + key))
	return "rq-p" + hex.EncodeToString(sum[:])[:19]
}

// NormalizeEmail lower-cases and trims an address.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// ValidEmail reports whether email (normalized) is one plain address: name@domain, no
// display name, no spaces.
func ValidEmail(email string) bool {
	if email == "" || strings.ContainsAny(email, " \t,;<>\"") {
		return false
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email {
		return false
	}
	local, domain, ok := strings.Cut(email, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

func (in *Input) normalize() {
	for _, p := range []*string{&in.Name, &in.Phone, &in.Site, &in.Department, &in.Notes} {
		*p = strings.TrimSpace(*p)
	}
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	var emails []string
	for _, e := range in.Emails {
		if e = NormalizeEmail(e); e != "" && !slices.Contains(emails, e) {
			emails = append(emails, e)
		}
	}
	in.Emails = emails
	if in.Emails == nil {
		in.Emails = []string{}
	}
}

func (in *Input) validate() error {
	if err := field.First(
		field.Text("name", in.Name, MaxShort, true, false),
		field.Text("phone", in.Phone, MaxShort, false, false),
		field.Text("site", in.Site, MaxShort, false, false),
		field.Text("department", in.Department, MaxShort, false, false),
		field.Text("notes", in.Notes, MaxNotes, false, true),
	); err != nil {
		return err
	}
	if len(in.Emails) > MaxEmails {
		return field.Errorf("emails", "has %d addresses; the limit is %d", len(in.Emails), MaxEmails)
	}
	for _, e := range in.Emails {
		if err := field.Text("emails", e, MaxShort, false, false); err != nil {
			return err
		}
		if !ValidEmail(e) {
			return field.Errorf("emails", "%q is not an email address", e)
		}
	}
	return nil
}

// FromRecord reads a requester out of its merged record.
func FromRecord(r change.Record) Requester {
	q := Requester{ID: r.ID, Created: r.Created.Time(), Updated: r.Updated.Time(), Conflicts: r.Conflicts()}
	q.Name, q.Phone, q.Site = r.String(fName), r.String(fPhone), r.String(fSite)
	q.Department, q.Notes, q.VIP = r.String(fDepartment), r.String(fNotes), r.Bool(fVIP)
	q.Emails = r.Members(fEmails)
	if q.Emails == nil {
		q.Emails = []string{}
	}
	q.MergedInto = r.String(fMergedInto)
	if q.Conflicts == nil {
		q.Conflicts = []string{}
	}
	return q
}

// holds reports whether the live record r has email among its addresses.
func holds(r change.Record, email string) bool {
	return !r.Deleted() && slices.Contains(r.Members(fEmails), email)
}

// putInput gathers the writes that make record r hold in: the scalars that differ, and the
// addresses added and removed.
func putInput(ops *change.Ops, r change.Record, in Input) {
	for _, f := range []struct{ name, v string }{
		{fName, in.Name}, {fPhone, in.Phone}, {fSite, in.Site}, {fDepartment, in.Department}, {fNotes, in.Notes},
	} {
		if _, ok := r.Fields[f.name]; !ok || r.String(f.name) != f.v {
			ops.Put(r, f.name, f.v)
		}
	}
	if _, ok := r.Fields[fVIP]; !ok || r.Bool(fVIP) != in.VIP {
		ops.Put(r, fVIP, in.VIP)
	}
	ops.SyncSet(r, fEmails, in.Emails)
}
