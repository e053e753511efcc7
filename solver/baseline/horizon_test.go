package baseline_test

import (
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver/baseline"
)

func hf(x float64) *float64 { return &x }

// horizonHand is worked by hand in TestRunHorizonHand.
func horizonHand() *model.Instance {
	return &model.Instance{
		Name:      "baseline-horizon",
		Scenarios: []model.Scenario{{ID: "base", Probability: 1}},
		Markets:   []model.Market{{ID: "de", InfoCost: 2}, {ID: "fr", InfoCost: 3}},
		Firms: []model.Firm{
			{ID: "A", Role: model.Large, Capital: 100, RiskLimit: 1000, Segments: []string{"ic"}, Knowledge: map[string]float64{"de": 0.5, "fr": 0.5}},
			{ID: "B", Role: model.SME, Capital: 50, RiskLimit: 1000, Segments: []string{"ic"}, Knowledge: map[string]float64{"de": 0.3}},
		},
		Opportunities: []model.Opportunity{
			{ID: "g1", Market: "de", Segment: "ic", Mode: model.Greenfield, Cost: 40, NPV: 10, KnowledgeRequired: 0.5, Periods: []int{1}},
			{ID: "g2", Market: "de", Segment: "ic", Mode: model.Greenfield, Cost: 40, NPV: 8, KnowledgeRequired: 0.6},
			{ID: "g3", Market: "fr", Segment: "ic", Mode: model.Greenfield, Cost: 40, NPV: 6, KnowledgeRequired: 0.55},
			{ID: "n1", Market: "de", Segment: "ic", Mode: model.NonEquity, Cost: 20, NPV: 4, KnowledgeRequired: 0.3},
		},
		Policy:  model.Policy{PromotedMarkets: []string{"fr"}},
		Horizon: &model.Horizon{Periods: 2, Discount: hf(0.9), CapitalRelease: hf(0.5), Learning: &model.Learning{ByDoing: hf(0.1), Spillover: hf(0.5)}},
	}
}

// TestRunHorizonHand: period 1: A (first: more capital) takes g1 (score
// 10 − 2), g2 and g3 need more knowledge than A has (0.5 < 0.6, 0.55); B
// takes n1 (4 − 2). Knowledge grows by doing: A de 0.6, fr 0.5 + 0.5·0.1
// = 0.55. Period 2: capital fully released (100); independent: A takes g2
// (8 > 6 − 3), then g3 would need 120 > 100. policy_push: A takes g3 in the
// promoted fr first, then g2 would need 120. Z = info − value, discounted:
// independent 4 − (10 + 4) − 0.9·8 = −17.2; policy_push 4 + 0.9·3 − 14 −
// 0.9·6 = −12.7.
func TestRunHorizonHand(t *testing.T) {
	tests := []struct {
		method string
		z      float64
		second string
	}{
		{model.MethodIndependent, -17.2, "g2"},
		{model.MethodPolicyPush, -12.7, "g3"},
	}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			in := horizonHand()
			plan, err := baseline.RunHorizon(model.Derive(in), tc.method)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, pj := range plan.Plan.Projects {
				got = append(got, pj.ID+"@"+pj.Participants[0].Firm+"@"+string(rune('0'+pj.Period)))
			}
			want := []string{"g1@A@1", "n1@B@1", tc.second + "@A@2"}
			if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
				t.Errorf("projects %v, want %v", got, want)
			}
			if math.Abs(*plan.Objective-tc.z) > 1e-9 {
				t.Errorf("Z = %.12g, want %g", *plan.Objective, tc.z)
			}
			// B (the only SME) has taken part, knowledge 0.4 < 0.6: early.
			for _, s := range plan.Stages {
				if s.Pre != 0 || s.Early != 1 || s.Experienced != 0 {
					t.Errorf("stages %+v", plan.Stages)
				}
			}
			if err := check.Check(in, plan, check.Options{}).Err(); err != nil {
				t.Error(err)
			}
		})
	}
}
