package onboarding

import (
	"encoding/json"
	"strings"
	"time"

	"outpost/backend/core/change"
)

// Record fields of an onboarding checklist. Each item's state is its own
// register ("done.<item id>"), so ticks made on two devices never overwrite each other.
const (
	fTechnician = "technician"
	fName       = "name"
	fRole       = "role"
	fStart      = "start"
	fItems      = "items" // the template's items, copied when the checklist is started
	fAdded      = "added" // items added to this checklist later (append-only)
	donePrefix  = "done."
)

// ItemState is whether an item is done, who ticked it and when.
type ItemState struct {
	Done bool   `json:"done"`
	Note string `json:"note"`
}

// Item is a checklist line with its state.
type Item struct {
	TemplateItem
	Done   bool      `json:"done"`
	Note   string    `json:"note"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Others []string  `json:"others"` // people who ticked or unticked it at the same time on another device
}

// SectionProgress counts one section's items.
type SectionProgress struct {
	Section Section `json:"section"`
	Done    int     `json:"done"`
	Total   int     `json:"total"`
}

// Progress is how far a checklist has come.
type Progress struct {
	Done     int               `json:"done"`
	Total    int               `json:"total"`
	Percent  int               `json:"percent"`
	Sections []SectionProgress `json:"sections"`
}

// Checklist is one technician's onboarding.
type Checklist struct {
	ID         string    `json:"id"`
	Technician string    `json:"technician"`
	Name       string    `json:"name"`
	Role       string    `json:"role"`
	Start      string    `json:"start"` // YYYY-MM-DD
	Items      []Item    `json:"items"`
	Progress   Progress  `json:"progress"`
	Created    time.Time `json:"created"`
	CreatedBy  string    `json:"createdBy"`
	Updated    time.Time `json:"updated"`
}

// FromRecord reads a checklist out of its merged record.
func FromRecord(r change.Record) Checklist {
	c := Checklist{ID: r.ID, Technician: r.String(fTechnician), Name: r.String(fName), Role: r.String(fRole),
		Start: r.String(fStart), Items: []Item{}, Created: r.Created.Time(), CreatedBy: r.CreatedBy, Updated: r.Updated.Time()}
	var tmpl []TemplateItem
	_, _ = r.Get(fItems, &tmpl)
	for _, it := range r.Items[fAdded] {
		var ti TemplateItem
		if json.Unmarshal(it.Value, &ti) == nil {
			ti.ID = "x" + strings.ReplaceAll(it.ID, ".", "-")
			tmpl = append(tmpl, ti)
		}
	}
	for _, ti := range tmpl {
		it := Item{TemplateItem: ti, Others: []string{}}
		if f, ok := r.Fields[donePrefix+ti.ID]; ok {
			var st ItemState
			if json.Unmarshal(f.Value, &st) == nil {
				it.Done, it.Note, it.By, it.At = st.Done, st.Note, f.By, f.At.Time()
			}
			for _, w := range f.Conflict {
				it.Others = append(it.Others, w.By)
			}
		}
		c.Items = append(c.Items, it)
	}
	c.Progress = progress(c.Items)
	return c
}

func progress(items []Item) Progress {
	p := Progress{Sections: []SectionProgress{}}
	for _, s := range sections {
		sp := SectionProgress{Section: s}
		for _, it := range items {
			if it.Section == s {
				sp.Total++
				if it.Done {
					sp.Done++
				}
			}
		}
		if sp.Total > 0 {
			p.Sections = append(p.Sections, sp)
		}
		p.Done += sp.Done
		p.Total += sp.Total
	}
	if p.Total > 0 {
		p.Percent = p.Done * 100 / p.Total
	}
	return p
}
