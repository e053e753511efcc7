package sheet

import (
	"reflect"

	"github.com/ofdi/ofdi/model"
)

// InstanceSheet is the field sheet of the instance's top-level settings
// (name, currency).
const InstanceSheet = "instance"

// sheetOrder is the order of the sheets in a workbook; sheets for fields
// added to model.Instance later follow in declaration order.
var sheetOrder = []string{"firms", "markets", "opportunities", "scenarios", "policy", "rules", "objective", InstanceSheet}

// spec describes one sheet.
type spec struct {
	name string
	// list: one row per element of a list of objects; otherwise a
	// "field,value" sheet.
	list bool
	// field is the top-level field the sheet holds; the instance sheet
	// has index -1 and holds every top-level scalar.
	field jsonField
}

var instanceType = reflect.TypeOf(model.Instance{})

// layout lists the sheets of an instance, in workbook order.
func layout() []spec {
	byName := map[string]spec{}
	var names []string
	add := func(s spec) {
		if _, ok := byName[s.name]; !ok {
			names = append(names, s.name)
		}
		byName[s.name] = s
	}
	for _, f := range fieldsOf(instanceType) {
		t := deref(f.typ)
		switch {
		case isLeaf(t):
			add(spec{name: InstanceSheet, field: jsonField{index: -1}})
		case t.Kind() == reflect.Slice && deref(t.Elem()).Kind() == reflect.Struct:
			add(spec{name: f.name, list: true, field: f})
		default:
			add(spec{name: f.name, field: f})
		}
	}
	var out []spec
	done := map[string]bool{}
	for _, n := range sheetOrder {
		if s, ok := byName[n]; ok {
			out = append(out, s)
			done[n] = true
		}
	}
	for _, n := range names {
		if !done[n] {
			out = append(out, byName[n])
		}
	}
	return out
}

func specByName(name string) (spec, bool) {
	for _, s := range layout() {
		if s.name == name {
			return s, true
		}
	}
	return spec{}, false
}

// ignored reports whether a sheet or CSV file of this name is left out of
// the instance (notes kept beside it).
func ignored(name string) bool {
	return len(name) > 0 && name[0] == '_' || equalFold(name, "readme")
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
