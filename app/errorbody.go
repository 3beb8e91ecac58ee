package app

import "outpost/backend/core/field"

// ErrorBody is how the UI receives an error, over HTTP and in the window alike:
// {"error": message, "field": name} (field only for invalid input).
func ErrorBody(err error) any {
	body := map[string]any{"error": err.Error()}
	if fe, ok := field.As(err); ok {
		body["field"] = fe.Field
	}
	return body
}
