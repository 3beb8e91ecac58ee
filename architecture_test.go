package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The allowed directions of dependency, in one place:
//
//	main -> app -> backend/*, sync/*
//	sync/* -> backend/*
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
		"outpost/backend/technician/schedule",
		"outpost/backend/summary",
		"outpost/backend/slug",
	}
	forbiddenInPure = []string{"github.com/dgraph-io/", "github.com/hashicorp/memberlist", "net", "net/http", "os", "outpost/backend/core/store", "outpost/sync/", "outpost/app"}
	rules           = []struct {
		from      string // package path prefix
		forbidden []string
	}{
		{"outpost/backend/", []string{"outpost/app", "outpost/sync/", "github.com/wailsapp/"}},
		{"outpost/sync/", []string{"outpost/app", "github.com/wailsapp/"}},
	}
)

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
		if pkg != "outpost" {
			forbidden = append(forbidden, "outpost/app")
		}
		for _, imp := range imports {
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
