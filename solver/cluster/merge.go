package cluster

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
)

// mergeMinLeft is the least time before the deadline for which merge still
// solves its LPs.
const mergeMinLeft = 100 * time.Millisecond

// merge combines the improvements of one round: the neighbourhoods of a
// round all start from the same incumbent x, and where several improve it
// their changes often lie in different parts of the cluster (an SME that
// learns beside a pioneer here, a partner swapped there), while the round
// could keep only one. From the best candidate, each other improving
// candidate in the order of its objective (ties to the lower index) adds
// the binary columns (y, u, x, l) it flips from x; with every binary fixed
// at the union, the LP over the continuous columns (stakes, credit, CVaR,
// excess, rewards) rebalances the budgets and risk around it (rebalance).
// The union is kept when that LP is feasible, its point passes the row
// check and its objective beats the merge so far. It returns the merged
// point and its objective (the best candidate's when nothing merges), or
// nil and best when no candidate improves on best.
func (s *lnsSearch) merge(ctx context.Context, x []float64, cands [][]float64, objs []float64, best float64, deadline time.Time) ([]float64, float64) {
	var order []int
	for i, c := range cands {
		if c != nil && objs[i] < best-1e-7*math.Max(1, math.Abs(best)) {
			order = append(order, i)
		}
	}
	if len(order) == 0 {
		return nil, best
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(objs[a], objs[b]) })
	out, obj := cands[order[0]], objs[order[0]]
	for _, i := range order[1:] {
		if ctx.Err() != nil || (!deadline.IsZero() && time.Until(deadline) < mergeMinLeft) {
			break
		}
		// A binary flipped by both is the same move: only the flips
		// the merge so far lacks are new.
		union, moves := append([]float64(nil), out...), 0
		for _, j := range s.binaryCols() {
			if math.Abs(cands[i][j]-x[j]) > 0.5 && math.Abs(out[j]-x[j]) <= 0.5 {
				union[j] = math.Round(cands[i][j])
				moves++
			}
		}
		if moves == 0 {
			continue
		}
		if p, z := s.rebalance(ctx, union, deadline); p != nil && z < obj-1e-7*math.Max(1, math.Abs(obj)) {
			out, obj = p, z
		}
	}
	return out, obj
}

// binaryCols returns the model's integer columns (computed once).
func (s *lnsSearch) binaryCols() []int {
	if s.binary == nil {
		for j, c := range s.fm.Prob.Cols {
			if c.Kind.IsInteger() {
				s.binary = append(s.binary, j)
			}
		}
	}
	return s.binary
}

// rebalance fixes every binary column at its value in x and solves the LP
// over the continuous columns (GLPK with its presolver, which removes the
// fixed part; no integer column is left). It returns the optimal point
// and its objective, or nil when the LP is infeasible, stops early or the
// point fails the row check.
func (s *lnsSearch) rebalance(ctx context.Context, x []float64, deadline time.Time) ([]float64, float64) {
	fm := s.fm
	fixed := make([]bool, len(x))
	for _, j := range s.binaryCols() {
		fixed[j] = true
	}
	r := fm.Prob.Restrict(fixed, x)
	if r.Problem == nil {
		return nil, 0
	}
	return fm.solveRestriction(ctx, r, glpk.Params{Presolve: true}, glpk.Callbacks{}, deadline)
}
