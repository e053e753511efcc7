package cluster

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// polish re-solves the LP of the model with every integer column fixed at
// its rounded value in x, and returns the new point, or nil if that LP is
// not solved to optimality within a second.
//
// GLPK takes an integer column within its integrality tolerance (1e-5) of
// an integer as integral and rounds it when it records a solution, but
// leaves the continuous columns bounded by it as they were. With a tiny
// min_stake (1e-6, found by FuzzSolve) x_fp = 2e-6 is rounded to 0 while
// the SME participation z_f or the learning reward w_fp stays at 2e-6,
// above it: the point violates its row by more than 1e-6 and Solve failed
// with an internal error on a valid instance.
func (fm *Formulation) polish(x []float64) []float64 {
	p := *fm.Prob
	p.Cols = slices.Clone(p.Cols)
	for j := range p.Cols {
		if p.Cols[j].Kind.IsInteger() {
			v := math.Round(x[j])
			p.Cols[j].Kind, p.Cols[j].Lo, p.Cols[j].Hi = mip.Continuous, v, v
		}
	}
	// Not the solve's context: a cancelled solve still returns its plan.
	res, err := glpk.SolveLP(context.Background(), &p, glpk.Params{TimeLimit: time.Second})
	if err != nil || res.Status != glpk.Optimal {
		return nil
	}
	return res.X
}
