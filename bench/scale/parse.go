package main

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// A timedLine is one line of a child's output with the time it reached the
// harness, in seconds from the start of the child.
type timedLine struct {
	T    float64
	Text string
}

// formatTimedLine is the line format of the harness's log files: the
// arrival time in seconds, right-aligned in 9 columns, a space and the line.
func formatTimedLine(l timedLine) string {
	return fmt.Sprintf("%9.3f %s\n", l.T, l.Text)
}

// readTimedLines reads a log file written with formatTimedLine. Lines that
// do not start with a time (the harness's own "#" header lines) are skipped.
func readTimedLines(r io.Reader) ([]timedLine, error) {
	var out []timedLine
	br := bufio.NewReader(r)
	for {
		s, err := br.ReadString('\n')
		if s != "" {
			s = strings.TrimRight(s, "\r\n")
			head, text, _ := strings.Cut(strings.TrimLeft(s, " "), " ")
			if t, perr := strconv.ParseFloat(head, 64); perr == nil {
				out = append(out, timedLine{T: t, Text: text})
			}
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("read log: %w", err)
		}
	}
}

// Statuses of a row, as in the plan JSON of MODEL.md, plus the harness's own.
const (
	statusOptimal    = "optimal"
	statusFeasible   = "feasible"
	statusInfeasible = "infeasible"
	statusNoSolution = "no_solution"
	statusError      = "error"
	statusSkipped    = "skipped"
)

// logResult is what a MIP solver's log says about its run. The exported LP
// minimises, so every bound is a lower bound on the objective.
type logResult struct {
	// Status is optimal, feasible, infeasible or no_solution.
	Status string
	// FirstPlan is the arrival time (seconds from the child's start) of the
	// first line announcing an integer solution; nil without one.
	FirstPlan *float64
	// Objective is the best integer solution's objective; nil without one.
	Objective *float64
	// Bound is the best lower bound the log states; nil when none.
	Bound *float64
	// Stopped is the solver's own word on why it stopped ("time limit",
	// "optimal", …); "" when the log ends without one (killed).
	Stopped string
}

// finish derives Status, clamps the bound to the objective (solvers round)
// and sets the bound of a proven optimum to the objective. A search that
// completed without a solution proved the model infeasible.
func (r *logResult) finish(optimal, infeasible bool) {
	if optimal && r.Objective == nil {
		infeasible, r.Stopped = true, "infeasible"
	}
	switch {
	case r.Objective != nil && optimal:
		r.Status = statusOptimal
		r.Bound = ptr(*r.Objective)
	case r.Objective != nil:
		r.Status = statusFeasible
	case infeasible:
		r.Status = statusInfeasible
	default:
		r.Status = statusNoSolution
	}
	if r.Objective == nil {
		r.FirstPlan = nil
	}
	if r.Bound != nil && r.Objective != nil && *r.Bound > *r.Objective {
		r.Bound = ptr(*r.Objective)
	}
}

func ptr(x float64) *float64 { return &x }

// lower keeps the lower objective (minimisation).
func lower(cur *float64, x float64) *float64 {
	if cur == nil || x < *cur {
		return ptr(x)
	}
	return cur
}

// higher keeps the higher lower bound.
func higher(cur *float64, x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return cur
	}
	if cur == nil || x > *cur {
		return ptr(x)
	}
	return cur
}

// glpsol (GLPK 5.0) log lines:
//
//	*  6581: obj =  -2.421228226e+03 inf =   2.118e-15 (0) 30       simplex, phase 2
//	OPTIMAL LP SOLUTION FOUND                                       root LP solved
//	+  6581: mip =     not found yet >=              -inf        (1; 0)
//	+  7011: >>>>>  -1.349961000e+03 >=  -1.472417254e+03   9.1% (275; 3)   new incumbent
//	+ 14863: mip =  -1.363154000e+03 >=  -1.463200263e+03   7.3% (399; 391)
//	+   671: mip =  -7.604140000e+02 >=     tree is empty   0.0% (0; 19)
//	TIME LIMIT EXCEEDED; SEARCH TERMINATED
//	INTEGER OPTIMAL SOLUTION FOUND

// glpMIPLine is a branch-and-bound line, glpLPLine a simplex line.
var (
	glpMIPLine = regexp.MustCompile(`^\+\s*\d+:\s+(?:>>>>>|mip\s*=)\s*(not found yet|\S+)\s+[<>]=\s+(tree is empty|\S+)`)
	glpLPLine  = regexp.MustCompile(`^\*\s*\d+:\s+obj\s*=\s*(\S+)`)
)

// parseGlpsol reads a glpsol MIP log. The first plan is the first line
// with an incumbent; the bound is the last branch-and-bound bound, or the
// root LP relaxation's optimum before the search has one.
func parseGlpsol(lines []timedLine) logResult {
	var (
		r                   logResult
		lastLP              *float64
		inMIP               bool
		optimal, infeasible bool
	)
	for _, l := range lines {
		s := strings.TrimSpace(l.Text)
		switch {
		case !inMIP && glpLPLine.MatchString(s):
			if v, err := strconv.ParseFloat(glpLPLine.FindStringSubmatch(s)[1], 64); err == nil {
				lastLP = ptr(v)
			}
		case !inMIP && s == "OPTIMAL LP SOLUTION FOUND" && lastLP != nil:
			r.Bound = higher(r.Bound, *lastLP)
		case strings.HasPrefix(s, "Integer optimization begins"):
			inMIP = true
		case glpMIPLine.MatchString(s):
			m := glpMIPLine.FindStringSubmatch(s)
			if v, err := strconv.ParseFloat(m[1], 64); err == nil {
				if r.FirstPlan == nil {
					r.FirstPlan = ptr(l.T)
				}
				r.Objective = lower(r.Objective, v)
			}
			if v, err := strconv.ParseFloat(m[2], 64); err == nil {
				r.Bound = higher(r.Bound, v)
			}
		case s == "INTEGER OPTIMAL SOLUTION FOUND":
			optimal, r.Stopped = true, "optimal"
		case strings.HasPrefix(s, "TIME LIMIT EXCEEDED"):
			r.Stopped = "time limit"
		case strings.Contains(s, "HAS NO PRIMAL FEASIBLE SOLUTION"), strings.Contains(s, "HAS NO INTEGER FEASIBLE SOLUTION"):
			infeasible, r.Stopped = true, "infeasible"
		}
	}
	r.finish(optimal, infeasible)
	return r
}

// CBC 2.10 log lines (run with timeMode elapsed):
//
//	Continuous objective value is -1542.36 - 0.19 seconds            root LP
//	Cbc0038I Solution found of -1268.26                              feasibility pump
//	Cbc0012I Integer solution of -1415.32 found by feasibility pump after 0 iterations and 0 nodes (3.45 seconds)
//	Cbc0004I Integer solution of -1416 found after 812 iterations and 20 nodes (9.10 seconds)
//	Cbc0010I After 0 nodes, 1 on tree, -1415.32 best solution, best possible -1417.1067 (5.36 seconds)
//	Cbc0005I Partial search - best objective -1415.32 (best possible -1417.1067), took 5720 iterations and 9 nodes (7.65 seconds)
//	Cbc0001I Search completed - best objective -760.4139999999993, took 0 iterations and 0 nodes (0.16 seconds)
//	Cuts at root node changed objective from -1420.79 to -1417.11
//	Result - Stopped on time limit | Result - Optimal solution found | Result - Problem proven infeasible
//	Objective value:                -1415.32000000
//	Lower bound:                    -1417.107

// Patterns of the CBC lines above.
var (
	cbcSolutionOf = regexp.MustCompile(`Integer solution of (\S+) found`)
	cbcPumpFound  = regexp.MustCompile(`Cbc0038I Solution found of (\S+)`)
	cbcBestSol    = regexp.MustCompile(`(\S+) best solution, best possible (\S+?)[ ,(]`)
	cbcBestObj    = regexp.MustCompile(`best objective (\S+?),? `)
	cbcBestPoss   = regexp.MustCompile(`\(best possible (\S+?)\)`)
	cbcContinuous = regexp.MustCompile(`^Continuous objective value is (\S+)`)
	cbcRootCuts   = regexp.MustCompile(`^Cuts at root node changed objective from \S+ to (\S+)`)
	cbcObjValue   = regexp.MustCompile(`^Objective value:\s+(\S+)`)
	cbcLowerBound = regexp.MustCompile(`^Lower bound:\s+(\S+)`)
)

// cbcNoSolution is CBC's objective value meaning "no solution yet".
const cbcNoSolution = 1e49

// parseCBC reads a CBC log. The first plan is the first line announcing an
// integer solution, the feasibility pump's "Solution found of" included
// (CBC holds that solution, though it announces it as "Integer solution"
// only when the pump exits); the objective is the best announced
// solution; the bound is the highest lower bound stated.
func parseCBC(lines []timedLine) logResult {
	var (
		r                   logResult
		optimal, infeasible bool
	)
	num := func(re *regexp.Regexp, s string) (float64, bool) {
		m := re.FindStringSubmatch(s)
		if m == nil {
			return 0, false
		}
		v, err := strconv.ParseFloat(m[1], 64)
		return v, err == nil
	}
	found := func(t float64) {
		if r.FirstPlan == nil {
			r.FirstPlan = ptr(t)
		}
	}
	for _, l := range lines {
		s := strings.TrimSpace(l.Text)
		if v, ok := num(cbcPumpFound, s); ok && v < cbcNoSolution {
			found(l.T)
		}
		if v, ok := num(cbcSolutionOf, s); ok && v < cbcNoSolution {
			found(l.T)
			r.Objective = lower(r.Objective, v)
		}
		if m := cbcBestSol.FindStringSubmatch(s); m != nil {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil && v < cbcNoSolution {
				found(l.T)
				r.Objective = lower(r.Objective, v)
			}
			if v, err := strconv.ParseFloat(m[2], 64); err == nil {
				r.Bound = higher(r.Bound, v)
			}
		}
		if v, ok := num(cbcBestObj, s); ok && v < cbcNoSolution {
			found(l.T)
			r.Objective = lower(r.Objective, v)
		}
		if v, ok := num(cbcObjValue, s); ok && v < cbcNoSolution {
			found(l.T)
			r.Objective = lower(r.Objective, v)
		}
		for _, re := range []*regexp.Regexp{cbcBestPoss, cbcContinuous, cbcRootCuts, cbcLowerBound} {
			if v, ok := num(re, s); ok {
				r.Bound = higher(r.Bound, v)
			}
		}
		switch {
		case strings.HasPrefix(s, "Cbc0001I Search completed"), s == "Result - Optimal solution found":
			optimal, r.Stopped = true, "optimal"
		case strings.HasPrefix(s, "Result - Stopped on time"), strings.HasPrefix(s, "Cbc0020I Exiting on maximum time"):
			r.Stopped = "time limit"
		case strings.HasPrefix(s, "Result - ") && strings.Contains(strings.ToLower(s), "infeasible"),
			strings.HasPrefix(s, "Problem is infeasible"):
			infeasible, r.Stopped = true, "infeasible"
		}
	}
	r.finish(optimal, infeasible)
	return r
}

// relGap is |obj − bound| / max(1, |obj|), the gap of MODEL.md.
func relGap(obj, bound float64) float64 {
	return math.Abs(obj-bound) / math.Max(1, math.Abs(obj))
}
