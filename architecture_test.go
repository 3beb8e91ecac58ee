package main

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The allowed directions of dependency, in one place:
//
//	main -> app/cli -> app/httpapi, app/window -> app -> backend/*, sync/*
//	app/typesgen (the bindings build of `make types`) -> app
//	sync/* -> backend/core/* (the replication core), never a domain package
//	backend/core/* imports no domain package: the domain builds on the core, not the other way
//	a domain package imports only the core and the domain packages listed for it in domain
//	backend/* never imports app, sync or Wails
//	pure packages (merge rules, clocks, SLA, metrics, validation) import no storage and no network
var (
	pure = []string{
		"outpost/backend/core/hlc",
		"outpost/backend/core/change",
		"outpost/backend/core/field",
		"outpost/backend/sla",
		"outpost/backend/metrics",
		"outpost/backend/core/sealed",
		"outpost/backend/assign",
		"outpost/backend/schedule",
		"outpost/backend/summary",
		"outpost/backend/slug",
		"outpost/backend/permission",
		"outpost/backend/photo",
	}
	forbiddenInPure = []string{"github.com/dgraph-io/", "github.com/hashicorp/memberlist", "net", "net/http", "os", "outpost/backend/core/store", "outpost/sync/", "outpost/app"}
	rules           = []struct {
		from      string // package path prefix
		forbidden []string
	}{
		{"outpost/backend/", []string{"outpost/app", "outpost/sync/", "github.com/wailsapp/"}},
		{"outpost/sync/", []string{"outpost/app", "github.com/wailsapp/"}},
	}
	// domain lists, for each domain package under backend/, the other domain packages it may
	// import (the core it may always import). A new domain package, or a new dependency between
	// two of them, is a decision: write it here.
	domain = map[string][]string{
		"assign":         {"schedule"},
		"backup":         {},
		"category":       {"slug"},
		"coaching":       {"person", "private"},
		"csvio":          {"sla", "ticket"},
		"demo":           {"coaching", "directory", "escalation", "onboarding", "permission", "person", "problem", "roles", "schedule", "sop", "technician", "ticket", "visit"},
		"directory":      {"ticket"},
		"escalation":     {"slug", "ticket"},
		"filepolicy":     {"photo"},
		"metrics":        {"sla"},
		"mail/channel":   {"mail/mailbox", "mail/message", "sla", "ticket"},
		"mail/handler":   {"mail/channel", "mail/mailbox", "mail/message", "mail/transport"},
		"mail/mailbox":   {},
		"mail/message":   {},
		"mail/mailtest":  {},
		"mail/transport": {"mail/mailbox"},
		"onboarding":     {"slug"},
		"person":         {},
		"photo":          {},
		"plan":           {"person", "private", "review"},
		"private":        {"person"},
		"problem":        {"ticket"},
		"queue":          {"metrics", "sla", "ticket"},
		"requester":      {"csvio", "directory", "ticket"},
		"resolution":     {"slug"},
		"roles":          {"permission"},
		"review":         {"person", "private"},
		"schedule":       {},
		"search":         {"requester", "sop", "ticket"},
		"sla":            {},
		"slug":           {},
		"sop":            {"ticket"},
		"summary":        {},
		"technician":     {"assign", "schedule"},
		"thumb":          {},
		"ticket":         {"sla"},
		"view":           {},
		"visit":          {"schedule", "technician", "ticket"},

		// the program that runs mailtest's mail server outside go test
		"mail/mailtest/mailserver": {"mail/mailtest"},
	}
	// Layers: a package under from may import an outpost/backend/ package only under one of allowed.
	layers = []struct {
		from    string
		allowed []string
	}{
		{"outpost/backend/core/", []string{"outpost/backend/core/"}},
		{"outpost/sync/", []string{"outpost/backend/core/"}},
	}
)

// layerViolation says why pkg may not import imp, or "" when the layers allow it.
func layerViolation(pkg, imp string) string {
	if !strings.HasPrefix(imp, "outpost/backend/") {
		return ""
	}
	if v := domainViolation(pkg, imp); v != "" {
		return v
	}
	for _, l := range layers {
		if !strings.HasPrefix(pkg, l.from) {
			continue
		}
		ok := false
		for _, a := range l.allowed {
			ok = ok || strings.HasPrefix(imp, a)
		}
		if !ok {
			return fmt.Sprintf("%s imports %s: packages under %s may import only %s from backend/", pkg, imp, l.from, strings.Join(l.allowed, ", "))
		}
	}
	return ""
}

// domainViolation says why domain package pkg may not import domain package imp, or "".
func domainViolation(pkg, imp string) string {
	const backend, core = "outpost/backend/", "outpost/backend/core/"
	if !strings.HasPrefix(pkg, backend) || strings.HasPrefix(pkg, core) || strings.HasPrefix(imp, core) {
		return ""
	}
	from, to := strings.TrimPrefix(pkg, backend), strings.TrimPrefix(imp, backend)
	allowed, listed := domain[from]
	switch {
	case !listed:
		return fmt.Sprintf("%s is a domain package missing from architecture_test.go's domain list: add it with the domain packages it may import", pkg)
	case !slices.Contains(allowed, to):
		return fmt.Sprintf("%s imports %s: the domain list allows it only %v (add the dependency there if it is meant)", pkg, imp, allowed)
	}
	return ""
}

func TestLayerRuleRefusesADomainImportFromTheCore(t *testing.T) {
	if layerViolation("outpost/backend/core/store", "outpost/backend/ticket") == "" {
		t.Error("the core importing a domain package passed the layer rule")
	}
	if layerViolation("outpost/sync/replica", "outpost/backend/person") == "" {
		t.Error("sync importing a domain package passed the layer rule")
	}
	if v := layerViolation("outpost/sync/replica", "outpost/backend/core/change"); v != "" {
		t.Errorf("sync importing the core was refused: %s", v)
	}
	if v := layerViolation("outpost/backend/ticket", "outpost/backend/core/record"); v != "" {
		t.Errorf("a domain package importing the core was refused: %s", v)
	}
	if layerViolation("outpost/backend/ticket", "outpost/backend/visit") == "" {
		t.Error("a domain package importing one its list does not name passed the layer rule")
	}
	if v := layerViolation("outpost/backend/visit", "outpost/backend/ticket"); v != "" {
		t.Errorf("a listed domain dependency was refused: %s", v)
	}
	if layerViolation("outpost/backend/newthing", "outpost/backend/ticket") == "" {
		t.Error("a domain package missing from the list passed the layer rule")
	}
}

func TestImportDirections(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		var forbidden []string
		for _, r := range rules {
			if strings.HasPrefix(pkg, r.from) {
				forbidden = append(forbidden, r.forbidden...)
			}
		}
		for _, p := range pure {
			if pkg == p {
				forbidden = append(forbidden, forbiddenInPure...)
			}
		}
		if pkg != "outpost" && !strings.HasPrefix(pkg, "outpost/app/") {
			forbidden = append(forbidden, "outpost/app") // main -> app/cli -> app
		}
		for _, imp := range imports {
			if v := layerViolation(pkg, imp); v != "" {
				t.Error(v)
			}
			for _, f := range forbidden {
				if imp == f || strings.HasSuffix(f, "/") && strings.HasPrefix(imp, f) {
					t.Errorf("%s imports %s, which breaks the dependency rules", pkg, imp)
				}
			}
		}
		checked++
	}
	if checked < 5 {
		t.Fatalf("checked only %d packages: go list output looks wrong", checked)
	}
}
