package mip_test

import (
	"fmt"
	"log"
	"math"
	"os"

	"github.com/ofdi/ofdi/solver/mip"
)

func ExampleProblem_WriteLP() {
	p := &mip.Problem{Name: "example", ObjConst: 5}
	x := p.AddCol(mip.Col{Name: "x", Lo: 0, Hi: math.Inf(1), Kind: mip.Integer, Obj: 1})
	y := p.AddCol(mip.Col{Name: "y", Kind: mip.Binary, Obj: 2})
	p.AddRow(mip.Row{Name: "cover", Lo: 1.5, Hi: 4, Ind: []int{x, y}, Val: []float64{1, 1}})
	if err := p.WriteLP(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// \ Problem: example
	// \ Column obj_const is fixed at 1 and carries the objective constant.
	// Minimize
	//  obj: + 1 x + 2 y + 5 obj_const
	// Subject To
	//  cover_lo: + 1 x + 1 y >= 1.5
	//  cover_hi: + 1 x + 1 y <= 4
	// Bounds
	//  obj_const = 1
	// Generals
	//  x
	// Binaries
	//  y
	// End
}

func ExampleProblem_Validate() {
	p := &mip.Problem{Cols: []mip.Col{{Name: "x", Hi: 1}}}
	p.AddRow(mip.Row{Name: "budget_f3", Lo: math.Inf(-1), Hi: 10, Ind: []int{17}, Val: []float64{1}})
	fmt.Println(p.Validate())
	// Output: mip: row "budget_f3": column index 17 out of range
}
