package app

import (
	"os"
	"strings"
	"testing"

	"outpost/backend/permission"
)

// TestREADMEListsEveryBoundMethod keeps the README's API section whole: every method the
// window and the HTTP API call is named there as Service/Method.
func TestREADMEListsEveryBoundMethod(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	a := openApp(t)
	var missing []string
	for _, name := range a.Methods() {
		if !strings.Contains(string(readme), strings.Replace(name, ".", "/", 1)) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the README's API section does not name %d bound methods: %v", len(missing), missing)
	}
}

// TestREADMEPermissionsTableIsTheDefaults keeps the README's permissions table equal to
// the defaults a team starts with.
func TestREADMEPermissionsTableIsTheDefaults(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range permission.Defaults() {
		roles := make([]string, len(row.Roles))
		for i, r := range row.Roles {
			roles[i] = string(r)
		}
		line := "| " + permission.What(row.Right) + " | " + strings.Join(roles, ", ") + " |"
		if !strings.Contains(string(readme), line) {
			t.Errorf("the README's permissions table lacks %q", line)
		}
	}
}
