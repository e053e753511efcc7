package main

import (
	"fmt"
	"sort"
)

// Spread is how the repeated runs (--repeat) of one solver on one instance
// spread. The search is deterministic up to wall-clock time, so each run is
// one draw: a cell's gap can move by a point from run to run.
type Spread struct {
	Family string `json:"family"`
	Shape  string `json:"shape"`
	Seed   uint64 `json:"seed"`
	Solver string `json:"solver"`
	// Runs counts the runs that ran; Errors those that failed (not in
	// Runs).
	Runs   int `json:"runs"`
	Errors int `json:"errors,omitempty"`
	// Met counts the runs that meet the family's target.
	Met int `json:"met"`
	// GapMin, GapMedian and GapMax are over the runs with a gap (nil when
	// none has one).
	GapMin    *float64 `json:"gap_min,omitempty"`
	GapMedian *float64 `json:"gap_median,omitempty"`
	GapMax    *float64 `json:"gap_max,omitempty"`
	// Best and Worst are the best and worst objectives (Z is minimised).
	Best  *float64 `json:"best_objective,omitempty"`
	Worst *float64 `json:"worst_objective,omitempty"`
}

// Spreads groups the repeated rows (Run > 0) by family, instance and solver,
// in order of first appearance; rows run once make no spread.
func Spreads(rows []Row) []Spread {
	var out []Spread
	var gaps [][]float64
	index := map[[3]string]int{}
	for _, r := range rows {
		if r.Run == 0 {
			continue
		}
		key := [3]string{r.Family, r.Instance, r.Solver}
		i, ok := index[key]
		if !ok {
			i = len(out)
			index[key] = i
			out = append(out, Spread{Family: r.Family, Shape: r.Shape, Seed: r.Seed, Solver: r.Solver})
			gaps = append(gaps, nil)
		}
		s := &out[i]
		if r.Status == statusError || r.Status == statusSkipped {
			s.Errors++
			continue
		}
		s.Runs++
		if r.Target == "met" {
			s.Met++
		}
		if r.Objective != nil {
			z := *r.Objective
			if s.Best == nil || z < *s.Best {
				s.Best = ptr(z)
			}
			if s.Worst == nil || z > *s.Worst {
				s.Worst = ptr(z)
			}
		}
		if r.Gap != nil {
			gaps[i] = append(gaps[i], *r.Gap)
		}
	}
	for i, g := range gaps {
		if len(g) == 0 {
			continue
		}
		sort.Float64s(g)
		med := g[len(g)/2]
		if len(g)%2 == 0 {
			med = (g[len(g)/2-1] + g[len(g)/2]) / 2
		}
		out[i].GapMin, out[i].GapMedian, out[i].GapMax = ptr(g[0]), ptr(med), ptr(g[len(g)-1])
	}
	return out
}

// spreadColumns are the columns of the spread table.
var spreadColumns = []column{
	{"family", false}, {"shape", false}, {"seed", true}, {"solver", false}, {"runs", true},
	{"targets met", true}, {"gap min", true}, {"median", true}, {"max", true},
	{"best objective", true}, {"worst", true},
}

// cells formats s for the spread table.
func (s Spread) cells() []string {
	pct := func(v *float64) string {
		if v == nil {
			return "-"
		}
		return percent(*v)
	}
	obj := func(v *float64) string {
		if v == nil {
			return "no plan"
		}
		return fmt.Sprintf("%.1f", *v)
	}
	runs := fmt.Sprint(s.Runs)
	if s.Errors > 0 {
		runs += fmt.Sprintf(" (+%d failed)", s.Errors)
	}
	return []string{s.Family, s.Shape, fmt.Sprint(s.Seed), s.Solver, runs, fmt.Sprintf("%d of %d", s.Met, s.Runs),
		pct(s.GapMin), pct(s.GapMedian), pct(s.GapMax), obj(s.Best), obj(s.Worst)}
}
