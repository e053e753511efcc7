package cluster

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// StaticInfeasibility returns reasons, found without solving, why no plan
// can meet the targets: a market-power target above what all fundable
// opportunities together reach, or an SME target above the number of SMEs
// that can take part anywhere. Empty when none is found.
func (fm *Formulation) StaticInfeasibility() []string {
	d := fm.D
	in := d.Inst
	var why []string
	reach, n := 0.0, 0
	for p, y := range fm.Y {
		if y != none {
			reach += in.Opportunities[p].MarketPower
			n++
		}
	}
	if g := in.Objective.MarketPowerTarget; g > 0 && reach < g*(1-1e-9) {
		why = append(why, fmt.Sprintf("market_power_target %g cannot be met: at most %g is reachable (all %d opportunities some coalition could fund, taken together)", g, reach, n))
	}
	takes := make([]bool, len(in.Firms))
	for p := range fm.Pairs {
		for _, pc := range fm.Pairs[p] {
			takes[pc.Firm] = true
		}
	}
	able := 0
	for _, f := range d.SMEs {
		if takes[f] {
			able++
		}
	}
	if d.SMETarget > able {
		why = append(why, fmt.Sprintf("sme_participation_target %g needs %d of %d SMEs to take part, but only %d can take part in any fundable opportunity",
			in.Objective.SMEParticipationTarget, d.SMETarget, len(d.SMEs), able))
	}
	return why
}

// ExplainLimit is the most time each of the solves that explain an
// infeasible model gets (less near a time limit, at least a second).
const ExplainLimit = 10 * time.Second

// targetRows are the names of the target rows, as Build writes them.
const (
	marketPowerRow = "market_power"
	smeTargetRow   = "sme_target"
)

// ExplainInfeasible says why the targets, and the rows 16 of --sharing
// stakes, cannot be met together. Without them the empty plan is always
// feasible. Rows 16 first (explainFair): the firms whose outside option no
// plan meeting the targets can match. Then, for each target, it solves the model
// without that target's row (and without rows 16), maximising what the target measures, and
// reports the best value reachable (an upper bound when the limit stops
// the search first). limit bounds each of these solves.
func (fm *Formulation) ExplainInfeasible(ctx context.Context, limit time.Duration) []string {
	in := fm.D.Inst
	why := fm.explainFair(ctx, limit)
	var targets []Target
	if g := in.Objective.MarketPowerTarget; g > 0 {
		power := map[int]float64{}
		for p, y := range fm.Y {
			if y != none {
				power[y] = in.Opportunities[p].MarketPower
			}
		}
		targets = append(targets, PowerTarget(marketPowerRow, g, power, "points of market power"))
	}
	if fm.D.SMETarget > 0 {
		smes := map[int]float64{}
		for _, z := range fm.Z {
			if z != none {
				smes[z] = 1
			}
		}
		targets = append(targets, SMETarget(smeTargetRow, fm.D, smes))
	}
	reasons, reachable := ExplainTargets(ctx, fm.Prob, targets, fm.isFairRow, limit)
	why = append(why, reasons...)
	if fm.fair() && len(why) == 0 {
		why = append(why, "every firm's outside option can be matched on its own (by a plan that meets the targets), but no plan matches them all together")
	}
	if len(why) == 0 && reachable == len(targets) && len(targets) > 1 {
		why = append(why, "each target can be met on its own, but no plan meets both together")
	}
	unfundable, idle := 0, 0
	for p := range in.Opportunities {
		if fm.Y[p] == none {
			unfundable++
		}
	}
	for f := range in.Firms {
		if fm.D.FirmPairs[f] == 0 {
			idle++
		}
	}
	if unfundable > 0 || idle > 0 {
		why = append(why, fmt.Sprintf("%d of %d opportunities can never be funded and %d of %d firms can take part nowhere (ofdi validate lists them with reasons)",
			unfundable, len(in.Opportunities), idle, len(in.Firms)))
	}
	return why
}

// reached turns the value of a maximising solve (its objective, minimised,
// is −value) into the figure an explanation shows: the rounding noise of
// the simplex (6e-33 SMEs, −0) snapped to the nearest integer when within
// 1e-9 of it.
func reached(objective float64) float64 {
	v := -objective
	if r := math.Round(v); math.Abs(v-r) <= 1e-9*math.Max(1, math.Abs(v)) {
		v = r
	}
	return v + 0 // −0 prints as "-0"; −0 + 0 is +0
}

// Target is a target row of a MIP, for ExplainTargets.
type Target struct {
	// Row is the row's name; Name the instance field it comes from
	// (market_power_target); Label how a reason names it, with its value.
	Row, Name, Label string
	// Want is the least value the row asks of the measure.
	Want float64
	// Measure is what the row counts: its weight per column.
	Measure map[int]float64
	// Unit says what the measure counts (points of market power).
	Unit string
}

// PowerTarget is the market-power target g as row: power weighs each
// column by the market power it brings, unit names what it sums.
func PowerTarget(row string, g float64, power map[int]float64, unit string) Target {
	return Target{Row: row, Name: "market_power_target", Label: fmt.Sprintf("market_power_target %g", g), Want: g, Measure: power, Unit: unit}
}

// SMETarget is d's SME participation target as row: smes holds the
// columns z_f of the SMEs that count.
func SMETarget(row string, d *model.Derived, smes map[int]float64) Target {
	return Target{Row: row, Name: "sme_participation_target",
		Label: fmt.Sprintf("sme_participation_target %g (%d of %d SMEs)", d.Inst.Objective.SMEParticipationTarget, d.SMETarget, len(d.SMEs)),
		Want:  float64(d.SMETarget), Measure: smes, Unit: "SMEs taking part"}
}

// ExplainTargets says which targets no plan of prob can meet: for each
// one it solves prob without that target's row and without the rows skip
// names, maximising the target's measure, within limit. It returns a
// reason per target that cannot be met (or whose best value the limit
// left undecided), and how many targets were proven reachable.
func ExplainTargets(ctx context.Context, prob *mip.Problem, targets []Target, skip func(row int) bool, limit time.Duration) ([]string, int) {
	var why []string
	reachable := 0
	for _, t := range targets {
		p := &mip.Problem{Name: prob.Name, Cols: make([]mip.Col, len(prob.Cols))}
		for j, c := range prob.Cols {
			c.Obj = -t.Measure[j]
			p.Cols[j] = c
		}
		for i, r := range prob.Rows {
			if r.Name != t.Row && (skip == nil || !skip(i)) {
				p.Rows = append(p.Rows, r)
			}
		}
		res, err := glpk.SolveMIP(ctx, p, glpk.Params{TimeLimit: limit, CoverCuts: true, MIRCuts: true}, glpk.Callbacks{})
		if err != nil && res == nil {
			continue
		}
		other := ""
		if len(targets) > 1 {
			other = " while the other target holds"
		}
		switch {
		case res.Status == glpk.Infeasible:
			why = append(why, fmt.Sprintf("even without %s no plan meets the other target", t.Name))
		case res.Status == glpk.Optimal && -res.Objective < t.Want*(1-1e-9):
			why = append(why, fmt.Sprintf("%s cannot be met: at most %.6g %s are reachable%s", t.Label, reached(res.Objective), t.Unit, other))
		case res.Status == glpk.Optimal:
			reachable++
		case !math.IsInf(res.Bound, 0) && -res.Bound < t.Want*(1-1e-9):
			why = append(why, fmt.Sprintf("%s cannot be met: at most %.6g %s are reachable%s (bound; the search stopped at the limit)", t.Label, reached(res.Bound), t.Unit, other))
		default:
			best := "none found"
			if res.HasSolution {
				best = fmt.Sprintf("%.6g found", reached(res.Objective))
			}
			why = append(why, fmt.Sprintf("%s: the best value reachable could not be determined within the limit (%s, at most %.6g)", t.Label, best, reached(res.Bound)))
		}
	}
	return why, reachable
}
