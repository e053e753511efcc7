package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExplainCLI: explain's text and JSON on the tiny instance's plan say
// the same things (the library's figures are checked against independent
// computations in package solver), and bad uses exit 2.
func TestExplainCLI(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.json")
	if r := ofdi(t, "solve", tinyPath, "-f", "json", "-o", plan, "-q"); r.code != 0 {
		t.Fatal(r)
	}
	txt := ofdi(t, "explain", tinyPath, plan, "-q")
	if txt.code != 0 {
		t.Fatal(txt)
	}
	for _, want := range []string{
		"Z decomposition", "= Z", "-97", "money value W", // tiny.md: Z = -97
		"ne_vn vn   non_equity    forcing it in costs +13 (exact; best Z with it -84)",
		"gf_vn vn   greenfield    never fundable: eligible firms together can hold at most 91%",
		"sme2", "projects",
	} {
		if !strings.Contains(txt.stdout, want) {
			t.Errorf("text output lacks %q:\n%s", want, txt.stdout)
		}
	}
	js := ofdi(t, "explain", tinyPath, plan, "-q", "--format", "json", "--levers", "--steps", "1")
	if js.code != 0 {
		t.Fatal(js)
	}
	var out struct {
		Explain struct {
			Decomposition map[string]float64
			LeftOut       []struct {
				ID     string
				Static []string
				Forced *struct {
					Status   string
					CostHigh float64 `json:"cost_high"`
				}
			} `json:"left_out"`
		}
		Levers struct {
			Levers []struct {
				Name   string
				Points []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, js.stdout)
	}
	if out.Explain.Decomposition["z"] != -97 || len(out.Explain.LeftOut) != 2 || out.Explain.LeftOut[0].Forced == nil ||
		out.Explain.LeftOut[0].Forced.CostHigh != 13 || len(out.Explain.LeftOut[1].Static) == 0 {
		t.Errorf("JSON disagrees with the text: %+v", out.Explain)
	}
	if len(out.Levers.Levers) == 0 || len(out.Levers.Levers[0].Points) != 2 {
		t.Errorf("levers: %+v", out.Levers)
	}
	base := filepath.Join(dir, "base.json")
	if r := ofdi(t, "solve", tinyPath, "--method", "independent", "-f", "json", "-o", base, "-q"); r.code != 0 {
		t.Fatal(r)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"instance":"tiny"`), 0o644)
	for _, args := range [][]string{
		{"explain", tinyPath},                       // no plan, no --levers
		{"explain", tinyPath, base},                 // a baseline plan
		{"explain", tinyPath, bad},                  // not a plan
		{"explain", tinyPath, plan, "--steps", "0"}, // bad flag value
		{"report", tinyPath, "--per-solve", "0s"},
	} {
		if r := ofdi(t, args...); r.code != exitBadInput {
			t.Errorf("%v: want exit 2, got %v", args, r)
		}
	}
}
