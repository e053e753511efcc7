package horizon

import (
	"context"
	"time"

	"github.com/ofdi/ofdi/solver/cluster"
)

// ExplainInfeasible says which targets no multi-period plan can meet: for
// each target, the MIP without that target's row (and without rows 16)
// is solved for the most of what the target measures over the horizon
// (cluster.ExplainTargets). When each target can be met on its own and
// there are two, it says they cannot be met together; nil when nothing
// is found (without targets the empty plan is feasible, so the rows 16 or
// the forced opportunities are then the reason).
func (fm *Formulation) ExplainInfeasible(ctx context.Context, limit time.Duration) []string {
	in, d := fm.Inst, fm.D
	var targets []cluster.Target
	if g := in.Objective.MarketPowerTarget; g > 0 {
		power := map[int]float64{}
		for p := range fm.Y {
			for _, y := range fm.Y[p] {
				if y != none {
					power[y] = in.Opportunities[p].MarketPower
				}
			}
		}
		targets = append(targets, cluster.PowerTarget(marketPowerRow, g, power, "points of market power over the horizon"))
	}
	if d.SMETarget > 0 {
		smes := map[int]float64{}
		for _, z := range fm.Z {
			if z != none {
				smes[z] = 1
			}
		}
		targets = append(targets, cluster.SMETarget(smeTargetRow, d, smes))
	}
	fair := map[int]bool{}
	for _, r := range fm.FairRow {
		if r != none {
			fair[r] = true
		}
	}
	why, reachable := cluster.ExplainTargets(ctx, fm.Prob, targets, func(i int) bool { return fair[i] }, limit)
	if len(why) == 0 && len(fair) == 0 && reachable == len(targets) && len(targets) > 1 {
		why = append(why, "each target can be met on its own, but no multi-period plan meets both together")
	}
	return why
}
