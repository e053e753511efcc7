package sheet

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// ErrUnrepresentable is wrapped by Encode's errors: a value that no cell can
// hold so that it reads back the same (a list element containing ";").
var ErrUnrepresentable = errors.New("sheet: value cannot be written to a sheet")

// Table is one sheet: its name (the CSV file name without ".csv"), the
// header row and the data rows, all as text.
type Table struct {
	Name   string
	Header []string
	Rows   [][]string
	// kinds says how the workbook writer stores each cell (parallel to
	// Rows); nil means text.
	kinds [][]cellKind
	// lines are the sheet rows of Rows (from 1, the header); nil means
	// consecutive rows from 2.
	lines []int
}

// Encode turns inst into its sheets, in workbook order (see the package
// documentation for the layout).
func Encode(inst *model.Instance) ([]Table, error) {
	root := reflect.ValueOf(inst).Elem()
	var out []Table
	for _, s := range layout() {
		var t Table
		var err error
		switch {
		case s.field.index < 0:
			t, err = encodeInstanceSheet(root)
		case s.list:
			t, err = encodeList(s.name, root.Field(s.field.index), s.field.typ)
		case absent(root.Field(s.field.index)):
			continue // an optional block left out (horizon): no sheet
		default:
			t, err = encodeFields(s.name, root.Field(s.field.index), s.field.typ)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// flattener turns a value into (column, text) pairs. Maps give one column
// per key; keys lists, per map (by column prefix), the keys to write, so
// that every row of a list sheet has the same columns.
type flattener struct {
	collect bool
	keys    map[string]map[string]bool
	cols    []string
	vals    []string
	kinds   []cellKind
	err     error
}

func (fl *flattener) emit(col, val string, k cellKind) {
	if fl.collect {
		return
	}
	fl.cols = append(fl.cols, col)
	fl.vals = append(fl.vals, val)
	fl.kinds = append(fl.kinds, k)
}

func (fl *flattener) fail(col, format string, args ...any) {
	if fl.err == nil {
		fl.err = fmt.Errorf("%s: %w: %s", col, ErrUnrepresentable, fmt.Sprintf(format, args...))
	}
}

// walk flattens v of static type t under the column prefix. An invalid v
// stands for an absent value (its cells are empty).
func (fl *flattener) walk(v reflect.Value, t reflect.Type, prefix string, omitEmpty bool) {
	if t.Kind() == reflect.Pointer {
		if v.IsValid() && !v.IsNil() {
			v = v.Elem()
		} else {
			v = reflect.Value{}
		}
		fl.walk(v, t.Elem(), prefix, false) // a set pointer is present even when zero
		return
	}
	switch {
	case isScalar(t):
		if !v.IsValid() || (omitEmpty && isEmptyValue(v)) {
			fl.emit(prefix, "", kindOf(t))
			return
		}
		s := formatScalar(v)
		if t.Kind() == reflect.String && s != strings.TrimSpace(s) {
			fl.fail(prefix, "%q has leading or trailing spaces, which a spreadsheet does not keep", s)
		}
		fl.emit(prefix, s, kindOf(t))
	case t.Kind() == reflect.Slice && isScalar(t.Elem()):
		if !v.IsValid() || v.Len() == 0 {
			fl.emit(prefix, "", kindText)
			return
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = formatScalar(deepElem(v.Index(i)))
			if parts[i] == "" || strings.Contains(parts[i], listSep) || parts[i] != strings.TrimSpace(parts[i]) {
				fl.fail(fmt.Sprintf("%s[%d]", prefix, i), "list element %q is empty, has outer spaces or contains %q", parts[i], listSep)
			}
		}
		fl.emit(prefix, strings.Join(parts, listSep), kindText)
	case t.Kind() == reflect.Struct:
		for _, f := range fieldsOf(t) {
			var fv reflect.Value
			if v.IsValid() {
				fv = v.Field(f.index)
			}
			fl.walk(fv, f.typ, join(prefix, f.name), f.omitEmpty)
		}
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		fl.walkMap(v, t, prefix)
	default:
		fl.fail(prefix, "a %s cannot be written to a sheet", t)
	}
}

func (fl *flattener) walkMap(v reflect.Value, t reflect.Type, prefix string) {
	if fl.collect && v.IsValid() {
		set := fl.keys[prefix]
		if set == nil {
			set = map[string]bool{}
			fl.keys[prefix] = set
		}
		for _, k := range v.MapKeys() {
			set[k.String()] = true
		}
	}
	keys := make([]string, 0, len(fl.keys[prefix]))
	for k := range fl.keys[prefix] {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		// knowledge.default first, before the per-market columns
		if (keys[i] == "default") != (keys[j] == "default") {
			return keys[i] == "default"
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		if !isLeaf(t.Elem()) && strings.Contains(k, ".") {
			fl.fail(join(prefix, k), "key %q contains \".\"", k)
			continue
		}
		var ev reflect.Value
		if v.IsValid() {
			ev = v.MapIndex(reflect.ValueOf(k).Convert(t.Key()))
		}
		fl.walk(ev, t.Elem(), join(prefix, k), false)
	}
}

func deepElem(v reflect.Value) reflect.Value {
	for v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return v
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

// encodeList writes a list of objects, one row per element.
func encodeList(name string, v reflect.Value, t reflect.Type) (Table, error) {
	elem := t.Elem()
	fl := &flattener{collect: true, keys: map[string]map[string]bool{}}
	for i := 0; i < v.Len(); i++ {
		fl.walk(v.Index(i), elem, "", false)
	}
	fl.collect = false
	tab := Table{Name: name}
	fl.walk(reflect.Value{}, elem, "", false) // the header, from the type and the keys seen
	tab.Header = fl.cols
	for i := 0; i < v.Len(); i++ {
		fl.cols, fl.vals, fl.kinds = nil, nil, nil
		fl.walk(v.Index(i), elem, "", false)
		if !equalStrings(fl.cols, tab.Header) {
			return Table{}, fmt.Errorf("%s[%d]: %w: its fields differ from the other rows'", name, i, ErrUnrepresentable)
		}
		tab.Rows = append(tab.Rows, fl.vals)
		tab.kinds = append(tab.kinds, fl.kinds)
	}
	if fl.err != nil {
		return Table{}, fmt.Errorf("%s: %w", name, fl.err)
	}
	return tab, nil
}

// encodeFields writes an object as "field,value" rows.
func encodeFields(name string, v reflect.Value, t reflect.Type) (Table, error) {
	fl := &flattener{collect: true, keys: map[string]map[string]bool{}}
	fl.walk(v, t, "", false)
	fl.collect = false
	fl.walk(v, t, "", false)
	if fl.err != nil {
		return Table{}, fmt.Errorf("%s: %w", name, fl.err)
	}
	return fieldTable(name, fl), nil
}

// encodeInstanceSheet writes the instance's top-level scalars.
func encodeInstanceSheet(root reflect.Value) (Table, error) {
	fl := &flattener{keys: map[string]map[string]bool{}}
	for _, f := range fieldsOf(root.Type()) {
		if isLeaf(f.typ) {
			fl.walk(root.Field(f.index), f.typ, f.name, f.omitEmpty)
		}
	}
	if fl.err != nil {
		return Table{}, fmt.Errorf("%s: %w", InstanceSheet, fl.err)
	}
	return fieldTable(InstanceSheet, fl), nil
}

func fieldTable(name string, fl *flattener) Table {
	tab := Table{Name: name, Header: []string{"field", "value"}}
	for i, c := range fl.cols {
		tab.Rows = append(tab.Rows, []string{c, fl.vals[i]})
		tab.kinds = append(tab.kinds, []cellKind{kindText, fl.kinds[i]})
	}
	return tab
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// absent reports whether v is a nil pointer: an optional block (such as
// the horizon of a one-period instance) that gets no sheet.
func absent(v reflect.Value) bool {
	return v.Kind() == reflect.Pointer && v.IsNil()
}
