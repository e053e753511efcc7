package cluster

import (
	"context"
	"math"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
)

// Fix-and-optimize parameters (see docs/algorithm.md).
const (
	// lnsMinBinaries: below this, GLPK on the whole model does better.
	lnsMinBinaries = 2000
	// lnsWindowBinaries: a neighbourhood frees consecutive markets until
	// it holds at least this many binaries.
	lnsWindowBinaries = 1200
	// lnsNodes bounds each sub-MIP's branch-and-bound (deterministic).
	lnsNodes = 400
	// lnsRotations bounds the passes over all markets without a deadline.
	lnsRotations = 4
)

// improve runs a large-neighbourhood search from the feasible point x:
// each neighbourhood frees the opportunities of a window of consecutive
// markets (their y, x, s, l, w, the markets' u and e) and every firm-level
// column (credit, CVaR, SME participation), fixes everything else at the
// incumbent, and solves the small MIP that remains with GLPK, seeded with
// the incumbent. Windows move one market at a time; the search stops after
// a pass over all markets that improved nothing, after lnsRotations
// passes, or at the deadline (zero: none). It returns the best point.
func (fm *Formulation) improve(ctx context.Context, x []float64, deadline time.Time, report func(obj float64)) []float64 {
	in := fm.D.Inst
	nM := len(in.Markets)
	colMarket := make([]int, len(fm.Prob.Cols))
	for j := range colMarket {
		colMarket[j] = -1
	}
	binaries := make([]int, nM)
	mark := func(j, m int) {
		if j != none {
			colMarket[j] = m
			if fm.Prob.Cols[j].Kind.IsInteger() {
				binaries[m]++
			}
		}
	}
	for p, y := range fm.Y {
		if y == none {
			continue
		}
		m := fm.D.Market[in.Opportunities[p].Market]
		mark(y, m)
		for _, pc := range fm.Pairs[p] {
			mark(pc.X, m)
			mark(pc.S, m)
			mark(pc.L, m)
			mark(pc.W, m)
		}
	}
	for m, u := range fm.U {
		mark(u, m)
	}
	for key, e := range fm.E {
		mark(e, fm.D.Market[key[0]])
	}
	best := fm.Objective(x)
	idle, size := 0, lnsWindowBinaries
	for step := 0; step < lnsRotations*nM; step++ {
		if idle >= nM {
			// A whole pass improved nothing: widen the windows once.
			if size > lnsWindowBinaries {
				break
			}
			size, idle = 2*size, 0
		}
		if ctx.Err() != nil || (!deadline.IsZero() && time.Until(deadline) < 200*time.Millisecond) {
			break
		}
		window := make([]bool, nM)
		free := 0
		for k := 0; k < nM && free < size; k++ {
			m := (step + k) % nM
			window[m] = true
			free += binaries[m]
		}
		fixed := make([]bool, len(x))
		for j, m := range colMarket {
			fixed[j] = m >= 0 && !window[m]
		}
		r := fm.Prob.Restrict(fixed, x)
		idle++
		if r.Problem == nil || len(r.Problem.Cols) == 0 {
			continue
		}
		seed := r.Project(x)
		offered := false
		prm := glpk.Params{MIRCuts: true, CoverCuts: true}
		if !deadline.IsZero() {
			prm.TimeLimit = time.Until(deadline)
		}
		res, err := glpk.SolveMIP(ctx, r.Problem, prm, glpk.Callbacks{
			Heuristic: func() ([]float64, bool) {
				if offered {
					return nil, false
				}
				offered = true
				return seed, true
			},
			Node: func(n int) bool { return n >= lnsNodes },
		})
		if err != nil && res == nil || res == nil || !res.HasSolution {
			continue
		}
		cand := r.Expand(res.X)
		obj := fm.Objective(cand)
		if obj < best-1e-7*math.Max(1, math.Abs(best)) && len(fm.Violations(cand, 1e-6)) == 0 {
			x, best, idle = cand, obj, 0
			if report != nil {
				report(best)
			}
		}
	}
	return x
}
