package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// The bundled instances, relative to this package directory (go test runs
// in it).
const (
	tinyPath       = "../../instances/tiny.json"
	jiangsuPath    = "../../instances/jiangsu-electronics.json"
	infeasiblePath = "../../instances/infeasible-target.json"
)

// result is one CLI run.
type result struct {
	code           int
	stdout, stderr string
}

// String describes the run for failure messages.
func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout:\n" + r.stdout + "\n--- stderr:\n" + r.stderr
}

// ofdi runs the CLI in-process with args (without the program name).
func ofdi(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"ofdi"}, args...), &stdout, &stderr)
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// wantCode fails the test unless r exited with code.
func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("want exit %d, got %s", code, r)
	}
}

// wantContains fails the test unless s contains every one of subs.
func wantContains(t *testing.T, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%s does not contain %q:\n%s", what, sub, s)
		}
	}
}

// decodePlan decodes a plan JSON strictly: every field must be one of
// model.Plan's, and nothing may follow the object.
func decodePlan(t *testing.T, data []byte) *model.Plan {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p model.Plan
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("output is not a plan JSON: %v\n%s", err, data)
	}
	if dec.More() {
		t.Fatalf("data after the plan JSON:\n%s", data)
	}
	return &p
}

// readJSON decodes the JSON file at path into a generic value.
func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// writeJSON writes v as JSON to name in dir and returns the path.
func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, dir, name, data)
}

// writeFile writes data to name in dir and returns the path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// mutateInstance writes a copy of the instance at src, changed by edit, to
// a temporary directory and returns its path.
func mutateInstance(t *testing.T, src string, edit func(inst map[string]any)) string {
	t.Helper()
	inst := readJSON(t, src)
	edit(inst)
	return writeJSON(t, t.TempDir(), "instance.json", inst)
}

// item returns element i of the list under key of obj.
func item(obj map[string]any, key string, i int) map[string]any {
	return obj[key].([]any)[i].(map[string]any)
}

// hashFile returns the SHA-256 of the file at path.
func hashFile(t *testing.T, path string) [32]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// dirNames lists the names in dir, sorted.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// solvedTinyPlan solves tiny.json with --format json -o and returns the
// path of the plan file.
func solvedTinyPlan(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(dir, "plan.json")
	wantCode(t, ofdi(t, "solve", tinyPath, "--format", "json", "-q", "-o", out), exitOK)
	return out
}
