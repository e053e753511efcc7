package main

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// The logs below are excerpts of real runs (GLPK 5.0, CBC 2.10.8 from
// Debian) on instances of `ofdi generate`, in the harness's log format:
// arrival time in seconds, a space, the line. Lines that carry nothing the
// parsers read are cut.

// glpsol on 30×20×5 seed 1: solved to optimality.
const glpsolOptimal = `# glpsol --lp gen-30x20x5-s1.lp --tmlim 10
    0.002 GLPSOL--GLPK LP/MIP Solver 5.0
    0.010 1175 rows, 640 columns, 3541 non-zeros
    0.011 Solving LP relaxation...
    0.011 GLPK Simplex Optimizer 5.0
    0.012       0: obj =   0.000000000e+00 inf =   4.050e+00 (2)
    0.013      87: obj =  -7.540000000e+00 inf =   1.202e-16 (0)
    0.030 *   583: obj =  -7.942006667e+02 inf =   3.493e-14 (0) 3
    0.030 OPTIMAL LP SOLUTION FOUND
    0.030 Integer optimization begins...
    0.030 Long-step dual simplex will be used
    0.031 +   583: mip =     not found yet >=              -inf        (1; 0)
    0.045 +   671: >>>>>  -7.604140000e+02 >=  -7.604140000e+02   0.0% (10; 0)
    0.046 +   671: mip =  -7.604140000e+02 >=     tree is empty   0.0% (0; 19)
    0.046 INTEGER OPTIMAL SOLUTION FOUND
    0.046 Time used:   0.0 secs
    0.046 Memory used: 1.8 Mb (1870034 bytes)
`

// glpsol on 60×40×8 seed 2, 8 s limit: two incumbents, stopped by the limit.
const glpsolLimit = `    0.140 *  2332: obj =  -1.542358923e+03 inf =   1.776e-15 (0) 12
    0.140 OPTIMAL LP SOLUTION FOUND
    0.141 Integer optimization begins...
    0.141 Long-step dual simplex will be used
    0.141 +  2332: mip =     not found yet >=              -inf        (1; 0)
    3.484 +  7011: >>>>>  -1.349961000e+03 >=  -1.472417254e+03   9.1% (275; 3)
    7.276 + 13946: >>>>>  -1.363154000e+03 >=  -1.464731754e+03   7.5% (536; 41)
    7.909 + 14863: mip =  -1.363154000e+03 >=  -1.463200263e+03   7.3% (399; 391)
    7.909 TIME LIMIT EXCEEDED; SEARCH TERMINATED
    7.910 Time used:   8.3 secs
    7.910 Memory used: 8.0 Mb (8351176 bytes)
`

// glpsol on 150×60×10 seed 101, 5 s limit: no plan; the root bound.
const glpsolNoPlan = `    1.697 Removing LP perturbation [6581]...
    1.697 *  6581: obj =  -2.421228226e+03 inf =   2.118e-15 (0) 30
    1.697 OPTIMAL LP SOLUTION FOUND
    1.698 Integer optimization begins...
    1.700 Long-step dual simplex will be used
    1.700 +  6581: mip =     not found yet >=              -inf        (1; 0)
    6.706 +  7588: mip =     not found yet >=  -2.405863538e+03        (49; 0)
    6.706 +  7588: mip =     not found yet >=  -2.405863538e+03        (49; 0)
    6.708 TIME LIMIT EXCEEDED; SEARCH TERMINATED
    6.708 Time used:   7.0 secs
`

// glpsol killed during the search: the log just ends.
const glpsolKilled = `    0.140 *  2332: obj =  -1.542358923e+03 inf =   1.776e-15 (0) 12
    0.140 OPTIMAL LP SOLUTION FOUND
    0.141 Integer optimization begins...
    0.141 +  2332: mip =     not found yet >=              -inf        (1; 0)
    3.484 +  7011: >>>>>  -1.349961000e+03 >=  -1.472417254e+03   9.1% (275; 3)
`

// glpsol killed while solving the root LP: nothing known.
const glpsolKilledInLP = `    0.012       0: obj =   0.000000000e+00 inf =   2.048e+01 (2)
    0.015 Perturbing LP to avoid stalling [982]...
`

// cbc on 30×20×5 seed 1: optimal at the root.
const cbcOptimal = `    0.020 Continuous objective value is -794.201 - 0.01 seconds
    0.030 Cgl0004I processed model has 1033 rows, 611 columns (337 integer (337 of which binary)) and 3475 elements
    0.050 Cbc0038I Pass   1: suminf.    0.00000 (0) obj. -750.614 iterations 164
    0.051 Cbc0038I Solution found of -750.614
    0.052 Cbc0038I Relaxing continuous gives -750.614
    0.360 Cbc0038I Mini branch and bound improved solution from -750.614 to -760.414 (0.36 seconds)
    0.361 Cbc0038I After 0.36 seconds - Feasibility pump exiting with objective of -760.414 - took 0.03 seconds
    0.370 Cbc0012I Integer solution of -760.414 found by feasibility pump after 0 iterations and 0 nodes (0.37 seconds)
    0.371 Cbc0001I Search completed - best objective -760.4139999999993, took 0 iterations and 0 nodes (0.37 seconds)
    0.371 Cbc0035I Maximum depth 0, 0 variables fixed on reduced cost
    0.372 Cuts at root node changed objective from -760.414 to -760.414
    0.372 
    0.372 Result - Optimal solution found
    0.372 
    0.372 Objective value:                -760.41400000
    0.372 Enumerated nodes:               0
    0.372 Time (Wallclock seconds):       0.41
`

// cbc on 60×40×8 seed 2, 8 s limit: the pump's plan, then branch-and-bound.
const cbcLimit = `    0.000 Continuous objective value is -1542.36 - 0.19 seconds
    0.470 Cbc0038I Pass   4: (1.30 seconds) suminf.    0.00000 (0) obj. -1268.26 iterations 70
    0.472 Cbc0038I Solution found of -1268.26
    0.485 Cbc0038I Relaxing continuous gives -1268.26
    0.668 Cbc0038I Mini branch and bound improved solution from -1268.26 to -1405.51 (1.50 seconds)
    2.603 Cbc0038I After 3.43 seconds - Feasibility pump exiting with objective of -1415.32 - took 2.05 seconds
    2.618 Cbc0012I Integer solution of -1415.32 found by feasibility pump after 0 iterations and 0 nodes (3.45 seconds)
    4.209 Cbc0013I At root node, 61 cuts changed objective from -1420.7876 to -1417.1067 in 11 passes
    4.524 Cbc0010I After 0 nodes, 1 on tree, -1415.32 best solution, best possible -1417.1067 (5.36 seconds)
    6.817 Cbc0020I Exiting on maximum time
    6.817 Cbc0005I Partial search - best objective -1415.32 (best possible -1417.1067), took 5720 iterations and 9 nodes (7.65 seconds)
    6.872 Cuts at root node changed objective from -1420.79 to -1417.11
    6.977 
    6.977 Result - Stopped on time limit
    6.977 
    6.977 Objective value:                -1415.32000000
    6.977 Lower bound:                    -1417.107
    6.977 Gap:                            0.00
`

// cbc on 150×60×10 seed 101, 2 s limit: no plan.
const cbcNoPlan = `# /usr/bin/stdbuf -oL cbc gen-150x60x10-s101.lp timeMode elapsed sec 2 solve
    0.024 Welcome to the CBC MILP Solver 
    0.113 seconds was changed from 1e+100 to 2
    4.969 Continuous objective value is -2421.23 - 4.50 seconds
    5.112 Cbc0020I Exiting on maximum time
    5.112 Cbc0005I Partial search - best objective 1e+50 (best possible -2421.2282), took 0 iterations and 0 nodes (5.00 seconds)
    5.113 Cuts at root node changed objective from -2421.23 to -2421.23
    5.120 
    5.120 Result - Stopped on time limit
    5.120 
    5.120 No feasible solution found
    5.120 Lower bound:                    -2421.228
`

// cbc on 150×60×10 seed 101, 10 s limit: the pump's plan only.
const cbcPumpOnly = `    4.560 Continuous objective value is -2421.23 - 4.56 seconds
    7.590 Cbc0038I Pass   1: (7.59 seconds) suminf.    0.00000 (0) obj. -1706.8 iterations 3192
    7.591 Cbc0038I Solution found of -1706.8
    7.650 Cbc0038I After 7.65 seconds - Feasibility pump exiting with objective of -1706.8 - took 0.65 seconds
    7.680 Cbc0012I Integer solution of -1706.798 found by feasibility pump after 0 iterations and 0 nodes (7.68 seconds)
    7.720 Cbc0020I Exiting on maximum time
    7.720 Cbc0005I Partial search - best objective -1706.798 (best possible -2421.2282), took 0 iterations and 0 nodes (7.72 seconds)
`

// cbc killed in branch-and-bound: the last status line counts.
const cbcKilled = `    0.000 Continuous objective value is -1542.36 - 0.19 seconds
    2.618 Cbc0012I Integer solution of -1415.32 found by feasibility pump after 0 iterations and 0 nodes (3.45 seconds)
    4.524 Cbc0010I After 0 nodes, 1 on tree, -1415.32 best solution, best possible -1417.1067 (5.36 seconds)
    9.100 Cbc0004I Integer solution of -1416 found after 812 iterations and 20 nodes (9.10 seconds)
    9.500 Cbc0010I After 100 nodes, 40 on tree, -1416 best solution, best possible -1416.9 (9.50 seconds)
`

// cbc on instances/infeasible-target.json: infeasible LP relaxation.
const cbcInfeasible = `    0.000 seconds was changed from 1e+100 to 10
    0.000 Problem is infeasible - 0.00 seconds
    0.000 Total time (CPU seconds):       0.00   (Wallclock seconds):       0.03
`

// glpsol on instances/infeasible-target.json.
const glpsolInfeasible = `    0.000 Preprocessing...
    0.000 PROBLEM HAS NO PRIMAL FEASIBLE SOLUTION
    0.000 Time used:   0.0 secs
`

// cbc proving a model integer infeasible in the search: constructed from
// CBC's message formats (no bundled or generated instance does this).
const cbcInfeasibleSearch = `    0.010 Continuous objective value is -97 - 0.00 seconds
    0.050 Cbc0001I Search completed - best objective 1e+50, took 12 iterations and 3 nodes (0.05 seconds)
    0.050 
    0.050 Result - Problem proven infeasible
    0.050 
    0.050 No feasible solution found
`

func TestParsers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		parse   func([]timedLine) logResult
		log     string
		status  string
		first   float64 // NaN: none
		obj     float64 // NaN: none
		bound   float64 // NaN: none
		stopped string
	}{
		{"glpsol optimal", parseGlpsol, glpsolOptimal, statusOptimal, 0.045, -760.414, -760.414, "optimal"},
		{"glpsol limit", parseGlpsol, glpsolLimit, statusFeasible, 3.484, -1363.154, -1463.200263, "time limit"},
		{"glpsol no plan", parseGlpsol, glpsolNoPlan, statusNoSolution, math.NaN(), math.NaN(), -2405.863538, "time limit"},
		{"glpsol killed", parseGlpsol, glpsolKilled, statusFeasible, 3.484, -1349.961, -1472.417254, ""},
		{"glpsol killed in LP", parseGlpsol, glpsolKilledInLP, statusNoSolution, math.NaN(), math.NaN(), math.NaN(), ""},
		{"cbc optimal", parseCBC, cbcOptimal, statusOptimal, 0.051, -760.414, -760.414, "optimal"},
		{"cbc limit", parseCBC, cbcLimit, statusFeasible, 0.472, -1415.32, -1417.1067, "time limit"},
		{"cbc no plan", parseCBC, cbcNoPlan, statusNoSolution, math.NaN(), math.NaN(), -2421.228, "time limit"},
		{"cbc pump only", parseCBC, cbcPumpOnly, statusFeasible, 7.591, -1706.798, -2421.2282, "time limit"},
		{"cbc killed", parseCBC, cbcKilled, statusFeasible, 2.618, -1416, -1416.9, ""},
		{"cbc infeasible", parseCBC, cbcInfeasible, statusInfeasible, math.NaN(), math.NaN(), math.NaN(), "infeasible"},
		{"cbc infeasible in search", parseCBC, cbcInfeasibleSearch, statusInfeasible, math.NaN(), math.NaN(), -97, "infeasible"},
		{"glpsol infeasible", parseGlpsol, glpsolInfeasible, statusInfeasible, math.NaN(), math.NaN(), math.NaN(), "infeasible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lines, err := readTimedLines(strings.NewReader(tc.log))
			if err != nil {
				t.Fatal(err)
			}
			got := tc.parse(lines)
			if got.Status != tc.status || got.Stopped != tc.stopped {
				t.Errorf("status %q stopped %q, want %q %q", got.Status, got.Stopped, tc.status, tc.stopped)
			}
			for _, f := range []struct {
				name string
				got  *float64
				want float64
			}{{"first plan", got.FirstPlan, tc.first}, {"objective", got.Objective, tc.obj}, {"bound", got.Bound, tc.bound}} {
				if !sameOpt(f.got, f.want) {
					t.Errorf("%s %s, want %g", f.name, optString(f.got), f.want)
				}
			}
		})
	}
}

// sameOpt: got is nil and want NaN, or both equal to 1e-9 relative.
func sameOpt(got *float64, want float64) bool {
	if got == nil || math.IsNaN(want) {
		return got == nil && math.IsNaN(want)
	}
	return math.Abs(*got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

func optString(x *float64) string {
	if x == nil {
		return "none"
	}
	return fmt.Sprint(*x)
}

func TestTimedLinesRoundTrip(t *testing.T) {
	in := []timedLine{{0.001, "GLPSOL--GLPK LP/MIP Solver 5.0"}, {12.5, ""}, {1234.5678, "  indented  text"}}
	var b strings.Builder
	b.WriteString("# header\n")
	for _, l := range in {
		b.WriteString(formatTimedLine(l))
	}
	b.WriteString("    2.000 no newline at the end")
	got, err := readTimedLines(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := append(in, timedLine{2, "no newline at the end"})
	want[2].T = 1234.568 // three decimals are kept
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}
