package stakes

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// run balances a, then checks what every result must satisfy: the plan is
// feasible (independent check and model/check), its structure and Z are
// unchanged, the objective is never worse, and Stats agree with an
// independent computation.
func run(t *testing.T, in *model.Instance, a *model.Assignment) (*model.Assignment, Stats) {
	t.Helper()
	if bad := feasible(in, a, 1e-9); len(bad) > 0 {
		t.Fatalf("test plan infeasible: %v", bad)
	}
	d := model.Derive(in)
	before, _ := json.Marshal(a)
	out, st, err := Balance(d, a, Options{})
	if err != nil {
		t.Fatalf("Balance: %v", err)
	}
	if after, _ := json.Marshal(a); string(after) != string(before) {
		t.Errorf("Balance modified its input")
	}
	if bad := feasible(in, out, 1e-9); len(bad) > 0 {
		t.Errorf("balanced plan infeasible: %v", bad)
	}
	checkPlan(t, in, d, out)
	if got, want := structure(out), structure(a); got != want {
		t.Errorf("structure changed:\n got %s\nwant %s", got, want)
	}
	_, z0, err0 := d.Evaluate(a, model.MethodCluster)
	_, z1, err1 := d.Evaluate(out, model.MethodCluster)
	if err0 != nil || err1 != nil || z0 != z1 {
		t.Errorf("objective Z changed: %v → %v (%v, %v)", z0, z1, err0, err1)
	}
	b0, b1 := balanceObjective(in, a), balanceObjective(in, out)
	if math.Abs(st.Before-b0) > 1e-9*math.Max(1, b0) || math.Abs(st.After-b1) > 1e-9*math.Max(1, b1) {
		t.Errorf("Stats %+v, independent Before %v After %v", st, b0, b1)
	}
	if st.After > st.Before {
		t.Errorf("worse: Σ(CVaR/R)² %v → %v", st.Before, st.After)
	}
	if !st.Changed && !reflect.DeepEqual(out, a) {
		t.Errorf("Changed = false but the plan differs:\n got %+v\nwant %+v", out, a)
	}
	return out, st
}

// pair is two firms sharing one non_equity project (no lead, caps 1):
// cost 100, loss 50 in the shock scenario, so CVaR_f = 50·s_f.
func pair(t *testing.T, r1, r2, k2 float64) *model.Instance {
	return instance(t,
		[]model.Firm{firm("f1", model.SME, 1000, r1), firm("f2", model.SME, k2, r2)},
		[]model.Opportunity{opp("p1", model.NonEquity, 100, map[string]float64{"shock": 0.5})})
}

// trio is a large lead and two SMEs in one acquisition: cost 100, loss 50
// in the shock scenario. The lead's risk limit is small, so balancing wants
// its stake as low as the rules allow.
func trio(t *testing.T, rules model.Rules) *model.Instance {
	in := instance(t,
		[]model.Firm{firm("L", model.Large, 1000, 50), firm("S1", model.SME, 1000, 200), firm("S2", model.SME, 1000, 200)},
		[]model.Opportunity{opp("p1", model.Acquisition, 100, map[string]float64{"shock": 0.5})})
	in.Rules = rules
	return in
}

func TestBalanceOptimum(t *testing.T) {
	type want struct {
		project, firm string
		stake         float64
	}
	tests := []struct {
		name          string
		in            *model.Instance
		plan          func(in *model.Instance) *model.Assignment
		before, after float64
		stakes        []want
		tol           float64 // on stakes; 0 means 1e-5
		credit        []model.Credit
	}{{
		// (0.45)² + (0.05)² → 2·(0.25)².
		name: "equal risk limits split evenly",
		in:   pair(t, 100, 100, 1000),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.9, "f2", 0.1))
		},
		before: 0.205, after: 0.125,
		stakes: []want{{"p1", "f1", 0.5}, {"p1", "f2", 0.5}},
	}, {
		// min (50s/200)² + (50(1−s)/100)²: s ∝ R², s = 0.8.
		name: "stakes proportional to risk limit squared",
		in:   pair(t, 200, 100, 1000),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.2, "f2", 0.8))
		},
		before: 0.0025 + 0.16, after: 0.04 + 0.01,
		stakes: []want{{"p1", "f1", 0.8}, {"p1", "f2", 0.2}},
	}, {
		// f2 has capital 30 and no credit: s_2 ≤ 0.3.
		name: "budget binds",
		in:   pair(t, 100, 100, 30),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.9, "f2", 0.1))
		},
		before: 0.205, after: 0.35*0.35 + 0.15*0.15,
		stakes: []want{{"p1", "f1", 0.7}, {"p1", "f2", 0.3}},
	}, {
		// f2 may borrow 0.5·30 = 15, but the credit line is 10: s_2 ≤ 0.4,
		// drawing credit 10.
		name: "credit line binds and credit is re-chosen",
		in: func() *model.Instance {
			in := pair(t, 100, 100, 30)
			in.Policy.CreditPerFirm, in.Policy.CreditLine = 0.5, 10
			return in
		}(),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.9, "f2", 0.1))
		},
		before: 0.205, after: 0.3*0.3 + 0.2*0.2,
		stakes: []want{{"p1", "f1", 0.6}, {"p1", "f2", 0.4}},
		credit: []model.Credit{{Firm: "f2", Amount: 10}},
	}, {
		// The lead must keep σ_lead = 0.5; the SMEs share the rest.
		name: "lead stake binds",
		in:   trio(t, model.Rules{}),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "L", "L", 0.9, "S1", 0.05, "S2", 0.05))
		},
		before: 0.81 + 2*math.Pow(0.05*50/200, 2), after: 0.25 + 2*math.Pow(0.25*50/200, 2),
		stakes: []want{{"p1", "L", 0.5}, {"p1", "S1", 0.25}, {"p1", "S2", 0.25}},
	}, {
		// σ_lead = 0.3, but the SMEs may hold at most σ_min = 0.3 each, so
		// the lead keeps 0.4.
		name: "minority cap binds",
		in:   trio(t, model.Rules{LeadMinStake: fp(0.3)}),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "L", "L", 0.9, "S1", 0.05, "S2", 0.05))
		},
		before: 0.81 + 2*math.Pow(0.05*50/200, 2), after: 0.16 + 2*math.Pow(0.3*50/200, 2),
		stakes: []want{{"p1", "L", 0.4}, {"p1", "S1", 0.3}, {"p1", "S2", 0.3}},
	}, {
		// Net cost 200, loss 200 in the shock: u1 = 2s1, u2 = s2/5, u3 =
		// (10/3)s3. f2's capital caps s2 at 0.3 (and it wants all of it);
		// the rest would split s1 ≈ 0.515, s3 ≈ 0.185, but f1's CVaR limit
		// 100 caps s1 at 0.5.
		name: "budget and CVaR limit bind",
		in: instance(t,
			[]model.Firm{firm("f1", model.SME, 1000, 100), firm("f2", model.SME, 60, 1000), firm("f3", model.SME, 1000, 60)},
			[]model.Opportunity{opp("p1", model.NonEquity, 200, map[string]float64{"shock": 1})}),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.45, "f2", 0.25, "f3", 0.3))
		},
		before: 4*0.45*0.45 + 0.04*0.25*0.25 + 100.0/9*0.09, after: 4*0.25 + 0.04*0.09 + 100.0/9*0.04,
		stakes: []want{{"p1", "f1", 0.5}, {"p1", "f2", 0.3}, {"p1", "f3", 0.2}},
		tol:    1e-4,
	}, {
		// CVaR_f = 100·s_f. f1 (R 60) is at its risk limit in the input
		// and at the optimum (unconstrained, s ∝ R² would give it 2/3):
		// s = (0.6, 0.2, 0.2): the repair must reach a point on a limit
		// the input already touches (solver's TestBalanceJiangsu is the
		// larger case of issue 13).
		name: "risk limit binds at the input and at the optimum",
		in: instance(t,
			[]model.Firm{firm("f1", model.SME, 1000, 60), firm("f2", model.SME, 1000, 30), firm("f3", model.SME, 1000, 30)},
			[]model.Opportunity{opp("p1", model.NonEquity, 100, map[string]float64{"shock": 1})}),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.6, "f2", 0.3, "f3", 0.1))
		},
		before: 1 + 1 + 1.0/9, after: 1 + 8.0/9,
		stakes: []want{{"p1", "f1", 0.6}, {"p1", "f2", 0.2}, {"p1", "f3", 0.2}},
		tol:    1e-4,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.plan(tc.in)
			out, st := run(t, tc.in, a)
			if !st.Changed {
				t.Fatalf("stakes not changed: %+v", st)
			}
			tol := tc.tol
			if tol == 0 {
				tol = 1e-5
			}
			if math.Abs(st.Before-tc.before) > 1e-12 {
				t.Errorf("Before = %v, want %v", st.Before, tc.before)
			}
			if math.Abs(st.After-tc.after) > tol*tc.after {
				t.Errorf("After = %v, want %v", st.After, tc.after)
			}
			for _, w := range tc.stakes {
				if got := stakeOf(out, w.project, w.firm); math.Abs(got-w.stake) > tol {
					t.Errorf("stake of %s in %s = %v, want %v", w.firm, w.project, got, w.stake)
				}
			}
			if tc.credit != nil {
				if len(out.Credit) != len(tc.credit) {
					t.Fatalf("credit %+v, want %+v", out.Credit, tc.credit)
				}
				for i, c := range tc.credit {
					if out.Credit[i].Firm != c.Firm || math.Abs(out.Credit[i].Amount-c.Amount) > 1e-4 {
						t.Errorf("credit %+v, want %+v", out.Credit, tc.credit)
					}
				}
			}
		})
	}
}

func TestBalanceUnchanged(t *testing.T) {
	single := instance(t,
		[]model.Firm{firm("f1", model.SME, 1000, 100), firm("f2", model.SME, 1000, 100)},
		[]model.Opportunity{
			opp("p1", model.NonEquity, 100, map[string]float64{"shock": 0.5}),
			opp("p2", model.NonEquity, 100, map[string]float64{"shock": 0.2}),
		})
	tests := []struct {
		name string
		in   *model.Instance
		plan func(in *model.Instance) *model.Assignment
		free int
	}{{
		name: "already even",
		in:   pair(t, 100, 100, 1000),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.5, "f2", 0.5))
		},
		free: 2,
	}, {
		name: "already optimal, uneven",
		in:   pair(t, 200, 100, 1000),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.8, "f2", 0.2))
		},
		free: 2,
	}, {
		name: "lead already at its bound",
		in:   trio(t, model.Rules{}),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "L", "L", 0.5, "S1", 0.25, "S2", 0.25))
		},
		free: 3,
	}, {
		name: "one member per project",
		in:   single,
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 1.0), project(&in.Opportunities[1], "", "f2", 1.0))
		},
	}, {
		name: "no loss at all",
		in: instance(t,
			[]model.Firm{firm("f1", model.SME, 1000, 100), firm("f2", model.SME, 1000, 100)},
			[]model.Opportunity{opp("p1", model.NonEquity, 100, nil)}),
		plan: func(in *model.Instance) *model.Assignment {
			return assignment(in, project(&in.Opportunities[0], "", "f1", 0.9, "f2", 0.1))
		},
		free: 2,
	}, {
		name: "empty plan",
		in:   single,
		plan: func(in *model.Instance) *model.Assignment { return assignment(in) },
	}, {
		// Credit drawn beyond need is kept when nothing changes.
		name: "excess credit kept",
		in: func() *model.Instance {
			in := pair(t, 100, 100, 1000)
			in.Policy.CreditPerFirm, in.Policy.CreditLine = 0.5, 100
			return in
		}(),
		plan: func(in *model.Instance) *model.Assignment {
			a := assignment(in, project(&in.Opportunities[0], "", "f1", 0.5, "f2", 0.5))
			a.Credit = []model.Credit{{Firm: "f2", Amount: 7}}
			return a
		},
		free: 2,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.plan(tc.in)
			out, st := run(t, tc.in, a)
			if st.Changed || !reflect.DeepEqual(out, a) {
				t.Errorf("plan changed (%+v):\n got %+v\nwant %+v", st, out, a)
			}
			if st.After != st.Before {
				t.Errorf("After %v ≠ Before %v", st.After, st.Before)
			}
			if st.Free != tc.free {
				t.Errorf("Free = %d, want %d", st.Free, tc.free)
			}
		})
	}
}

// A firm with R_f = 0 keeps its stakes (in a feasible plan they carry no
// loss); the others are balanced around it.
func TestBalanceZeroRiskLimitKept(t *testing.T) {
	in := instance(t,
		[]model.Firm{firm("f0", model.SME, 1000, 0), firm("f1", model.SME, 1000, 100), firm("f2", model.SME, 1000, 100)},
		[]model.Opportunity{
			opp("p1", model.NonEquity, 100, map[string]float64{"shock": 0.5}),
			opp("p2", model.NonEquity, 100, nil),
		})
	a := assignment(in,
		project(&in.Opportunities[0], "", "f1", 0.9, "f2", 0.1),
		project(&in.Opportunities[1], "", "f0", 0.2, "f1", 0.7, "f2", 0.1))
	out, st := run(t, in, a)
	if !st.Changed {
		t.Fatalf("not changed: %+v", st)
	}
	if got := stakeOf(out, "p2", "f0"); got != 0.2 {
		t.Errorf("f0 stake in p2 = %v, want 0.2 kept", got)
	}
	if got := stakeOf(out, "p1", "f1"); math.Abs(got-0.5) > 1e-5 {
		t.Errorf("f1 stake in p1 = %v, want 0.5", got)
	}
}

// Two projects sharing a firm, three scenarios with different loss
// profiles and a CVaR tail of 0.3: Balance must reach the minimum of a fine
// grid over the two free shares.
func TestBalanceMatchesGrid(t *testing.T) {
	in := instance(t,
		[]model.Firm{firm("f1", model.SME, 1000, 30), firm("f2", model.SME, 1000, 50), firm("f3", model.SME, 1000, 25)},
		[]model.Opportunity{
			opp("p1", model.NonEquity, 100, map[string]float64{"b": 0.4, "c": 0.1}),
			opp("p2", model.NonEquity, 100, map[string]float64{"a": 0.1, "c": 0.6}),
		}, func(in *model.Instance) {
			in.Scenarios = []model.Scenario{{ID: "a", Probability: 0.5}, {ID: "b", Probability: 0.3}, {ID: "c", Probability: 0.2}}
			in.Policy.CVaRAlpha = fp(0.7)
		})
	plan := func(s, t float64) *model.Assignment {
		return assignment(in,
			project(&in.Opportunities[0], "", "f1", s, "f2", 1-s),
			project(&in.Opportunities[1], "", "f2", t, "f3", 1-t))
	}
	best := math.Inf(1)
	for i := 0; i <= 180; i++ {
		for j := 0; j <= 180; j++ {
			p := plan(0.05+0.005*float64(i), 0.05+0.005*float64(j))
			if len(feasible(in, p, 1e-9)) == 0 {
				best = math.Min(best, balanceObjective(in, p))
			}
		}
	}
	_, st := run(t, in, plan(0.3, 0.9))
	t.Logf("grid minimum %.8f, Balance %.8f (from %.8f, %d iterations)", best, st.After, st.Before, st.Iterations)
	if st.After > best*(1+1e-6) {
		t.Errorf("Balance reached %v, the grid %v", st.After, best)
	}
}

func TestBalanceErrors(t *testing.T) {
	in := trio(t, model.Rules{})
	d := model.Derive(in)
	o := &in.Opportunities[0]
	// L has R = 50 and, with 0.7 of the cost, CVaR 0.7·50 = 35: fine; a
	// risk limit of 30 makes the plan infeasible.
	tight := trio(t, model.Rules{})
	tight.Firms[0].RiskLimit = 30
	dTight := model.Derive(tight)
	// S2 does not serve the project's segment: its pair is not eligible.
	narrow := trio(t, model.Rules{})
	narrow.Firms[2].Segments = []string{"iot"}
	dNarrow := model.Derive(narrow)
	ne := pair(t, 100, 100, 1000) // non_equity: no lead role
	dNE := model.Derive(ne)
	oNE := &ne.Opportunities[0]
	tests := []struct {
		name       string
		d          *model.Derived // nil: d
		a          *model.Assignment
		outside    []float64
		infeasible bool
		msg        string // a part of the error message
	}{
		{"unknown project", nil, &model.Assignment{Projects: []model.Project{{ID: "zz", Participants: []model.Stake{{Firm: "L", Stake: 1}}}}}, nil, false, `project "zz": no such opportunity`},
		{"unknown firm", nil, assignment(in, project(o, "L", "L", 0.5, "X", 0.5)), nil, false, `project "p1": no firm "X"`},
		{"repeated firm", nil, assignment(in, project(o, "L", "L", 0.5, "L", 0.5)), nil, false, `project "p1": firm "L" listed more than once`},
		{"repeated project", nil, assignment(in, project(o, "L", "L", 1.0), project(o, "L", "L", 1.0)), nil, false, `project "p1" listed more than once`},
		{"non-finite stake", nil, assignment(in, project(o, "L", "L", math.NaN(), "S1", 0.5)), nil, false, `firm "L": stake NaN is not finite`},
		{"wrong number of outside options", nil, assignment(in, project(o, "L", "L", 0.5, "S1", 0.25, "S2", 0.25)), []float64{1, 2}, false, "2 outside options for 3 firms"},
		{"no participants", nil, assignment(in, project(o, "L")), nil, true, `project "p1" has no participants`},
		{"ineligible firm", dNarrow, assignment(narrow, project(&narrow.Opportunities[0], "L", "L", 0.5, "S1", 0.25, "S2", 0.25)), nil, true, `project "p1": firm "S2" is not eligible`},
		{"stakes do not sum to 1", nil, assignment(in, project(o, "L", "L", 0.5, "S1", 0.3)), nil, true, `project "p1": stakes sum to 1 ± 0.2`},
		{"minority cap exceeded", nil, assignment(in, project(o, "L", "L", 0.5, "S1", 0.5)), nil, true, `project "p1", firm "S1": stake 0.5 above its cap`},
		{"lead below σ_lead", nil, assignment(in, project(o, "L", "L", 0.4, "S1", 0.3, "S2", 0.3)), nil, true, `project "p1", firm "L": lead stake 0.4 below 0.5`},
		{"no lead", nil, assignment(in, project(o, "", "L", 0.5, "S1", 0.25, "S2", 0.25)), nil, true, `project "p1": no lead, but mode "acquisition" needs one`},
		{"lead of the wrong role", nil, assignment(in, project(o, "S1", "L", 0.5, "S1", 0.25, "S2", 0.25)), nil, true, `project "p1": lead "S1" is not a large firm`},
		{"lead not a participant", nil, assignment(in, project(o, "S2", "L", 0.5, "S1", 0.5)), nil, true, `project "p1": lead "S2" is not a participant`},
		{"lead without a lead role", dNE, assignment(ne, project(oNE, "f1", "f1", 0.5, "f2", 0.5)), nil, true, `project "p1": lead "f1" named, but mode "non_equity" has no lead role`},
		{"CVaR above the risk limit", dTight, assignment(tight, project(&tight.Opportunities[0], "L", "L", 0.7, "S1", 0.3)), nil, true, `firm "L": CVaR exceeds risk_limit by 5`},
		{"outside option not met", nil, assignment(in, project(o, "L", "L", 0.5, "S1", 0.25, "S2", 0.25)), []float64{0, 0, 3}, true, `firm "S2": stake return below its outside option by 0.5`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := d
			if tc.d != nil {
				d = tc.d
			}
			out, _, err := Balance(d, tc.a, Options{Outside: tc.outside})
			if err == nil || out != nil {
				t.Fatalf("want an error, got %v, %+v", err, out)
			}
			if got := errors.Is(err, ErrInfeasible); got != tc.infeasible {
				t.Errorf("errors.Is(%v, ErrInfeasible) = %v, want %v", err, got, tc.infeasible)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not say %q", err, tc.msg)
			}
		})
	}
	if _, _, err := Balance(d, nil, Options{}); err == nil {
		t.Error("nil plan: want an error")
	}
}

// cluster builds a deterministic pseudo-random cluster of nP projects with
// members members each, and a feasible plan with lopsided stakes: in each
// project the first member holds 1 − (members−1)·s_min.
func cluster(t testing.TB, nF, nP, members int) (*model.Instance, *model.Assignment) {
	seed := uint64(12345)
	rnd := func() float64 { // xorshift64*
		seed ^= seed >> 12
		seed ^= seed << 25
		seed ^= seed >> 27
		return float64((seed*2685821657736338717)>>11) / (1 << 53)
	}
	sc := []model.Scenario{{ID: "k0", Probability: 0.4}, {ID: "k1", Probability: 0.3}, {ID: "k2", Probability: 0.15},
		{ID: "k3", Probability: 0.1}, {ID: "k4", Probability: 0.05}}
	var firms []model.Firm
	for f := 0; f < nF; f++ {
		firms = append(firms, firm(fmt.Sprintf("f%d", f), model.SME, 0, 0))
	}
	var opps []model.Opportunity
	for p := 0; p < nP; p++ {
		loss := map[string]float64{}
		for _, s := range sc {
			loss[s.ID] = 0.5 * rnd() * rnd()
		}
		opps = append(opps, opp(fmt.Sprintf("p%d", p), model.NonEquity, 50+100*rnd(), loss))
	}
	in := &model.Instance{Name: "cluster", Scenarios: sc,
		Markets: []model.Market{{ID: "de", Capacity: map[string]int{"ic": nP}}}, Firms: firms, Opportunities: opps}
	in.Policy.CreditPerFirm, in.Policy.CreditLine = 0.2, 500
	a := &model.Assignment{MarketsEntered: []string{"de"}, Credit: []model.Credit{}}
	for p := 0; p < nP; p++ {
		var fs []any
		used := map[int]bool{}
		for len(used) < members {
			f := int(rnd() * float64(nF))
			if used[f] {
				continue
			}
			used[f] = true
			s := 0.05
			if len(used) == 1 {
				s = 1 - 0.05*float64(members-1)
			}
			fs = append(fs, fmt.Sprintf("f%d", f), s)
		}
		a.Projects = append(a.Projects, project(&in.Opportunities[p], "", fs...))
	}
	// Capital and risk limits so that the plan is feasible with some slack,
	// some firms drawing credit.
	spend := spending(in, a)
	ls := losses(in, a)
	probs := []float64{0.4, 0.3, 0.15, 0.1, 0.05}
	for f := range in.Firms {
		id := in.Firms[f].ID
		in.Firms[f].Capital = math.Max(1, spend[id]*(0.9+0.6*rnd()))
		in.Firms[f].RiskLimit = math.Max(1, tailCVaR(ls[id], probs, 0.9)*(1.05+rnd()))
	}
	for f := range in.Firms {
		id := in.Firms[f].ID
		if c := spend[id] - in.Firms[f].Capital; c > 0 {
			if c > 0.2*in.Firms[f].Capital {
				in.Firms[f].Capital = spend[id] / 1.2
				c = spend[id] - in.Firms[f].Capital
			}
			a.Credit = append(a.Credit, model.Credit{Firm: id, Amount: c})
		}
	}
	var drawn float64
	for _, c := range a.Credit {
		drawn += c.Amount
	}
	in.Policy.CreditLine = drawn * 1.1
	if err := model.ValidateErr(in); err != nil {
		t.Fatalf("invalid cluster: %v", err)
	}
	return in, a
}

func TestBalanceClusterFeasibleAndDeterministic(t *testing.T) {
	in, a := cluster(t, 30, 60, 4)
	out, st := run(t, in, a)
	if !st.Changed || st.After >= st.Before {
		t.Errorf("no improvement on a lopsided cluster: %+v", st)
	}
	t.Logf("Σ(CVaR/R)² %.6f → %.6f, %d iterations, %d free stakes", st.Before, st.After, st.Iterations, st.Free)
	first, _ := json.Marshal(out)
	for i := 0; i < 3; i++ {
		again, st2, err := Balance(model.Derive(in), a, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := json.Marshal(again); string(b) != string(first) || st2 != st {
			t.Fatalf("run %d differs from the first", i+2)
		}
	}
}

func TestBalanceScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	in, a := cluster(t, 300, 500, 10)
	start := time.Now()
	out, st := run(t, in, a)
	el := time.Since(start)
	t.Logf("500 projects × 10 members: %v (including checks), Σ(CVaR/R)² %.4f → %.4f, %d iterations", el, st.Before, st.After, st.Iterations)
	if !st.Changed {
		t.Errorf("no improvement")
	}
	_ = out
}

// BenchmarkBalance measures Balance on a 500-project × 10-member cluster.
func BenchmarkBalance(b *testing.B) {
	in, a := cluster(b, 300, 500, 10)
	d := model.Derive(in)
	for i := 0; i < b.N; i++ {
		if _, _, err := Balance(d, a, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// A deadline that has passed ends the refinement before its first round:
// the input comes back unchanged; without one the same plan is balanced.
func TestBalanceDeadline(t *testing.T) {
	in := pair(t, 100, 100, 1000)
	a := assignment(in, project(&in.Opportunities[0], "", "f1", 0.9, "f2", 0.1))
	d := model.Derive(in)
	late, st, err := Balance(d, a, Options{Deadline: time.Now().Add(-time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if st.Changed || st.Iterations != 0 || late.Projects[0].Participants[0].Stake != 0.9 {
		t.Errorf("past deadline: changed %v after %d iterations, stakes %+v", st.Changed, st.Iterations, late.Projects[0].Participants)
	}
	_, st, err = Balance(d, a, Options{Deadline: time.Now().Add(time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Changed || !(st.After < st.Before) {
		t.Errorf("deadline a minute away: changed %v, %v -> %v", st.Changed, st.Before, st.After)
	}
}
