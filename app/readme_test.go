package app

import (
	"os"
	"strings"
	"testing"
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
