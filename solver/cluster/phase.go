package cluster

// Phase names a step of Solve, as its progress reports show it.
type Phase string

// The phases, in the order Solve runs them (docs/algorithm.md, "Time
// budget and progress"). PhaseLP is reported by the race while GLPK
// solves its root LP and no bound is known yet.
const (
	PhaseBuilding      Phase = "building"
	PhaseGreedy        Phase = "greedy"
	PhaseWarmStart     Phase = "warm start"
	PhaseLagrangian    Phase = "lagrangian"
	PhaseTargets       Phase = "targets"
	PhaseNeighbourhood Phase = "neighbourhood search"
	PhaseLP            Phase = "LP relaxation"
	PhaseBranch        Phase = "branch-and-bound"
)
