#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>

#include <glpk.h>

#include "bridge.h"
#include "_cgo_export.h"

// Output periods. GLPK reports the progress of glp_simplex on the terminal
// every out_frq milliseconds (GLPK 5.0 measures it in time, although the
// manual says iterations), and node LPs of glp_intopt once they have run
// for out_dly milliseconds (then every 500 ms). term_hook sees these
// reports, which lets a cancellation stop long LPs.
enum {
	LP_OUT_FRQ = 100,   // root LP (glp_smcp.out_frq)
	NODE_OUT_DLY = 300  // node LPs (glp_iocp.out_dly)
};

// run is the state of the active ofdi_run on this thread. GLPK's
// environment is thread-local and ofdi_run frees it at the end, so a nested
// run on the same thread (from a callback) would destroy the outer one.
static _Thread_local struct {
	int active;
	jmp_buf *jb;
} run;

enum { JUMP_ERROR = 1, JUMP_CANCEL = 2, JUMP_TIME = 3 };

// OVERDUE_GRACE is how long (seconds) glp_intopt may run past the time
// limit before term_hook leaves it: GLPK's own checks come first, the
// hook catches the phases that check no limit but print (hybrid
// pseudo-cost initialisation, long node LPs).
#define OVERDUE_GRACE 0.25

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

// error_hook is called by glp_error before it would abort the process.
static void error_hook(void *info) {
	(void)info;
	longjmp(*run.jb, JUMP_ERROR);
}

static int cancelled(ofdi_job *job) {
	return __atomic_load_n(&job->cancel, __ATOMIC_RELAXED) != 0;
}

// overdue says whether glp_intopt has run past the time limit by more than
// OVERDUE_GRACE.
static int overdue(ofdi_job *job) {
	return job->in_intopt && job->deadline > 0 && now() > job->deadline + OVERDUE_GRACE;
}

// term_hook receives all terminal output of GLPK. It keeps the text printed
// while GLPK is in its error state (the error message). Otherwise, if the
// run is cancelled, or branch and cut is past its time limit (overdue), and
// it is safe, it leaves GLPK by a longjmp, as the error hook does; else it
// lets the output through if verbose.
static int term_hook(void *info, const char *s) {
	ofdi_job *job = info;
	if (glp_at_error()) {
		int room = (int)sizeof job->msg - 1 - job->msg_len;
		int len = (int)strlen(s);
		if (len > room) len = room;
		memcpy(job->msg + job->msg_len, s, (size_t)len);
		job->msg_len += len;
		job->msg[job->msg_len] = 0;
		return 1;
	}
	job->term_calls++;
	if (job->abortable && cancelled(job)) longjmp(*run.jb, JUMP_CANCEL);
	if (job->abortable && overdue(job)) longjmp(*run.jb, JUMP_TIME);
	return job->verbose ? 0 : 1;
}

static int ms_left(ofdi_job *job) {
	if (job->deadline <= 0) return INT_MAX;
	double left = (job->deadline - now()) * 1000.0;
	if (left <= 0) return 0;
	if (left >= (double)(INT_MAX - 1)) return INT_MAX - 1;
	return (int)left;
}

static int bnds_type(double lo, double hi) {
	if (isinf(lo) && isinf(hi)) return GLP_FR;
	if (isinf(hi)) return GLP_LO;
	if (isinf(lo)) return GLP_UP;
	if (lo == hi) return GLP_FX;
	return GLP_DB;
}

static void build(ofdi_job *job, glp_prob *P) {
	int i, j;
	if (job->prob_name) glp_set_prob_name(P, job->prob_name);
	glp_set_obj_dir(P, GLP_MIN);
	glp_set_obj_coef(P, 0, job->obj_const);
	if (job->m > 0) glp_add_rows(P, job->m);
	if (job->n > 0) glp_add_cols(P, job->n);
	for (j = 0; j < job->n; j++) {
		double lo = job->col_lo[j], hi = job->col_hi[j];
		glp_set_col_name(P, j + 1, job->names + job->col_name[j]);
		glp_set_col_bnds(P, j + 1, bnds_type(lo, hi), isinf(lo) ? 0 : lo, isinf(hi) ? 0 : hi);
		glp_set_obj_coef(P, j + 1, job->col_obj[j]);
		if (job->col_int[j]) glp_set_col_kind(P, j + 1, GLP_IV);
	}
	for (i = 0; i < job->m; i++) {
		double lo = job->row_lo[i], hi = job->row_hi[i];
		glp_set_row_name(P, i + 1, job->names + job->row_name[i]);
		glp_set_row_bnds(P, i + 1, bnds_type(lo, hi), isinf(lo) ? 0 : lo, isinf(hi) ? 0 : hi);
	}
	if (job->nz > 0) glp_load_matrix(P, job->nz, job->ia, job->ja, job->ar);
}

// fix_outside fixes every column outside job->support at its lower bound
// (release = 0), or gives them their bounds back (release = 1). Columns
// with no finite lower bound are never fixed.
static void fix_outside(ofdi_job *job, glp_prob *P, int release) {
	int j;
	for (j = 0; j < job->n; j++) {
		double lo = job->col_lo[j], hi = job->col_hi[j];
		if (job->support[j] || isinf(lo)) continue;
		if (release) glp_set_col_bnds(P, j + 1, bnds_type(lo, hi), lo, isinf(hi) ? 0 : hi);
		else glp_set_col_bnds(P, j + 1, GLP_FX, lo, lo);
	}
}

// simplex runs glp_simplex within the time left; it returns 0 and sets
// job->stop when no time is left or the run is cancelled.
static int simplex(ofdi_job *job, glp_prob *P, glp_smcp *parm) {
	int left = ms_left(job);
	if (cancelled(job)) {
		job->stop = OFDI_STOP_CANCEL;
		return 0;
	}
	if (left == 0) {
		job->stop = OFDI_STOP_TIME;
		return 0;
	}
	parm->tm_lim = left;
	job->abortable = 1;
	job->lp_ret = glp_simplex(P, parm);
	job->abortable = 0;
	return 1;
}

// solve_lp solves the LP relaxation, within the time left. A cancellation
// aborts it (see term_hook). With a support (Params.LPSupport) it first
// solves the LP with the columns outside it fixed at their lower bounds,
// then gives them their bounds back and goes on from that basis, which is
// primal feasible: started from a good plan's support, the second simplex
// needs far fewer pivots than one from the first basis.
static void solve_lp(ofdi_job *job, glp_prob *P) {
	glp_smcp parm;
	int warm = job->support != NULL && job->m > 0 && job->n > 0;
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_ON;  // for term_hook; printed only if verbose
	parm.out_frq = LP_OUT_FRQ;
	if (warm) fix_outside(job, P, 0);
	glp_scale_prob(P, GLP_SF_AUTO);
	if (job->m > 0 && job->n > 0) glp_adv_basis(P, 0);
	else glp_std_basis(P);
	if (!simplex(job, P, &parm)) return;
	if (warm && job->lp_ret != GLP_ETMLIM) {
		// Whatever the first simplex ended with, the second solves the
		// whole LP: from its basis if it has one, else as below.
		fix_outside(job, P, 1);
		if (job->lp_ret == 0 && !simplex(job, P, &parm)) return;
	}
	if ((job->lp_ret == GLP_EFAIL || job->lp_ret == GLP_ESING || job->lp_ret == GLP_ECOND) && !cancelled(job)) {
		// The primal simplex could not factorize its basis (seen on
		// degenerate models with stakes of 1e-6): start again from the
		// standard basis with the dual simplex, which copes with them.
		glp_std_basis(P);
		parm.meth = GLP_DUALP;
		if (!simplex(job, P, &parm)) return;
	}
	job->lp_status = glp_get_status(P);
	job->lp_obj = glp_get_obj_val(P);
	if (job->lp_ret == GLP_ETMLIM) job->stop = OFDI_STOP_TIME;
}

// stop_for handles the flags returned by a Go callback: it stops the search
// and returns non-zero if they ask for it.
static int stop_for(ofdi_job *job, glp_tree *T, int flags) {
	if (flags & OFDI_CB_PANIC) job->stop = OFDI_STOP_CALLBACK;
	else if (flags & OFDI_CB_CANCEL) job->stop = OFDI_STOP_CANCEL;
	else return 0;
	glp_ios_terminate(T);
	return 1;
}

static int report_progress(ofdi_job *job, double t, glp_tree *T) {
	ofdi_progress pr;
	pr.elapsed = t - job->t0;
	pr.incumbent = job->incumbent;
	pr.has_incumbent = job->has_incumbent;
	pr.bound = job->bound;
	pr.has_bound = job->has_bound;
	pr.nodes = job->nodes;
	pr.active = job->active;
	job->last_progress = t;
	return stop_for(job, T, ofdiGoProgress(job->handle, &pr));
}

// see_incumbent notices a new incumbent (from any source: an integral node
// LP, GLPK's heuristics, or ours), keeps a copy in job->x, and reports it
// to Go. It returns non-zero if the search is to stop.
static int see_incumbent(ofdi_job *job, glp_tree *T) {
	glp_prob *P = glp_ios_get_prob(T);
	double z;
	int j;
	if (glp_mip_status(P) != GLP_FEAS) return 0;
	z = glp_mip_obj_val(P);
	if (job->has_incumbent && z >= job->incumbent) return 0;
	job->has_incumbent = 1;
	job->incumbent = z;
	if (job->presolve) {
		// The problem object is the presolver's: its columns are not ours.
		return job->want_incumbent && stop_for(job, T, ofdiGoIncumbent(job->handle, z, NULL, 0));
	}
	for (j = 0; j < job->n; j++) job->x[j] = glp_mip_col_val(P, j + 1);
	job->has_x = 1;
	return job->want_incumbent && stop_for(job, T, ofdiGoIncumbent(job->handle, z, job->x, job->n));
}

// GLPK runs some stretches between two callbacks that check no time
// limit and neither call back nor print: the cut generators after
// GLP_ICUTGEN, the choice of the branching variable after GLP_IBRANCH
// (seconds each on models of 50,000 rows). The phase clock times the
// stretch after each reason's callback, so the search stops before one
// that would end past the deadline.

// ofdi_phase_call notes a callback of the given reason at time t.
void ofdi_phase_call(ofdi_job *job, int reason, double t) {
	if (reason < 1 || reason >= OFDI_REASONS) reason = 0;
	if (job->cb_returned && t - job->cb_end > job->phase_time[job->last_reason]) {
		job->phase_time[job->last_reason] = t - job->cb_end;
	}
	job->last_reason = reason;
}

// ofdi_phase_return notes that the callback returned at time t.
void ofdi_phase_return(ofdi_job *job, double t) {
	job->cb_end = t;
	job->cb_returned = 1;
}

// ofdi_phase_next estimates how long GLPK runs after a callback of the
// given reason returns, before the next one: the longest such stretch
// seen so far, or, for a reason not seen yet, the longest of any reason
// and at least the root LP's time. The first cut round and the first
// choice of a branching variable each cost a fraction of a pass of the
// simplex over the model (on a 53,000-row model: 2.8-4.1 s and 1.8-3.1 s
// after root LPs of 8.7-11.6 s), while the callbacks before them return
// within milliseconds and so say nothing of their length.
double ofdi_phase_next(const ofdi_job *job, int reason) {
	double d = reason >= 1 && reason < OFDI_REASONS ? job->phase_time[reason] : 0;
	int r;
	if (d > 0) return d;
	for (r = 1; r < OFDI_REASONS; r++) {
		if (job->phase_time[r] > d) d = job->phase_time[r];
	}
	return d > job->root_lp_time ? d : job->root_lp_time;
}

// callback is GLPK's branch-and-cut callback (see callback_body); it
// keeps the phase clock.
static void callback_body(glp_tree *T, ofdi_job *job, int reason, double t);

static void callback(glp_tree *T, void *info) {
	ofdi_job *job = info;
	double t = now();
	int reason = glp_ios_reason(T);
	ofdi_phase_call(job, reason, t);
	callback_body(T, job, reason, t);
	ofdi_phase_return(job, now());
}

static void callback_body(glp_tree *T, ofdi_job *job, int reason, double t) {
	int best, a_cnt, t_cnt;

	job->cb_calls++;
	if (job->last_cb > 0 && t - job->last_cb > job->cb_max_gap) job->cb_max_gap = t - job->last_cb;
	job->last_cb = t;

	best = glp_ios_best_node(T);
	if (best != 0) {
		double b = glp_ios_node_bound(T, best);
		if (b > -DBL_MAX && (!job->has_bound || b > job->bound)) {
			job->bound = b;
			job->has_bound = 1;
		}
	}
	glp_ios_tree_size(T, &a_cnt, NULL, &t_cnt);
	job->active = a_cnt;
	job->nodes = t_cnt;

	if (see_incumbent(job, T)) return;
	if (cancelled(job)) {
		stop_for(job, T, OFDI_CB_CANCEL);
		return;
	}
	if (job->deadline > 0 && t + ofdi_phase_next(job, reason) >= job->deadline) {
		job->stop = OFDI_STOP_TIME;
		glp_ios_terminate(T);
		return;
	}
	if (job->want_node && t_cnt != job->last_node) {
		// Deterministic: called at the same points of the search every run.
		job->last_node = t_cnt;
		if (stop_for(job, T, ofdiGoNode(job->handle, t_cnt))) return;
	}
	if (job->want_heur && reason == GLP_IHEUR) {
		int flags = ofdiGoHeuristic(job->handle, job->work, job->n);
		if ((flags & OFDI_CB_SOLUTION) && glp_ios_heur_sol(T, job->work) == 0) {
			job->heur_accepted++;
			if (see_incumbent(job, T)) return;
		}
		if (stop_for(job, T, flags)) return;
	}
	if (job->want_progress && t - job->last_progress >= job->progress_every) {
		report_progress(job, t, T);
	}
}

static void solve_mip(ofdi_job *job, glp_prob *P) {
	glp_iocp parm;
	int j, left;

	if (job->presolve) {
		// glp_intopt's presolver solves the relaxation of the presolved
		// problem itself: solving the original's first would double the
		// root's work (measured: about 0.14 s of 0.24 s on the
		// neighbourhood MIPs of a 300-firm cluster).
		job->lp_skipped = 1;
	} else {
		double t = now();
		solve_lp(job, P);
		job->root_lp_time = now() - t;
		if (job->lp_ret != 0 || job->lp_status != GLP_OPT || job->stop != OFDI_STOP_NONE) return;
	}

	glp_init_iocp(&parm);
	parm.msg_lev = GLP_MSG_ON;  // for term_hook; printed only if verbose
	parm.out_dly = NODE_OUT_DLY;
	// GLPK's default integrality tolerance, 1e-5, takes y = 0.99999 as 1
	// and a participation of 2e-6 as 0, although the rows tied to them
	// (funding, minimum stakes of 1e-6) then fail by more than the row
	// tolerance: found by fuzzing. 1e-7 branches on such values instead.
	parm.tol_int = 1e-7;
	if (job->br_tech) parm.br_tech = job->br_tech;
	if (job->bt_tech) parm.bt_tech = job->bt_tech;
	parm.mip_gap = job->mip_gap;
	parm.fp_heur = job->fp_heur ? GLP_ON : GLP_OFF;
	parm.ps_heur = job->ps_heur ? GLP_ON : GLP_OFF;
	parm.gmi_cuts = job->gmi_cuts ? GLP_ON : GLP_OFF;
	parm.mir_cuts = job->mir_cuts ? GLP_ON : GLP_OFF;
	parm.cov_cuts = job->cov_cuts ? GLP_ON : GLP_OFF;
	parm.clq_cuts = job->clq_cuts ? GLP_ON : GLP_OFF;
	parm.presolve = job->presolve ? GLP_ON : GLP_OFF;
	left = ms_left(job);
	if (left == 0) {
		job->stop = OFDI_STOP_TIME;
		return;
	}
	parm.tm_lim = left;
	if (job->ps_tm_lim > 0) parm.ps_tm_lim = job->ps_tm_lim;
	if (parm.ps_tm_lim > left) parm.ps_tm_lim = left;
	parm.cb_func = callback;
	parm.cb_info = job;
	// Aborting loses GLPK's incumbent; job->x keeps a copy, but not in
	// the presolver's column space.
	job->abortable = !job->presolve;
	job->in_intopt = 1;
	job->mip_ret = glp_intopt(P, &parm);
	job->in_intopt = 0;
	job->abortable = 0;
	job->mip_status = glp_mip_status(P);
	if (job->mip_status == GLP_OPT || job->mip_status == GLP_FEAS) {
		job->mip_obj = glp_mip_obj_val(P);
		for (j = 0; j < job->n; j++) job->x[j] = glp_mip_col_val(P, j + 1);
		job->has_x = 1;
	}
}

static void lp_results(ofdi_job *job, glp_prob *P) {
	int i, j;
	for (j = 0; j < job->n; j++) {
		job->x[j] = glp_get_col_prim(P, j + 1);
		job->col_dual[j] = glp_get_col_dual(P, j + 1);
	}
	for (i = 0; i < job->m; i++) {
		job->row_act[i] = glp_get_row_prim(P, i + 1);
		job->row_dual[i] = glp_get_row_dual(P, i + 1);
	}
}

int ofdi_run(ofdi_job *job) {
	jmp_buf jb;
	glp_prob *P;
	int jump;

	if (run.active) {
		job->err = OFDI_EREENTRANT;
		return job->err;
	}
	run.active = 1;
	run.jb = &jb;
	job->t0 = now();
	job->deadline = job->time_limit > 0 ? job->t0 + job->time_limit : 0;
	job->last_progress = job->t0;

	jump = setjmp(jb);
	if (jump != 0) {
		// GLPK called glp_error, or term_hook aborted a cancelled run.
		// GLPK's environment is unusable; free all of it (the problem
		// object included).
		glp_free_env();
		job->abortable = 0;
		job->in_intopt = 0;
		if (jump == JUMP_CANCEL) {
			job->err = OFDI_EABORTED;
			job->stop = OFDI_STOP_CANCEL;
		} else if (jump == JUMP_TIME) {
			job->err = OFDI_EABORTED;
			job->stop = OFDI_STOP_TIME;
		} else {
			job->err = OFDI_EGLPK;
		}
		job->elapsed = now() - job->t0;
		run.active = 0;
		run.jb = NULL;
		return job->err;
	}
	glp_error_hook(error_hook, NULL);
	glp_term_hook(term_hook, job);
	glp_term_out(GLP_ON);  // term_hook decides what is printed

	P = glp_create_prob();
	build(job, P);
	switch (job->op) {
	case OFDI_OP_LP:
		solve_lp(job, P);
		lp_results(job, P);
		break;
	case OFDI_OP_MIP:
		solve_mip(job, P);
		break;
	case OFDI_OP_FORCE_ERROR:
		glp_set_col_bnds(P, 0, GLP_LO, 0, 0);  // column 0 does not exist
		break;
	}
	glp_delete_prob(P);
	glp_free_env();
	job->elapsed = now() - job->t0;
	run.active = 0;
	run.jb = NULL;
	return OFDI_OK;
}
