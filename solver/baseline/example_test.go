package baseline_test

import (
	"fmt"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
)

// Example runs both baselines on the worked example of the tests (see
// handJSON): three firms, five opportunities, vn promoted.
func Example() {
	in, err := model.Parse([]byte(handJSON))
	if err != nil {
		panic(err)
	}
	d := model.Derive(in)
	for _, p := range []*model.Plan{baseline.Independent(d), baseline.PolicyPush(d)} {
		fmt.Printf("%s (%s): Z = %g\n", p.Method, p.Status, *p.Objective)
		for _, pj := range p.Plan.Projects {
			fmt.Printf("  %s %-11s %s taken by %s\n", pj.ID, pj.Mode, pj.Market, pj.Participants[0].Firm)
		}
		for _, c := range p.Plan.Credit {
			fmt.Printf("  credit %s %g\n", c.Firm, c.Amount)
		}
		m := p.Metrics
		fmt.Printf("  info cost %g, dissipation %g, value %g, market power %g\n",
			m.InfoCost, m.Dissipation, m.Value, m.MarketPower)
	}
	// Output:
	// independent (feasible): Z = 13
	//   p1 acquisition de taken by f1
	//   p2 greenfield  de taken by f2
	//   p3 non_equity  de taken by s1
	//   p5 acquisition de taken by f1
	//   credit s1 10
	//   credit f1 10
	//   info cost 18, dissipation 30, value 32, market power 3
	// policy_push (feasible): Z = 8
	//   p1 acquisition de taken by f1
	//   p2 greenfield  de taken by f2
	//   p4 production  vn taken by s1
	//   p5 acquisition de taken by f1
	//   credit f1 10
	//   info cost 16, dissipation 20, value 25, market power 3
}
