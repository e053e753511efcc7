package horizon

import (
	"fmt"
	"math"
	"slices"

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
	// after[t-1] is what the baseline's projects of the periods after t
	// take from each firm.
	after []reserve
	// got[f] is Σ d^(t−1)·Σ_p v_p·s_fpt of the cluster's own projects so
	// far; total[f] the same over all the firm's baseline projects (at
	// least o_f).
	got, total []float64
}

// reserve is, per firm, what a set of the baseline's projects takes: its
// spend (a_p), its project count and the CVaR of its losses (CVaR is
// subadditive, so reserving it keeps the whole portfolio within R_f).
type reserve struct {
	spend, cvar []float64
	count       []int
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
	T := in.Periods()
	rb := &rollingBase{outside: outside, byPeriod: make([][]model.Project, T), after: make([]reserve, T),
		got: make([]float64, len(in.Firms)), total: make([]float64, len(in.Firms))}
	for _, pj := range p.Plan.Projects {
		t := max(1, pj.Period)
		rb.byPeriod[t-1] = append(rb.byPeriod[t-1], pj)
		rb.credit(d, t, &pj, rb.total)
	}
	for t := 1; t <= T; t++ {
		rb.after[t-1] = reserveOf(d, slices.Concat(rb.byPeriod[t:]...))
	}
	return rb, nil
}

// reserveOf returns what the projects take from each firm.
func reserveOf(d *model.Derived, projects []model.Project) reserve {
	nF := len(d.Inst.Firms)
	r := reserve{spend: make([]float64, nF), count: make([]int, nF),
		cvar: d.FirmCVaR(&model.Assignment{Projects: projects})}
	for _, pj := range projects {
		p := d.Opp[pj.ID]
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			r.spend[f] += d.NetCost[p] * st.Stake
			r.count[f]++
		}
	}
	return r
}

// later returns what firm f's baseline projects of the periods after t
// need: their spend, their count and the CVaR of their losses.
func (rb *rollingBase) later(f, t int) (spend float64, count int, cvar float64) {
	r := &rb.after[t-1]
	return r.spend[f], r.count[f], r.cvar[f]
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
	for i := range a.Projects {
		rb.credit(d, t, &a.Projects[i], rb.got)
	}
}

// credit adds project pj of period t's discounted stake returns to sum,
// per firm.
func (rb *rollingBase) credit(d *model.Derived, t int, pj *model.Project, sum []float64) {
	w := d.Inst.Horizon.DiscountAt(t)
	v := d.Inst.ProjectValue(&d.Inst.Opportunities[d.Opp[pj.ID]])
	for _, st := range pj.Participants {
		sum[d.Firm[st.Firm]] += w * st.Stake * v
	}
}
