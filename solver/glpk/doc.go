// Package glpk solves mip.Problem instances with GLPK 5.0 through a small
// cgo binding (link flag -lglpk).
//
// # Entry points
//
// SolveMIP solves a mixed-integer problem by branch and cut; SolveLP solves
// its LP relaxation. Both validate the problem with mip.Problem.Validate
// before GLPK sees it.
//
// # Safety
//
// GLPK aborts the process on any input error. This package validates all
// input in Go first and, in addition, runs the whole build and solve inside
// one C function guarded by glp_error_hook and setjmp/longjmp: if GLPK
// still stops with an error, the hook jumps back, GLPK's environment is
// freed with glp_free_env, and the caller gets an *Error with GLPK's
// message; the process lives on.
//
// GLPK keeps its environment per OS thread (Debian builds it with
// thread-local storage). Each solve therefore runs on its goroutine locked
// to its OS thread, and frees the environment at its end. Solves in
// different goroutines run in parallel. Callbacks run on the solving
// goroutine and must not call SolveMIP or SolveLP themselves (ErrReentrant).
// If the GLPK library was built without thread-local storage, solves are
// serialised.
//
// A panic in a callback does not cross into C: it is recovered, the search
// is stopped, and it is returned as a *CallbackPanicError.
//
// # Method
//
// SolveMIP first solves the LP relaxation with glp_simplex (after
// glp_scale_prob and glp_adv_basis), then calls glp_intopt from that
// optimal basis. With Params.Presolve, glp_intopt runs GLPK's MIP presolver
// and re-solves the relaxation of the presolved problem. The callbacks of
// branch and cut then see the presolver's problem, whose columns are not
// those of the mip.Problem, so Callbacks.Heuristic cannot be combined with
// Presolve (ErrHeuristicWithPresolve) and Callbacks.Incumbent gets no
// solution vector.
//
// # Limits and cancellation
//
// Params.TimeLimit covers the whole solve. The relaxation is solved in
// slices of a quarter of a second, so it stops within about that time when
// the limit is reached or the context is cancelled. During branch and cut,
// GLPK's own time limit is set to the time left, and GLPK's callback, which
// GLPK calls several times per node, checks the limit and the context: a
// cancellation takes effect at the next callback. Between two callbacks
// GLPK may spend long stretches without one: solving one node's LP (bounded
// by the time limit, not by cancellation), a round of cut generation or
// the feasibility pump (bounded by neither), the proximity search (bounded
// by ProximityTimeLimit and the time left), and, with Presolve, presolving
// and re-solving the relaxation (bounded by the time limit).
package glpk
