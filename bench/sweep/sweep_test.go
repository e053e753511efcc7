package sweep

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

func TestParseSetting(t *testing.T) {
	tests := []struct {
		arg  string
		path string
		want string // values joined by " "
		err  string
	}{
		{"policy.credit_line=0,500,1000", "policy.credit_line", "0 500 1000", ""},
		{"policy.subsidy.joint_rnd=0:0.3:0.1", "policy.subsidy.joint_rnd", "0 0.1 0.2 0.3", ""},
		{"objective.market_power_target=100:0:-50", "objective.market_power_target", "100 50 0", ""},
		{"x=1e3, 2", "x", "1000 2", ""},
		{"firms[f01].role=sme,large", "firms[f01].role", `"sme" "large"`, ""},
		{"policy.credit_line", "", "", "want PATH=VALUES"},
		{"policy.credit_line=1,,2", "", "", "empty value"},
		{"policy.credit_line=1,1", "", "", "given twice"},
		{"policy.credit_line=0:10:0", "", "", "step must be non-zero"},
		{"policy.credit_line=0:10:-1", "", "", "step must be non-zero"},
		{"policy.credit_line=0:1e9:1", "", "", "more than"},
		{"firms[0]=1", "", "", "must end at a field"},
		{"firms[0.capital=1", "", "", "not closed"},
		{".x=1", "", "", "empty field name"},
	}
	for _, tc := range tests {
		s, err := ParseSetting(tc.arg)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrSetting) {
				t.Errorf("%s: error %v, want one containing %q", tc.arg, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.arg, err)
			continue
		}
		var vals []string
		for _, v := range s.Values {
			vals = append(vals, string(v))
		}
		if s.Path != tc.path || strings.Join(vals, " ") != tc.want {
			t.Errorf("%s: got %s = %v, want %s = %s", tc.arg, s.Path, vals, tc.path, tc.want)
		}
	}
}

func TestSetJSON(t *testing.T) {
	doc := []byte(`{"policy":{"credit_line":5},"firms":[{"id":"a","capital":1},{"id":"b","capital":2}]}`)
	tests := []struct {
		path, value, want, err string
	}{
		{"policy.credit_line", "7", `"credit_line":7`, ""},
		{"policy.subsidy.joint_rnd", "0.2", `"subsidy":{"joint_rnd":0.2}`, ""},
		{"firms[1].capital", "9", `{"capital":9,"id":"b"}`, ""},
		{"firms[a].capital", "9", `{"capital":9,"id":"a"}`, ""},
		{"objective.learning_value", "3", `"objective":{"learning_value":3}`, ""},
		{"firms[7].capital", "9", "", "index out of range"},
		{"firms[zz].capital", "9", "", `no element with id "zz"`},
		{"policy.credit_line.x", "9", "", "is not an object"},
		{"markets[0].info_cost", "1", "", "no such list"},
	}
	for _, tc := range tests {
		got, err := setJSON(doc, tc.path, json.RawMessage(tc.value))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.path, err, tc.err)
			}
			continue
		}
		if err != nil || !strings.Contains(string(got), tc.want) {
			t.Errorf("%s: got %s (%v), want it to contain %s", tc.path, got, err, tc.want)
		}
	}
}

func tiny(t *testing.T) *model.Instance {
	t.Helper()
	inst, err := model.LoadFile("../../instances/tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func mustSetting(t *testing.T, arg string) Setting {
	t.Helper()
	s, err := ParseSetting(arg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGridOrder: instances outermost, then the settings as given, the last
// fastest; keys differ between cells and depend on flags and version.
func TestGridOrder(t *testing.T) {
	a, b := tiny(t), tiny(t)
	b.Name = "tiny2"
	spec := Spec{
		Inputs:   []Input{{"a", a}, {"b", b}},
		Settings: []Setting{mustSetting(t, "policy.credit_line=0,40,80"), mustSetting(t, "policy.subsidy.joint_rnd=0,0.2")},
		Flags:    Flags{Methods: []string{"cluster"}, TimeLimit: "1m0s"},
	}
	g, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Cells) != 12 {
		t.Fatalf("%d cells, want 12", len(g.Cells))
	}
	want := []string{"tiny policy.credit_line=0 policy.subsidy.joint_rnd=0", "tiny policy.credit_line=0 policy.subsidy.joint_rnd=0.2",
		"tiny policy.credit_line=40 policy.subsidy.joint_rnd=0"}
	for i, w := range want {
		if got := g.Label(g.Cells[i]); got != w {
			t.Errorf("cell %d: %s, want %s", i, got, w)
		}
	}
	if got := g.Label(g.Cells[6]); got != "tiny2 policy.credit_line=0 policy.subsidy.joint_rnd=0" {
		t.Errorf("cell 6: %s", got)
	}
	keys := map[string]bool{}
	for _, c := range g.Cells {
		keys[c.Key] = true
	}
	if len(keys) != 12 {
		t.Errorf("%d distinct keys, want 12", len(keys))
	}
	spec.Version = "other"
	g2, err := New(spec)
	if err != nil {
		t.Fatal(err)
	}
	if g2.Cells[0].Key == g.Cells[0].Key {
		t.Error("the key does not depend on the version")
	}
	// Without warm starts every cell is its own chain; with them, the
	// chains are the rows of the last setting within a shard.
	if ch := g.chains(Shard{0, 1}); len(ch) != 12 {
		t.Errorf("cold: %d chains, want 12", len(ch))
	}
	g.Spec.Flags.Warm = true
	ch := g.chains(Shard{0, 1})
	if len(ch) != 6 || len(ch[0]) != 2 {
		t.Errorf("unsharded: %d chains of %d, want 6 of 2", len(ch), len(ch[0]))
	}
	for _, c := range g.chains(Shard{1, 3})[0] {
		if c.Index%3 != 1 {
			t.Errorf("shard 1/3 holds cell %d", c.Index)
		}
	}
}

// TestGridRefusesBadCells: a value that makes an instance invalid is
// refused before any solve, naming the path.
func TestGridRefusesBadCells(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"policy.credit_line=0,-5", "policy.credit_line: must be >= 0, got -5"},
		{"policy.cvar_alpha=0.5,1", "policy.cvar_alpha: must be in [0,1), got 1"},
		{"policy.credit_lin=1", `policy.credit_lin: unknown field (did you mean "credit_line"?)`},
		{"policy.credit_line=abc", `policy.credit_line: must be a number, got string "abc"`},
		{"firms[nobody].capital=1", `firms[nobody]: no element with id "nobody"`},
	} {
		_, err := New(Spec{Inputs: []Input{{"t", tiny(t)}}, Settings: []Setting{mustSetting(t, tc.set)}, Flags: Flags{Methods: []string{"cluster"}, TimeLimit: "0s"}})
		if err == nil || !errors.Is(err, ErrGrid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.set, err, tc.want)
		}
	}
}

func TestShard(t *testing.T) {
	for _, s := range []string{"0/1", "2/3"} {
		if _, err := ParseShard(s); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"3/3", "-1/2", "1", "a/b", "0/0"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
}
