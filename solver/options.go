package solver

import (
	"time"

	"github.com/ofdi/ofdi/model"
)

// Options configure Solve. The zero value solves the cluster MIP to
// optimality with no time limit, balancing stakes.
type Options struct {
	// Method is "cluster" (default), "independent" or "policy_push".
	Method string
	// TimeLimit bounds the call from its start, validation of the instance
	// included; 0 means no limit. When it is reached with a plan in hand,
	// Solve returns that plan with Status Feasible. The evaluation of the
	// plan and the stakes refinement come after it (they are bounded by
	// iteration counts, not time).
	TimeLimit time.Duration
	// Gap is the relative gap |Z − bound|/max(1,|Z|) at which the search
	// stops and reports Optimal; 0 means 1e-6.
	Gap float64
	// Progress, when set, receives progress reports during long solves
	// (at most every few hundred milliseconds).
	Progress func(Progress)
	// NoBalance skips the risk-balanced stakes refinement.
	NoBalance bool
	// Force lists opportunity ids the plan must take (y_p = 1), for the
	// cluster method only; nil means none. Explain uses it to price an
	// opportunity left out. An id no coalition can fund makes the result
	// Infeasible, with the reason. Over a horizon each forced opportunity
	// starts in exactly one of its periods (Σ_t y_pt = 1; solver/horizon's
	// Force); the bound reported may be the unforced model's (a valid
	// lower bound, weaker).
	Force []string
	// Sharing is the sharing rule of a cluster plan's firm accounts;
	// "" means model.SharingReport (transfers, the MIP unchanged).
	// model.SharingStakes adds constraint 16 (no firm's stake return
	// below its outside option) to the MIP and every heuristic, and, when
	// that solve is optimal, solves again without it for the price of
	// fairness (Result.PriceOfFairness): the first solve may use all of
	// TimeLimit (the plan comes first), the second what it leaves. Over a
	// horizon row 16 sums the periods discounted, o_f from the horizon
	// independent baseline (solver/horizon's Fair). The baselines ignore
	// it.
	Sharing string
	// Start, when not nil, is a plan to start the cluster search from (a
	// warm start: the plan of a neighbouring instance in a sweep). It is
	// used as a first incumbent if it is feasible for this instance and
	// better than the greedy start, and ignored otherwise. Baselines
	// ignore it. Over a horizon it is used only with Force: a plan
	// without the forced opportunities (Explain passes the plan it
	// explains), repaired into a first plan that takes them
	// (solver/horizon's Options.Start). Nil (the default): a cold start.
	Start *model.Assignment
}

// Progress is a snapshot of a running solve.
type Progress struct {
	Elapsed time.Duration
	// Phase is the step the solve is in: a cluster.Phase for one period,
	// a horizon.Phase over a horizon; prefixed "without 16: " while
	// --sharing stakes solves the model without constraint 16 for the
	// price of fairness.
	Phase        string
	HasIncumbent bool
	Incumbent    float64
	Bound        float64
	Gap          float64
}

func (o Options) gap() float64 {
	if o.Gap <= 0 {
		return 1e-6
	}
	return o.Gap
}
