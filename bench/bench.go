// Package bench compares the cluster MIP of MODEL.md with the two
// distributed baselines (independent, policy_push) on a set of instances:
// it solves each instance with each method, checks every plan with the
// independent checker (model/check), stress-tests every plan by Monte
// Carlo (see Stress) and reports the metrics of MODEL.md side by side, with
// what coordination is worth: the objective, dissipation, info cost and
// distress that the cluster plan saves against each baseline.
//
// Run produces a Report; WriteTable, WriteCSV and WriteJSON write it for
// people and programs, WriteCharts draws it (PNG and SVG, gonum/plot), and
// WriteAll writes everything into one directory. The command
// "ofdi bench" is a thin layer over this package; bench/README.md shows its
// output on the bundled instances.
//
// Output is deterministic: for the same instances and options the CSV and
// JSON are byte-identical apart from the solve-time column (solve_seconds),
// provided every cluster solve finishes within its time limit (the
// cluster solver is deterministic; a solve cut short by the limit may stop
// at a different incumbent).
package bench

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

// Methods are the planning methods compared, in report order: the cluster
// MIP first, then the distributed baselines of MODEL.md.
var Methods = []string{model.MethodCluster, model.MethodIndependent, model.MethodPolicyPush}

// MethodClusterFair is the method column Run adds after the cluster's with
// Options.Sharing stakes: the cluster MIP with constraint 16 (no firm's
// stake return below its outside option, no transfers). Its plans are
// cluster plans with sharing "stakes".
const MethodClusterFair = "cluster-fair"

// Options configure Run.
type Options struct {
	// TimeLimit bounds each cluster solve; 0 means no limit. The baselines
	// are greedy and ignore it.
	TimeLimit time.Duration
	// Stress is the number of Monte Carlo draws of the stress test per plan;
	// 0 skips the stress test.
	Stress int
	// Seed seeds the stress test's random stream (see Stress).
	Seed uint64
	// LossModel says how a draw realises the opportunities' losses; ""
	// means WriteOff (see LossModel).
	LossModel LossModel
	// Groups maps instance names to a group label (for example the
	// generated family "30x20x5"); the coordination summary adds a mean row
	// per group of two or more instances. Instances not in the map form no
	// group.
	Groups map[string]string
	// Progress, when set, is called after each solve (and its stress test).
	Progress func(Progress)
	// SolverProgress, when set, receives the solver's own progress reports
	// during long cluster solves.
	SolverProgress func(solver.Progress)
	// Sharing is "" or model.SharingReport (the methods of Methods), or
	// model.SharingStakes: the cluster is also solved with constraint 16,
	// as the method MethodClusterFair after the cluster's, and the report
	// gets its Fairness rows.
	Sharing string
}

// Progress reports one finished solve of Run.
type Progress struct {
	// Done solves out of Total (instances × methods).
	Done, Total int
	Row         *Row
}

// Report is the outcome of Run.
type Report struct {
	// Instances benchmarked, in input order.
	Instances []InstanceInfo `json:"instances"`
	// Methods compared, in row order within an instance.
	Methods []string `json:"methods"`
	// TimeLimitSeconds is the time limit of each cluster solve (0: none).
	TimeLimitSeconds float64 `json:"time_limit_seconds"`
	// Stress describes the stress test; nil when it was skipped.
	Stress *StressConfig `json:"stress,omitempty"`
	// Rows holds one row per instance and method, instance-major.
	Rows []Row `json:"rows"`
	// Coordination compares the cluster plan with each baseline, per
	// instance, followed by the group means.
	Coordination []Gain `json:"coordination"`
	// Fairness compares the cluster plan with the cluster-fair one, per
	// instance (only with Options.Sharing stakes).
	Fairness []Fairness `json:"fairness,omitempty"`
}

// Fairness is what constraint 16 costs on one instance, and what the plain
// cluster plan would need without it.
type Fairness struct {
	Instance string `json:"instance"`
	// Status of the cluster-fair solve (infeasible when no plan can give
	// every firm its outside option).
	Status string `json:"status"`
	// PriceZ = Z_fair − Z_cluster and PriceW = W_cluster − W_fair (the
	// money value the fair plan gives up); nil unless both have a plan.
	PriceZ *float64 `json:"price_z,omitempty"`
	PriceW *float64 `json:"price_w,omitempty"`
	// Proven: both plans optimal, so PriceZ is the price of fairness of
	// MODEL.md; otherwise it is the difference of the plans found.
	Proven bool `json:"proven"`
	// FirmsBelow and Transfers are the plain cluster plan's
	// firms_below_outside_option and transfers_paid (what sharing by
	// transfers needs); FairFirmsBelow is the fair plan's (0).
	FirmsBelow     int     `json:"firms_below"`
	Transfers      float64 `json:"transfers"`
	FairFirmsBelow int     `json:"fair_firms_below"`
}

// InstanceInfo describes a benchmarked instance.
type InstanceInfo struct {
	Name          string `json:"name"`
	Group         string `json:"group,omitempty"`
	Currency      string `json:"currency,omitempty"`
	Firms         int    `json:"firms"`
	SMEs          int    `json:"smes"`
	Opportunities int    `json:"opportunities"`
	Markets       int    `json:"markets"`
	Scenarios     int    `json:"scenarios"`
	// MarketPowerTarget G* and SMEParticipationTarget ρ of the instance.
	MarketPowerTarget      float64 `json:"market_power_target"`
	SMEParticipationTarget float64 `json:"sme_participation_target"`
}

// StressConfig records how the stress test was run.
type StressConfig struct {
	Draws     int       `json:"draws"`
	Seed      uint64    `json:"seed"`
	LossModel LossModel `json:"loss_model"`
}

// Row is one instance solved with one method.
type Row struct {
	Instance string `json:"instance"`
	Method   string `json:"method"`
	// Status is optimal, feasible, infeasible or no_solution (MODEL.md).
	Status string `json:"status"`
	// Objective is Z; nil without a plan.
	Objective *float64 `json:"objective,omitempty"`
	// Bound and Gap are the cluster MIP's proven bound and relative gap.
	Bound *float64 `json:"bound,omitempty"`
	Gap   *float64 `json:"gap,omitempty"`
	// Metrics are the plan's metrics (MODEL.md); nil without a plan.
	Metrics *model.Metrics `json:"metrics,omitempty"`
	// Message explains an infeasible instance.
	Message string `json:"message,omitempty"`
	// CheckError is set when the plan fails the independent checker
	// (model/check): a bug, never expected.
	CheckError string `json:"check_error,omitempty"`
	// Stress is the plan's stress test; nil when skipped or without a plan.
	Stress *StressResult `json:"stress,omitempty"`
	// SolveSeconds is the wall time of the solve; the only field that
	// changes between runs of the same input.
	SolveSeconds float64 `json:"solve_seconds"`
	// Plan is the plan JSON object of MODEL.md (written by WriteAll to
	// plans/).
	Plan *model.Plan `json:"-"`
}

// Gain is what the cluster plan gains over one baseline on one instance
// (or, with Instance empty and Group set, the mean over a group). Positive
// numbers favour the cluster.
type Gain struct {
	Instance string `json:"instance,omitempty"`
	// Group is set on group-mean rows, with Count the number of instances.
	Group    string `json:"group,omitempty"`
	Count    int    `json:"count,omitempty"`
	Baseline string `json:"baseline"`
	// ObjectiveGain is Z_baseline − Z_cluster.
	ObjectiveGain float64 `json:"objective_gain"`
	// ObjectiveGainPct is ObjectiveGain / max(1, |Z_cluster|) · 100: the
	// share of the cluster plan's net value −Z that the baseline forgoes
	// (above 100 when the baseline's Z is positive, a net loss).
	ObjectiveGainPct float64 `json:"objective_gain_pct"`
	// DissipationAvoided is D_baseline − D_cluster.
	DissipationAvoided float64 `json:"dissipation_avoided"`
	// InfoCostSaved is info_cost_baseline − info_cost_cluster.
	InfoCostSaved float64 `json:"info_cost_saved"`
	// ValueGained is V_cluster − V_baseline.
	ValueGained float64 `json:"value_gained"`
	// MarketPowerGained is G_cluster − G_baseline.
	MarketPowerGained float64 `json:"market_power_gained"`
	// SMEParticipationGained is the difference of SME participation rates
	// (cluster − baseline), a share in [−1, 1].
	SMEParticipationGained float64 `json:"sme_participation_gained"`
	// LearningGained is learning_cluster − learning_baseline.
	LearningGained float64 `json:"learning_gained"`
	// DistressShareChange is the baseline's share of stress draws with a
	// distressed firm minus the cluster's (positive: the cluster is in
	// distress less often); 0 without a stress test.
	DistressShareChange float64 `json:"distress_share_change"`
	// DistressedMeanChange is the baseline's mean number of distressed
	// firms per draw minus the cluster's.
	DistressedMeanChange float64 `json:"distressed_mean_change"`
	// DistressRateChange is the baseline's distress rate (the chance that
	// a firm taking part is distressed in a draw) minus the cluster's.
	DistressRateChange float64 `json:"distress_rate_change"`
}

// Run solves every instance with every method of Methods, checks each plan
// with model/check, stress-tests it (when opts.Stress > 0) and returns the
// report. Instances must be valid and have distinct names. When ctx is
// cancelled, Run returns the rows finished so far with ctx's error (the
// solve under way returns its best plan, as solver.Solve does).
func Run(ctx context.Context, instances []*model.Instance, opts Options) (*Report, error) {
	if opts.Stress < 0 {
		return nil, fmt.Errorf("bench: stress draws must be >= 0, got %d", opts.Stress)
	}
	if opts.TimeLimit < 0 {
		return nil, fmt.Errorf("bench: time limit must be >= 0, got %s", opts.TimeLimit)
	}
	lm, err := opts.LossModel.normalized()
	if err != nil {
		return nil, err
	}
	rep := &Report{Methods: append([]string(nil), Methods...), TimeLimitSeconds: opts.TimeLimit.Seconds()}
	switch opts.Sharing {
	case "", model.SharingReport:
	case model.SharingStakes:
		rep.Methods = []string{model.MethodCluster, MethodClusterFair, model.MethodIndependent, model.MethodPolicyPush}
	default:
		return nil, fmt.Errorf("bench: unknown sharing %q (want %q or %q)", opts.Sharing, model.SharingReport, model.SharingStakes)
	}
	if opts.Stress > 0 {
		rep.Stress = &StressConfig{Draws: opts.Stress, Seed: opts.Seed, LossModel: lm}
	}
	seen := map[string]bool{}
	derived := make([]*model.Derived, len(instances))
	for i, inst := range instances {
		if inst == nil {
			return nil, fmt.Errorf("bench: instance %d is nil", i)
		}
		if seen[inst.Name] {
			return nil, fmt.Errorf("bench: two instances are named %q; names must be distinct", inst.Name)
		}
		seen[inst.Name] = true
		if err := model.ValidateErr(inst); err != nil {
			return nil, fmt.Errorf("bench: %s: %w", inst.Name, err)
		}
		d := model.Derive(inst)
		derived[i] = d
		rep.Instances = append(rep.Instances, InstanceInfo{
			Name: inst.Name, Group: opts.Groups[inst.Name], Currency: inst.Currency,
			Firms: len(inst.Firms), SMEs: len(d.SMEs), Opportunities: len(inst.Opportunities),
			Markets: len(inst.Markets), Scenarios: len(inst.Scenarios),
			MarketPowerTarget:      inst.Objective.MarketPowerTarget,
			SMEParticipationTarget: inst.Objective.SMEParticipationTarget,
		})
	}
	total := len(instances) * len(rep.Methods)
	for i, inst := range instances {
		for _, method := range rep.Methods {
			if err := ctx.Err(); err != nil {
				rep.finish()
				return rep, err
			}
			row, err := runOne(ctx, inst, derived[i], method, opts, lm)
			if err != nil {
				rep.finish()
				return rep, err
			}
			rep.Rows = append(rep.Rows, *row)
			if opts.Progress != nil {
				opts.Progress(Progress{Done: len(rep.Rows), Total: total, Row: &rep.Rows[len(rep.Rows)-1]})
			}
		}
	}
	rep.finish()
	return rep, ctx.Err()
}

// finish computes the comparisons of the rows so far.
func (r *Report) finish() {
	r.Coordination = coordination(r)
	r.Fairness = fairness(r)
}

func runOne(ctx context.Context, inst *model.Instance, d *model.Derived, method string, opts Options, lm LossModel) (*Row, error) {
	sm, sharing := method, ""
	if method == MethodClusterFair {
		sm, sharing = model.MethodCluster, model.SharingStakes
	}
	res, err := solver.Solve(ctx, inst, solver.Options{
		Method:    sm,
		TimeLimit: opts.TimeLimit,
		Progress:  opts.SolverProgress,
		Sharing:   sharing,
	})
	if err != nil {
		return nil, fmt.Errorf("bench: %s: %w", inst.Name, err)
	}
	plan := res.Plan()
	row := &Row{
		Instance:     inst.Name,
		Method:       method,
		Status:       plan.Status,
		Objective:    plan.Objective,
		Bound:        plan.Bound,
		Gap:          plan.Gap,
		Metrics:      plan.Metrics,
		Message:      plan.Message,
		SolveSeconds: res.Stats.Duration.Seconds(),
		Plan:         plan,
	}
	if err := check.Check(inst, plan, check.Options{}).Err(); err != nil {
		row.CheckError = err.Error()
	}
	if opts.Stress > 0 && res.Assignment != nil {
		st, err := Stress(d, res.Assignment, StressOptions{Draws: opts.Stress, Seed: opts.Seed, LossModel: lm})
		if err != nil {
			return nil, fmt.Errorf("bench: %s %s: %w", inst.Name, method, err)
		}
		row.Stress = st
	}
	return row, nil
}

// Row returns the row of instance and method, or nil.
func (r *Report) Row(instance, method string) *Row {
	for i := range r.Rows {
		if r.Rows[i].Instance == instance && r.Rows[i].Method == method {
			return &r.Rows[i]
		}
	}
	return nil
}

// CheckErrors lists the rows whose plan failed the independent checker, as
// "instance method: error" lines.
func (r *Report) CheckErrors() []string {
	var out []string
	for _, row := range r.Rows {
		if row.CheckError != "" {
			out = append(out, fmt.Sprintf("%s %s: %s", row.Instance, row.Method, row.CheckError))
		}
	}
	return out
}

// coordination compares the cluster row of each instance with each
// baseline row, when both have a plan, then appends the group means.
func coordination(r *Report) []Gain {
	out := []Gain{}
	type acc struct {
		sum Gain
		n   int
	}
	groups := map[[2]string]*acc{}
	var groupOrder [][2]string
	for _, in := range r.Instances {
		c := r.Row(in.Name, model.MethodCluster)
		if c == nil || c.Metrics == nil {
			continue
		}
		for _, m := range r.Methods {
			if m == model.MethodCluster || m == MethodClusterFair {
				continue
			}
			b := r.Row(in.Name, m)
			if b == nil || b.Metrics == nil {
				continue
			}
			g := gain(c, b)
			g.Instance = in.Name
			out = append(out, g)
			if in.Group == "" {
				continue
			}
			key := [2]string{in.Group, m}
			a := groups[key]
			if a == nil {
				a = &acc{}
				groups[key] = a
				groupOrder = append(groupOrder, key)
			}
			a.sum = addGain(a.sum, g)
			a.n++
		}
	}
	for _, key := range groupOrder {
		a := groups[key]
		if a.n < 2 {
			continue
		}
		g := scaleGain(a.sum, 1/float64(a.n))
		g.Group, g.Count, g.Baseline = key[0], a.n, key[1]
		out = append(out, g)
	}
	return out
}

func gain(c, b *Row) Gain {
	mc, mb := c.Metrics, b.Metrics
	g := Gain{
		Baseline:               b.Method,
		ObjectiveGain:          *b.Objective - *c.Objective,
		DissipationAvoided:     mb.Dissipation - mc.Dissipation,
		InfoCostSaved:          mb.InfoCost - mc.InfoCost,
		ValueGained:            mc.Value - mb.Value,
		MarketPowerGained:      mc.MarketPower - mb.MarketPower,
		SMEParticipationGained: mc.SMEParticipation - mb.SMEParticipation,
		LearningGained:         float64(mc.Learning - mb.Learning),
	}
	g.ObjectiveGainPct = 100 * g.ObjectiveGain / math.Max(1, math.Abs(*c.Objective))
	if c.Stress != nil && b.Stress != nil {
		g.DistressShareChange = b.Stress.DistressShare - c.Stress.DistressShare
		g.DistressedMeanChange = b.Stress.DistressedMean - c.Stress.DistressedMean
		g.DistressRateChange = b.Stress.DistressRate - c.Stress.DistressRate
	}
	return g
}

func addGain(a, b Gain) Gain {
	a.ObjectiveGain += b.ObjectiveGain
	a.ObjectiveGainPct += b.ObjectiveGainPct
	a.DissipationAvoided += b.DissipationAvoided
	a.InfoCostSaved += b.InfoCostSaved
	a.ValueGained += b.ValueGained
	a.MarketPowerGained += b.MarketPowerGained
	a.SMEParticipationGained += b.SMEParticipationGained
	a.LearningGained += b.LearningGained
	a.DistressShareChange += b.DistressShareChange
	a.DistressedMeanChange += b.DistressedMeanChange
	a.DistressRateChange += b.DistressRateChange
	return a
}

func scaleGain(a Gain, s float64) Gain {
	a.ObjectiveGain *= s
	a.ObjectiveGainPct *= s
	a.DissipationAvoided *= s
	a.InfoCostSaved *= s
	a.ValueGained *= s
	a.MarketPowerGained *= s
	a.SMEParticipationGained *= s
	a.LearningGained *= s
	a.DistressShareChange *= s
	a.DistressedMeanChange *= s
	a.DistressRateChange *= s
	return a
}

// fairness compares, per instance, the cluster row with the cluster-fair
// row (none without that method).
func fairness(r *Report) []Fairness {
	var out []Fairness
	for _, in := range r.Instances {
		c, fr := r.Row(in.Name, model.MethodCluster), r.Row(in.Name, MethodClusterFair)
		if c == nil || fr == nil {
			continue
		}
		fa := Fairness{Instance: in.Name, Status: fr.Status}
		if c.Metrics != nil {
			fa.FirmsBelow, fa.Transfers = c.Metrics.FirmsBelowOutsideOption, c.Metrics.TransfersPaid
		}
		if c.Metrics != nil && fr.Metrics != nil {
			z, w := *fr.Objective-*c.Objective, c.Metrics.MoneyValue-fr.Metrics.MoneyValue
			fa.PriceZ, fa.PriceW = &z, &w
			fa.Proven = c.Status == model.StatusOptimal && fr.Status == model.StatusOptimal
			fa.FairFirmsBelow = fr.Metrics.FirmsBelowOutsideOption
		}
		out = append(out, fa)
	}
	return out
}
