// Package field reports invalid input by the name of the field a person filled in.
package field

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is invalid input in one field. Field is the input's path in the request
// ("hours.zone", "timeOff[0].to"), for a form to find the input; Label is how the
// form names it ("Time zone", "Time off 1, until"). Error() is a sentence fit to
// show a person: the label, never the path, followed by the problem.
type Error struct {
	Field   string `json:"field"`
	Label   string `json:"label"`
	Problem string `json:"problem"`
}

func (e *Error) Error() string { return Sentence(e.Label, e.Problem) }

// Errorf returns an *Error for the input at path name, labelled with Words(name).
func Errorf(name, format string, a ...any) error {
	return &Error{Field: name, Label: Words(name), Problem: fmt.Sprintf(format, a...)}
}

// Relabel gives the field error inside err the label the form shows; other errors
// (and nil) come back unchanged. Relabel before wrapping: a wrapping error's
// message is written when it is made.
func Relabel(err error, label string) error {
	if fe, ok := As(err); ok {
		fe.Label = label
	}
	return err
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var fe *Error
	ok := errors.As(err, &fe)
	return fe, ok
}

// Text checks a text field: valid UTF-8, no control characters other than
// newlines and tabs (when multiline), at most max characters, and present when required.
func Text(name, v string, max int, required, multiline bool) error {
	if !utf8.ValidString(v) {
		return Errorf(name, "is not valid text (invalid UTF-8)")
	}
	if required && strings.TrimSpace(v) == "" {
		return Errorf(name, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return Errorf(name, "is %d characters long; the limit is %d", n, max)
	}
	for _, r := range v {
		if r < 0x20 && !(multiline && (r == '\n' || r == '\t' || r == '\r')) || r == 0x7f {
			return Errorf(name, "contains a control character")
		}
	}
	return nil
}

// First returns the first non-nil error.
func First(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Date checks that v in field name is a date written YYYY-MM-DD.
func Date(name, v string) error {
	if _, err := time.Parse(time.DateOnly, v); err != nil {
		return Errorf(name, "must be a date written YYYY-MM-DD")
	}
	return nil
}
