package solver

import "errors"

// Sentinel errors. Errors returned by Solve wrap one of these or
// model.ErrInvalid.
var (
	// ErrInfeasible: no plan satisfies the constraints (see Result.Explanation).
	ErrInfeasible = errors.New("solver: infeasible")
	// ErrNoSolution: the limit was reached before any plan was found.
	ErrNoSolution = errors.New("solver: no plan found within the limit")
	// ErrUnknownMethod: Options.Method names no method.
	ErrUnknownMethod = errors.New("solver: unknown method")
	// ErrBadForce: Options.Force names an unknown opportunity, or is
	// given with a method other than cluster.
	ErrBadForce = errors.New("solver: bad forced opportunity")
	// ErrUnknownSharing: Options.Sharing names no supported sharing rule.
	ErrUnknownSharing = errors.New("solver: unknown or unsupported sharing rule")
	// ErrMultiPeriod: what was asked is not implemented for an instance
	// with a horizon block.
	ErrMultiPeriod = errors.New("solver: multi-period instance")
)
