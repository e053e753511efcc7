package solver

// Status is the outcome of a solve.
type Status int

const (
	// NoSolution: the limit was reached (or the solve cancelled) before any plan.
	NoSolution Status = iota
	// Optimal: the plan is proven optimal (within Options.Gap).
	Optimal
	// Feasible: a plan, optimality not proven; Result.Gap says how far.
	Feasible
	// Infeasible: no plan satisfies the constraints.
	Infeasible
)

// String returns the status name used in plan JSON.
func (s Status) String() string {
	switch s {
	case Optimal:
		return "optimal"
	case Feasible:
		return "feasible"
	case Infeasible:
		return "infeasible"
	}
	return "no_solution"
}

// Err returns nil for Optimal and Feasible, ErrInfeasible or ErrNoSolution otherwise.
func (s Status) Err() error {
	switch s {
	case Optimal, Feasible:
		return nil
	case Infeasible:
		return ErrInfeasible
	}
	return ErrNoSolution
}
