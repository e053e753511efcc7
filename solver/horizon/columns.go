package horizon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/glpk"
)

// ErrPlanDoesNotFit is wrapped by Columns when a plan has no solution of
// the MIP: a project or participation without a column, or a row the
// plan's fixed part violates.
var ErrPlanDoesNotFit = errors.New("horizon: plan does not fit the multi-period MIP")

// columnTol is the tolerance with which a completed plan must satisfy
// every bound and row of the MIP.
const columnTol = 1e-6

// Columns turns a multi-period plan into a solution vector of the MIP: it
// fixes y, x and l as the plan says (and s, w, q at 0 where x is 0) and
// solves the rest (stakes, knowledge, credit, CVaR, entry, dissipation,
// SME counts) as a restricted MIP within limit (0: none). The vector
// satisfies every bound and row of the MIP within 1e-6; the error wraps
// ErrPlanDoesNotFit when no such vector exists.
func (fm *Formulation) Columns(ctx context.Context, a *model.Assignment, limit time.Duration) ([]float64, error) {
	fixed, x, err := fm.fixPlan(a)
	if err != nil {
		return nil, err
	}
	rs := fm.Prob.Restrict(fixed, x)
	if rs.Infeasible != "" {
		return nil, fmt.Errorf("%w: row %s", ErrPlanDoesNotFit, rs.Infeasible)
	}
	res, err := glpk.SolveMIP(ctx, rs.Problem, glpk.Params{TimeLimit: limit, Presolve: true}, glpk.Callbacks{})
	if err != nil {
		return nil, fmt.Errorf("complete plan: %w", err)
	}
	if !res.HasSolution {
		return nil, fmt.Errorf("%w: the rest has no solution (%v, %v)", ErrPlanDoesNotFit, res.Status, res.Stop)
	}
	full := rs.Expand(res.X)
	if err := fm.Prob.CheckFeasible(full, columnTol); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPlanDoesNotFit, err)
	}
	return full, nil
}

// fixPlan marks the columns the plan decides and their values.
func (fm *Formulation) fixPlan(a *model.Assignment) (fixed []bool, x []float64, err error) {
	in, d := fm.Inst, fm.D
	n := len(fm.Prob.Cols)
	fixed, x = make([]bool, n), make([]float64, n)
	type start struct {
		period int
		stake  map[int]float64
		lead   int
	}
	plan := map[int]start{}
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok || pj.Period < 1 || pj.Period > fm.T || fm.Y[p][pj.Period-1] == none {
			return nil, nil, fmt.Errorf("%w: project %q cannot start in period %d", ErrPlanDoesNotFit, pj.ID, pj.Period)
		}
		st := start{period: pj.Period, stake: map[int]float64{}, lead: none}
		for _, s := range pj.Participants {
			st.stake[d.Firm[s.Firm]] = s.Stake
		}
		if f, ok := d.Firm[pj.Lead]; ok {
			st.lead = f
		}
		plan[p] = st
	}
	for p := range in.Opportunities {
		st, on := plan[p]
		for t := 0; t < fm.T; t++ {
			if fm.Y[p][t] == none {
				continue
			}
			now := on && st.period == t+1
			fixed[fm.Y[p][t]], x[fm.Y[p][t]] = true, b2f(now)
			seen := 0
			for _, pr := range fm.Pairs[p][t] {
				_, in := st.stake[pr.Firm]
				in = in && now
				if in {
					seen++
				}
				fm.fixPair(pr, in, now && st.lead == pr.Firm, fixed, x)
			}
			if now && seen < len(st.stake) {
				return nil, nil, fmt.Errorf("%w: project %q: a participant has no column in period %d", ErrPlanDoesNotFit, in.Opportunities[p].ID, t+1)
			}
		}
	}
	return fixed, x, nil
}

// fixPair fixes x and l of a pair, and s, w, q at 0 when it is out.
func (fm *Formulation) fixPair(pr Pair, in, lead bool, fixed []bool, x []float64) {
	fixed[pr.X], x[pr.X] = true, b2f(in)
	if pr.L != none {
		fixed[pr.L], x[pr.L] = true, b2f(lead)
	}
	if in {
		return
	}
	for _, j := range []int{pr.S, pr.W, pr.Q} {
		if j != none {
			fixed[j] = true
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
