//go:build bindings

package main

import (
	"reflect"
	"regexp"
	"strings"
)

// omitzero lists, by generated interface ("sla.Progress"), the JSON fields tagged omitzero, which
// encoding/json leaves out when they are zero: Wails's generator knows only omitempty and would
// call them always present.
func omitzero(services []any) map[string][]string {
	found := map[string][]string{}
	seen := map[reflect.Type]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t.Name() == "" || seen[t] {
			return
		}
		seen[t] = true
		for _, f := range reflect.VisibleFields(t) {
			tag := strings.Split(f.Tag.Get("json"), ",")
			if !f.IsExported() || f.Anonymous || tag[0] == "-" {
				continue
			}
			if tag[0] != "" && strings.Contains(","+strings.Join(tag[1:], ",")+",", ",omitzero,") {
				found[t.String()] = append(found[t.String()], tag[0])
			}
			visit(f.Type)
		}
	}
	for _, s := range services {
		st := reflect.TypeOf(s)
		for i := range st.NumMethod() {
			m := st.Method(i).Type
			for j := range m.NumIn() {
				visit(m.In(j))
			}
			for j := range m.NumOut() {
				visit(m.Out(j))
			}
		}
	}
	return found
}

var interfaceRE = regexp.MustCompile(`(?ms)^export interface (\w+) \{\n.*?^\}`)

// optional marks the omitzero fields of the interfaces in body, the models of Go package pkg.
func optional(pkg, body string, fields map[string][]string) string {
	return interfaceRE.ReplaceAllStringFunc(body, func(block string) string {
		name := interfaceRE.FindStringSubmatch(block)[1]
		for _, f := range fields[pkg+"."+name] {
			block = strings.Replace(block, "\n    "+f+": ", "\n    "+f+"?: ", 1)
		}
		return block
	})
}
