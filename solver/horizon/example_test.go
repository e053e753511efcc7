package horizon_test

import (
	"context"
	"fmt"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/horizon"
)

// A firm that learns by doing: p2 needs knowledge 0.6 of de, which L only
// has after taking p1 in period 1 (0.5 + g_D 0.1).
func ExampleSolve() {
	one := 1
	in := &model.Instance{
		Name:      "learner",
		Scenarios: []model.Scenario{{ID: "base", Probability: 1}},
		Markets:   []model.Market{{ID: "de", InfoCost: 2}},
		Firms: []model.Firm{{ID: "L", Role: model.Large, Capital: 1000, RiskLimit: 1000, Segments: []string{"ic"},
			Knowledge: map[string]float64{"de": 0.5}}},
		Opportunities: []model.Opportunity{
			{ID: "p1", Market: "de", Segment: "ic", Mode: model.Greenfield, Cost: 50, NPV: 10, KnowledgeRequired: 0.4, MinPartners: &one},
			{ID: "p2", Market: "de", Segment: "ic", Mode: model.Greenfield, Cost: 50, NPV: 20, KnowledgeRequired: 0.6, MinPartners: &one},
		},
		Horizon: &model.Horizon{Periods: 2, Discount: fp(0.9), Learning: &model.Learning{ByDoing: fp(0.1)}},
	}
	res, err := horizon.Solve(context.Background(), in, horizon.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, Z = %.1f\n", res.Status, res.Objective)
	for _, pj := range res.Assignment.Projects {
		fmt.Printf("period %d: %s\n", pj.Period, pj.ID)
	}
	// Output:
	// optimal, Z = -26.0
	// period 1: p1
	// period 2: p2
}

// Forcing a losing project in: p3 loses 5, so the optimum leaves it out;
// forced in (Options.Force, the row Σ_t y_p3,t = 1), it starts in period
// 2, where its loss is discounted.
func ExampleOptions_force() {
	one := 1
	in := &model.Instance{
		Name:      "forced",
		Scenarios: []model.Scenario{{ID: "base", Probability: 1}},
		Markets:   []model.Market{{ID: "de", InfoCost: 2}},
		Firms: []model.Firm{{ID: "L", Role: model.Large, Capital: 1000, RiskLimit: 1000, Segments: []string{"ic"},
			Knowledge: map[string]float64{"de": 0.5}}},
		Opportunities: []model.Opportunity{
			{ID: "p1", Market: "de", Segment: "ic", Mode: model.Greenfield, Cost: 50, NPV: 10, KnowledgeRequired: 0.4, MinPartners: &one},
			{ID: "p3", Market: "de", Segment: "ic", Mode: model.Greenfield, Cost: 50, NPV: -5, KnowledgeRequired: 0.4, MinPartners: &one},
		},
		Horizon: &model.Horizon{Periods: 2, Discount: fp(0.9)},
	}
	for _, force := range [][]int{nil, {1}} {
		res, err := horizon.Solve(context.Background(), in, horizon.Options{Force: force})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("force %v: %s, Z = %.1f:", force, res.Status, res.Objective)
		for _, pj := range res.Assignment.Projects {
			fmt.Printf(" %s in period %d", pj.ID, pj.Period)
		}
		fmt.Println()
	}
	// Output:
	// force []: optimal, Z = -8.0: p1 in period 1
	// force [1]: optimal, Z = -3.5: p1 in period 1 p3 in period 2
}
