// Package solver turns an instance into a verified plan:
//
//	inst, _ := model.LoadFile("instances/tiny.json")
//	res, err := solver.Solve(ctx, inst, solver.Options{TimeLimit: time.Minute})
//	plan := res.Plan()
//
// Solve validates the instance, derives its sets, runs the method named in
// Options (the cluster MIP on GLPK by default, or one of the distributed
// baselines) and evaluates the plan with the metrics of MODEL.md. Each
// method is a Solver; Methods lists them.
package solver
