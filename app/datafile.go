package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"outpost/app/atomicfile"
	"outpost/backend/core/field"
	"outpost/backend/demo"
	"outpost/backend/person"
	"outpost/backend/queue"
	"outpost/sync/team"
)

// DemoState says whether demo data can be loaded here, and if not, why.
type DemoState struct {
	Allowed bool   `json:"allowed"`
	Reason  string `json:"reason,omitempty"`
	// Coaching says whose coaching notes the demo will hold and whether this device can read them.
	Coaching string `json:"coaching"`
}

// demoRefusal is why demo data cannot be loaded into this replica ("" when it can).
func (s *DataService) demoRefusal() string {
	if _, err := team.Load(s.a.cfg.DataDir); err == nil {
		return "this device is in a team: demo data would reach every member. Load it on a device outside a team"
	}
	if n := s.a.queue.Len(); n > 0 {
		return fmt.Sprintf("this replica already holds %d tickets; demo data is only loaded into an empty one", n)
	}
	return ""
}

// DemoStatus tells the data screen whether "Load demo data" is available.
func (s *DataService) DemoStatus() (DemoState, error) {
	st := DemoState{Allowed: true}
	if r := s.demoRefusal(); r != "" {
		st.Allowed, st.Reason = false, r
	}
	me, _, err := s.a.people.Current()
	switch {
	case errors.Is(err, person.ErrNoIdentity):
		st.Coaching = "You have not said who you are on this device yet: you become the demo team's lead, so you can read and edit its coaching notes."
	case err != nil:
		return st, s.a.userError("demo status", err)
	case me.Role.CanCoach():
		st.Coaching = fmt.Sprintf("The demo's coaching notes are written as you (%s), so you can read and edit them.", me.Name)
	default:
		st.Coaching = "You are a technician here: the demo's coaching notes are sealed to a demo lead and cannot be read on this device."
	}
	return st, nil
}

// demoLead makes sure the demo's coaching notes are written by someone who can read them
// here: a device with no person becomes the demo team's lead; a lead or coordinator writes
// them as themselves. It returns the lead's name when this device became the lead.
func (s *DataService) demoLead(cfg *demo.Config) (string, error) {
	cfg.LeadKeyDir = s.a.cfg.DataDir
	if _, _, err := s.a.people.Current(); !errors.Is(err, person.ErrNoIdentity) {
		return "", nil
	}
	name := demo.LeadName(*cfg)
	if _, err := s.a.people.SetUp(s.a.ctx, person.Profile{Name: name, Role: person.RoleLead}); err != nil {
		return "", fmt.Errorf("set up the demo lead: %w", err)
	}
	return name, nil
}

// linkDemoLead links this device's person, when it became the demo lead, to the lead's
// technician profile, so "mine" in the queue shows the lead's tickets.
func (s *DataService) linkDemoLead(name string) {
	techs, err := s.a.techs.List(false)
	if err != nil {
		return
	}
	for _, t := range techs {
		if t.Name == name {
			if _, err := s.a.people.SetUp(s.a.ctx, person.Profile{Name: name, Role: person.RoleLead, TechnicianID: t.ID}); err != nil {
				s.a.log.Warn("link the demo lead to its technician profile", "err", err)
			}
			return
		}
	}
}

// ExportResult says where an export went, or that the person cancelled the dialog.
type ExportResult struct {
	Path      string `json:"path,omitempty"`
	Tickets   int    `json:"tickets"`
	Cancelled bool   `json:"cancelled,omitempty"`
}

// ExportTicketsFile asks the person (in the window's save dialog) where to save the tickets
// matching filter as CSV, and saves them there.
func (s *DataService) ExportTicketsFile(filter queue.Filter) (ExportResult, error) {
	path, ok, err := s.a.pickSave(FilePrompt{Title: "Export tickets as CSV", DefaultName: ExportName(time.Now()),
		Pattern: "*.csv", PatternName: "CSV files"})
	if err != nil || !ok {
		return ExportResult{Cancelled: err == nil}, err
	}
	text, n, err := s.exportCSV(filter)
	if err != nil {
		return ExportResult{}, err
	}
	if err := atomicfile.Write(path, []byte(text)); err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) {
			return ExportResult{}, field.Errorf("path", "cannot write to %s: choose a folder you can write to", filepath.Dir(path))
		}
		return ExportResult{}, s.a.userError("export tickets", err)
	}
	return ExportResult{Path: path, Tickets: n}, nil
}

// ExportName is a ticket export's suggested file name.
func ExportName(now time.Time) string { return "outpost-tickets-" + now.Format("2006-01-02") + ".csv" }
