package cluster

// The elastic start: when neither the greedy nor the Lagrangian heuristic
// meets the targets (13) and (14), the neighbourhood search starts from the
// greedy plan built without them, on a copy of the model whose target rows
// each carry a slack column priced far above any plan's objective, and
// stops once both slacks are zero: that point is a plan of the model.

import (
	"context"
	"math"

	"github.com/ofdi/ofdi/solver/mip"
)

// Names of the target rows in the formulation (see build).
const (
	rowMarketPower = "market_power"
	rowSMETarget   = "sme_target"
)

// elasticModel is a copy of a formulation whose target rows have slack.
type elasticModel struct {
	fm *Formulation // the copy: fm.Prob has the slack columns last
	// slack are the slack columns; each is the row's shortfall as a share
	// of its target, in [0, 1].
	slack []int
	// rowTarget[i] is the right-hand side of slack[i]'s row.
	rowTarget []float64
	// cols is the number of columns of the original model.
	cols int
}

// elastic returns the elastic copy of fm, or nil when fm has no target row.
// The slack's price, per whole target missed, exceeds the largest change
// in objective any plan can make, so the search first meets the targets.
func (fm *Formulation) elastic() *elasticModel {
	prob := *fm.Prob
	penalty := 1.0
	for _, c := range fm.Prob.Cols {
		hi := c.Hi
		if c.Kind == mip.Binary || math.IsInf(hi, 1) {
			hi = 1
		}
		penalty += math.Abs(c.Obj) * math.Max(1, hi)
	}
	em := &elasticModel{cols: len(fm.Prob.Cols)}
	prob.Rows = append([]mip.Row(nil), fm.Prob.Rows...)
	prob.Cols = append([]mip.Col(nil), fm.Prob.Cols...)
	for i := range prob.Rows {
		r := &prob.Rows[i]
		if r.Name != rowMarketPower && r.Name != rowSMETarget {
			continue
		}
		j := len(prob.Cols)
		prob.Cols = append(prob.Cols, mip.Col{Name: "slack_" + r.Name, Lo: 0, Hi: 1, Kind: mip.Continuous, Obj: penalty})
		r.Ind = append(append([]int(nil), r.Ind...), j)
		r.Val = append(append([]float64(nil), r.Val...), r.Lo)
		em.slack = append(em.slack, j)
		em.rowTarget = append(em.rowTarget, r.Lo)
	}
	if len(em.slack) == 0 {
		return nil
	}
	cp := *fm
	cp.Prob = &prob
	em.fm = &cp
	return em
}

// lift returns x (a point of the original model that may miss the targets)
// with each slack at the shortfall of its row.
func (em *elasticModel) lift(x []float64) []float64 {
	out := append(append([]float64(nil), x...), make([]float64, len(em.slack))...)
	for i, j := range em.slack {
		for _, r := range em.fm.Prob.Rows {
			if len(r.Ind) == 0 || r.Ind[len(r.Ind)-1] != j {
				continue
			}
			act := 0.0
			for k, c := range r.Ind[:len(r.Ind)-1] {
				act += r.Val[k] * x[c]
			}
			out[j] = math.Min(1, math.Max(0, (r.Lo-act)/em.rowTarget[i]))
		}
	}
	return out
}

// met reports whether x (of the elastic model) has every slack at zero.
func (em *elasticModel) met(x []float64) bool {
	for _, j := range em.slack {
		if x[j] > 1e-9 {
			return false
		}
	}
	return true
}

// elasticStart searches, from the greedy plan built without the targets,
// for a plan that meets them; it returns that plan's column vector, or nil.
func (fm *Formulation) elasticStart(ctx context.Context, lim lnsLimits) []float64 {
	em := fm.elastic()
	if em == nil {
		return nil
	}
	g := newGreedy(fm)
	g.ctx = ctx
	g.build(g.valueOrder())
	x, err := fm.Encode(g.assignment())
	if err != nil {
		return nil
	}
	xe := em.lift(x)
	if len(em.fm.Violations(xe, 1e-7)) > 0 {
		return nil
	}
	lim.enough = em.met
	xe = em.fm.improve(ctx, xe, nil, probeCoalitions{}, nil, lim)
	if !em.met(xe) {
		return nil
	}
	x = xe[:em.cols]
	if len(fm.Violations(x, 1e-6)) > 0 {
		return nil
	}
	return x
}
