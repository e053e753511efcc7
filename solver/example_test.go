package solver_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

// Solve the bundled tiny cluster and print its plan. The optimum is worked
// out by hand in instances/tiny.md.
func ExampleSolve() {
	inst, err := model.LoadFile("../instances/tiny.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := solver.Solve(context.Background(), inst, solver.Options{TimeLimit: time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, Z = %.0f\n", res.Status, res.Objective)
	for _, p := range res.Assignment.Projects {
		fmt.Printf("%s in %s (%s), led by %s with %d partners\n", p.ID, p.Market, p.Mode, p.Lead, len(p.Participants))
	}
	fmt.Printf("SME participation %.0f%%, learning participations %d\n", 100*res.Metrics.SMEParticipation, res.Metrics.Learning)
	// Output:
	// optimal, Z = -97
	// acq_de in de (acquisition), led by large1 with 3 partners
	// rnd_de in de (joint_rnd), led by large1 with 4 partners
	// SME participation 100%, learning participations 4
}

// Compare the cluster plan with the distributed baselines of MODEL.md.
func ExampleSolve_baselines() {
	inst, err := model.LoadFile("../instances/tiny.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range solver.Methods() {
		res, err := solver.Solve(context.Background(), inst, solver.Options{Method: m})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-12s Z = %4.0f  projects %d  targets met %v\n", m, res.Objective, res.Metrics.Projects, res.Metrics.TargetsMet)
	}
	// Output:
	// cluster      Z =  -97  projects 2  targets met true
	// independent  Z =  -70  projects 1  targets met false
	// policy_push  Z =  -57  projects 2  targets met false
}

// An infeasible instance is not an error: the result says why.
func ExampleSolve_infeasible() {
	inst, err := model.LoadFile("../instances/infeasible-target.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := solver.Solve(context.Background(), inst, solver.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Status, errors.Is(res.Status.Err(), solver.ErrInfeasible))
	fmt.Println(res.Explanation[0])
	// Output:
	// infeasible true
	// market_power_target 15 cannot be met: at most 12 is reachable (all 3 opportunities some coalition could fund, taken together)
}

// Check any plan independently of the solver that produced it.
func ExampleSolve_check() {
	inst, err := model.LoadFile("../instances/jiangsu-electronics.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := solver.Solve(context.Background(), inst, solver.Options{TimeLimit: time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan := res.Plan() // the plan JSON object of MODEL.md
	report := check.Check(inst, plan, check.Options{})
	fmt.Println(plan.Status, report.OK())
	// Output:
	// optimal true
}

// Solve with --sharing stakes: no firm's stake return below its outside
// option (constraint 16), and the price of fairness. The cluster is the
// hand-worked case of TestFairPioneer.
func ExampleSolve_sharingStakes() {
	inst, err := model.Parse([]byte(pioneerJSON))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := solver.Solve(context.Background(), inst, solver.Options{Sharing: model.SharingStakes})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, Z = %.0f, price of fairness %.0f\n", res.Status, res.Objective, res.PriceOfFairness)
	for _, f := range res.Firms {
		fmt.Printf("%s: stake return %.1f, outside option %.1f\n", f.ID, f.StakeReturn, f.OutsideOption)
	}
	// Output:
	// optimal, Z = -28, price of fairness 10
	// P: stake return 30.0, outside option 28.0
	// S: stake return 0.0, outside option 0.0
}
