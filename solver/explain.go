package solver

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/horizon"
)

// ErrNoPlan is returned by Explain for a plan JSON without a plan block
// (status infeasible or no_solution): there is nothing to explain.
var ErrNoPlan = errors.New("solver: the plan has no plan block")

// ExplainOptions configure Explain. The zero value gives every re-solve
// DefaultPerSolve and the whole call DefaultExplainLimit.
type ExplainOptions struct {
	// PerSolve bounds each re-solve with one opportunity forced in
	// (0: DefaultPerSolve).
	PerSolve time.Duration
	// TimeLimit bounds all re-solves together, counted from the start of
	// Explain (0: DefaultExplainLimit). Opportunities reached after it
	// are reported with status "not_tried".
	TimeLimit time.Duration
	// Gap is the relative gap at which a re-solve counts as optimal (0: 1e-6).
	Gap float64
	// Progress, when set, is called before each re-solve with the
	// opportunity's id, its position and the count.
	Progress func(id string, i, n int)
}

// Defaults of ExplainOptions and LeverOptions.
const (
	DefaultPerSolve     = 10 * time.Second
	DefaultExplainLimit = 2 * time.Minute
)

// Explanation is what Explain says about a plan.
type Explanation struct {
	Instance string `json:"instance"`
	// Status and Objective are the plan's (as given).
	Status    string  `json:"status"`
	Objective float64 `json:"objective"`
	// Periods is the number of periods of a multi-period instance (0 for
	// one period): every money figure is then discounted to period 1 and
	// summed over the periods.
	Periods int `json:"periods,omitempty"`
	// Decomposition splits the plan's Z into its terms.
	Decomposition Decomposition `json:"decomposition"`
	// LeftOut has one entry per opportunity the plan does not take, in
	// file order.
	LeftOut []LeftOut `json:"left_out"`
	// Firms has one entry per firm of the instance, in file order.
	Firms []FirmLimits `json:"firms"`
}

// LeftOut says why an opportunity is not in the plan.
type LeftOut struct {
	ID      string     `json:"id"`
	Market  string     `json:"market"`
	Segment string     `json:"segment"`
	Mode    model.Mode `json:"mode"`
	// Static holds the reasons no coalition can ever fund it (validate's
	// warning; over a horizon, in no period it may start: the
	// multi-period MIP has no column for it); empty when some coalition
	// might. No re-solve is run then.
	Static []string `json:"static,omitempty"`
	// Forced is the re-solve with y_p = 1 (nil for a static reason).
	Forced *ForcedSolve `json:"forced,omitempty"`
}

// ForcedSolve is the outcome of re-solving with one opportunity forced in.
type ForcedSolve struct {
	// Status: optimal, feasible (a plan, bound not closed), infeasible
	// (no plan takes it and meets every constraint), no_solution (limit
	// reached first) or not_tried (the total time limit was spent).
	Status string `json:"status"`
	// Objective is Z of the best plan found that takes the opportunity,
	// Bound a proven lower bound on that Z (valid for optimal and
	// feasible).
	Objective *float64 `json:"objective,omitempty"`
	Bound     *float64 `json:"bound,omitempty"`
	// CostLow and CostHigh bound the cost of forcing it in: the least Z
	// with y_p = 1 minus the plan's Z. Equal (and Exact true) when the
	// re-solve is optimal; CostHigh is the found plan's, CostLow the
	// bound's, when it is feasible: the larger of the re-solve's bound
	// and the explained plan's own (a bound on the optimum without the
	// opportunity forced in, hence with it). A negative cost means the
	// re-solve found a plan better than the one explained.
	CostLow  *float64 `json:"cost_low,omitempty"`
	CostHigh *float64 `json:"cost_high,omitempty"`
	Exact    bool     `json:"exact"`
	// Message says why the re-solve is infeasible, when it is.
	Message string `json:"message,omitempty"`
	// Period is, over a horizon, the period in which the best plan found
	// with the opportunity starts it (0 without a plan, and in one period).
	Period  int     `json:"period,omitempty"`
	Seconds float64 `json:"seconds"`
}

// Explain explains a cluster plan of inst: the terms of its Z, each
// firm's binding limits, and for every opportunity the plan leaves out
// either why no coalition can ever fund it or what forcing it in costs,
// from a re-solve with y_p = 1 under opts' limits. The plan must be a
// cluster plan with a plan block; it is not checked here (use
// model/check first). Over a horizon the decomposition is discounted and
// summed over the periods, the re-solve forces the opportunity into one
// of its periods (Σ_t y_pt = 1) and says which, and the firms' limits are
// those of the plan's firm accounts over the horizon.
func Explain(ctx context.Context, inst *model.Instance, plan *model.Plan, opts ExplainOptions) (*Explanation, error) {
	start := time.Now()
	if plan.Method != "" && plan.Method != model.MethodCluster {
		return nil, fmt.Errorf("explain: %w: a %s plan (explain re-solves the cluster MIP, so it explains cluster plans)", ErrBadForce, plan.Method)
	}
	if plan.Plan == nil || plan.Objective == nil {
		if plan.Message != "" { // the solve's reasons, for an infeasible instance
			return nil, fmt.Errorf("explain: %w (status %s: %s)", ErrNoPlan, plan.Status, plan.Message)
		}
		return nil, fmt.Errorf("explain: %w (status %s)", ErrNoPlan, plan.Status)
	}
	if err := model.ValidateErr(inst); err != nil {
		return nil, err
	}
	d := model.Derive(inst)
	dec, err := Decompose(d, plan.Plan)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	static, err := staticReasons(inst, d)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	ex := &Explanation{Instance: inst.Name, Status: plan.Status, Objective: *plan.Objective, Decomposition: dec}
	if inst.MultiPeriod() {
		ex.Periods = inst.Periods()
	}
	ex.Firms = FirmLimitsOf(d, plan.Plan)
	taken := map[string]bool{}
	for _, pj := range plan.Plan.Projects {
		taken[pj.ID] = true
	}
	per, total := opts.PerSolve, opts.TimeLimit
	if per <= 0 {
		per = DefaultPerSolve
	}
	if total <= 0 {
		total = DefaultExplainLimit
	}
	var todo []int
	for p := range inst.Opportunities {
		o := &inst.Opportunities[p]
		if taken[o.ID] {
			continue
		}
		lo := LeftOut{ID: o.ID, Market: o.Market, Segment: o.Segment, Mode: o.Mode, Static: static[p]}
		if len(lo.Static) == 0 {
			todo = append(todo, len(ex.LeftOut))
		}
		ex.LeftOut = append(ex.LeftOut, lo)
	}
	for i, k := range todo {
		lo := &ex.LeftOut[k]
		left := total - time.Since(start)
		if left <= 0 || ctx.Err() != nil {
			lo.Forced = &ForcedSolve{Status: "not_tried"}
			continue
		}
		if opts.Progress != nil {
			opts.Progress(lo.ID, i, len(todo))
		}
		fs, err := forceSolve(ctx, inst, lo.ID, min(per, left), opts.Gap, plan)
		if err != nil {
			return nil, fmt.Errorf("explain %s: %w", lo.ID, err)
		}
		lo.Forced = fs
	}
	return ex, nil
}

// forceSolve solves inst with opportunity id forced in and prices it
// against the plan's Z. Over a horizon the plan explained is the start the
// forced solve repairs into a first plan (horizon.Options.Start; the
// one-period solver's greedy takes forced opportunities first). The
// plan's own bound, when it has one, bounds the forced optimum from below
// too (forcing only removes plans), so a re-solve stopped at its limit
// gets the larger of the two bounds.
func forceSolve(ctx context.Context, inst *model.Instance, id string, limit time.Duration, gap float64, plan *model.Plan) (*ForcedSolve, error) {
	opts := Options{TimeLimit: limit, Gap: gap, Force: []string{id}, NoBalance: true}
	if inst.MultiPeriod() {
		opts.Start = plan.Plan
	}
	res, err := Solve(ctx, inst, opts)
	if err != nil {
		return nil, err
	}
	z := *plan.Objective
	fs := &ForcedSolve{Status: res.Status.String(), Seconds: res.Stats.Duration.Seconds()}
	switch res.Status {
	case Optimal:
		fs.Objective, fs.Bound = ptr(res.Objective), ptr(res.Objective)
		fs.CostLow, fs.CostHigh, fs.Exact = ptr(res.Objective-z), ptr(res.Objective-z), true
	case Feasible:
		fs.Objective, fs.CostHigh = ptr(res.Objective), ptr(res.Objective-z)
		b, ok := res.Bound, res.HasBound && !math.IsInf(res.Bound, 0)
		if plan.Bound != nil && (!ok || *plan.Bound > b) {
			b, ok = math.Min(*plan.Bound, res.Objective), true
		}
		if ok {
			fs.Bound, fs.CostLow = ptr(b), ptr(b-z)
		}
	case Infeasible:
		fs.Message = joinLines(res.Explanation)
	}
	if res.Assignment != nil && inst.MultiPeriod() {
		for _, pj := range res.Assignment.Projects {
			if pj.ID == id {
				fs.Period = pj.Period
			}
		}
	}
	return fs, nil
}

// staticReasons returns, per opportunity, why no coalition can ever fund
// it: validate's reasons in one period (Derived.Unfundable); over a
// horizon, why the multi-period MIP has no column for it in any period it
// may start (horizon's Unfundable: knowledge grows and capital is released
// over time, so the one-period reasons do not carry over).
func staticReasons(inst *model.Instance, d *model.Derived) ([][]string, error) {
	if !inst.MultiPeriod() {
		return d.Unfundable, nil
	}
	fm, err := horizon.Build(inst)
	if err != nil {
		return nil, err
	}
	out := make([][]string, len(inst.Opportunities))
	for p := range out {
		out[p] = fm.Unfundable(p)
	}
	return out, nil
}

func ptr(x float64) *float64 { return &x }
