package stakes_test

import (
	"fmt"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/stakes"
)

// Two SMEs share a non-equity project; the shock scenario (probability
// 0.25) loses half of its net cost of 100. f1 can bear twice the risk of
// f2, so the balanced split gives f1 four fifths (stakes in proportion to
// R_f²), down from the lopsided 0.2/0.8 of the input.
func ExampleBalance() {
	in := &model.Instance{
		Name:      "example",
		Scenarios: []model.Scenario{{ID: "base", Probability: 0.75}, {ID: "shock", Probability: 0.25}},
		Markets:   []model.Market{{ID: "de"}},
		Firms: []model.Firm{
			{ID: "f1", Role: model.SME, Capital: 500, RiskLimit: 200, Segments: []string{"iot"}},
			{ID: "f2", Role: model.SME, Capital: 500, RiskLimit: 100, Segments: []string{"iot"}},
		},
		Opportunities: []model.Opportunity{{ID: "p1", Market: "de", Segment: "iot", Mode: model.NonEquity,
			Cost: 100, NPV: 20, Loss: map[string]float64{"shock": 0.5}}},
	}
	if err := model.ValidateErr(in); err != nil {
		fmt.Println(err)
		return
	}
	plan := &model.Assignment{
		Projects: []model.Project{{ID: "p1", Market: "de", Mode: model.NonEquity,
			Participants: []model.Stake{{Firm: "f1", Stake: 0.2}, {Firm: "f2", Stake: 0.8}}}},
		MarketsEntered: []string{"de"},
		Credit:         []model.Credit{},
	}
	out, st, err := stakes.Balance(model.Derive(in), plan, stakes.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range out.Projects[0].Participants {
		fmt.Printf("%s %.3f\n", s.Firm, s.Stake)
	}
	fmt.Printf("Σ(CVaR/R)²: %.4f → %.4f\n", st.Before, st.After)
	// Output:
	// f1 0.800
	// f2 0.200
	// Σ(CVaR/R)²: 0.1625 → 0.0500
}
