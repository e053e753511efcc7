package horizon_test

import (
	"testing"

	"github.com/ofdi/ofdi/model"
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
