package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// planStart prices the project count of exactly the firms the plan holds
// at their limit, at half the plan's value per participation, and leaves
// every other multiplier and the dual's current state as they were.
func TestPlanStartPrices(t *testing.T) {
	d, fm, a := largeStart(t, shaped(t, "tight-projects", 60, 30, 5, 3))
	z, err := verifyPlan(d, a)
	if err != nil {
		t.Fatal(err)
	}
	lg := newLagrangian(fm)
	lg.theta[0] = 7 // the current multipliers are not planStart's business
	count, parts := make([]int, len(d.Inst.Firms)), 0
	for _, pj := range a.Projects {
		for _, st := range pj.Participants {
			count[d.Firm[st.Firm]]++
			parts++
		}
	}
	m, ok := lg.planStart(a, z)
	if !ok {
		t.Fatal("planStart: no firm at its limit in a tight-projects plan")
	}
	if lg.theta[0] != 7 {
		t.Errorf("planStart changed the current multipliers: θ_0 = %g", lg.theta[0])
	}
	price := 0.5 * math.Abs(z) / float64(parts)
	at := 0
	for f, lf := range lg.firms {
		want := 0.0
		if lf.projects > 0 && count[f] >= lf.projects {
			want = price
			at++
		}
		if math.Abs(m.theta[f]-want) > 1e-12 {
			t.Errorf("firm %s (%d of %d projects): θ = %g, want %g", d.Inst.Firms[f].ID, count[f], lf.projects, m.theta[f], want)
		}
		if m.mu[f] != 0 || m.rho[f] != 0 || m.nu[f] != 0 {
			t.Errorf("firm %s: μ, ρ, ν = %g, %g, %g, want zero", d.Inst.Firms[f].ID, m.mu[f], m.rho[f], m.nu[f])
		}
	}
	if at == 0 {
		t.Fatal("no firm at its limit: the case is not exercised")
	}
	if m.gamma != 0 || m.phi != 0 || m.zeta != 0 {
		t.Errorf("γ, φ, ζ = %g, %g, %g, want zero", m.gamma, m.phi, m.zeta)
	}
	if _, ok := lg.planStart(&model.Assignment{}, z); ok {
		t.Error("planStart of an empty plan: ok")
	}
}

// On a cluster where the steps from zero never rise above their first
// iterate, the Lagrangian phase starts again from the rows of the plan it
// is given (hooks.plan), and its bound stays between that first iterate
// and the plan; where they rise, the plan is not asked for. A run from a
// start far below its best keeps climbing (own steps) where the steps
// judged against the best so far stop.
func TestPlanStartWhenStuck(t *testing.T) {
	if testing.Short() {
		t.Skip("300-firm Lagrangian phases")
	}
	for _, tc := range []struct {
		shape                string
		firms, opps, markets int
		stuck                bool
		calls                int           // of the plan hook
		limit                time.Duration // the phase's deadline
	}{
		{"default", 300, 75, 8, true, 1, time.Minute},
		{"nonequity-heavy", 60, 30, 5, false, 0, 2 * time.Second},
	} {
		t.Run(tc.shape, func(t *testing.T) {
			d, fm, a := largeStart(t, shaped(t, tc.shape, tc.firms, tc.opps, tc.markets, 1))
			z, err := verifyPlan(d, a)
			if err != nil {
				t.Fatal(err)
			}
			first := newLagrangian(fm).evaluate().value
			calls := 0
			res := fm.lagrangian(context.Background(), z, true, time.Now().Add(tc.limit), lagHooks{
				plan: func() (*model.Assignment, float64) { calls++; return a, z },
			})
			if res.lg.zeroStuck != tc.stuck {
				t.Fatalf("stuck at zero: %v, want %v (the cluster no longer shows the case)", res.lg.zeroStuck, tc.stuck)
			}
			if calls != tc.calls {
				t.Errorf("plan hook called %d times, want %d", calls, tc.calls)
			}
			tol := 1e-9 * math.Max(1, math.Abs(z))
			if res.Bound < first-tol || res.Bound > z+tol {
				t.Errorf("bound %.6f outside [first iterate %.6f, plan %.6f]", res.Bound, first, z)
			}
			if !tc.stuck {
				return
			}
			// Own steps against steps judged by the best so far, from the
			// same start far below it: the latter halve from the first
			// iterate on.
			start, ok := res.lg.planStart(a, z)
			if !ok {
				t.Fatal("no firm at its limit")
			}
			iterates := func(own bool) int {
				lg := newLagrangian(fm)
				lg.maximise(context.Background(), z, true, time.Time{})
				n := 0
				lg.hook = func(int, primal) (float64, bool) { n++; return 0, false }
				lg.maximiseFrom(context.Background(), &start, z, true, time.Time{}, own)
				return n
			}
			if own, judged := iterates(true), iterates(false); own <= judged {
				t.Errorf("own steps ran %d iterates, steps judged by the best so far %d: want more", own, judged)
			}
		})
	}
}
