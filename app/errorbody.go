package app

import "outpost/backend/core/field"

// ErrorBody is how the UI receives an error, over HTTP and in the window alike:
// {"error": message} and, for invalid input, "field" (the input's path, to find
// it in the form), "label" (its name in words) and "problem" (the message
// without the label, to show next to the input).
func ErrorBody(err error) any {
	body := map[string]any{"error": err.Error()}
	if fe, ok := field.As(err); ok {
		body["field"], body["label"], body["problem"] = fe.Field, fe.Label, fe.Problem
	}
	return body
}
