package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// MaxFileSize is the largest instance file Load and LoadFile accept
// (256 MiB). Larger inputs are refused before they are read whole.
const MaxFileSize = 256 << 20

// LoadFile reads and strictly decodes the instance at path. An absent
// "name" defaults to the file name without extension. See Load.
func LoadFile(path string) (*Instance, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, want an instance JSON file", path)
	}
	if st.Size() > MaxFileSize {
		return nil, &ValidationError{Issues: []Issue{{Message: fmt.Sprintf(
			"file is %d bytes, larger than the %d-byte limit for an instance (is this the right file?)",
			st.Size(), MaxFileSize)}}}
	}
	inst, err := Load(f)
	if err != nil {
		return nil, err
	}
	if inst.Name == "" {
		inst.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return inst, nil
}

// Load strictly decodes one instance JSON object from r. It reports, all at
// once and each with its JSON path, syntax errors, values of the wrong type,
// non-integers where integers are required, unknown fields (usually typos),
// duplicate keys and missing required fields. It does not check ranges or
// references: that is Validate's job. Errors wrap ErrInvalid.
func Load(r io.Reader) (*Instance, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, &ValidationError{Issues: []Issue{{Message: fmt.Sprintf(
			"input is larger than the %d-byte limit for an instance", MaxFileSize)}}}
	}
	return Parse(data)
}

// Parse is Load on a byte slice.
func Parse(data []byte) (*Instance, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark, as some editors write
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, invalid("", "empty input: want a JSON object describing an instance")
	}
	root, err := parseTree(data)
	if err != nil {
		return nil, &ValidationError{Issues: []Issue{{Message: err.Error()}}}
	}
	if root.kind != kObject {
		return nil, invalid("", "top level must be a JSON object, got %s", root.kindName())
	}
	var issues issueList
	checkShape(root, reflect.TypeOf(Instance{}), "", &issues)
	if len(issues) > 0 {
		return nil, &ValidationError{Issues: issues}
	}
	var inst Instance
	decode(root, reflect.ValueOf(&inst).Elem())
	return &inst, nil
}

func invalid(path, format string, args ...any) error {
	return &ValidationError{Issues: []Issue{{Path: path, Message: fmt.Sprintf(format, args...)}}}
}

// required lists, per struct type, the JSON keys that must be present.
var required = map[reflect.Type][]string{
	reflect.TypeOf(Instance{}):    {"scenarios", "markets", "firms", "opportunities"},
	reflect.TypeOf(Scenario{}):    {"id", "probability"},
	reflect.TypeOf(Market{}):      {"id"},
	reflect.TypeOf(Firm{}):        {"id", "role", "capital", "risk_limit", "segments"},
	reflect.TypeOf(Opportunity{}): {"id", "market", "segment", "mode", "cost"},
	reflect.TypeOf(ModeRule{}):    {"roles"},
	reflect.TypeOf(Horizon{}):     {"periods"},
}

// notYet names, per struct type, fields of MODEL.md that ofdi does not
// implement yet, with the error they get instead of "unknown field".
var notYet = map[reflect.Type]map[string]string{}

type nodeKind int

const (
	kNull nodeKind = iota
	kBool
	kNumber
	kString
	kArray
	kObject
)

// node is a parsed JSON value that keeps key order and duplicates.
type node struct {
	kind nodeKind
	str  string
	num  json.Number
	keys []string
	vals []*node
}

func (n *node) kindName() string {
	switch n.kind {
	case kNull:
		return "null"
	case kBool:
		return "a boolean"
	case kNumber:
		return "a number"
	case kString:
		return "a string"
	case kArray:
		return "an array"
	}
	return "an object"
}

// parseTree parses data into a node tree, with syntax errors located by
// line and column.
func parseTree(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	root, err := parseNode(dec, 0)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			err = errors.New("unexpected data after the top-level value")
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, errors.New("not valid JSON: unexpected end of input (truncated file?)")
		}
		// json.Decoder reports a syntax error's offset relative to the value
		// it was decoding, not to the input, and sometimes without context;
		// scanning the whole input again locates and describes the error
		// exactly (Offset counts the offending byte).
		off := dec.InputOffset()
		var se, whole *json.SyntaxError
		if errors.As(json.Unmarshal(data, new(json.RawMessage)), &whole) {
			off = whole.Offset - 1
			if errors.As(err, &se) {
				err = whole
			}
		}
		line, col := lineCol(data, off)
		return nil, fmt.Errorf("not valid JSON at line %d, column %d: %s", line, col,
			strings.TrimPrefix(err.Error(), "json: "))
	}
	return root, nil
}

// maxDepth bounds the nesting of arrays and objects, as encoding/json does:
// parseNode recurses once per level, and a deeply nested input would
// otherwise overflow the goroutine stack, a fatal error no caller can recover.
const maxDepth = 10000

func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

func parseNode(dec *json.Decoder, depth int) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	return parseFrom(dec, tok, depth)
}

func parseFrom(dec *json.Decoder, tok json.Token, depth int) (*node, error) {
	switch t := tok.(type) {
	case nil:
		return &node{kind: kNull}, nil
	case bool:
		n := &node{kind: kBool}
		if t {
			n.str = "true"
		}
		return n, nil
	case json.Number:
		return &node{kind: kNumber, num: t}, nil
	case string:
		return &node{kind: kString, str: t}, nil
	case json.Delim:
		if depth >= maxDepth {
			return nil, fmt.Errorf("arrays and objects nested more than %d deep", maxDepth)
		}
		switch t {
		case '[':
			n := &node{kind: kArray}
			for dec.More() {
				v, err := parseNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '{':
			n := &node{kind: kObject}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, _ := kt.(string)
				v, err := parseNode(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, key)
				n.vals = append(n.vals, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// checkShape checks that n can be decoded into a value of type t, exactly:
// known fields only, no duplicates, right JSON types, integers where t is
// an integer type, finite numbers.
func checkShape(n *node, t reflect.Type, path string, issues *issueList) {
	if t.Kind() == reflect.Pointer {
		if n.kind == kNull {
			return
		}
		t = t.Elem()
	}
	want := func(what string) {
		issues.errorf(path, "must be %s, got %s", what, describe(n))
	}
	switch t.Kind() {
	case reflect.String:
		if n.kind != kString {
			want("a string")
		}
	case reflect.Bool:
		if n.kind != kBool {
			want("true or false")
		}
	case reflect.Float64:
		if n.kind != kNumber {
			want("a number")
			return
		}
		f, err := strconv.ParseFloat(n.num.String(), 64)
		if err != nil || math.IsInf(f, 0) {
			issues.errorf(path, "number %s is out of range", n.num)
		}
	case reflect.Int:
		if n.kind != kNumber {
			want("an integer")
			return
		}
		f, err := strconv.ParseFloat(n.num.String(), 64)
		if err == nil && f != math.Trunc(f) {
			issues.errorf(path, "must be an integer, got %s", n.num)
			return
		}
		if err != nil || math.Abs(f) > math.MaxInt32 {
			issues.errorf(path, "integer %s is out of range", n.num)
			return
		}
	case reflect.Slice:
		if n.kind != kArray {
			want("an array")
			return
		}
		for i, v := range n.vals {
			checkShape(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i), issues)
		}
	case reflect.Map:
		if n.kind != kObject {
			want("an object")
			return
		}
		seen := map[string]bool{}
		for i, k := range n.keys {
			p := joinPath(path, k)
			if seen[k] {
				issues.errorf(p, "duplicate key")
				continue
			}
			seen[k] = true
			checkShape(n.vals[i], t.Elem(), p, issues)
		}
	case reflect.Struct:
		if n.kind != kObject {
			want("an object")
			return
		}
		fields := jsonFields(t)
		seen := map[string]bool{}
		for i, k := range n.keys {
			p := joinPath(path, k)
			if seen[k] {
				issues.errorf(p, "duplicate key")
				continue
			}
			seen[k] = true
			ft, ok := fields[k]
			if !ok && notYet[t][k] != "" {
				issues.errorf(p, "%s", notYet[t][k])
				continue
			}
			if !ok {
				msg := "unknown field"
				if s := suggest(k, fields); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				issues.errorf(p, "%s", msg)
				continue
			}
			checkShape(n.vals[i], ft, p, issues)
		}
		for _, k := range required[t] {
			if !seen[k] {
				issues.errorf(joinPath(path, k), "missing required field")
			}
		}
	}
}

func describe(n *node) string {
	switch n.kind {
	case kString:
		return fmt.Sprintf("string %q", n.str)
	case kNumber:
		return n.num.String()
	case kBool:
		if n.str == "true" {
			return "true"
		}
		return "false"
	}
	return n.kindName()
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// suggest returns the known field closest to k, if it is close enough to be a typo.
func suggest(k string, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	return closest(k, names)
}

// closest returns the name closest to k (edit distance, k compared in
// lower case) if it is close enough to be a typo of it, else "": at most 2
// edits (3 for names longer than 8), and at most 1 for names of up to 4
// characters, so that short codes ("ic", "iot") are not taken for each
// other. Ties go to the name first in byte order; k itself is never
// suggested.
func closest(k string, names []string) string {
	names = append([]string{}, names...)
	sort.Strings(names)
	best, bestD := "", 1<<30
	for _, n := range names {
		if n == k {
			continue
		}
		if d := editDistance(strings.ToLower(k), n); d < bestD {
			best, bestD = n, d
		}
	}
	switch {
	case len(k) <= 4 && bestD <= 1, len(k) > 4 && bestD <= 2, len(k) > 8 && bestD <= 3:
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of adjacent bytes ("nmae",
// "dispaly") each count 1.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// decode stores n in v. n has passed checkShape for v's type, so every
// value fits: integers may be written 2.0 or 1e3, as spreadsheets export
// them.
func decode(n *node, v reflect.Value) {
	if v.Kind() == reflect.Pointer {
		if n.kind == kNull {
			return
		}
		p := reflect.New(v.Type().Elem())
		decode(n, p.Elem())
		v.Set(p)
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(n.str)
	case reflect.Bool:
		v.SetBool(n.str == "true")
	case reflect.Float64:
		f, _ := strconv.ParseFloat(n.num.String(), 64)
		v.SetFloat(f)
	case reflect.Int:
		f, _ := strconv.ParseFloat(n.num.String(), 64)
		v.SetInt(int64(f))
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), len(n.vals), len(n.vals))
		for i, e := range n.vals {
			decode(e, s.Index(i))
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMapWithSize(v.Type(), len(n.keys))
		for i, k := range n.keys {
			e := reflect.New(v.Type().Elem()).Elem()
			decode(n.vals[i], e)
			m.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.Struct:
		fields := map[string]int{}
		for i := 0; i < v.NumField(); i++ {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			fields[name] = i
		}
		for i, k := range n.keys {
			decode(n.vals[i], v.Field(fields[k]))
		}
	}
}
