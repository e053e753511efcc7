package glpk

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Params are the solver settings. The zero value means GLPK's defaults and
// no limits.
type Params struct {
	// TimeLimit bounds the wall-clock time of the whole solve: building
	// the problem, the LP relaxation and branch and cut. Zero means no
	// limit. A context deadline that comes earlier takes precedence.
	TimeLimit time.Duration

	// RelGap stops branch and cut as soon as GLPK's relative gap
	// |best − bound| / (|best| + DBL_EPSILON) is at most RelGap (GLPK's
	// mip_gap). Zero, GLPK's default, means solving to optimality.
	RelGap float64

	// FeasibilityPump enables GLPK's feasibility pump heuristic at the
	// root (fp_heur; default off).
	FeasibilityPump bool
	// ProximitySearch enables GLPK's proximity search heuristic at the
	// root (ps_heur; default off).
	ProximitySearch bool
	// ProximityTimeLimit bounds the proximity search (ps_tm_lim). Zero
	// means GLPK's default, one minute. It is always capped at the time
	// left.
	ProximityTimeLimit time.Duration

	// GomoryCuts, MIRCuts, CoverCuts and CliqueCuts enable GLPK's cut
	// generators (gmi_cuts, mir_cuts, cov_cuts, clq_cuts; all off by
	// default).
	GomoryCuts, MIRCuts, CoverCuts, CliqueCuts bool

	// Presolve enables GLPK's MIP presolver (presolve; default off). See
	// the package documentation for what it means for callbacks.
	Presolve bool

	// Branching selects the branching rule (br_tech). The zero value means
	// GLPK's default, Driebeck–Tomlin.
	Branching Branching
	// Backtracking selects the node selection rule (bt_tech). The zero
	// value means GLPK's default, best local bound.
	Backtracking Backtracking

	// Verbose lets GLPK print its own progress messages on standard
	// output (off by default: GLPK prints nothing).
	Verbose bool

	// LPSupport, when not nil, holds one entry per column and warm-starts
	// the LP relaxation (of SolveLP, and of SolveMIP before branch and
	// cut): the simplex first solves it with every column whose entry is
	// false fixed at its lower bound, then gives those columns their
	// bounds back and goes on from that basis. Given a good plan's
	// non-zero columns, the second simplex starts from about the plan's
	// objective and needs far fewer pivots than a cold start. Columns
	// with no finite lower bound are never fixed. nil means a cold start
	// (GLPK's advanced basis). With Presolve it has no effect: GLPK's
	// presolver solves a relaxation of its own. See Support.
	LPSupport []bool
}

// Branching is GLPK's branching technique.
type Branching int

// The branching techniques.
const (
	BranchDefault          Branching = iota // GLPK's default (Driebeck–Tomlin)
	BranchFirstFractional                   // GLP_BR_FFV
	BranchLastFractional                    // GLP_BR_LFV
	BranchMostFractional                    // GLP_BR_MFV
	BranchDriebeckTomlin                    // GLP_BR_DTH
	BranchHybridPseudoCost                  // GLP_BR_PCH
)

// String returns the name of the technique.
func (b Branching) String() string {
	switch b {
	case BranchDefault:
		return "default"
	case BranchFirstFractional:
		return "first-fractional"
	case BranchLastFractional:
		return "last-fractional"
	case BranchMostFractional:
		return "most-fractional"
	case BranchDriebeckTomlin:
		return "driebeck-tomlin"
	case BranchHybridPseudoCost:
		return "hybrid-pseudocost"
	}
	return fmt.Sprintf("Branching(%d)", int(b))
}

// Backtracking is GLPK's backtracking (node selection) technique.
type Backtracking int

// The backtracking techniques.
const (
	BacktrackDefault        Backtracking = iota // GLPK's default (best local bound)
	BacktrackDepthFirst                         // GLP_BT_DFS
	BacktrackBreadthFirst                       // GLP_BT_BFS
	BacktrackBestLocalBound                     // GLP_BT_BLB
	BacktrackBestProjection                     // GLP_BT_BPH
)

// String returns the name of the technique.
func (b Backtracking) String() string {
	switch b {
	case BacktrackDefault:
		return "default"
	case BacktrackDepthFirst:
		return "depth-first"
	case BacktrackBreadthFirst:
		return "breadth-first"
	case BacktrackBestLocalBound:
		return "best-local-bound"
	case BacktrackBestProjection:
		return "best-projection"
	}
	return fmt.Sprintf("Backtracking(%d)", int(b))
}

// ErrParams is wrapped by the errors for invalid Params.
var ErrParams = errors.New("glpk: invalid parameter")

// check returns an error wrapping ErrParams if a setting is out of range
// for a problem of n columns.
func (p *Params) check(n int) error {
	switch {
	case p.LPSupport != nil && len(p.LPSupport) != n:
		return fmt.Errorf("%w: LPSupport has %d entries for %d columns", ErrParams, len(p.LPSupport), n)
	case p.TimeLimit < 0:
		return fmt.Errorf("%w: TimeLimit %v is negative", ErrParams, p.TimeLimit)
	case math.IsNaN(p.RelGap) || p.RelGap < 0 || math.IsInf(p.RelGap, 0):
		return fmt.Errorf("%w: RelGap %g", ErrParams, p.RelGap)
	case p.ProximityTimeLimit < 0:
		return fmt.Errorf("%w: ProximityTimeLimit %v is negative", ErrParams, p.ProximityTimeLimit)
	case p.Branching < BranchDefault || p.Branching > BranchHybridPseudoCost:
		return fmt.Errorf("%w: %v", ErrParams, p.Branching)
	case p.Backtracking < BacktrackDefault || p.Backtracking > BacktrackBestProjection:
		return fmt.Errorf("%w: %v", ErrParams, p.Backtracking)
	}
	return nil
}
