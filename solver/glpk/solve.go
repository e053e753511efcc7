package glpk

/*
#cgo LDFLAGS: -lglpk
#include <stdlib.h>
#include <glpk.h>
#include "bridge.h"
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ofdi/ofdi/solver/mip"
)

var inf = math.Inf(1)

// defaultProgressInterval is used when Callbacks.ProgressInterval is zero.
const defaultProgressInterval = 100 * time.Millisecond

// serial is locked around every solve if GLPK keeps a single global
// environment instead of one per thread.
var (
	serial     sync.Mutex
	needSerial = func() bool {
		opt := C.CString("TLS")
		defer C.free(unsafe.Pointer(opt))
		return C.glp_config(opt) == nil
	}()
)

// job owns a C ofdi_job and every C array it points to.
type job struct {
	c   *C.ofdi_job
	mem []unsafe.Pointer
}

func (j *job) alloc(size int) unsafe.Pointer {
	ptr := C.calloc(C.size_t(max(size, 1)), 1)
	if ptr == nil {
		panic("glpk: out of C memory")
	}
	j.mem = append(j.mem, ptr)
	return ptr
}

func (j *job) doubles(n int) []float64 {
	return unsafe.Slice((*float64)(j.alloc(8*n)), max(n, 1))[:n]
}

func (j *job) ints(n int) []C.int {
	return unsafe.Slice((*C.int)(j.alloc(int(unsafe.Sizeof(C.int(0)))*n)), max(n, 1))[:n]
}

// support hands the LP's warm-start support to the C side (see
// Params.LPSupport); nil leaves it unset.
func (j *job) support(in []bool) {
	if in == nil {
		return
	}
	sup := j.ints(len(in))
	for k, b := range in {
		if b {
			sup[k] = 1
		}
	}
	j.c.support = iptr(sup)
}

func (j *job) free() {
	for _, p := range j.mem {
		C.free(p)
	}
	j.mem = nil
	j.c = nil
}

func dptr(s []float64) *C.double { return (*C.double)(unsafe.Pointer(unsafe.SliceData(s))) }
func iptr(s []C.int) *C.int      { return unsafe.SliceData(s) }

// newJob copies p into C memory. With relax, integrality is dropped.
func newJob(p *mip.Problem, op C.int, relax bool) *job {
	j := &job{}
	j.c = (*C.ofdi_job)(j.alloc(int(C.sizeof_ofdi_job)))
	c := j.c
	m, n := len(p.Rows), len(p.Cols)
	c.op = op
	c.m, c.n = C.int(m), C.int(n)

	size := len(p.Name) + 1
	for i := range p.Cols {
		size += len(p.Cols[i].Name) + 1
	}
	for i := range p.Rows {
		size += len(p.Rows[i].Name) + 1
	}
	names := unsafe.Slice((*byte)(j.alloc(size)), size)
	colName, rowName := j.ints(n), j.ints(m)
	off := copy(names, p.Name) + 1
	if p.Name != "" {
		c.prob_name = (*C.char)(unsafe.Pointer(&names[0]))
	}
	colLo, colHi, colObj, colInt := j.doubles(n), j.doubles(n), j.doubles(n), j.ints(n)
	for k := range p.Cols {
		col := &p.Cols[k]
		colName[k] = C.int(off)
		off += copy(names[off:], col.Name) + 1
		colLo[k], colHi[k] = p.Bounds(k)
		colObj[k] = col.Obj
		if !relax && col.Kind.IsInteger() {
			colInt[k] = 1
		}
	}
	nz := 0
	for i := range p.Rows {
		for _, v := range p.Rows[i].Val {
			if v != 0 {
				nz++
			}
		}
	}
	rowLo, rowHi := j.doubles(m), j.doubles(m)
	ia, ja, ar := j.ints(nz+1), j.ints(nz+1), j.doubles(nz+1)
	k := 0
	for i := range p.Rows {
		r := &p.Rows[i]
		rowName[i] = C.int(off)
		off += copy(names[off:], r.Name) + 1
		rowLo[i], rowHi[i] = r.Lo, r.Hi
		for t, col := range r.Ind {
			if r.Val[t] != 0 {
				k++
				ia[k], ja[k], ar[k] = C.int(i+1), C.int(col+1), r.Val[t]
			}
		}
	}
	c.nz = C.int(nz)
	c.names = (*C.char)(unsafe.Pointer(&names[0]))
	c.col_name, c.row_name = iptr(colName), iptr(rowName)
	c.col_lo, c.col_hi, c.col_obj, c.col_int = dptr(colLo), dptr(colHi), dptr(colObj), iptr(colInt)
	c.row_lo, c.row_hi = dptr(rowLo), dptr(rowHi)
	c.ia, c.ja, c.ar = iptr(ia), iptr(ja), dptr(ar)
	c.obj_const = C.double(p.ObjConst)
	c.x = dptr(j.doubles(n))
	c.work = dptr(j.doubles(n + 1))
	if relax {
		c.row_act, c.row_dual, c.col_dual = dptr(j.doubles(m)), dptr(j.doubles(m)), dptr(j.doubles(n))
	}
	return j
}

// limit returns the time left for a solve that started at start, from the
// time limit and the context's deadline (0 means none), and whether the
// deadline is the binding one.
func limit(ctx context.Context, start time.Time, tl time.Duration) (left time.Duration, deadline bool) {
	if dl, ok := ctx.Deadline(); ok {
		if d := dl.Sub(start); tl == 0 || d < tl {
			tl, deadline = d, true
		}
	}
	if tl != 0 {
		tl -= time.Since(start)
		if tl <= 0 {
			tl = time.Nanosecond
		}
	}
	return tl, deadline
}

// ctxErr returns the error for a solve that stopped for the reason stop:
// ctx.Err() if ctx is done, and context.DeadlineExceeded if GLPK's time
// limit, set from the context's deadline, stopped it a moment before the
// context noticed.
func ctxErr(ctx context.Context, stop Stop, deadline bool) error {
	if stop == Completed || stop == GapLimit {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if stop == TimeLimit && deadline {
		return context.DeadlineExceeded
	}
	return nil
}

// run runs the C job on this goroutine locked to its thread, with a
// watcher that raises the job's cancel flag when ctx is done.
func (j *job) run(ctx context.Context) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if needSerial {
		serial.Lock()
		defer serial.Unlock()
	}
	flag := (*int32)(unsafe.Pointer(&j.c.cancel))
	done := make(chan struct{})
	stopWatch := context.AfterFunc(ctx, func() {
		defer close(done)
		atomic.StoreInt32(flag, 1)
	})
	defer func() {
		if !stopWatch() {
			<-done // the watcher runs or ran: let it finish before j is freed
		}
	}()
	C.ofdi_run(j.c)
}

func stopOf(c C.int) Stop {
	switch c {
	case C.OFDI_STOP_TIME:
		return TimeLimit
	case C.OFDI_STOP_CANCEL:
		return Cancelled
	case C.OFDI_STOP_CALLBACK:
		return CallbackStop
	}
	return Completed
}

// runError turns a job's error code into an error.
func runError(c *C.ofdi_job) error {
	switch c.err {
	case C.OFDI_OK, C.OFDI_EABORTED:
		return nil
	case C.OFDI_EREENTRANT:
		return ErrReentrant
	}
	msg := strings.TrimSpace(C.GoString(&c.msg[0]))
	return &Error{Msg: strings.ReplaceAll(msg, "\n", "; ")}
}

// glpkCodes describes the return codes of glp_simplex and glp_intopt.
var glpkCodes = map[C.int]string{
	C.GLP_EBADB:   "invalid basis",
	C.GLP_ESING:   "singular matrix",
	C.GLP_ECOND:   "ill-conditioned matrix",
	C.GLP_EBOUND:  "invalid bounds",
	C.GLP_EFAIL:   "solver failed",
	C.GLP_EOBJLL:  "objective lower limit reached",
	C.GLP_EOBJUL:  "objective upper limit reached",
	C.GLP_EITLIM:  "iteration limit exceeded",
	C.GLP_ETMLIM:  "time limit exceeded",
	C.GLP_ENOPFS:  "no primal feasible solution",
	C.GLP_ENODFS:  "no dual feasible solution",
	C.GLP_EROOT:   "root LP optimum not provided",
	C.GLP_ESTOP:   "search terminated by application",
	C.GLP_EMIPGAP: "relative mip gap tolerance reached",
}

func routineError(routine string, code C.int) error {
	return &Error{Routine: routine, Code: int(code), Msg: glpkCodes[code]}
}

// SolveMIP solves p with GLPK's branch and cut (see the package
// documentation for the method, limits and cancellation).
//
// It returns an error without solving if p is invalid (a *mip.Error), if
// params are invalid (ErrParams), or if cb.Heuristic is combined with
// params.Presolve (ErrHeuristicWithPresolve). Otherwise it returns a
// Result, and an error if GLPK failed (*Error), a callback panicked
// (*CallbackPanicError), or ctx was done before the search completed
// (ctx.Err()); in these cases the Result holds the best solution found
// until then, if any. An infeasible or unbounded problem, or a limit
// reached, is not an error: see Result.Status (and Status.Err).
func SolveMIP(ctx context.Context, p *mip.Problem, params Params, cb Callbacks) (*Result, error) {
	start := time.Now()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := params.check(len(p.Cols)); err != nil {
		return nil, err
	}
	if cb.Heuristic != nil && params.Presolve {
		return nil, ErrHeuristicWithPresolve
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j := newJob(p, C.OFDI_OP_MIP, false)
	defer j.free()
	c := j.c
	c.verbose = cbool(params.Verbose)
	j.support(params.LPSupport)
	left, deadline := limit(ctx, start, params.TimeLimit)
	c.time_limit = C.double(left.Seconds())
	c.mip_gap = C.double(params.RelGap)
	c.fp_heur, c.ps_heur = cbool(params.FeasibilityPump), cbool(params.ProximitySearch)
	c.ps_tm_lim = C.int(min(params.ProximityTimeLimit.Milliseconds(), math.MaxInt32))
	if params.ProximityTimeLimit > 0 && c.ps_tm_lim == 0 {
		c.ps_tm_lim = 1
	}
	c.gmi_cuts, c.mir_cuts = cbool(params.GomoryCuts), cbool(params.MIRCuts)
	c.cov_cuts, c.clq_cuts = cbool(params.CoverCuts), cbool(params.CliqueCuts)
	c.presolve = cbool(params.Presolve)
	c.br_tech, c.bt_tech = C.int(params.Branching), C.int(params.Backtracking)
	c.want_progress = cbool(cb.Progress != nil)
	c.want_heur = cbool(cb.Heuristic != nil)
	c.want_incumbent = cbool(cb.Incumbent != nil)
	c.want_node = cbool(cb.Node != nil)
	every := cb.ProgressInterval
	if every <= 0 {
		every = defaultProgressInterval
	}
	c.progress_every = C.double(every.Seconds())
	s := &state{p: p, cb: cb, job: c, ctx: ctx}
	h := cgo.NewHandle(s)
	defer h.Delete()
	c.handle = C.uintptr_t(h)
	j.run(ctx)

	res, err := mipResult(c, p)
	res.HeuristicRejected = s.rejected
	res.Duration = time.Since(start)
	if err == nil && s.panicked != nil {
		err = s.panicked
	}
	if err == nil {
		err = ctxErr(ctx, res.Stop, deadline)
	}
	return res, err
}

// mipResult reads the outcome of a MIP job.
func mipResult(c *C.ofdi_job, p *mip.Problem) (*Result, error) {
	res := &Result{
		Status:              Unknown,
		Stop:                stopOf(c.stop),
		Objective:           math.NaN(),
		Bound:               math.Inf(-1),
		LPObjective:         math.NaN(),
		Nodes:               int(c.nodes),
		HeuristicAccepted:   int(c.heur_accepted),
		CallbackCalls:       int(c.cb_calls),
		MaxCallbackInterval: time.Duration(float64(c.cb_max_gap) * float64(time.Second)),
	}
	if err := runError(c); err != nil {
		return res, err
	}
	var err error
	// With Presolve the original's relaxation is not solved (glp_intopt
	// solves the presolved one): its outcome comes from glp_intopt.
	skipped := c.lp_skipped != 0
	lpSolved := c.lp_ret == 0 && c.lp_status == C.GLP_OPT && !skipped
	if lpSolved {
		res.LPObjective = float64(c.lp_obj)
		res.Bound = res.LPObjective
	}
	mipSolution := c.mip_status == C.GLP_OPT || c.mip_status == C.GLP_FEAS
	switch {
	case !skipped && c.lp_ret != 0 && c.lp_ret != C.GLP_ETMLIM:
		err = routineError("glp_simplex", c.lp_ret)
	case !skipped && c.lp_status == C.GLP_NOFEAS:
		res.Status = Infeasible
	case !skipped && c.lp_status == C.GLP_UNBND:
		res.Status = Unbounded
	case c.mip_status == 0 || !(lpSolved || skipped):
		// Stopped before branch and cut, or aborted during it.
		res.Status = NoSolution
		if c.err == C.OFDI_EABORTED && c.has_x != 0 {
			res.Status = Feasible
		}
	default:
		switch c.mip_ret {
		case 0:
			switch c.mip_status {
			case C.GLP_OPT:
				res.Status = Optimal
			case C.GLP_NOFEAS:
				res.Status = Infeasible
			}
		case C.GLP_EMIPGAP:
			res.Stop = GapLimit
		case C.GLP_ETMLIM:
			res.Stop = TimeLimit
		case C.GLP_ESTOP:
			// c.stop, set by the callback, says why.
		case C.GLP_ENOPFS:
			res.Status = Infeasible
		case C.GLP_ENODFS:
			res.Status = Unbounded
		default:
			err = routineError("glp_intopt", c.mip_ret)
		}
		if res.Status == Unknown {
			res.Status = NoSolution
			if mipSolution {
				res.Status = Feasible
			}
		}
	}
	if (res.Status == Optimal || res.Status == Feasible) && c.has_x != 0 {
		res.HasSolution = true
		res.Objective = float64(c.incumbent)
		if mipSolution {
			res.Objective = float64(c.mip_obj)
		}
		res.X = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(c.x)), len(p.Cols))...)
	}
	switch res.Status {
	case Optimal:
		res.Bound = res.Objective
	case Infeasible:
		res.Bound = inf
	case Unbounded:
		res.Bound = math.Inf(-1)
	default:
		if c.has_bound != 0 && float64(c.bound) > res.Bound {
			res.Bound = float64(c.bound)
		}
		if res.HasSolution && res.Bound > res.Objective {
			res.Bound = res.Objective
		}
	}
	return res, err
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// SolveLP solves the LP relaxation of p (integrality dropped; Binary
// columns keep their [0, 1] bounds) with glp_simplex after glp_scale_prob
// and glp_adv_basis. Of params only TimeLimit, Verbose and LPSupport
// apply. Errors are as for SolveMIP.
func SolveLP(ctx context.Context, p *mip.Problem, params Params) (*LPResult, error) {
	start := time.Now()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if err := params.check(len(p.Cols)); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j := newJob(p, C.OFDI_OP_LP, true)
	defer j.free()
	c := j.c
	c.verbose = cbool(params.Verbose)
	j.support(params.LPSupport)
	left, deadline := limit(ctx, start, params.TimeLimit)
	c.time_limit = C.double(left.Seconds())
	j.run(ctx)

	res := &LPResult{Status: Unknown, Stop: stopOf(c.stop), Objective: math.NaN(), Duration: time.Since(start)}
	if err := runError(c); err != nil {
		return res, err
	}
	if c.err == C.OFDI_EABORTED {
		res.Status = NoSolution
		return res, ctxErr(ctx, res.Stop, deadline)
	}
	if c.lp_ret != 0 && c.lp_ret != C.GLP_ETMLIM {
		return res, routineError("glp_simplex", c.lp_ret)
	}
	switch c.lp_status {
	case C.GLP_OPT:
		res.Status = Optimal
	case C.GLP_FEAS:
		res.Status = Feasible
	case C.GLP_NOFEAS:
		res.Status = Infeasible
	case C.GLP_UNBND:
		res.Status = Unbounded
	default:
		res.Status = NoSolution
	}
	if res.Status == Optimal || res.Status == Feasible {
		m, n := len(p.Rows), len(p.Cols)
		res.Objective = float64(c.lp_obj)
		res.X = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(c.x)), n)...)
		res.ReducedCosts = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(c.col_dual)), n)...)
		res.RowActivity = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(c.row_act)), m)...)
		res.RowDuals = append([]float64(nil), unsafe.Slice((*float64)(unsafe.Pointer(c.row_dual)), m)...)
	}
	return res, ctxErr(ctx, res.Stop, deadline)
}
