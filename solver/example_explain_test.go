package solver_test

import (
	"context"
	"fmt"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver"
)

// Explain the tiny cluster's optimal plan: what Z is made of and why each
// opportunity is left out.
func ExampleExplain() {
	inst, err := model.LoadFile("../instances/tiny.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := solver.Solve(context.Background(), inst, solver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ex, err := solver.Explain(context.Background(), inst, res.Plan(), solver.ExplainOptions{PerSolve: 10 * time.Second})
	if err != nil {
		fmt.Println(err)
		return
	}
	d := ex.Decomposition
	fmt.Printf("Z %g = npv %g + subsidy %g + market power %g + learning %g + info %g + dissipation %g\n",
		d.Z, d.NPV, d.Subsidy, d.MarketPower, d.Learning, d.InfoCost, d.Dissipation)
	for _, lo := range ex.LeftOut {
		if len(lo.Static) > 0 {
			fmt.Printf("%s: never fundable\n", lo.ID)
			continue
		}
		fmt.Printf("%s: forcing it in costs %g (%s)\n", lo.ID, *lo.Forced.CostHigh, lo.Forced.Status)
	}
	// Output:
	// Z -97 = npv -64 + subsidy -20 + market power -22 + learning -12 + info 6 + dissipation 15
	// ne_vn: forcing it in costs 13 (optimal)
	// gf_vn: never fundable
}
