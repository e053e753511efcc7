package horizon_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/horizon"
)

// learner is a one-firm cluster worked by hand: firm L knows de at 0.5 and
// fr at 0.57; p1 (de, k 0.4) is open in period 1, p2 (market2, k 0.6) in
// period 2. L can take p2 only if p1 taught it enough (K1, K2).
func learner(market2 string, byDoing float64) *model.Instance {
	one := 1
	return &model.Instance{
		Name:      "learner",
		Scenarios: []model.Scenario{{ID: "base", Probability: 1}},
		Markets:   []model.Market{{ID: "de", InfoCost: 2}, {ID: "fr", InfoCost: 3}},
		Firms: []model.Firm{{ID: "L", Role: model.Large, Capital: 1000, RiskLimit: 1000, Segments: []string{"ic"},
			Knowledge: map[string]float64{"de": 0.5, "fr": 0.57}}},
		Opportunities: []model.Opportunity{
			{ID: "p1", Market: "de", Segment: "ic", Mode: model.Greenfield, Cost: 50, NPV: 10, KnowledgeRequired: 0.4, MinPartners: &one, Periods: []int{1}},
			{ID: "p2", Market: market2, Segment: "ic", Mode: model.Greenfield, Cost: 50, NPV: 20, KnowledgeRequired: 0.6, MinPartners: &one, Periods: []int{2}},
		},
		Horizon: &model.Horizon{Periods: 2, Discount: fp(0.9),
			Learning: &model.Learning{ByDoing: fp(byDoing), WithPioneer: fp(0), Spillover: fp(0.3)}},
	}
}

func TestHandWorkedLearning(t *testing.T) {
	tests := []struct {
		name     string
		in       *model.Instance
		want     float64
		projects []string
	}{
		// 0.5 + 0.1 = 0.6 ≥ 0.6: Z = 2 − 10 − 0.9·20.
		{"learns by doing", learner("de", 0.1), -26, []string{"p1", "p2"}},
		// 0.5 + 0.05 < 0.6: only p1, Z = 2 − 10.
		{"learns too little", learner("de", 0.05), -8, []string{"p1"}},
		// fr: 0.57 + 0.3·0.1 = 0.6: Z = 2 − 10 + 0.9·(3 − 20).
		{"spillover", learner("fr", 0.1), -23.3, []string{"p1", "p2"}},
		{"spillover too small", learner("fr", 0.09), -8, []string{"p1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := solve(t, tc.in)
			if res.Status != model.StatusOptimal || !near(res.Objective, tc.want) {
				t.Fatalf("%s Z = %g, want optimal %g", res.Status, res.Objective, tc.want)
			}
			var got []string
			for i, pj := range res.Assignment.Projects {
				got = append(got, pj.ID)
				if pj.Period != i+1 {
					t.Errorf("%s in period %d, want %d", pj.ID, pj.Period, i+1)
				}
			}
			if len(got) != len(tc.projects) || got[0] != tc.projects[0] || (len(got) > 1 && got[1] != tc.projects[1]) {
				t.Errorf("projects %v, want %v", got, tc.projects)
			}
		})
	}
}

// TestHandWorkedFair: constraint 16 over the horizon on the one-firm
// learner. With g_D = 0.1, L takes p1 then p2: its discounted stake return
// is 10 + 0.9·20 = 28, the most it can earn. An outside option of 28 is
// met (row fair_L written, optimum unchanged); 28.5 is above what its
// stakes can return, so Fair names L without solving. With g_D = 0.05 L
// can never take p2 (no pair): the bound is 10.
func TestHandWorkedFair(t *testing.T) {
	tests := []struct {
		name    string
		in      *model.Instance
		outside float64
		status  string
		want    float64
		why     string
	}{
		{"met exactly", learner("de", 0.1), 28, model.StatusOptimal, -26, ""},
		{"above the bound", learner("de", 0.1), 28.5, model.StatusInfeasible, 0, "firm L: outside option 28.5, but its stakes can return at most 28 over the horizon"},
		{"p2 out of reach", learner("de", 0.05), 15, model.StatusInfeasible, 0, "firm L: outside option 15, but its stakes can return at most 10 over the horizon"},
		{"negative option, no row", learner("de", 0.05), -3, model.StatusOptimal, -8, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := horizon.Solve(context.Background(), tc.in, horizon.Options{Outside: []float64{tc.outside}})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status {
				t.Fatalf("status %s (%q), want %s", res.Status, res.Explanation, tc.status)
			}
			if tc.status == model.StatusOptimal && !near(res.Objective, tc.want) {
				t.Errorf("Z = %g, want %g", res.Objective, tc.want)
			}
			rows := 0
			for _, r := range res.Formulation.Prob.Rows {
				if strings.HasPrefix(r.Name, "fair_") {
					rows++
				}
			}
			if wantRows := b2i(tc.outside > 0); rows != wantRows {
				t.Errorf("%d rows fair_, want %d", rows, wantRows)
			}
			if tc.why != "" && (len(res.Explanation) != 1 || !strings.HasPrefix(res.Explanation[0], tc.why)) {
				t.Errorf("explanation %q, want it to start %q", res.Explanation, tc.why)
			}
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
