package glpk

import (
	"errors"
	"fmt"
	"strconv"
)

// Status is the outcome of a solve.
type Status int

// The statuses. Their String forms are those of the plan output of
// MODEL.md where it has them.
const (
	// Unknown: no outcome, because an error occurred.
	Unknown Status = iota
	// Optimal: a solution was found and proven optimal (within GLPK's
	// tolerances).
	Optimal
	// Feasible: a solution was found, but the search stopped before
	// proving it optimal (time limit, gap tolerance or cancellation).
	Feasible
	// Infeasible: the problem has no solution (proven).
	Infeasible
	// Unbounded: the LP relaxation is unbounded, so the problem is
	// unbounded or infeasible.
	Unbounded
	// NoSolution: the search stopped before finding any solution.
	NoSolution
)

// String returns "unknown", "optimal", "feasible", "infeasible",
// "unbounded" or "no_solution".
func (s Status) String() string {
	switch s {
	case Unknown:
		return "unknown"
	case Optimal:
		return "optimal"
	case Feasible:
		return "feasible"
	case Infeasible:
		return "infeasible"
	case Unbounded:
		return "unbounded"
	case NoSolution:
		return "no_solution"
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// The errors that Status.Err returns.
var (
	ErrUnknown    = errors.New("glpk: no result")
	ErrInfeasible = errors.New("glpk: problem infeasible")
	ErrUnbounded  = errors.New("glpk: problem unbounded (or infeasible)")
	ErrNoSolution = errors.New("glpk: no solution found within the limits")
)

// Err returns nil if the status comes with a solution (Optimal, Feasible),
// and otherwise the matching error: ErrUnknown, ErrInfeasible, ErrUnbounded
// or ErrNoSolution.
func (s Status) Err() error {
	switch s {
	case Optimal, Feasible:
		return nil
	case Infeasible:
		return ErrInfeasible
	case Unbounded:
		return ErrUnbounded
	case NoSolution:
		return ErrNoSolution
	}
	return ErrUnknown
}

// Stop says why a solve ended before completing.
type Stop int

// The reasons.
const (
	// Completed: the solve ran to its end.
	Completed Stop = iota
	// TimeLimit: Params.TimeLimit (or the context's deadline) was reached.
	TimeLimit
	// GapLimit: the relative gap fell to Params.RelGap.
	GapLimit
	// Cancelled: the context was cancelled.
	Cancelled
	// CallbackStop: a callback panicked.
	CallbackStop
)

// String returns "completed", "time_limit", "gap_limit", "cancelled" or
// "callback".
func (s Stop) String() string {
	switch s {
	case Completed:
		return "completed"
	case TimeLimit:
		return "time_limit"
	case GapLimit:
		return "gap_limit"
	case Cancelled:
		return "cancelled"
	case CallbackStop:
		return "callback"
	}
	return "Stop(" + strconv.Itoa(int(s)) + ")"
}

// Errors returned by SolveMIP and SolveLP.
var (
	// ErrReentrant is returned by a solve started from a callback of
	// another solve on the same goroutine.
	ErrReentrant = errors.New("glpk: solve started from a callback of another solve")
	// ErrHeuristicWithPresolve is returned by SolveMIP if both
	// Callbacks.Heuristic and Params.Presolve are set: GLPK's presolver
	// changes the columns that heuristic solutions must be given in.
	ErrHeuristicWithPresolve = errors.New("glpk: Callbacks.Heuristic cannot be used with Params.Presolve")
)

// Error is a failure inside GLPK: either an abnormal termination that the
// guard intercepted (Routine is empty and Msg holds GLPK's message), or a
// failure code returned by a GLPK routine.
type Error struct {
	Routine string // "glp_simplex", "glp_intopt", or "" for an intercepted termination
	Code    int    // the routine's return code (GLP_E*)
	Msg     string
}

func (e *Error) Error() string {
	if e.Routine == "" {
		return "glpk: GLPK error: " + e.Msg
	}
	return fmt.Sprintf("glpk: %s returned %d (%s)", e.Routine, e.Code, e.Msg)
}

// CallbackPanicError is returned when a callback panicked. The search was
// stopped at that point; the Result holds what was found until then.
type CallbackPanicError struct {
	Callback string // "Progress", "Heuristic" or "Incumbent"
	Value    any    // the value passed to panic
	Stack    []byte // the stack of the panicking goroutine
}

func (e *CallbackPanicError) Error() string {
	return fmt.Sprintf("glpk: %s callback panicked: %v", e.Callback, e.Value)
}

// Unwrap returns the panic value if it is an error.
func (e *CallbackPanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
