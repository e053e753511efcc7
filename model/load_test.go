package model_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// minimal is a small valid instance, one field per line where the tests
// below edit it.
const minimal = `{
  "name": "mini",
  "scenarios": [{"id": "base", "probability": 1}],
  "markets": [{"id": "de", "info_cost": 4, "dissipation": 25, "capacity": {"display": 2}}],
  "firms": [{
    "id": "f1",
    "role": "large",
    "pioneer": true,
    "capital": 100,
    "risk_limit": 50,
    "segments": ["display"],
    "knowledge": {"default": 0.8},
    "max_projects": 2
  }],
  "opportunities": [{
    "id": "p1", "market": "de", "segment": "display", "mode": "acquisition",
    "cost": 90, "npv": 10, "market_power": 1, "knowledge_required": 0.5,
    "min_partners": 1, "max_partners": 3, "loss": {"base": 0.1}
  }],
  "policy": {"credit_line": 10, "credit_per_firm": 0.5, "cvar_alpha": 0.9},
  "rules": {"min_stake": 0.05},
  "objective": {"market_power_value": 2}
}`

// edit returns minimal with each old replaced by the following new (exactly
// once each); it panics when old does not occur, so that a test cannot
// silently test the unedited instance.
func edit(pairs ...string) string {
	s := minimal
	for i := 0; i < len(pairs); i += 2 {
		if strings.Count(s, pairs[i]) != 1 {
			panic("edit: " + pairs[i] + " does not occur exactly once in minimal")
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// parseIssues parses data and returns the issues of the error, failing t if
// the error is not a *ValidationError wrapping ErrInvalid.
func parseIssues(t *testing.T, data []byte) []model.Issue {
	t.Helper()
	inst, err := model.Parse(data)
	if err == nil {
		t.Fatalf("Parse succeeded (%+v), want an error", inst)
	}
	if inst != nil {
		t.Errorf("Parse returned an instance with the error %v", err)
	}
	if !errors.Is(err, model.ErrInvalid) {
		t.Errorf("error %v does not wrap ErrInvalid", err)
	}
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("error %T %v is not a *ValidationError", err, err)
	}
	return ve.Issues
}

func TestParseValid(t *testing.T) {
	inst, err := model.Parse([]byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	if inst.Name != "mini" || len(inst.Scenarios) != 1 || len(inst.Markets) != 1 ||
		len(inst.Firms) != 1 || len(inst.Opportunities) != 1 {
		t.Fatalf("decoded %+v", inst)
	}
	f := inst.Firms[0]
	if f.Role != model.Large || !f.Pioneer || f.Capital != 100 || f.RiskLimit != 50 ||
		f.MaxProjects == nil || *f.MaxProjects != 2 || f.KnowledgeOf("de") != 0.8 {
		t.Errorf("firm decoded as %+v", f)
	}
	o := inst.Opportunities[0]
	if o.MinPartnersOr() != 1 || o.MaxPartners == nil || *o.MaxPartners != 3 || o.Loss["base"] != 0.1 {
		t.Errorf("opportunity decoded as %+v", o)
	}
	if inst.Markets[0].Cap("display") != 2 || inst.Markets[0].Cap("ic") != 1 {
		t.Errorf("capacity decoded as %v", inst.Markets[0].Capacity)
	}
	if inst.Policy.Alpha() != 0.9 || inst.Rules.MinStakeOr() != 0.05 || inst.Rules.LeadMinStakeOr() != 0.5 {
		t.Errorf("policy/rules decoded as %+v %+v", inst.Policy, inst.Rules)
	}
	if errs := model.Errors(model.Validate(inst)); len(errs) > 0 {
		t.Errorf("minimal is not valid: %v", issueStrings(errs))
	}

	// Optional pointer fields accept null and mean "default".
	inst, err = model.Parse([]byte(edit(`"max_projects": 2`, `"max_projects": null`,
		`"cvar_alpha": 0.9`, `"cvar_alpha": null`, `"min_stake": 0.05`, `"min_stake": null`)))
	if err != nil {
		t.Fatal(err)
	}
	if inst.Firms[0].MaxProjects != nil || inst.Policy.CVaRAlpha != nil || inst.Rules.MinStake != nil {
		t.Errorf("null pointers decoded as %+v %+v %+v", inst.Firms[0].MaxProjects, inst.Policy.CVaRAlpha, inst.Rules.MinStake)
	}

	// Optional sections may be absent; name is not required by Parse.
	inst, err = model.Parse([]byte(`{"scenarios": [], "markets": [], "firms": [], "opportunities": []}`))
	if err != nil {
		t.Fatal(err)
	}
	if inst.Name != "" || inst.Policy.Alpha() != 0.9 {
		t.Errorf("bare instance decoded as %+v", inst)
	}

	// Whitespace around the object is fine.
	if _, err := model.Parse([]byte("\n\t " + minimal + "\n\n")); err != nil {
		t.Errorf("surrounding whitespace: %v", err)
	}
}

// Spreadsheet and pandas exports write integers as 2.0 or 1e0, and some
// editors start files with a byte order mark: both are accepted.
func TestParseLenient(t *testing.T) {
	edit := func(old, new string) string {
		if !strings.Contains(minimal, old) {
			t.Fatalf("minimal instance has no %q", old)
		}
		return strings.Replace(minimal, old, new, 1)
	}
	for _, tc := range []struct {
		name, input string
		check       func(*model.Instance) bool
	}{
		{"byte order mark", "\xef\xbb\xbf" + minimal, func(in *model.Instance) bool { return in.Name == "mini" }},
		{"integer written 2.0", edit(`"max_projects": 2`, `"max_projects": 2.0`), func(in *model.Instance) bool { return *in.Firms[0].MaxProjects == 2 }},
		{"integer written 1e0", edit(`"min_partners": 1`, `"min_partners": 1e0`), func(in *model.Instance) bool { return *in.Opportunities[0].MinPartners == 1 }},
		{"integer written 3e1", edit(`"max_projects": 2`, `"max_projects": 3e1`), func(in *model.Instance) bool { return *in.Firms[0].MaxProjects == 30 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := model.Parse([]byte(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(in) {
				t.Fatalf("decoded wrongly: %+v", in)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	truncated := minimal[:len(minimal)/2]
	lines := strings.Count(minimal, "\n") + 1
	tests := []struct {
		name string
		in   string
		want []string
	}{
		// Syntax.
		{"not JSON", "hello", []string{
			"not valid JSON at line 1, column 1: invalid character 'h' looking for beginning of value"}},
		{"empty", "", []string{"empty input: want a JSON object describing an instance"}},
		{"whitespace only", " \n\t\r\n ", []string{"empty input: want a JSON object describing an instance"}},
		{"truncated half", truncated, []string{"not valid JSON: unexpected end of input (truncated file?)"}},
		{"truncated open brace", "{", []string{"not valid JSON: unexpected end of input (truncated file?)"}},
		{"truncated after colon", `{"name":`, []string{"not valid JSON: unexpected end of input (truncated file?)"}},
		{"truncated literal", `{"name": nul`, []string{"not valid JSON: unexpected end of input (truncated file?)"}},
		{"bad value mid-line", `{"a": x}`, []string{
			"not valid JSON at line 1, column 7: invalid character 'x' looking for beginning of value"}},
		{"bad value on line 3", "{\n  \"a\": 1,\n  \"b\": x\n}", []string{
			"not valid JSON at line 3, column 8: invalid character 'x' looking for beginning of value"}},
		{"missing comma", "{\n\"a\": 1\n\"b\": 2}", []string{
			"not valid JSON at line 3, column 1: invalid character '\"' after object key:value pair"}},
		{"trailing comma", `{"a": 1,}`, []string{
			"not valid JSON at line 1, column 9: invalid character '}' looking for beginning of object key string"}},
		{"array missing comma", `{"a": [1 2]}`, []string{
			"not valid JSON at line 1, column 10: invalid character '2' after array element"}},
		{"single quotes", `{'a': 1}`, []string{
			"not valid JSON at line 1, column 2: invalid character '\\'' looking for beginning of object key string"}},

		// Top level.
		{"top level array", `[{"name": "x"}]`, []string{"top level must be a JSON object, got an array"}},
		{"top level number", `42`, []string{"top level must be a JSON object, got a number"}},
		{"top level string", `"instance.json"`, []string{"top level must be a JSON object, got a string"}},
		{"top level null", `null`, []string{"top level must be a JSON object, got null"}},
		{"top level bool", `true`, []string{"top level must be a JSON object, got a boolean"}},
		{"trailing garbage", minimal + "\nxyz", []string{
			"not valid JSON at line " + strconv.Itoa(lines+1) + ", column 1: unexpected data after the top-level value"}},
		{"second object", `{} {}`, []string{
			"not valid JSON at line 1, column 4: unexpected data after the top-level value"}},
		{"extra closing brace", `{}}`, []string{
			"not valid JSON at line 1, column 3: unexpected data after the top-level value"}},

		// Unknown fields.
		{"unknown top-level field", edit(`"name": "mini"`, `"nmae": "mini"`), []string{
			`nmae: unknown field (did you mean "name"?)`}},
		{"unknown nested field", edit(`"capital": 100`, `"captial": 100`), []string{
			`firms[0].captial: unknown field (did you mean "capital"?)`,
			`firms[0].capital: missing required field`}},
		{"unknown field, wrong case", edit(`"capital": 100`, `"Capital": 100`), []string{
			`firms[0].Capital: unknown field (did you mean "capital"?)`,
			`firms[0].capital: missing required field`}},
		{"unknown field, long typo", edit(`"knowledge_required"`, `"knowlege_requird"`), []string{
			`opportunities[0].knowlege_requird: unknown field (did you mean "knowledge_required"?)`}},
		{"unknown field, no suggestion", edit(`"pioneer": true`, `"pioneer": true, "headquarters": "Suzhou"`), []string{
			`firms[0].headquarters: unknown field`}},
		{"unknown field in policy", edit(`"credit_line": 10`, `"credit_lines": 10`), []string{
			`policy.credit_lines: unknown field (did you mean "credit_line"?)`}},
		{"unknown field in a mode rule", edit(`"rules": {"min_stake": 0.05}`,
			`"rules": {"modes": {"acquisition": {"roles": ["large"], "leader": "large"}}}`), []string{
			`rules.modes.acquisition.leader: unknown field (did you mean "lead"?)`}},

		// Multi-period fields: shape errors with their paths.
		{"horizon without periods", edit(`"name": "mini"`, `"name": "mini", "horizon": {"discount": 0.9}`), []string{
			`horizon.periods: missing required field`}},
		{"horizon periods not an integer", edit(`"name": "mini"`, `"name": "mini", "horizon": {"periods": 2.5}`), []string{
			`horizon.periods: must be an integer, got 2.5`}},
		{"horizon learning typo", edit(`"name": "mini"`, `"name": "mini", "horizon": {"periods": 2, "learning": {"by_doin": 0.1}}`), []string{
			`horizon.learning.by_doin: unknown field (did you mean "by_doing"?)`}},
		{"opportunity periods not a list", edit(`"knowledge_required"`, `"periods": 2, "knowledge_required"`), []string{
			`opportunities[0].periods: must be an array, got 2`}},
		{"opportunity period not an integer", edit(`"knowledge_required"`, `"periods": [1, "2"], "knowledge_required"`), []string{
			`opportunities[0].periods[1]: must be an integer, got string "2"`}},

		// Duplicate keys.
		{"duplicate key", edit(`"capital": 100`, `"capital": 100, "capital": 200`), []string{
			`firms[0].capital: duplicate key`}},
		{"duplicate top-level key", edit(`"name": "mini"`, `"name": "mini", "name": "maxi"`), []string{
			`name: duplicate key`}},
		{"duplicate map key", edit(`{"default": 0.8}`, `{"default": 0.8, "default": 0.9}`), []string{
			`firms[0].knowledge.default: duplicate key`}},

		// Wrong types.
		{"string for number", edit(`"capital": 100`, `"capital": "100"`), []string{
			`firms[0].capital: must be a number, got string "100"`}},
		{"number for string", edit(`"role": "large"`, `"role": 1`), []string{
			`firms[0].role: must be a string, got 1`}},
		{"string for bool", edit(`"pioneer": true`, `"pioneer": "yes"`), []string{
			`firms[0].pioneer: must be true or false, got string "yes"`}},
		{"string for array", edit(`"segments": ["display"]`, `"segments": "display"`), []string{
			`firms[0].segments: must be an array, got string "display"`}},
		{"array for map", edit(`"knowledge": {"default": 0.8}`, `"knowledge": [0.8]`), []string{
			`firms[0].knowledge: must be an object, got an array`}},
		{"number for struct", edit(`"policy": {"credit_line": 10, "credit_per_firm": 0.5, "cvar_alpha": 0.9}`, `"policy": 3`), []string{
			`policy: must be an object, got 3`}},
		{"object for list", edit(`"scenarios": [{"id": "base", "probability": 1}]`, `"scenarios": {"id": "base", "probability": 1}`), []string{
			`scenarios: must be an array, got an object`}},
		{"bool for number in list", edit(`"segments": ["display"]`, `"segments": ["display", false]`), []string{
			`firms[0].segments[1]: must be a string, got false`}},
		{"string in map of numbers", edit(`"loss": {"base": 0.1}`, `"loss": {"base": "10%"}`), []string{
			`opportunities[0].loss.base: must be a number, got string "10%"`}},

		// Integers.
		{"fraction for integer in map", edit(`{"display": 2}`, `{"display": 1.5}`), []string{
			`markets[0].capacity.display: must be an integer, got 1.5`}},
		{"fraction for integer", edit(`"max_projects": 2`, `"max_projects": 2.5`), []string{
			`firms[0].max_projects: must be an integer, got 2.5`}},
		{"string for integer", edit(`"max_projects": 2`, `"max_projects": "2"`), []string{
			`firms[0].max_projects: must be an integer, got string "2"`}},
		{"integer beyond int32", edit(`"max_projects": 2`, `"max_projects": 3000000000`), []string{
			`firms[0].max_projects: integer 3000000000 is out of range`}},
		{"integer 1e400", edit(`"max_projects": 2`, `"max_projects": 1e400`), []string{
			`firms[0].max_projects: integer 1e400 is out of range`}},

		// Numbers out of float64 range.
		{"huge number", edit(`"capital": 100`, `"capital": 1e400`), []string{
			`firms[0].capital: number 1e400 is out of range`}},
		{"huge negative number", edit(`"npv": 10`, `"npv": -1e400`), []string{
			`opportunities[0].npv: number -1e400 is out of range`}},

		// Missing required fields.
		{"missing role", edit(`"role": "large",`, ``), []string{`firms[0].role: missing required field`}},
		{"missing id and cost", edit(`"id": "p1", `, ``, `"cost": 90, `, ``), []string{
			`opportunities[0].id: missing required field`, `opportunities[0].cost: missing required field`}},
		{"missing top-level list", edit(`"scenarios": [{"id": "base", "probability": 1}],`, ``), []string{
			`scenarios: missing required field`}},
		{"missing mode roles", edit(`"rules": {"min_stake": 0.05}`, `"rules": {"modes": {"greenfield": {"lead": "large"}}}`), []string{
			`rules.modes.greenfield.roles: missing required field`}},
		{"empty object", `{}`, []string{
			`scenarios: missing required field`, `markets: missing required field`,
			`firms: missing required field`, `opportunities: missing required field`}},

		// null where a value is required.
		{"null number", edit(`"capital": 100`, `"capital": null`), []string{
			`firms[0].capital: must be a number, got null`}},
		{"null string", edit(`"role": "large"`, `"role": null`), []string{
			`firms[0].role: must be a string, got null`}},
		{"null list", edit(`"segments": ["display"]`, `"segments": null`), []string{
			`firms[0].segments: must be an array, got null`}},
		{"null map", edit(`"knowledge": {"default": 0.8}`, `"knowledge": null`), []string{
			`firms[0].knowledge: must be an object, got null`}},
		{"null section", edit(`"objective": {"market_power_value": 2}`, `"objective": null`), []string{
			`objective: must be an object, got null`}},

		// Many problems at once: every one is reported, in document order,
		// with the missing fields of an object after its other problems.
		{"multiple problems", edit(
			`"name": "mini"`, `"name": 7`,
			`"probability": 1`, `"probability": "1"`,
			`{"display": 2}`, `{"display": 2.5}`,
			`"role": "large",`, ``,
			`"pioneer": true`, `"pioneer": true, "pionner": false`,
			`"cost": 90`, `"cost": 1e999`,
			`"max_partners": 3`, `"max_partners": 3, "max_partners": 4`,
			`"credit_line": 10`, `"credit_line": [10]`,
		), []string{
			`name: must be a string, got 7`,
			`scenarios[0].probability: must be a number, got string "1"`,
			`markets[0].capacity.display: must be an integer, got 2.5`,
			`firms[0].pionner: unknown field (did you mean "pioneer"?)`,
			`firms[0].role: missing required field`,
			`opportunities[0].cost: number 1e999 is out of range`,
			`opportunities[0].max_partners: duplicate key`,
			`policy.credit_line: must be a number, got an array`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantIssues(t, "issues", parseIssues(t, []byte(tc.in)), tc.want)
		})
	}
}

// TestParseDeepNesting: a deeply nested document is refused with an error,
// not a fatal stack overflow (which no caller could recover from).
func TestParseDeepNesting(t *testing.T) {
	const depth = 1 << 20
	data := append(bytes.Repeat([]byte("["), depth), bytes.Repeat([]byte("]"), depth)...)
	data = append(append([]byte(`{"scenarios": `), data...), '}')
	is := parseIssues(t, data)
	wantIssues(t, "issues", is, []string{
		"not valid JSON at line 1, column 10014: arrays and objects nested more than 10000 deep"})

	// Moderate nesting in the wrong place is a type error, not a crash.
	data = []byte(`{"name": [[[[[[[[[[{}]]]]]]]]]]}`)
	_, err := model.Parse(data)
	if err == nil || !strings.Contains(err.Error(), "name: must be a string, got an array") {
		t.Errorf("nested array for name: %v", err)
	}
}

func TestValidationErrorText(t *testing.T) {
	_, err := model.Parse([]byte(edit(`"capital": 100`, `"capital": "100"`)))
	if got, want := err.Error(), `invalid instance: firms[0].capital: must be a number, got string "100"`; got != want {
		t.Errorf("one issue:\n got  %q\n want %q", got, want)
	}
	_, err = model.Parse([]byte(edit(`"capital": 100`, `"capital": "100"`, `"role": "large",`, ``)))
	want := "invalid instance: 2 problems:\n  firms[0].capital: must be a number, got string \"100\"\n  firms[0].role: missing required field"
	if got := err.Error(); got != want {
		t.Errorf("two issues:\n got  %q\n want %q", got, want)
	}
	_, err = model.Parse(nil)
	if got, want := err.Error(), "invalid instance: empty input: want a JSON object describing an instance"; got != want {
		t.Errorf("no path:\n got  %q\n want %q", got, want)
	}
}

func TestLoad(t *testing.T) {
	inst, err := model.Load(strings.NewReader(minimal))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := model.Parse([]byte(minimal))
	if !reflect.DeepEqual(inst, want) {
		t.Errorf("Load and Parse differ:\n%+v\n%+v", inst, want)
	}
	if _, err := model.Load(strings.NewReader("[]")); !errors.Is(err, model.ErrInvalid) {
		t.Errorf("Load of an array: %v", err)
	}
	readErr := errors.New("disk on fire")
	if _, err := model.Load(io.MultiReader(strings.NewReader("{"), errReader{readErr})); !errors.Is(err, readErr) {
		t.Errorf("read error: got %v, want %v", err, readErr)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// skipLarge skips tests that read MaxFileSize bytes (several seconds and
// about 600 MB of memory) unless OFDI_LARGE_TESTS is set.
func skipLarge(t *testing.T) {
	t.Helper()
	if os.Getenv("OFDI_LARGE_TESTS") == "" {
		t.Skip("reads 256 MiB; set OFDI_LARGE_TESTS=1 to run")
	}
}

// TestLoadTooLarge streams MaxFileSize+1 bytes through Load, which must
// stop reading there.
func TestLoadTooLarge(t *testing.T) {
	skipLarge(t)
	_, err := model.Load(io.LimitReader(zeros{}, model.MaxFileSize+1))
	var ve *model.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	wantIssues(t, "issues", ve.Issues, []string{"input is larger than the 268435456-byte limit for an instance"})
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("checked-in instance", func(t *testing.T) {
		inst, err := model.LoadFile(filepath.Join("testdata", "small.json"))
		if err != nil {
			t.Fatal(err)
		}
		if inst.Name != "small" || len(inst.Firms) != 3 || len(inst.Opportunities) != 3 {
			t.Errorf("loaded %+v", inst)
		}
		wantIssues(t, "Validate", model.Validate(inst), nil)
	})

	t.Run("name from the file name", func(t *testing.T) {
		noName := edit(`"name": "mini",`, ``)
		inst, err := model.LoadFile(write("jiangsu-electronics.json", noName))
		if err != nil {
			t.Fatal(err)
		}
		if inst.Name != "jiangsu-electronics" {
			t.Errorf("name %q, want the base name without extension", inst.Name)
		}
		inst, err = model.LoadFile(write("cluster.v2.json", noName))
		if err != nil {
			t.Fatal(err)
		}
		if inst.Name != "cluster.v2" {
			t.Errorf("name %q, want %q", inst.Name, "cluster.v2")
		}
		inst, err = model.LoadFile(write("noext", noName))
		if err != nil {
			t.Fatal(err)
		}
		if inst.Name != "noext" {
			t.Errorf("name %q, want %q", inst.Name, "noext")
		}
		// An explicit name wins.
		inst, err = model.LoadFile(write("other.json", minimal))
		if err != nil {
			t.Fatal(err)
		}
		if inst.Name != "mini" {
			t.Errorf("name %q, want the file's own %q", inst.Name, "mini")
		}
	})

	t.Run("too large, refused before reading", func(t *testing.T) {
		p := filepath.Join(dir, "huge.json")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		// A sparse file: no data written, nothing to read.
		if err := os.Truncate(p, model.MaxFileSize+1); err != nil {
			t.Skipf("cannot create a sparse file: %v", err)
		}
		_, err = model.LoadFile(p)
		var ve *model.ValidationError
		if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
			t.Fatalf("got %v, want a *ValidationError", err)
		}
		wantIssues(t, "issues", ve.Issues, []string{
			"file is 268435457 bytes, larger than the 268435456-byte limit for an instance (is this the right file?)"})
	})

	t.Run("exactly the limit is read", func(t *testing.T) {
		skipLarge(t)
		p := filepath.Join(dir, "limit.json")
		if err := os.WriteFile(p, []byte(minimal), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(p, model.MaxFileSize); err != nil {
			t.Skipf("cannot extend the file: %v", err)
		}
		// The file is read, and the zero bytes after the object are garbage.
		_, err := model.LoadFile(p)
		if err == nil || !strings.Contains(err.Error(), "unexpected data after the top-level value") {
			t.Errorf("got %v, want the trailing-data error", err)
		}
	})

	t.Run("directory", func(t *testing.T) {
		_, err := model.LoadFile(dir)
		if err == nil || err.Error() != dir+": is a directory, want an instance JSON file" {
			t.Errorf("got %v", err)
		}
	})

	t.Run("missing file", func(t *testing.T) {
		_, err := model.LoadFile(filepath.Join(dir, "absent.json"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("got %v, want fs.ErrNotExist", err)
		}
		if errors.Is(err, model.ErrInvalid) {
			t.Errorf("a missing file is not an invalid instance: %v", err)
		}
	})

	t.Run("invalid content", func(t *testing.T) {
		_, err := model.LoadFile(write("bad.json", edit(`"capital": 100`, `"capital": "100"`)))
		if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), `firms[0].capital: must be a number, got string "100"`) {
			t.Errorf("got %v", err)
		}
	})
}
