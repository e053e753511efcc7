package main

import (
	"reflect"
	"testing"
)

// TestSummaries: rows of two families, two shapes, two seeds and two
// solvers fold into one worst cell per family and solver.
func TestSummaries(t *testing.T) {
	s, _ := familyByName("S")
	m, _ := familyByName("M")
	row := func(fam Family, shape string, seed uint64, solver string, status string, obj, gap, first *float64, peak float64) Row {
		r := Row{Family: fam.Name, Shape: shape, Seed: seed, Solver: solver, Status: status, Objective: obj, Gap: gap,
			FirstPlanSeconds: first, PeakMiB: peak}
		r.Target = fam.Target.judge(r)
		return r
	}
	rows := []Row{
		row(s, "default", 1, "ofdi", "optimal", ptr(-10), ptr(0), ptr(0.1), 90),
		row(s, "default", 2, "ofdi", "feasible", ptr(-10), ptr(0.004), ptr(0.3), 95),
		row(s, "mixed", 1, "ofdi", "feasible", ptr(-10), ptr(0.021), ptr(0.2), 120),
		row(s, "mixed", 2, "ofdi", "feasible", ptr(-10), ptr(0.009), ptr(1.5), 80),
		row(s, "mixed", 1, "cbc", "no_solution", nil, nil, nil, 300),
		row(s, "mixed", 2, "cbc", "error", nil, nil, nil, 0),
		row(m, "default", 1, "ofdi", "feasible", ptr(-10), ptr(0.01), ptr(5), 200),
		row(m, "mixed", 1, "ofdi", "feasible", ptr(-10), ptr(0.01), ptr(6.2), 180),
		row(m, "mixed", 2, "ofdi", "feasible", ptr(-10), nil, ptr(0.5), 150),
	}
	got := Summaries(rows)
	want := []Summary{
		{Family: "S", Solver: "ofdi", Cells: 4, Met: 2, WorstGap: ptr(0.021), WorstGapCell: "mixed s1",
			SlowestFirstPlan: ptr(1.5), SlowestFirstPlanCell: "mixed s2", PeakMiB: 120, PeakMiBCell: "mixed s1",
			Missed: []string{"mixed s1: gap 2.1% > 0.5%", "mixed s2: gap 0.9% > 0.5%"}},
		{Family: "S", Solver: "cbc", Cells: 1, Errors: 1, NoPlan: 1, Missed: []string{"mixed s1: no plan"}},
		// Ties keep the first cell; a plan without a bound misses the gap
		// target but has no gap to be the worst.
		{Family: "M", Solver: "ofdi", Cells: 3, Met: 1, WorstGap: ptr(0.01), WorstGapCell: "default s1",
			SlowestFirstPlan: ptr(6.2), SlowestFirstPlanCell: "mixed s1", PeakMiB: 200, PeakMiBCell: "default s1",
			Missed: []string{"mixed s1: first plan 6.2 s > 5 s", "mixed s2: gap unknown > 1%"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if got[1].cells()[2] != "1 (+1 failed)" || got[0].cells()[3] != "2 of 4" || got[0].cells()[5] != "2.1%" {
		t.Errorf("cells %q %q", got[0].cells(), got[1].cells())
	}
	if Summaries(nil) != nil {
		t.Error("summaries of no rows")
	}
}
