package horizon

import (
	"fmt"
	"math"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
)

// rollingBase carries constraint (16) through the rolling horizon: the
// independent baseline's projects over the horizon are taken as they are
// there (each held 100% by its firm, in its period), so that every firm's
// stake return is at least its outside option (o_f is that return less the
// info cost the firm paid alone, which the cluster's stake returns do not
// bear), and each period's one-period solve adds projects with what the
// baseline leaves: the baseline's later periods are reserved out of each
// firm's capital, risk limit and project count, and the period's outside
// options keep any losing project a firm joins within its margin.
type rollingBase struct {
	outside []float64
	// byPeriod[t-1] are the baseline's projects started in period t.
	byPeriod [][]model.Project
	// spend[f][t-1], count[f][t-1], loss[f][t-1][k]: the firm's baseline
	// spend (a_p), projects and scenario losses of period t.
	spend [][]float64
	count [][]int
	loss  [][][]float64
	// got[f] is Σ d^(t−1)·Σ_p v_p·s_fpt of the plan so far.
	got []float64
	// total[f] is the firm's return on all its baseline projects,
	// discounted: at least o_f.
	total []float64
}

// newRollingBase runs the independent baseline over the horizon; nil
// without outside options (no constraint 16).
func newRollingBase(d *model.Derived, outside []float64) (*rollingBase, error) {
	if outside == nil {
		return nil, nil
	}
	p, err := baseline.RunHorizon(d, model.MethodIndependent)
	if err != nil {
		return nil, fmt.Errorf("rolling horizon: %w", err)
	}
	in := d.Inst
	T, nF, nK := in.Periods(), len(in.Firms), len(in.Scenarios)
	rb := &rollingBase{outside: outside, byPeriod: make([][]model.Project, T),
		spend: make([][]float64, nF), count: make([][]int, nF), loss: make([][][]float64, nF),
		got: make([]float64, nF), total: make([]float64, nF)}
	for f := range in.Firms {
		rb.spend[f], rb.count[f], rb.loss[f] = make([]float64, T), make([]int, T), make([][]float64, T)
		for t := range rb.loss[f] {
			rb.loss[f][t] = make([]float64, nK)
		}
	}
	for _, pj := range p.Plan.Projects {
		t, q := max(1, pj.Period), d.Opp[pj.ID]
		o := &in.Opportunities[q]
		pj.Participants = append([]model.Stake(nil), pj.Participants...)
		rb.byPeriod[t-1] = append(rb.byPeriod[t-1], pj)
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			rb.spend[f][t-1] += d.NetCost[q] * st.Stake
			rb.count[f][t-1]++
			for k := range rb.loss[f][t-1] {
				rb.loss[f][t-1][k] += d.Loss(q, k) * st.Stake
			}
			rb.total[f] += in.Horizon.DiscountAt(t) * st.Stake * in.ProjectValue(o)
		}
	}
	return rb, nil
}

// later returns what firm f's baseline projects of the periods after t
// need: their spend, their count, and the CVaR of their losses (CVaR is
// subadditive, so reserving it keeps the whole portfolio within R_f).
func (rb *rollingBase) later(d *model.Derived, f, t int) (spend float64, count int, cvar float64) {
	loss := make([]float64, len(d.Inst.Scenarios))
	for u := t; u < len(rb.spend[f]); u++ {
		spend += rb.spend[f][u]
		count += rb.count[f][u]
		for k, l := range rb.loss[f][u] {
			loss[k] += l
		}
	}
	return spend, count, model.CVaR(loss, d.Probs, d.Inst.Policy.Alpha())
}

// outsideFor returns period t's outside options, in period t's money: what
// each firm's stakes in the period's new projects must return at least,
// o_f less its baseline return over the horizon and what it has got from
// the cluster's own projects so far (at most 0: a row binds only on
// losing projects).
func (rb *rollingBase) outsideFor(in *model.Instance, t int) []float64 {
	w := in.Horizon.DiscountAt(t)
	out := make([]float64, len(rb.got))
	for f := range out {
		o := rb.outside[f] - rb.total[f] - rb.got[f]
		if o > 0 && o <= 1e-9*max(1, math.Abs(rb.outside[f])) {
			o = 0 // rounding: the baseline's return is o_f plus its info cost
		}
		out[f] = o / w
	}
	return out
}

// add records period t's own projects a (not the baseline's).
func (rb *rollingBase) add(d *model.Derived, t int, a *model.Assignment) {
	w := d.Inst.Horizon.DiscountAt(t)
	for _, pj := range a.Projects {
		v := d.Inst.ProjectValue(&d.Inst.Opportunities[d.Opp[pj.ID]])
		for _, st := range pj.Participants {
			rb.got[d.Firm[st.Firm]] += w * st.Stake * v
		}
	}
}
