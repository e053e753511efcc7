package sheet

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// listSep separates the elements of a list field within one cell.
const listSep = ";"

// jsonField is one JSON-visible field of a struct type.
type jsonField struct {
	name      string
	index     int
	omitEmpty bool
	typ       reflect.Type
}

// fieldsOf lists the JSON fields of struct type t in declaration order.
func fieldsOf(t reflect.Type) []jsonField {
	var out []jsonField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, index: i, omitEmpty: strings.Contains(","+opts+",", ",omitempty,"), typ: f.Type})
	}
	return out
}

func fieldByName(t reflect.Type, name string) (jsonField, bool) {
	for _, f := range fieldsOf(t) {
		if f.name == name {
			return f, true
		}
	}
	return jsonField{}, false
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// isScalar reports whether t (after pointers) is a string, bool or number.
func isScalar(t reflect.Type) bool {
	switch deref(t).Kind() {
	case reflect.String, reflect.Bool, reflect.Float32, reflect.Float64,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// isLeaf reports whether a value of type t fits in one cell: a scalar or a
// list of scalars.
func isLeaf(t reflect.Type) bool {
	t = deref(t)
	return isScalar(t) || (t.Kind() == reflect.Slice && isScalar(t.Elem()))
}

// resolve follows the dotted column or field name segs through type t and
// returns the JSON path segments it stands for and the leaf type. The key
// of a map of scalars takes the rest of the name, so keys may hold dots.
func resolve(t reflect.Type, segs []string) ([]string, reflect.Type, error) {
	t = deref(t)
	if len(segs) == 0 {
		if isLeaf(t) {
			return nil, t, nil
		}
		return nil, nil, fmt.Errorf("names a group of fields, not one field")
	}
	switch t.Kind() {
	case reflect.Struct:
		f, ok := fieldByName(t, segs[0])
		if !ok {
			return nil, nil, fmt.Errorf("unknown field %q", segs[0])
		}
		rest, leaf, err := resolve(f.typ, segs[1:])
		if err != nil {
			return nil, nil, err
		}
		return append([]string{segs[0]}, rest...), leaf, nil
	case reflect.Map:
		if isLeaf(t.Elem()) {
			key := strings.Join(segs, ".")
			if key == "" {
				return nil, nil, fmt.Errorf("empty key")
			}
			return []string{key}, deref(t.Elem()), nil
		}
		if segs[0] == "" {
			return nil, nil, fmt.Errorf("empty key")
		}
		rest, leaf, err := resolve(t.Elem(), segs[1:])
		if err != nil {
			return nil, nil, err
		}
		return append([]string{segs[0]}, rest...), leaf, nil
	}
	return nil, nil, fmt.Errorf("%q is not a group of fields", segs[0])
}

// formatScalar writes a scalar the way Read reads it back: numbers in the
// shortest form that parses to the same value.
func formatScalar(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Float32, reflect.Float64:
		return formatFloat(v.Float())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(v.Uint(), 10)
	}
	return fmt.Sprint(v.Interface())
}

// formatFloat writes x without an exponent where that stays short
// (spreadsheet users read 1800, not 1.8e+03), else in exponent form.
func formatFloat(x float64) string {
	if a := math.Abs(x); a == 0 || (a >= 1e-4 && a < 1e15) {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// cellKind tells the workbook writer how to store a cell.
type cellKind int

const (
	kindText cellKind = iota
	kindNumber
	kindBool
)

func kindOf(t reflect.Type) cellKind {
	t = deref(t)
	switch t.Kind() {
	case reflect.Bool:
		return kindBool
	case reflect.String, reflect.Slice:
		return kindText
	}
	return kindNumber
}
