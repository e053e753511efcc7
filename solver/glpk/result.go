package glpk

import "time"

// Result is the outcome of SolveMIP.
type Result struct {
	// Status is the outcome; Stop says why the search ended early, if it
	// did.
	Status Status
	Stop   Stop

	// HasSolution reports whether X and Objective hold a solution (Status
	// Optimal or Feasible).
	HasSolution bool
	// Objective is the objective value of the solution, ObjConst included;
	// NaN without a solution.
	Objective float64
	// X holds the value of each column in the solution; integer columns
	// have integral values.
	X []float64

	// Bound is the best proven lower bound on the optimum: the objective
	// after an optimal solve, +Inf if infeasible, -Inf if unbounded or if
	// not even the LP relaxation was solved, and otherwise the best bound
	// of the search tree seen at GLPK's callbacks, at least LPObjective
	// and at most Objective.
	Bound float64
	// LPObjective is the optimum of the root LP relaxation (before cuts),
	// or NaN if it was not solved (always with Params.Presolve, where
	// only the presolved problem's relaxation is solved).
	LPObjective float64

	// Nodes is the number of branch-and-bound nodes created.
	Nodes int
	// HeuristicAccepted counts solutions of Callbacks.Heuristic that GLPK
	// took as new incumbents; HeuristicRejected those that failed the
	// feasibility check (see Callbacks.Heuristic).
	HeuristicAccepted, HeuristicRejected int
	// CallbackCalls counts GLPK's calls of the branch-and-cut callback, and
	// MaxCallbackInterval is the longest time between two of them: the
	// worst delay of a cancellation during branch and cut.
	CallbackCalls       int
	MaxCallbackInterval time.Duration

	// Duration is the wall-clock time of the solve.
	Duration time.Duration
}

// Gap returns |Objective − Bound| / max(1, |Objective|), the relative gap
// of MODEL.md: 0 after an optimal solve, +Inf without a solution.
func (r *Result) Gap() float64 {
	if !r.HasSolution {
		return inf
	}
	return relGap(r.Objective, r.Bound)
}

// LPResult is the outcome of SolveLP.
type LPResult struct {
	// Status is Optimal, Feasible (stopped with a primal feasible but not
	// optimal basis), Infeasible, Unbounded or NoSolution (stopped before
	// finding a feasible basis); Stop says why it stopped.
	Status Status
	Stop   Stop
	// Objective is the objective value of the basic solution, ObjConst
	// included; NaN without one (X and the other slices are then nil).
	Objective float64
	// X holds the column values, ReducedCosts the column duals.
	X, ReducedCosts []float64
	// RowActivity holds the row activities and RowDuals their duals
	// (shadow prices: the change of the objective per unit increase of the
	// active limit).
	RowActivity, RowDuals []float64
	// Duration is the wall-clock time of the solve.
	Duration time.Duration
}
