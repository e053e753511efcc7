package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// step is one field of a path with the list selectors that follow it
// (firms[3] is the field "firms" with the selector "3").
type step struct {
	key  string
	sels []string
}

// parsePath splits a JSON path: fields separated by ".", list elements
// selected by index or id in brackets.
func parsePath(p string) ([]step, error) {
	var out []step
	for _, part := range strings.Split(p, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key == "" {
			return nil, fmt.Errorf("empty field name")
		}
		st := step{key: key}
		if rest != "" {
			rest = "[" + rest
			for rest != "" {
				if rest[0] != '[' {
					return nil, fmt.Errorf("unexpected %q after a selector", rest)
				}
				sel, tail, ok := strings.Cut(rest[1:], "]")
				if !ok || sel == "" {
					return nil, fmt.Errorf("a selector [INDEX] or [ID] is not closed or empty")
				}
				st.sels = append(st.sels, sel)
				rest = tail
			}
		}
		out = append(out, st)
	}
	if len(out[len(out)-1].sels) > 0 {
		return nil, fmt.Errorf("must end at a field, not a list element")
	}
	return out, nil
}

// setJSON sets the value at path in doc (a JSON object) and returns the new
// document. Missing objects on the way are created (a later strict load
// rejects fields that do not exist); list elements are selected by index
// or by their "id".
func setJSON(doc []byte, path string, value json.RawMessage) ([]byte, error) {
	steps, err := parsePath(path)
	if err != nil {
		return nil, err
	}
	var root any
	if err := decodeNumbers(doc, &root); err != nil {
		return nil, err
	}
	var v any
	if err := decodeNumbers(value, &v); err != nil {
		return nil, err
	}
	cur := root
	for i, st := range steps {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", pathPrefix(steps, i))
		}
		if i == len(steps)-1 {
			obj[st.key] = v
			break
		}
		next, ok := obj[st.key]
		if !ok || next == nil {
			if len(st.sels) > 0 {
				return nil, fmt.Errorf("%s: no such list", pathPrefix(steps, i+1))
			}
			next = map[string]any{}
			obj[st.key] = next
		}
		for j, sel := range st.sels {
			next, err = selectElem(next, sel)
			if err != nil {
				return nil, fmt.Errorf("%s[%s]: %v", pathPrefix(steps, i)+st.key+strings.Join(bracket(st.sels[:j]), ""), sel, err)
			}
		}
		cur = next
	}
	return json.Marshal(root)
}

func selectElem(v any, sel string) (any, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, errors.New("not a list")
	}
	if i, err := strconv.Atoi(sel); err == nil {
		if i < 0 || i >= len(arr) {
			return nil, fmt.Errorf("index out of range (the list has %d elements)", len(arr))
		}
		return arr[i], nil
	}
	for _, e := range arr {
		if m, ok := e.(map[string]any); ok && m["id"] == sel {
			return e, nil
		}
	}
	return nil, fmt.Errorf("no element with id %q", sel)
}

func pathPrefix(steps []step, n int) string {
	var b strings.Builder
	for _, st := range steps[:n] {
		b.WriteString(st.key)
		b.WriteString(strings.Join(bracket(st.sels), ""))
		b.WriteString(".")
	}
	return b.String()
}

func bracket(sels []string) []string {
	out := make([]string, len(sels))
	for i, s := range sels {
		out[i] = "[" + s + "]"
	}
	return out
}

func decodeNumbers(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}
