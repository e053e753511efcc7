package solver

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/ofdi/ofdi/model"
)

// LeverOptions configure Levers. The zero value takes DefaultLeverSteps
// steps per lever, DefaultPerSolve per solve and DefaultLeverLimit in all.
type LeverOptions struct {
	// Steps is the number of steps each lever is moved up (0: DefaultLeverSteps).
	Steps int
	// PerSolve bounds each solve (0: DefaultPerSolve).
	PerSolve time.Duration
	// TimeLimit bounds all solves together from the start of Levers
	// (0: DefaultLeverLimit); points reached after it are "not_tried".
	TimeLimit time.Duration
	// Gap is the relative gap at which a solve counts as optimal (0: 1e-6).
	Gap float64
	// Progress, when set, is called before each solve with the lever's
	// name and the value tried.
	Progress func(lever string, value float64)
}

// Defaults of LeverOptions.
const (
	DefaultLeverSteps = 3
	DefaultLeverLimit = 5 * time.Minute
)

// The lever names of Lever.Name; a subsidy lever is LeverSubsidy + mode.
const (
	LeverCreditLine  = "credit_line"
	LeverSubsidy     = "subsidy."
	LeverMarketPower = "market_power_target"
	LeverSMETarget   = "sme_participation_target"
	LeverAlpha       = "cvar_alpha"
)

// LeverReport is what Levers finds: the base solve and each lever's steps.
type LeverReport struct {
	Instance string      `json:"instance"`
	Base     LeverPoint  `json:"base"`
	Levers   []LeverPath `json:"levers"`
}

// LeverPath is one lever moved up from the instance's value in equal steps.
type LeverPath struct {
	Name string `json:"name"`
	// Unit is what "per unit" means for ΔZ and ΔW, e.g. "per CNY million of
	// credit line", "per percentage point"; PerUnit is the unit in the
	// lever's own terms (1 for money, 0.01 for rates).
	Unit    string  `json:"unit"`
	PerUnit float64 `json:"per_unit"`
	Value   float64 `json:"value"`
	Step    float64 `json:"step"`
	// Note explains a lever that cannot move (e.g. already at its maximum).
	Note   string       `json:"note,omitempty"`
	Points []LeverPoint `json:"points"`
}

// LeverPoint is one solve of the instance with a lever at Value.
type LeverPoint struct {
	Value float64 `json:"value"`
	// Status is the solve's (optimal, feasible, infeasible, no_solution)
	// or not_tried when the total time limit was spent first.
	Status string `json:"status"`
	// Objective is Z of the plan found, Bound a proven lower bound on
	// the optimum; MoneyValue W of the plan found.
	Objective  *float64 `json:"objective,omitempty"`
	Bound      *float64 `json:"bound,omitempty"`
	MoneyValue *float64 `json:"money_value,omitempty"`
	// Binding says whether the lever's constraint holds with equality in
	// the plan found (see docs/explain.md): the credit line fully drawn,
	// a target met exactly, some firm at its risk limit; for a subsidy,
	// that a project of its mode is taken (the rate pays out).
	Binding bool `json:"binding"`
	// DZ and DW are ΔZ and ΔW per unit against the previous point (the
	// base for the first step): exact when both solves are optimal
	// (Exact), else DZ is the value between the found plans and
	// DZLow..DZHigh the interval the true ΔZ per unit lies in.
	DZ     *float64 `json:"dz_per_unit,omitempty"`
	DZLow  *float64 `json:"dz_low,omitempty"`
	DZHigh *float64 `json:"dz_high,omitempty"`
	DW     *float64 `json:"dw_per_unit,omitempty"`
	Exact  bool     `json:"exact"`
	// Projects are the ids of the plan's projects (for "the plan changed").
	Projects []string `json:"-"`
	// PlanChanged is true when the plan takes other projects than at the
	// previous point.
	PlanChanged bool    `json:"plan_changed"`
	Seconds     float64 `json:"seconds"`
}

// lever describes how to move one instrument: its current value, step,
// upper limit and how to set it on a copy of the instance.
type lever struct {
	name, unit string
	perUnit    float64
	value      float64
	step       float64
	max        float64 // largest valid value (inclusive)
	note       string
	set        func(in *model.Instance, v float64)
	binding    func(d *model.Derived, r *Result) bool
}

// Levers solves inst at its policy values and with each lever (the credit
// line, each subsidy rate of a mode some opportunity has, the market power
// and SME participation targets, and α) moved up in opts.Steps steps of
// the sizes docs/explain.md gives, and reports ΔZ and ΔW per unit between
// consecutive points. inst is not modified.
func Levers(ctx context.Context, inst *model.Instance, opts LeverOptions) (*LeverReport, error) {
	start := time.Now()
	if err := model.ValidateErr(inst); err != nil {
		return nil, err
	}
	steps, per, total := opts.Steps, opts.PerSolve, opts.TimeLimit
	if steps <= 0 {
		steps = DefaultLeverSteps
	}
	if per <= 0 {
		per = DefaultPerSolve
	}
	if total <= 0 {
		total = DefaultLeverLimit
	}
	solve := func(name string, in *model.Instance, v float64) (LeverPoint, *Result, error) {
		left := total - time.Since(start)
		if left <= 0 || ctx.Err() != nil {
			return LeverPoint{Value: v, Status: "not_tried"}, nil, nil
		}
		if opts.Progress != nil {
			opts.Progress(name, v)
		}
		return leverSolve(ctx, in, v, min(per, left), opts.Gap)
	}
	base, baseRes, err := solve("base", inst, 0)
	if err != nil {
		return nil, err
	}
	rep := &LeverReport{Instance: inst.Name, Base: base}
	d := model.Derive(inst)
	for _, lv := range leversOf(d, baseRes) {
		path := LeverPath{Name: lv.name, Unit: lv.unit, PerUnit: lv.perUnit, Value: lv.value, Step: lv.step, Note: lv.note}
		prev := base
		prev.Value = lv.value
		if baseRes != nil && baseRes.Assignment != nil {
			prev.Binding = lv.binding(d, baseRes)
		}
		path.Points = append(path.Points, prev)
		for k := 1; k <= steps && lv.note == ""; k++ {
			v := lv.value + float64(k)*lv.step
			if v > lv.max+1e-9 {
				if k == 1 {
					path.Note = fmt.Sprintf("%s is %g: one step of %g would pass its largest value %g", lv.name, lv.value, lv.step, lv.max)
				}
				break
			}
			v = math.Min(v, lv.max) // no float overshoot past a range end
			in := cloneInstance(inst)
			lv.set(in, v)
			pt, res, err := solve(lv.name, in, v)
			if err != nil {
				return nil, fmt.Errorf("lever %s = %g: %w", lv.name, v, err)
			}
			if res != nil && res.Assignment != nil {
				pt.Binding = lv.binding(model.Derive(in), res)
			}
			pt.difference(prev, lv.step/lv.perUnit)
			path.Points = append(path.Points, pt)
			prev = pt
		}
		rep.Levers = append(rep.Levers, path)
	}
	return rep, nil
}

// leverSolve solves in and fills a point (without its binding flag).
func leverSolve(ctx context.Context, in *model.Instance, v float64, limit time.Duration, gap float64) (LeverPoint, *Result, error) {
	res, err := Solve(ctx, in, Options{TimeLimit: limit, Gap: gap, NoBalance: true})
	if err != nil {
		return LeverPoint{}, nil, err
	}
	pt := LeverPoint{Value: v, Status: res.Status.String(), Seconds: res.Stats.Duration.Seconds()}
	if res.Assignment == nil {
		return pt, res, nil
	}
	pt.Objective = ptr(res.Objective)
	if res.Status == Optimal {
		pt.Bound = ptr(res.Objective)
	} else if res.HasBound && !math.IsInf(res.Bound, 0) {
		pt.Bound = ptr(res.Bound)
	}
	m := res.Metrics
	pt.MoneyValue = ptr(m.Value - m.InfoCost - m.Dissipation)
	for _, pj := range res.Assignment.Projects {
		pt.Projects = append(pt.Projects, pj.ID)
	}
	sort.Strings(pt.Projects)
	return pt, res, nil
}

// difference fills pt's ΔZ and ΔW per unit against prev, where units is
// the step measured in the lever's units.
func (pt *LeverPoint) difference(prev LeverPoint, units float64) {
	if pt.Objective == nil || prev.Objective == nil {
		return
	}
	pt.DZ = ptr((*pt.Objective - *prev.Objective) / units)
	pt.DW = ptr((*pt.MoneyValue - *prev.MoneyValue) / units)
	pt.Exact = pt.Status == "optimal" && prev.Status == "optimal"
	if pt.Bound != nil && prev.Bound != nil {
		// Z*_new − Z*_old lies in [LB_new − UB_old, UB_new − LB_old].
		lo := (*pt.Bound - *prev.Objective) / units
		hi := (*pt.Objective - *prev.Bound) / units
		pt.DZLow, pt.DZHigh = ptr(math.Min(lo, hi)), ptr(math.Max(lo, hi))
	}
	pt.PlanChanged = !sameStrings(pt.Projects, prev.Projects)
}

func sameStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// cloneInstance copies the parts of in a lever changes (policy and
// objective; the subsidy map is copied too); the rest is shared, read only.
func cloneInstance(in *model.Instance) *model.Instance {
	cp := *in
	cp.Policy.Subsidy = make(map[model.Mode]float64, len(in.Policy.Subsidy))
	for m, s := range in.Policy.Subsidy {
		cp.Policy.Subsidy[m] = s
	}
	if in.Policy.CVaRAlpha != nil {
		a := *in.Policy.CVaRAlpha
		cp.Policy.CVaRAlpha = &a
	}
	return &cp
}
