package horizon

// Phase names a step of Solve, as its progress reports show it.
type Phase string

// The phases. A model of at most smallRows rows is solved by GLPK's branch
// and cut alone (PhaseBranch); a larger one goes through them in this order
// (docs/horizon.md, "Solving at scale").
const (
	PhaseRolling        Phase = "rolling horizon"  // the first plan
	PhaseRelaxation     Phase = "relaxation bound" // the one-period relaxations R_1..R_T
	PhaseCollapsed      Phase = "collapsed plan"   // the horizon collapsed into one period, scheduled
	PhaseNeighbourhoods Phase = "neighbourhoods"   // the window search over periods
	PhaseBranch         Phase = "branch-and-cut"   // GLPK on the whole model
)
