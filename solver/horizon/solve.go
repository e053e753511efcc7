package horizon

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/glpk"
)

// ErrNotMultiPeriod is returned by Solve for an instance without a horizon
// block: plan it with solver.Solve.
var ErrNotMultiPeriod = errors.New("horizon: instance has no horizon block")

// Options configure Solve. The zero value solves to optimality (gap 1e-6)
// with no time limit.
type Options struct {
	// TimeLimit bounds GLPK's branch and cut; 0 means no limit.
	TimeLimit time.Duration
	// Gap is the relative gap at which the search stops; 0 means 1e-6.
	Gap float64
	// Progress, when set, receives a report about every second on models
	// above 10000 rows (the rolling horizon and branch and cut), and every
	// half second of branch and cut on smaller ones; none after Solve
	// returns.
	Progress func(Report)
	// Outside, when not nil, are the outside options o_f (one per firm,
	// file order; solver.OutsideOptions) of constraint (16), which the MIP
	// then carries (Formulation.Fair): no firm's discounted stake return
	// below o_f. Nil (the default): no constraint 16.
	Outside []float64
	// Force lists opportunity indices the plan must take, each in exactly
	// one of the periods it may start (Formulation.Force); nil means none.
	// A forced opportunity no coalition can fund in any period makes the
	// result infeasible, with the reason, without a solve. The bound of a
	// solve with forced opportunities may be the unforced model's (the
	// one-period relaxation of large models ignores them): still a valid
	// lower bound.
	Force []int
	// Start, when not nil, is a plan of the same instance without the
	// forced opportunities (e.g. the plan explain explains): with Force,
	// it is repaired into a first plan that takes them (re-planning only
	// their markets) and kept when nothing better is found. Nil, or
	// without Force: ignored.
	Start *model.Assignment
}

// Result is the outcome of Solve.
type Result struct {
	// Status is one of the plan statuses of MODEL.md (model.Status*).
	Status string
	// Objective is Z of the plan (the MIP's value); NaN without a plan.
	Objective float64
	// Bound is the best proven lower bound on Z; -Inf when unknown.
	Bound float64
	// Assignment is the plan, projects ordered by period then file order,
	// each with its Period; nil without a plan.
	Assignment *model.Assignment
	// Formulation is the MIP that was solved.
	Formulation *Formulation
	// Duration is the wall-clock time of the solve; Nodes GLPK's
	// branch-and-bound nodes.
	Duration time.Duration
	Nodes    int
	// Explanation names, for an instance Fair shows infeasible without
	// solving, the firms whose outside option no plan can match; for a
	// forced opportunity no coalition can fund, why; and for an infeasible
	// MIP, the targets no plan can meet (ExplainInfeasible); nil otherwise.
	Explanation []string
}

// Gap returns |Z − bound| / max(1, |Z|) (+Inf without a plan).
func (r *Result) Gap() float64 {
	if r.Assignment == nil || math.IsInf(r.Bound, -1) {
		return math.Inf(1)
	}
	return math.Abs(r.Objective-r.Bound) / math.Max(1, math.Abs(r.Objective))
}

// smallRows is the largest model (in rows) solved with GLPK's presolver
// and cut generators.
const smallRows = 10000

// Solve builds the multi-period MIP of a valid instance with a horizon
// block and solves it with GLPK's branch and cut.
func Solve(ctx context.Context, in *model.Instance, opts Options) (*Result, error) {
	start := time.Now()
	if !in.MultiPeriod() {
		return nil, ErrNotMultiPeriod
	}
	if err := model.ValidateErr(in); err != nil {
		return nil, err
	}
	fm, err := Build(in)
	if err != nil {
		return nil, err
	}
	if opts.Outside != nil {
		if len(opts.Outside) != len(in.Firms) {
			return nil, fmt.Errorf("solve %s: %d outside options for %d firms", in.Name, len(opts.Outside), len(in.Firms))
		}
		if why := fm.Fair(opts.Outside); len(why) > 0 {
			return &Result{Status: model.StatusInfeasible, Objective: math.NaN(), Bound: math.Inf(-1), Formulation: fm,
				Explanation: why, Duration: time.Since(start)}, nil
		}
	}
	for _, p := range opts.Force {
		if p < 0 || p >= len(in.Opportunities) {
			return nil, fmt.Errorf("solve %s: forced opportunity index %d out of range", in.Name, p)
		}
	}
	if len(opts.Force) > 0 {
		if why := fm.Force(opts.Force); len(why) > 0 {
			return &Result{Status: model.StatusInfeasible, Objective: math.NaN(), Bound: math.Inf(-1), Formulation: fm,
				Explanation: why, Duration: time.Since(start)}, nil
		}
	}
	gap := opts.Gap
	if gap <= 0 {
		gap = 1e-6
	}
	// Presolve, every cut family, hybrid pseudo-cost branching and
	// best-projection backtracking: on the 3-period Jiangsu cluster these
	// prove the optimum in 27 s, where MIR and cover cuts alone are 0.5%
	// away after 280 s (docs/horizon.md).
	// Presolve and cuts only on models up to smallRows rows: GLPK solves
	// the presolved root LP and generates cuts without looking at the time
	// limit (and a presolved search cannot be cancelled), which on a
	// 150-firm 3-period cluster (32021 rows) overran a 60 s limit by three
	// minutes, with and without presolve and Gomory cuts.
	// Hybrid pseudo-cost branching only up to smallRows too: it
	// initialises its pseudo-costs by two LPs per fractional column,
	// without a callback or a time check (110 s on that cluster's root).
	small := len(fm.Prob.Rows) <= smallRows
	prm := glpk.Params{TimeLimit: opts.TimeLimit, RelGap: gap, Presolve: small,
		GomoryCuts: small, MIRCuts: small, CoverCuts: small, CliqueCuts: small,
		Backtracking: glpk.BacktrackBestProjection}
	// Not with forced opportunities under a limit (explain's re-solves of
	// a few seconds): the pseudo-cost initialisation overran a 5 s limit
	// by 8 s on jiangsu-3-periods, and such a solve has a first plan
	// (forcedStart) to improve on rather than an optimum to prove.
	if small && (len(fm.Forced) == 0 || opts.TimeLimit == 0) {
		prm.Branching = glpk.BranchHybridPseudoCost
	}
	gr, err := branch(ctx, fm, prm, opts, start)
	if gr == nil {
		return nil, fmt.Errorf("solve %s: %w", in.Name, err)
	}
	if err != nil && !errors.Is(err, ctx.Err()) && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("solve %s: %w", in.Name, err)
	}
	res := &Result{Formulation: fm, Objective: math.NaN(), Bound: gr.Bound, Nodes: gr.Nodes}
	switch {
	case gr.Status == glpk.Optimal:
		res.Status = model.StatusOptimal
	case gr.HasSolution:
		res.Status = model.StatusFeasible
	case gr.Status == glpk.Infeasible:
		res.Status = model.StatusInfeasible
		if len(fm.Forced) == 0 {
			limit := cluster.ExplainLimit
			if opts.TimeLimit > 0 {
				limit = max(time.Second, min(limit, opts.TimeLimit-time.Since(start)))
			}
			res.Explanation = fm.ExplainInfeasible(ctx, limit)
		}
	default:
		res.Status = model.StatusNoSolution
	}
	if gr.HasSolution {
		res.Objective = gr.Objective
		res.Assignment = fm.Decode(gr.X)
		if gr.Status != glpk.Optimal && gr.Gap() <= gap {
			res.Status = model.StatusOptimal
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}

// branch runs GLPK's branch and cut on the MIP, with the rolling horizon's
// first plan beside it on models above smallRows (see largeSearch).
func branch(ctx context.Context, fm *Formulation, prm glpk.Params, opts Options, start time.Time) (*glpk.Result, error) {
	if opts.TimeLimit > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, start.Add(opts.TimeLimit))
		defer cancel()
		prm.TimeLimit = max(opts.TimeLimit-time.Since(start), time.Millisecond)
	}
	if len(fm.Prob.Rows) > smallRows {
		ls := newLargeSearch(fm, start, opts.Progress)
		ls.from = opts.Start
		return ls.run(ctx, prm, prm.RelGap)
	}
	var first []float64
	if len(fm.Forced) > 0 {
		first = fm.forcedStart(ctx, opts, prm.RelGap)
		first = fm.improveStart(ctx, first, start, opts.TimeLimit, prm.RelGap)
		if opts.TimeLimit > 0 {
			prm.TimeLimit = max(opts.TimeLimit-time.Since(start), time.Millisecond)
		}
	}
	gr, err := fm.branchSmall(ctx, prm, opts, start)
	if gr == nil && ctx.Err() != nil {
		// The limit ended before branch and cut (in the build or the
		// first plan): GLPK refuses a context that has ended. No plan, no
		// error, as when it ends during the search.
		gr, err = &glpk.Result{Status: glpk.NoSolution, Stop: glpk.TimeLimit, Objective: math.NaN(),
			Bound: math.Inf(-1), LPObjective: math.NaN()}, ctx.Err()
	}
	if first != nil && gr != nil {
		fm.keepFirst(gr, first, prm.RelGap)
	}
	return gr, err
}

// forcedStart builds a first plan of a small model with forced
// opportunities, or returns nil: opts.Start repaired in the forced
// opportunities' markets (repair), else the rolling horizon's plan (which
// forces them in period by period) completed into a solution of the MIP,
// else opts.Start repaired in more markets; each within rollingShare of
// the limit (at most rollingMax). GLPK's branch and cut on the presolved
// model takes no start and, with an opportunity forced in, often finds no
// plan in the seconds explain gives a re-solve (none for any of the 5
// opportunities the optimum of jiangsu-3-periods leaves out, in 5 s).
func (fm *Formulation) forcedStart(ctx context.Context, opts Options, gap float64) []float64 {
	share := rollingMax
	if opts.TimeLimit > 0 {
		share = min(rollingMax, time.Duration(rollingShare*float64(opts.TimeLimit)))
	}
	rp := fm.newRepair(opts.Start)
	if x := rp.near(ctx, share); x != nil {
		return x
	}
	if a, err := fm.RollingPlan(ctx, share, gap); err == nil && ctx.Err() == nil {
		if x, err := fm.Columns(ctx, a, completeLimit); err == nil {
			return x
		}
	}
	return rp.wide(ctx, share)
}

// hoodShare is the share of the time left after the first plan of a small
// forced model that the neighbourhoods get before branch and cut.
const hoodShare = 0.6

// improveStart improves the first plan x of a small forced model with the
// neighbourhoods of the large path (hood.go) for hoodShare of the time
// left of limit (0: until a whole round improves nothing), and returns the
// best plan.
func (fm *Formulation) improveStart(ctx context.Context, x []float64, start time.Time, limit time.Duration, gap float64) []float64 {
	if x == nil {
		return nil
	}
	s := newLargeSearch(fm, start, nil)
	s.gap = gap
	s.offerOwn(x)
	if limit > 0 {
		left := limit - time.Since(start)
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(hoodShare*float64(left)))
		defer cancel()
	}
	s.improve(ctx)
	return s.best
}

// keepFirst puts the first plan x into GLPK's result gr when GLPK has no
// better one: status feasible (optimal when within the gap of GLPK's
// bound).
func (fm *Formulation) keepFirst(gr *glpk.Result, x []float64, gap float64) {
	z := fm.Prob.Objective(x)
	if gr.HasSolution && gr.Objective <= z {
		return
	}
	gr.X, gr.Objective, gr.HasSolution = x, z, true
	if math.IsInf(gr.Bound, 1) || math.IsNaN(gr.Bound) {
		gr.Bound = math.Inf(-1) // no bound (x, checked, refutes "infeasible")
	}
	gr.Bound = math.Min(gr.Bound, z)
	gr.Status = glpk.Feasible
	if math.Abs(z-gr.Bound) <= gap*math.Max(1, math.Abs(z)) {
		gr.Status = glpk.Optimal
	}
}

// branchSmall runs GLPK's branch and cut with presolve on a model up to
// smallRows rows.
func (fm *Formulation) branchSmall(ctx context.Context, prm glpk.Params, opts Options, start time.Time) (*glpk.Result, error) {
	cb := glpk.Callbacks{}
	if opts.Progress != nil {
		cb.ProgressInterval = 500 * time.Millisecond
		cb.Progress = func(p glpk.Progress) {
			opts.Progress(Report{Elapsed: time.Since(start), Phase: PhaseBranch, HasIncumbent: p.HasIncumbent, Incumbent: p.Incumbent, Bound: p.Bound})
		}
	}
	return glpk.SolveMIP(ctx, fm.Prob, prm, cb)
}

// Decode turns a solution vector of the MIP into a plan: projects ordered
// by period then file order, participants by descending stake then file
// order, markets entered and credit in file order.
func (fm *Formulation) Decode(x []float64) *model.Assignment {
	in := fm.Inst
	a := &model.Assignment{Projects: []model.Project{}, MarketsEntered: []string{}, Credit: []model.Credit{}}
	entered := map[int]bool{}
	for t := 0; t < fm.T; t++ {
		for p := range in.Opportunities {
			y := fm.Y[p][t]
			if y == none || x[y] < 0.5 {
				continue
			}
			o := &in.Opportunities[p]
			pj := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode, Period: t + 1, Participants: []model.Stake{}}
			for _, pr := range fm.Pairs[p][t] {
				if x[pr.X] < 0.5 {
					continue
				}
				pj.Participants = append(pj.Participants, model.Stake{Firm: in.Firms[pr.Firm].ID, Stake: x[pr.S]})
				if pr.L != none && x[pr.L] > 0.5 {
					pj.Lead = in.Firms[pr.Firm].ID
				}
			}
			ps := pj.Participants
			sort.SliceStable(ps, func(i, j int) bool { return ps[i].Stake > ps[j].Stake })
			a.Projects = append(a.Projects, pj)
			entered[fm.D.Market[o.Market]] = true
		}
	}
	for m := range in.Markets {
		if entered[m] {
			a.MarketsEntered = append(a.MarketsEntered, in.Markets[m].ID)
		}
	}
	for f, c := range fm.C {
		if c != none && x[c] > 1e-9 {
			a.Credit = append(a.Credit, model.Credit{Firm: in.Firms[f].ID, Amount: x[c]})
		}
	}
	return a
}
