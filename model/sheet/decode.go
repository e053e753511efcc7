package sheet

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// Where formats the location of a cell: row and col count from 1 (the
// header is row 1); col 0 means the whole row, row 0 the whole sheet.
type Where func(sheet string, row, col int) string

// Source records where each value of an instance read from sheets came
// from, by JSON path.
type Source struct {
	locs map[string]string
}

// Locate returns the location of the value at the JSON path, or of the
// nearest enclosing value with a location ("" when none has one).
func (s *Source) Locate(path string) string {
	if s == nil {
		return ""
	}
	for p := path; p != ""; p = parent(p) {
		if l, ok := s.locs[p]; ok {
			return l
		}
	}
	return ""
}

// Annotate returns issues with each path prefixed by its location, e.g.
// "firms.csv:5:3: firms[3].capital".
func (s *Source) Annotate(issues []model.Issue) []model.Issue {
	out := make([]model.Issue, len(issues))
	for i, is := range issues {
		if l := s.Locate(is.Path); l != "" {
			if is.Path == "" {
				is.Path = l
			} else {
				is.Path = l + ": " + is.Path
			}
		}
		out[i] = is
	}
	return out
}

func parent(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i >= 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		return p[:i]
	}
	return ""
}

// decoder builds the JSON tree of an instance from its tables.
type decoder struct {
	where  Where
	src    *Source
	issues []model.Issue
}

func (d *decoder) errorf(loc, path, format string, args ...any) {
	p := path
	switch {
	case loc != "" && path != "":
		p = loc + ": " + path
	case loc != "":
		p = loc
	}
	d.issues = append(d.issues, model.Issue{Path: p, Message: fmt.Sprintf(format, args...)})
}

// Decode builds an instance from tables, strictly: unknown sheets, columns
// and fields are errors, and the instance is decoded by model.Parse. Every
// problem is reported at once in a *model.ValidationError whose issue paths
// start with the cell's location. Ranges and references are not checked:
// that is model.Validate's job (use the Source to locate its issues).
func Decode(tables []Table, where Where) (*model.Instance, *Source, error) {
	d := &decoder{where: where, src: &Source{locs: map[string]string{}}}
	tree := map[string]any{}
	seen := map[string]string{}
	for i := range tables {
		t := &tables[i]
		if ignored(t.Name) {
			continue
		}
		name := strings.ToLower(t.Name)
		s, ok := specByName(name)
		if !ok {
			d.errorf(where(t.Name, 0, 0), "", "unknown sheet %q (want %s; a sheet named README or starting with _ is ignored)", t.Name, sheetNames())
			continue
		}
		if prev, dup := seen[name]; dup {
			d.errorf(where(t.Name, 0, 0), "", "sheet %q given twice (also %s)", t.Name, prev)
			continue
		}
		seen[name] = t.Name
		switch {
		case s.list:
			d.src.locs[s.name] = where(t.Name, 0, 0)
			tree[s.name] = d.list(t, s)
		case s.field.index < 0:
			d.fields(t, instanceType, "", tree, true)
		default:
			d.src.locs[s.name] = where(t.Name, 0, 0)
			obj := map[string]any{}
			d.fields(t, s.field.typ, s.name, obj, false)
			tree[s.name] = obj
		}
	}
	if len(d.issues) > 0 {
		return nil, d.src, &model.ValidationError{Issues: d.issues}
	}
	data, err := json.Marshal(tree)
	if err != nil {
		return nil, d.src, fmt.Errorf("sheet: encode tree: %w", err)
	}
	inst, err := model.Parse(data)
	if err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			return nil, d.src, &model.ValidationError{Issues: d.src.Annotate(ve.Issues)}
		}
		return nil, d.src, err
	}
	return inst, d.src, nil
}

func sheetNames() string {
	var names []string
	for _, s := range layout() {
		names = append(names, s.name)
	}
	return strings.Join(names, ", ")
}

// rowNumber is the sheet row (from 1, the header) of data row i.
func (t *Table) rowNumber(i int) int {
	if i < len(t.lines) {
		return t.lines[i]
	}
	return i + 2
}

func blank(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// list decodes a list sheet: one object per non-blank row.
func (d *decoder) list(t *Table, s spec) []any {
	elem := deref(s.field.typ.Elem())
	type column struct {
		segs []string
		leaf reflect.Type
	}
	cols := make([]*column, len(t.Header))
	dup := map[string]int{}
	for j, h := range t.Header {
		h = strings.TrimSpace(h)
		loc := d.where(t.Name, 1, j+1)
		if h == "" {
			continue // checked per row: an unnamed column must stay empty
		}
		if k, ok := dup[h]; ok {
			d.errorf(loc, "", "column %q given twice (also column %d)", h, k+1)
			continue
		}
		dup[h] = j
		segs, leaf, err := resolve(elem, strings.Split(h, "."))
		if err != nil {
			d.errorf(loc, "", "column %q: %v (columns of %s: %s)", h, err, s.name, columnHint(elem))
			continue
		}
		cols[j] = &column{segs, leaf}
	}
	out := []any{}
	for i, row := range t.Rows {
		if blank(row) {
			continue
		}
		n := len(out)
		base := fmt.Sprintf("%s[%d]", s.name, n)
		r := t.rowNumber(i)
		d.src.locs[base] = d.where(t.Name, r, 0)
		obj := map[string]any{}
		for j, cell := range row {
			cell = strings.TrimSpace(cell)
			if cell == "" {
				continue
			}
			loc := d.where(t.Name, r, j+1)
			if j >= len(cols) || cols[j] == nil {
				if j >= len(t.Header) || strings.TrimSpace(t.Header[j]) == "" {
					d.errorf(loc, base, "value %q in a column without a name", cell)
				}
				continue // an unknown column is reported once, at its header
			}
			path := base + "." + strings.Join(cols[j].segs, ".")
			d.src.locs[path] = loc
			setPath(obj, cols[j].segs, cellValue(cols[j].leaf, cell))
		}
		out = append(out, obj)
	}
	return out
}

// fields decodes a "field,value" sheet into obj. For the instance sheet
// (top) only top-level scalars are allowed.
func (d *decoder) fields(t *Table, typ reflect.Type, prefix string, obj map[string]any, top bool) {
	if len(t.Header) < 2 || !strings.EqualFold(strings.TrimSpace(t.Header[0]), "field") || !strings.EqualFold(strings.TrimSpace(t.Header[1]), "value") {
		d.errorf(d.where(t.Name, 1, 1), "", "sheet %s: the header must be \"field,value\", got %q", t.Name, strings.Join(t.Header, ","))
		return
	}
	seen := map[string]int{}
	for i, row := range t.Rows {
		if blank(row) {
			continue
		}
		r := t.rowNumber(i)
		row = append(append([]string(nil), row...), "", "")
		field, value := strings.TrimSpace(row[0]), strings.TrimSpace(row[1])
		for j := 2; j < len(row); j++ {
			if strings.TrimSpace(row[j]) != "" {
				d.errorf(d.where(t.Name, r, j+1), "", "value %q beyond the field and value columns", strings.TrimSpace(row[j]))
			}
		}
		if field == "" {
			d.errorf(d.where(t.Name, r, 1), "", "value %q without a field name", value)
			continue
		}
		if prev, ok := seen[field]; ok {
			d.errorf(d.where(t.Name, r, 1), join(prefix, field), "given twice (also row %d)", prev)
			continue
		}
		seen[field] = r
		segs, leaf, err := resolve(typ, strings.Split(field, "."))
		if err == nil && top {
			if f, _ := fieldByName(instanceType, segs[0]); !isLeaf(f.typ) {
				err = fmt.Errorf("belongs on sheet %s", segs[0])
			}
		}
		if err != nil {
			d.errorf(d.where(t.Name, r, 1), "", "field %q: %v (fields of %s: %s)", field, err, t.Name, fieldHint(typ, top))
			continue
		}
		if value == "" {
			continue // absent: the default applies
		}
		path := join(prefix, strings.Join(segs, "."))
		d.src.locs[path] = d.where(t.Name, r, 2)
		setPath(obj, segs, cellValue(leaf, value))
	}
}

// columnHint lists the columns of a list sheet's element type.
func columnHint(t reflect.Type) string {
	var names []string
	for _, f := range fieldsOf(t) {
		n := f.name
		if deref(f.typ).Kind() == reflect.Map {
			n += ".KEY"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

func fieldHint(t reflect.Type, top bool) string {
	var names []string
	for _, f := range fieldsOf(deref(t)) {
		if top && !isLeaf(f.typ) {
			continue
		}
		n := f.name
		switch deref(f.typ).Kind() {
		case reflect.Map:
			n += ".KEY"
		case reflect.Struct:
			n += ".*"
		}
		names = append(names, n)
	}
	return strings.Join(names, ", ")
}

func setPath(obj map[string]any, segs []string, v any) {
	for _, s := range segs[:len(segs)-1] {
		next, ok := obj[s].(map[string]any)
		if !ok {
			next = map[string]any{}
			obj[s] = next
		}
		obj = next
	}
	obj[segs[len(segs)-1]] = v
}

var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// cellValue turns a cell's text into the JSON value for a field of type
// leaf. Text that does not fit the type is passed on as a string, so that
// model.Parse reports it with its path ("must be a number, got string ...").
func cellValue(leaf reflect.Type, cell string) any {
	leaf = deref(leaf)
	if leaf.Kind() == reflect.Slice {
		parts := strings.Split(cell, listSep)
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = cellValue(leaf.Elem(), strings.TrimSpace(p))
		}
		return out
	}
	switch kindOf(leaf) {
	case kindBool:
		switch strings.ToLower(cell) {
		case "true", "1":
			return true
		case "false", "0":
			return false
		}
	case kindNumber:
		if jsonNumber.MatchString(cell) {
			return json.Number(cell)
		}
		if x, err := strconv.ParseFloat(cell, 64); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
			return json.Number(strconv.FormatFloat(x, 'g', -1, 64))
		}
	}
	return cell
}

// CanonicalJSON is the instance as indented JSON with a trailing newline,
// fields in declaration order and map keys sorted: equal instances give
// equal bytes.
func CanonicalJSON(inst *model.Instance) ([]byte, error) {
	b, err := json.MarshalIndent(inst, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
