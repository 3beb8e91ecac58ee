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
		{"field error", field.Errorf("title", "is required"),
			map[string]any{"error": "Title is required", "field": "title", "label": "Title", "problem": "is required"}},
		{"labelled field error", field.Relabel(field.Errorf("timeOff[0].to", "must be after the start"), "Time off 1, until"),
			map[string]any{"error": "Time off 1, until must be after the start", "field": "timeOff[0].to", "label": "Time off 1, until", "problem": "must be after the start"}},
		{"wrapped field error", fmt.Errorf("save: %w", field.Errorf("tags", "is too long")),
			map[string]any{"error": "save: Tags is too long", "field": "tags", "label": "Tags", "problem": "is too long"}},
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
