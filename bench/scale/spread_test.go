package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestSpreads: repeated rows fold into one spread per instance and solver,
// with the median of an even count the mean of the middle two; rows run
// once make none.
func TestSpreads(t *testing.T) {
	m, _ := familyByName("M")
	row := func(inst string, seed uint64, run int, status string, obj, gap *float64) Row {
		r := Row{Family: m.Name, Shape: "tight-risk", Instance: inst, Seed: seed, Run: run, Solver: "ofdi",
			Status: status, Objective: obj, Gap: gap, FirstPlanSeconds: ptr(0.1)}
		r.Target = m.Target.judge(r)
		return r
	}
	for _, tc := range []struct {
		name string
		rows []Row
		want []Spread
	}{
		{"none repeated", []Row{row("a", 1, 0, "feasible", ptr(-10), ptr(0.02))}, nil},
		{"three runs", []Row{
			row("a", 1, 1, "feasible", ptr(-100), ptr(0.02)),
			row("a", 1, 2, "feasible", ptr(-103), ptr(0.005)),
			row("a", 1, 3, "feasible", ptr(-101), ptr(0.012)),
		}, []Spread{{Family: "M", Shape: "tight-risk", Seed: 1, Solver: "ofdi", Runs: 3, Met: 1,
			GapMin: ptr(0.005), GapMedian: ptr(0.012), GapMax: ptr(0.02), Best: ptr(-103), Worst: ptr(-100)}}},
		{"two instances, an even count, a failure, a run without a bound", []Row{
			row("a", 1, 1, "feasible", ptr(-100), ptr(0.004)),
			row("b", 2, 1, "optimal", ptr(-50), ptr(0)),
			row("a", 1, 2, "feasible", ptr(-99), ptr(0.008)),
			row("b", 2, 2, "error", nil, nil),
			row("a", 1, 3, "feasible", ptr(-98), nil),
		}, []Spread{
			{Family: "M", Shape: "tight-risk", Seed: 1, Solver: "ofdi", Runs: 3, Met: 2,
				GapMin: ptr(0.004), GapMedian: ptr(0.006), GapMax: ptr(0.008), Best: ptr(-100), Worst: ptr(-98)},
			{Family: "M", Shape: "tight-risk", Seed: 2, Solver: "ofdi", Runs: 1, Errors: 1, Met: 1,
				GapMin: ptr(0), GapMedian: ptr(0), GapMax: ptr(0), Best: ptr(-50), Worst: ptr(-50)},
		}},
	} {
		got := Spreads(tc.rows)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got\n%+v\nwant\n%+v", tc.name, got, tc.want)
		}
	}
	got := Spreads([]Row{row("a", 1, 1, "feasible", ptr(-100), ptr(0.004)), row("a", 1, 2, "no_solution", nil, nil)})
	if c := got[0].cells(); c[4] != "2" || c[5] != "1 of 2" || c[6] != "0.4%" || c[9] != "-100.0" {
		t.Errorf("cells %q", c)
	}
	rep := &Report{Rows: []Row{row("a", 1, 1, "feasible", ptr(-100), ptr(0.004)), row("a", 1, 2, "feasible", ptr(-99), ptr(0.012))}}
	var md, txt strings.Builder
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteTable(&txt); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{md.String(), txt.String()} {
		if !strings.Contains(out, "1 #2") || !strings.Contains(strings.ToLower(out), "spread over repeated runs") {
			t.Errorf("no run number or spread table:\n%s", out)
		}
	}
	if !strings.Contains(txt.String(), "tight-risk s1 #2: gap 1.2% > 1%") {
		t.Errorf("missed cell not named with its run:\n%s", txt.String())
	}
}
