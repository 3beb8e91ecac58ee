package summary

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
)

//go:embed page.html.tmpl
var pageSource string

// page is parsed once per call: the package holds no state.
func page() (*template.Template, error) { return template.New("summary").Parse(pageSource) }

// HTML renders the summary as one self-contained page (styles inline, no
// scripts, no external requests) that prints cleanly; print it to PDF from a browser.
func HTML(s Summary) ([]byte, error) {
	t, err := page()
	if err != nil {
		return nil, fmt.Errorf("parse summary page: %w", err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, s); err != nil {
		return nil, fmt.Errorf("render summary page: %w", err)
	}
	return b.Bytes(), nil
}
