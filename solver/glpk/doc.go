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
// optimal basis. With Params.LPSupport the simplex is warm-started from a
// plan's support: it solves the LP with the other columns fixed at their
// lower bounds, gives them their bounds back and goes on from that basis,
// which is primal feasible. With Params.Presolve, glp_intopt is called at once: GLPK's
// MIP presolver reduces the problem and solves the relaxation of the
// presolved problem only (on the neighbourhood MIPs of a 300-firm cluster
// that halves the root's work), so Result.LPObjective is NaN. The callbacks of
// branch and cut then see the presolver's problem, whose columns are not
// those of the mip.Problem, so Callbacks.Heuristic cannot be combined with
// Presolve (ErrHeuristicWithPresolve) and Callbacks.Incumbent gets no
// solution vector.
//
// # Limits and cancellation
//
// Params.TimeLimit covers the whole solve; a context deadline that comes
// earlier takes its place. GLPK's own time limits (tm_lim of glp_simplex
// and glp_intopt, ps_tm_lim) are set from the time left, and the
// branch-and-cut callback also stops the search once the time is up. GLPK
// checks its limit between simplex iterations and at the start of each
// node, so a solve ends within milliseconds of its limit, except while
// GLPK runs a phase that checks no limit (below).
//
// A cancelled context is noticed in two places. GLPK calls the
// branch-and-cut callback several times per node, and the callback stops
// the search (glp_ios_terminate) if the context is done; the search keeps
// its incumbent. Between two callbacks GLPK may work for long, above all
// in a long LP (the root relaxation, or a node LP of a large problem). For
// these, the solver asks GLPK for progress output (discarded unless
// Verbose): glp_simplex reports every 100 ms, and a node LP every 500 ms
// once it has run for 300 ms. If the context is done, the output hook
// leaves GLPK by a longjmp, as the error hook does, and frees GLPK's
// environment: the LP's work is lost, but the incumbent seen at the last
// callback is kept. A cancellation thus takes effect within about half a
// second, except in phases without output or callback: a round of cut
// generation, the feasibility pump and the proximity search (the last is
// bounded by ProximityTimeLimit and the time left), and, with Presolve
// (where the longjmp is not used, as GLPK's incumbent could not be
// recovered), presolving, re-solving the relaxation and node LPs.
// Result.MaxCallbackInterval reports the longest stretch between two
// callbacks.
//
// The same output hook enforces the time limit in branch and cut: once
// glp_intopt is 0.25 s past the limit, the next output leaves it as a
// cancellation does (Result.Stop is TimeLimit). This bounds phases that
// check no limit but print: node LPs, and hybrid pseudo-cost branching's
// initialisation, which solves two LPs per fractional column with no
// callback and reports only every 10 s (on a 32000-row model it ran 110 s
// past a 30 s limit before; now at most about 10 s). Prefer another
// branching rule on large models.
//
// Some phases neither print nor call back: GLPK's cut generators after the
// cut-generation callback, and the choice of the branching variable after
// the branching callback (Driebeck–Tomlin computes a row of the simplex
// table per fractional column). On a model of 50,000 rows each takes
// seconds. The callback therefore times the stretch that follows each
// kind of callback (the longest seen so far; for a kind not seen yet, the
// longest of any, and at least the time the root LP took), and stops the
// search at a callback whose next stretch would end past the limit: the
// search gives up its last seconds rather than overrun. A stretch longer
// than every one before it and than the root LP can still overrun the
// limit by its length.
package glpk
