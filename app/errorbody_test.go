package app

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"outpost/backend/core/field"
)

func TestErrorBodyNamesTheField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want map[string]any
	}{
		{"field error", field.Errorf("title", "is required"), map[string]any{"error": "title: is required", "field": "title"}},
		{"wrapped field error", fmt.Errorf("tag %q: %w", "x", field.Errorf("tags", "is too long")),
			map[string]any{"error": `tag "x": tags: is too long`, "field": "tags"}},
		{"other error", errors.New("ticket not found: 1"), map[string]any{"error": "ticket not found: 1"}},
		{"internal", ErrInternal, map[string]any{"error": ErrInternal.Error()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErrorBody(tt.err); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ErrorBody(%v) = %#v, want %#v", tt.err, got, tt.want)
			}
		})
	}
}
