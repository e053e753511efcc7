package glpk_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"time"

	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

func ExampleSolveMIP() {
	// A knapsack: take items of total weight at most 10, of greatest total
	// value (the objective is minimised, so values enter negated).
	weight := []float64{3, 4, 5, 6}
	value := []float64{4, 5, 6, 7}
	p := &mip.Problem{Name: "knapsack"}
	capacity := mip.Row{Name: "capacity", Lo: math.Inf(-1), Hi: 10}
	for j := range weight {
		col := p.AddCol(mip.Col{Name: fmt.Sprintf("take%d", j), Kind: mip.Binary, Obj: -value[j]})
		capacity.Ind = append(capacity.Ind, col)
		capacity.Val = append(capacity.Val, weight[j])
	}
	p.AddRow(capacity)

	res, err := glpk.SolveMIP(context.Background(), p, glpk.Params{TimeLimit: 10 * time.Second}, glpk.Callbacks{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Status, res.Objective, res.X)
	fmt.Printf("LP bound %.1f, gap %g\n", res.LPObjective, res.Gap())
	// Output:
	// optimal -12 [0 1 0 1]
	// LP bound -12.6, gap 0
}
