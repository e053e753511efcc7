package cluster

import (
	"context"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// BestAmong returns the best plan GLPK finds within limit on fm's MIP with
// every opportunity and pair outside plans fixed at 0: the plans'
// coalitions mixed, each opportunity of theirs taken or not, with their
// members or fewer. nil when it finds none (or plans hold no pair). Under
// rows 16 (Fair) a plan that meets them and one that does not (the
// unconstrained optimum) make such a window: the first keeps it feasible,
// the second brings its coalitions.
func (fm *Formulation) BestAmong(ctx context.Context, plans []*model.Assignment, limit time.Duration) *model.Assignment {
	keep := map[int]bool{}
	for _, a := range plans {
		if a == nil {
			continue
		}
		for _, pj := range a.Projects {
			p, ok := fm.D.Opp[pj.ID]
			if !ok || fm.Y[p] == none {
				continue
			}
			keep[fm.Y[p]] = true
			for _, st := range pj.Participants {
				f, ok := fm.D.Firm[st.Firm]
				if !ok {
					continue
				}
				for _, pc := range fm.Pairs[p] {
					if pc.Firm == f {
						keep[pc.X] = true
					}
				}
			}
		}
	}
	if len(keep) == 0 {
		return nil
	}
	p := *fm.Prob
	p.Cols = append([]mip.Col(nil), fm.Prob.Cols...)
	off := func(j int) {
		if j != none && !keep[j] {
			p.Cols[j].Kind, p.Cols[j].Lo, p.Cols[j].Hi = mip.Continuous, 0, 0
		}
	}
	for q, y := range fm.Y {
		off(y)
		for _, pc := range fm.Pairs[q] {
			off(pc.X)
			if !keep[pc.X] {
				off(pc.L)
				off(pc.W)
			}
		}
	}
	res, err := glpk.SolveMIP(ctx, &p, glpk.Params{TimeLimit: limit, Presolve: true, MIRCuts: true, CoverCuts: true}, glpk.Callbacks{})
	if (err != nil && res == nil) || !res.HasSolution {
		return nil
	}
	x := res.X
	if len(fm.Violations(x, 1e-6)) > 0 {
		if y := fm.polish(x); y != nil {
			x = y
		}
	}
	if len(fm.Violations(x, 1e-6)) > 0 {
		return nil
	}
	return fm.Decode(x)
}
