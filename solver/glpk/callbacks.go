package glpk

/*
#include "bridge.h"
*/
import "C"

import (
	"context"
	"math"
	"runtime/cgo"
	"runtime/debug"
	"time"
	"unsafe"

	"github.com/ofdi/ofdi/solver/mip"
)

// Callbacks are optional functions that SolveMIP calls during branch and
// cut. They run on the solving goroutine, inside GLPK's callback, and the
// search waits for them: keep them short. They must not call SolveMIP or
// SolveLP on the same goroutine, nor runtime.Goexit (so no t.FailNow). A
// panic in a callback stops the search and is returned as a
// *CallbackPanicError.
type Callbacks struct {
	// Progress, if set, is called with the state of the search at most
	// once per ProgressInterval, from GLPK's callback (which GLPK calls
	// several times per node).
	Progress func(Progress)
	// ProgressInterval is the least time between two Progress calls. Zero
	// means 100 ms.
	ProgressInterval time.Duration

	// Heuristic, if set, is called whenever GLPK asks for a heuristic
	// solution (GLP_IHEUR: the LP relaxation of the current node is
	// fractional and better than the incumbent, at most once per node). It
	// returns a full solution, one value per column of the mip.Problem in
	// its order, and true, or false if it has nothing (new) to offer.
	// A solution that has the wrong length or violates a bound,
	// integrality or a row by more than 1e-6 (see
	// mip.Problem.CheckFeasible) is rejected (Result.HeuristicRejected):
	// GLPK would take it unchecked. Otherwise the values of integer columns
	// are rounded to exact integers, as GLPK requires, and GLPK takes the
	// solution if it is better than its incumbent
	// (Result.HeuristicAccepted). Heuristic cannot be combined with
	// Params.Presolve.
	Heuristic func() (x []float64, ok bool)

	// Incumbent, if set, is called when the search has a new best
	// solution, from whatever source (an integral node, GLPK's heuristics,
	// or Heuristic), with its objective value and its column values. It
	// is called at GLPK's next callback after the solution was found. x is
	// the callback's own copy. With Params.Presolve, x is nil.
	Incumbent func(obj float64, x []float64)

	// Node, if set, is called whenever the number of nodes created so far
	// (GLPK's t_cnt) has changed since its last call, with that number.
	// Unlike Progress it is not throttled by time: it is called at the
	// same points of the search in every run, so a caller can synchronise
	// deterministically on it. Returning true stops the search
	// (Result.Stop is Cancelled; the error is nil unless the context is
	// done).
	Node func(nodes int) (stop bool)
}

// Progress is the state of a branch-and-cut search.
type Progress struct {
	// Elapsed is the time since the solve started.
	Elapsed time.Duration
	// Incumbent is the objective value of the best solution found so far,
	// if HasIncumbent.
	Incumbent    float64
	HasIncumbent bool
	// Bound is the best lower bound on the optimum known so far: the best
	// local bound among the active nodes, at least the root LP objective,
	// at most Incumbent.
	Bound float64
	// Gap is |Incumbent − Bound| / max(1, |Incumbent|), or +Inf without
	// an incumbent.
	Gap float64
	// Nodes is the number of nodes created so far (GLPK's t_cnt), Active
	// the number of active (unexplored) ones among them.
	Nodes, Active int
}

// relGap returns |z − bound| / max(1, |z|), the gap of MODEL.md.
func relGap(z, bound float64) float64 {
	return math.Abs(z-bound) / math.Max(1, math.Abs(z))
}

// state is what the C callback reaches through a cgo.Handle.
type state struct {
	p        *mip.Problem
	cb       Callbacks
	job      *C.ofdi_job // for the root LP objective
	ctx      context.Context
	panicked *CallbackPanicError
	rejected int // heuristic solutions rejected
}

// done is deferred by the exported callbacks: it recovers a panic of a
// callback and turns it into a stop request, and also requests a stop if
// the context is done (possibly cancelled by the callback itself), so that
// the search stops at once, not whenever the context's watcher runs.
func (s *state) done(name string, ret *C.int) {
	if r := recover(); r != nil {
		if s.panicked == nil {
			s.panicked = &CallbackPanicError{Callback: name, Value: r, Stack: debug.Stack()}
		}
		*ret |= C.OFDI_CB_PANIC
	}
	if s.ctx.Err() != nil {
		*ret |= C.OFDI_CB_CANCEL
	}
}

func stateOf(h C.uintptr_t) *state { return cgo.Handle(h).Value().(*state) }

//export ofdiGoProgress
func ofdiGoProgress(h C.uintptr_t, pr *C.ofdi_progress) (flags C.int) {
	s := stateOf(h)
	defer s.done("Progress", &flags)
	p := Progress{
		Elapsed:      time.Duration(float64(pr.elapsed) * float64(time.Second)),
		Incumbent:    float64(pr.incumbent),
		HasIncumbent: pr.has_incumbent != 0,
		Bound:        float64(s.job.lp_obj), // branch and cut starts from the optimal relaxation
		Gap:          math.Inf(1),
		Nodes:        int(pr.nodes),
		Active:       int(pr.active),
	}
	if pr.has_bound != 0 && float64(pr.bound) > p.Bound {
		p.Bound = float64(pr.bound)
	}
	if p.HasIncumbent {
		p.Bound = math.Min(p.Bound, p.Incumbent)
		p.Gap = relGap(p.Incumbent, p.Bound)
	}
	s.cb.Progress(p)
	return 0
}

// heuristicTol is the tolerance for checking heuristic solutions.
const heuristicTol = 1e-6

//export ofdiGoHeuristic
func ofdiGoHeuristic(h C.uintptr_t, buf *C.double, n C.int) (flags C.int) {
	s := stateOf(h)
	defer s.done("Heuristic", &flags)
	x, ok := s.cb.Heuristic()
	if !ok {
		return 0
	}
	if len(x) != len(s.p.Cols) {
		s.rejected++
		return 0
	}
	if s.p.CheckFeasible(x, heuristicTol) != nil {
		s.rejected++
		return 0
	}
	dst := unsafe.Slice((*float64)(unsafe.Pointer(buf)), int(n)+1)[1:]
	for j, v := range x {
		if s.p.Cols[j].Kind.IsInteger() {
			v = math.Round(v) // GLPK takes only exact integers
		}
		dst[j] = v
	}
	return C.OFDI_CB_SOLUTION
}

//export ofdiGoIncumbent
func ofdiGoIncumbent(h C.uintptr_t, obj C.double, x *C.double, n C.int) (flags C.int) {
	s := stateOf(h)
	defer s.done("Incumbent", &flags)
	var xs []float64
	if x != nil {
		xs = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(x)), int(n))...)
	}
	s.cb.Incumbent(float64(obj), xs)
	return 0
}

//export ofdiGoNode
func ofdiGoNode(h C.uintptr_t, nodes C.int) (flags C.int) {
	s := stateOf(h)
	defer s.done("Node", &flags)
	if s.cb.Node(int(nodes)) {
		return C.OFDI_CB_CANCEL
	}
	return 0
}
