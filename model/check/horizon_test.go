package check

import (
	"math"
	"sort"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// horizonInstance: pioneer P and SME S; S learns beside P in a1 (period
// 1), then knows enough for a2 alone; a3 is too dear for P before its
// capital is released in full (r = 0.5).
func horizonInstance() *model.Instance {
	return &model.Instance{
		Name:      "hz",
		Scenarios: []model.Scenario{{ID: "base", Probability: 1}},
		Markets:   []model.Market{{ID: "de", InfoCost: 4, Dissipation: 7, Capacity: map[string]int{"display": 2}}},
		Firms: []model.Firm{
			{ID: "P", Role: model.Large, Pioneer: true, Capital: 1000, RiskLimit: 1000, Segments: []string{"display"}, Knowledge: map[string]float64{"de": 0.9}},
			{ID: "S", Role: model.SME, Capital: 100, RiskLimit: 100, Segments: []string{"display"}, Knowledge: map[string]float64{"de": 0.3}},
		},
		Opportunities: []model.Opportunity{
			{ID: "a1", Market: "de", Segment: "display", Mode: model.Acquisition, Cost: 100, NPV: 10, KnowledgeRequired: 0.5},
			{ID: "a2", Market: "de", Segment: "display", Mode: model.NonEquity, Cost: 20, NPV: 5, KnowledgeRequired: 0.5, Periods: []int{1, 2}},
			{ID: "a3", Market: "de", Segment: "display", Mode: model.Greenfield, Cost: 800, NPV: 50, KnowledgeRequired: 0.5},
		},
		Horizon: &model.Horizon{Periods: 2, Discount: fp(0.9), CapitalRelease: fp(0.5)},
	}
}

// horizonPlan returns the plan with the given periods of a1, a2, a3 and
// every reported figure from model.EvaluateHorizon, so that only the
// constraints can be wrong.
func horizonPlan(t *testing.T, in *model.Instance, p1, p2, p3 int) *model.Plan {
	t.Helper()
	a := &model.Assignment{
		Projects: []model.Project{
			{ID: "a1", Market: "de", Mode: model.Acquisition, Lead: "P", Period: p1, Participants: []model.Stake{{Firm: "P", Stake: 0.8}, {Firm: "S", Stake: 0.2}}},
			{ID: "a2", Market: "de", Mode: model.NonEquity, Period: p2, Participants: []model.Stake{{Firm: "S", Stake: 1}}},
			{ID: "a3", Market: "de", Mode: model.Greenfield, Lead: "P", Period: p3, Participants: []model.Stake{{Firm: "P", Stake: 1}}},
		},
		MarketsEntered: []string{"de"}, Credit: []model.Credit{},
	}
	T := in.Periods()
	sort.SliceStable(a.Projects, func(i, j int) bool { return a.Projects[i].Period < a.Projects[j].Period })
	plan := &model.Plan{Instance: in.Name, Method: model.MethodCluster, Status: model.StatusOptimal, Plan: a}
	if p1 >= 1 && p2 >= 1 && p3 >= 1 && p1 <= T && p2 <= T && p3 <= T {
		m, z, view, err := model.Derive(in).EvaluateHorizon(a, model.MethodCluster)
		if err != nil {
			t.Fatal(err)
		}
		plan.Metrics, plan.Objective = &m, &z
		plan.Periods, plan.Knowledge, plan.Stages = view.Periods, view.Knowledge, view.Stages
	}
	return plan
}

func TestHorizonCheck(t *testing.T) {
	in := horizonInstance()
	rep := Check(in, horizonPlan(t, in, 1, 2, 2), Options{})
	if !rep.OK() {
		t.Fatalf("valid plan refused: %v", rep.Err())
	}
	// By hand: info 4 (period 1); value 10 + 0.9·(5 + 50); the third
	// display project in de exceeds capacity 2 in period 2: 0.9·7.
	if want := 4 + 0.9*7 - 10 - 0.9*55; math.Abs(rep.Objective-want) > 1e-9 {
		t.Errorf("Z = %.12g, want %.12g", rep.Objective, want)
	}
	// S: 0.3 + g_D + g_P = 0.5 after a1 beside the pioneer, + g_D = 0.55
	// after a2: early (θ 0.6) after both periods.
	if ks := rep.Metrics; ks.SMEExperienced == nil || *ks.SMEExperienced != 0 {
		t.Errorf("sme_experienced %v, want 0", ks.SMEExperienced)
	}
	want := []float64{0.3, 0.5, 0.55}
	got := kappaOfS(in, horizonPlan(t, in, 1, 2, 2))
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Fatalf("κ of S in de = %v, want %v", got, want)
		}
	}
	in.Horizon.ExperiencedAt = fp(0.5)
	rep = Check(in, horizonPlan(t, in, 1, 2, 2), Options{})
	if n := rep.Metrics.SMEExperienced; !rep.OK() || n == nil || *n != 1 {
		t.Errorf("θ 0.5: sme_experienced %v, violations %v", n, rep.Violations)
	}
}

// kappaOfS returns the recomputed κ of S in de for plan.
func kappaOfS(in *model.Instance, plan *model.Plan) []float64 {
	c := &checker{inst: in, plan: plan, tol: DefaultTol, rep: &Report{CVaR: map[string]float64{}}, cluster: true}
	c.index()
	c.horizonBegin(c.projects())
	return c.hz.kappa["S"]["de"]
}

func TestHorizonCheckCatches(t *testing.T) {
	tests := []struct {
		name       string
		p1, p2, p3 int
		edit       func(*model.Instance, *model.Plan)
		want       []string // constraint names, sorted
	}{
		// S knows de at 0.3 < 0.5 in period 1, and no pioneer is beside it.
		{"participation before the firm knows enough", 1, 1, 2, nil, []string{Eligibility}},
		// P puts in 80 + 800 by period 1, when only 500 is released.
		{"capital spent before its release", 1, 2, 1, nil, []string{Budget}},
		{"period outside the horizon", 1, 2, 3, nil, []string{Horizon, Metric, Objective, Period}},
		{"period outside the window", 1, 2, 2, func(in *model.Instance, _ *model.Plan) { in.Opportunities[1].Periods = []int{1} }, []string{Period}},
		{"stages misreported", 1, 2, 2, func(_ *model.Instance, p *model.Plan) { p.Stages[1].Early, p.Stages[1].Experienced = 0, 1 }, []string{Horizon}},
		{"knowledge misreported", 1, 2, 2, func(_ *model.Instance, p *model.Plan) { p.Knowledge[0].Values[2] = 0.6 }, []string{Horizon}},
		{"knowledge left out", 1, 2, 2, func(_ *model.Instance, p *model.Plan) { p.Knowledge = p.Knowledge[1:] }, []string{Horizon}},
		{"undiscounted objective", 1, 2, 2, func(_ *model.Instance, p *model.Plan) { z := 4 + 7 - 65.0; p.Objective = &z }, []string{Objective}},
		{"sme_experienced misreported", 1, 2, 2, func(_ *model.Instance, p *model.Plan) { n := 1; p.Metrics.SMEExperienced = &n }, []string{Metric}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := horizonInstance()
			plan := horizonPlan(t, in, tc.p1, tc.p2, tc.p3)
			if plan.Metrics == nil { // a period EvaluateHorizon refuses: report the valid plan's figures
				valid := horizonPlan(t, in, 1, 2, 2)
				plan.Metrics, plan.Objective = valid.Metrics, valid.Objective
				plan.Periods, plan.Knowledge, plan.Stages = valid.Periods, valid.Knowledge, valid.Stages
			}
			if tc.edit != nil {
				tc.edit(in, plan)
			}
			rep := Check(in, plan, Options{})
			seen := map[string]bool{}
			var got []string
			for _, v := range rep.Violations {
				if !seen[v.Constraint] {
					seen[v.Constraint] = true
					got = append(got, v.Constraint)
				}
			}
			sort.Strings(got)
			if len(got) != len(tc.want) {
				t.Fatalf("violations %v, want constraints %v", rep.Violations, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("violations %v, want constraints %v", rep.Violations, tc.want)
				}
			}
		})
	}
}
