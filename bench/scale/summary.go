package main

import (
	"fmt"
	"strings"
)

// Summary is the worst cell of one family and solver over the matrix's
// shapes and seeds. A cell is one row: one instance (family, shape, seed)
// solved by one solver.
type Summary struct {
	Family string `json:"family"`
	Solver string `json:"solver"`
	// Cells counts the rows that ran; Errors the rows that failed or were
	// skipped (not counted in Cells).
	Cells  int `json:"cells"`
	Errors int `json:"errors,omitempty"`
	// Met counts the cells that meet the family's target.
	Met int `json:"met"`
	// NoPlan counts the cells without a plan.
	NoPlan int `json:"no_plan,omitempty"`
	// WorstGap is the largest gap of a cell with a plan and a bound;
	// WorstGapCell names that cell ("shape s<seed>").
	WorstGap     *float64 `json:"worst_gap,omitempty"`
	WorstGapCell string   `json:"worst_gap_cell,omitempty"`
	// SlowestFirstPlan is the longest time to a first plan, and its cell.
	SlowestFirstPlan     *float64 `json:"slowest_first_plan_seconds,omitempty"`
	SlowestFirstPlanCell string   `json:"slowest_first_plan_cell,omitempty"`
	// PeakMiB is the largest peak memory, and its cell.
	PeakMiB     float64 `json:"peak_mib,omitempty"`
	PeakMiBCell string  `json:"peak_mib_cell,omitempty"`
	// Missed lists the cells that miss the target: "shape s<seed>: why".
	Missed []string `json:"missed,omitempty"`
}

// cellName names a row's cell within its family and solver ("shape
// s<seed>", with the run under --repeat: see seedCell).
func cellName(r Row) string { return fmt.Sprintf("%s s%s", r.Shape, r.seedCell()) }

// Summaries groups rows by family and solver (in order of first
// appearance) and finds the worst cell of each group.
func Summaries(rows []Row) []Summary {
	var out []Summary
	index := map[[2]string]int{}
	for _, r := range rows {
		key := [2]string{r.Family, r.Solver}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Summary{Family: r.Family, Solver: r.Solver})
		}
		out[i].add(r)
	}
	return out
}

// add counts row r into s.
func (s *Summary) add(r Row) {
	if r.Status == statusError || r.Status == statusSkipped {
		s.Errors++
		return
	}
	s.Cells++
	switch {
	case r.Target == "met":
		s.Met++
	case strings.HasPrefix(r.Target, "missed: "):
		s.Missed = append(s.Missed, cellName(r)+": "+strings.TrimPrefix(r.Target, "missed: "))
	}
	if r.Objective == nil {
		s.NoPlan++
		return
	}
	if r.Gap != nil && (s.WorstGap == nil || *r.Gap > *s.WorstGap) {
		s.WorstGap, s.WorstGapCell = ptr(*r.Gap), cellName(r)
	}
	if r.FirstPlanSeconds != nil && (s.SlowestFirstPlan == nil || *r.FirstPlanSeconds > *s.SlowestFirstPlan) {
		s.SlowestFirstPlan, s.SlowestFirstPlanCell = ptr(*r.FirstPlanSeconds), cellName(r)
	}
	if r.PeakMiB > s.PeakMiB {
		s.PeakMiB, s.PeakMiBCell = r.PeakMiB, cellName(r)
	}
}

// summaryColumns are the columns of the worst-cell table.
var summaryColumns = []column{
	{"family", false}, {"solver", false}, {"cells", true}, {"targets met", true}, {"no plan", true},
	{"worst gap", true}, {"at", false}, {"slowest first plan", true}, {"at", false},
	{"peak MiB", true}, {"at", false},
}

// cells formats s for the worst-cell table.
func (s Summary) cells() []string {
	gap, gapAt, first, firstAt, peak, peakAt := "-", "-", "-", "-", "-", "-"
	if s.WorstGap != nil {
		gap, gapAt = percent(*s.WorstGap), s.WorstGapCell
	}
	if s.SlowestFirstPlan != nil {
		first, firstAt = seconds(*s.SlowestFirstPlan), s.SlowestFirstPlanCell
	}
	if s.PeakMiB > 0 {
		peak, peakAt = fmt.Sprintf("%.0f", s.PeakMiB), s.PeakMiBCell
	}
	cells := fmt.Sprint(s.Cells)
	if s.Errors > 0 {
		cells += fmt.Sprintf(" (+%d failed)", s.Errors)
	}
	return []string{s.Family, s.Solver, cells, fmt.Sprintf("%d of %d", s.Met, s.Cells), fmt.Sprint(s.NoPlan),
		gap, gapAt, first, firstAt, peak, peakAt}
}
