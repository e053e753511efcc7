// Package horizon plans a multi-period instance (MODEL.md, "Multi-period
// plans: knowledge grows with experience"): it writes the multi-period MIP
// (Build: periods, knowledge state κ with its update K1, the
// knowledge-route binaries K2 and K3, cumulative budgets with capital
// release, one portfolio CVaR over all periods' stakes, entry once,
// dissipation charged when it arises and a discounted objective) as a
// neutral mip.Problem, and solves it with GLPK's branch and cut (Solve).
//
// The reductions (q only where reachable, κ bounded by its largest
// reachable value, periods pruned by the opportunities' windows, intelligence
// bought only in periods where a project of the market can start) are
// justified in docs/formulation.md. With one period and no learning the
// MIP is the one-period model of solver/cluster, column for column up to
// names; the tests check that its optimum is the same.
package horizon
