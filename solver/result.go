package solver

import (
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
)

// Result is the outcome of Solve.
type Result struct {
	Instance string
	Method   string
	Status   Status
	// Objective is Z of the plan (valid when Status is Optimal or Feasible).
	Objective float64
	// Bound is a proven lower bound on Z (cluster method); HasBound says
	// whether one is known.
	Bound    float64
	HasBound bool
	// Assignment is the plan: who takes part in which project, with stakes.
	Assignment *model.Assignment
	Metrics    *model.Metrics
	// Firms are the firm accounts of MODEL.md, one per firm in file order
	// (nil without a plan); Metrics carries their sharing metrics.
	Firms []model.FirmAccount
	// Sharing is the sharing rule of a cluster plan (model.SharingReport
	// or model.SharingStakes); empty for the baselines.
	Sharing string
	// PriceOfFairness is Z of this plan less Z of the optimal plan
	// without constraint 16, for a --sharing stakes plan when both solves
	// are optimal; HasPriceOfFairness says whether it is known.
	PriceOfFairness    float64
	HasPriceOfFairness bool
	// Explanation says, for infeasible instances, why, in terms of the
	// instance (targets out of reach, opportunities nobody can fund); for a
	// plan, it notes a solver failure that ended the search early. It is
	// the plan JSON's "message".
	Explanation []string
	// Horizon holds the periods, knowledge paths and stages of a
	// multi-period plan; nil otherwise.
	Horizon *model.HorizonView
	Stats   Stats

	// firstPlanAt is when the method first knew a plan (zero: unknown);
	// Solve turns it into Stats.FirstPlan.
	firstPlanAt time.Time
	// plainObjective is Z of the optimal plan without constraint 16
	// (hasPlain), for PriceOfFairness.
	plainObjective float64
	hasPlain       bool
}

// Stats describe the run.
type Stats struct {
	Duration time.Duration
	// FirstPlan is the time from the start of Solve until a plan was first
	// known (zero without a plan). For the cluster method it is the first
	// progress report of solver/cluster that carries an incumbent: usually
	// the greedy start, else a later heuristic's plan or GLPK's first
	// incumbent (reported every 0.5 s, so up to 0.5 s late). When no such
	// report came (the baselines, which have their plan only at the end),
	// it is Duration.
	FirstPlan   time.Duration
	Variables   int
	Constraints int
	Binaries    int
	Nodes       int
	Solver      string
}

// Gap returns |Z − bound| / max(1, |Z|), or NaN without a plan or bound.
func (r *Result) Gap() float64 {
	if !r.HasBound || r.Assignment == nil {
		return math.NaN()
	}
	return relGap(r.Objective, r.Bound)
}

func relGap(z, bound float64) float64 {
	return math.Abs(z-bound) / math.Max(1, math.Abs(z))
}

// Plan returns the plan JSON object of MODEL.md.
func (r *Result) Plan() *model.Plan {
	p := &model.Plan{Instance: r.Instance, Method: r.Method, Status: r.Status.String()}
	if r.Assignment != nil {
		z := r.Objective
		p.Objective = &z
		p.Metrics = r.Metrics
		p.Plan = r.Assignment
		p.Firms = r.Firms
		p.Sharing = r.Sharing
		if r.HasPriceOfFairness {
			pf := r.PriceOfFairness
			p.PriceOfFairness = &pf
		}
		if r.Horizon != nil {
			p.Periods, p.Knowledge, p.Stages = r.Horizon.Periods, r.Horizon.Knowledge, r.Horizon.Stages
		}
		if r.HasBound {
			b, g := r.Bound, r.Gap()
			p.Bound, p.Gap = &b, &g
		}
	}
	if len(r.Explanation) > 0 {
		p.Message = joinLines(r.Explanation)
	}
	p.Statistics = &model.Statistics{
		DurationSeconds: r.Stats.Duration.Seconds(),
		Variables:       r.Stats.Variables,
		Constraints:     r.Stats.Constraints,
		Binaries:        r.Stats.Binaries,
		Nodes:           r.Stats.Nodes,
		Solver:          r.Stats.Solver,
	}
	if r.Assignment != nil {
		fp := r.Stats.FirstPlan.Seconds()
		p.Statistics.FirstPlanSeconds = &fp
	}
	return p
}

func joinLines(lines []string) string {
	s := ""
	for i, l := range lines {
		if i > 0 {
			s += "; "
		}
		s += l
	}
	return s
}
