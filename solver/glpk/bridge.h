// C side of package glpk: one guarded entry point, ofdi_run, that builds a
// GLPK problem, solves it and copies the results out, all between a setjmp
// and the glp_error_hook that longjmps back to it.

#ifndef OFDI_GLPK_BRIDGE_H
#define OFDI_GLPK_BRIDGE_H

#include <stdint.h>

enum {
	OFDI_OP_LP = 1,          // solve the LP relaxation
	OFDI_OP_MIP = 2,         // solve the LP relaxation, then the MIP
	OFDI_OP_FORCE_ERROR = 3  // build, then call GLPK with a bad argument (tests)
};

// ofdi_run return codes (also in ofdi_job.err).
enum {
	OFDI_OK = 0,
	OFDI_EGLPK = 1,      // GLPK terminated abnormally; msg holds its text
	OFDI_EREENTRANT = 2, // called while another run is active on this thread
	OFDI_EABORTED = 3    // cancelled or overdue: GLPK was left by a longjmp from its output hook
};

// Why the search stopped early.
enum {
	OFDI_STOP_NONE = 0,
	OFDI_STOP_TIME = 1,
	OFDI_STOP_CANCEL = 2,
	OFDI_STOP_CALLBACK = 3
};

// GLPK's callback reasons are GLP_IROWGEN (1) to GLP_IPREPRO (7).
enum { OFDI_REASONS = 8 };

// Flags returned by the Go callbacks.
enum {
	OFDI_CB_SOLUTION = 1,  // heuristic: work[1..n] holds a solution
	OFDI_CB_PANIC = 2,     // a callback panicked: stop
	OFDI_CB_CANCEL = 4     // the context is done: stop
};

typedef struct {
	double elapsed;    // seconds since the run started
	double incumbent;  // valid if has_incumbent
	double bound;      // valid if has_bound
	int has_incumbent, has_bound;
	int nodes;         // nodes created so far (t_cnt)
	int active;        // active nodes (a_cnt)
} ofdi_progress;

typedef struct {
	// Problem. Arrays are 0-based except ia, ja, ar, which are 1-based
	// (element 0 unused) as glp_load_matrix wants them.
	int m, n, nz;
	const char *prob_name;          // NUL-terminated, or NULL
	const char *names;              // NUL-terminated names, back to back
	const int *col_name, *row_name; // offsets into names
	const double *col_lo, *col_hi, *col_obj;
	const int *col_int;             // 1 for integer columns
	const double *row_lo, *row_hi;
	const int *ia, *ja;
	const double *ar;
	double obj_const;
	const int *support;  // n, or NULL: 0 = fixed at its lower bound in a first simplex (see solve_lp)

	// Parameters.
	int op, verbose;
	double time_limit;  // seconds from the start of the run; <= 0: none
	double mip_gap;
	int fp_heur, ps_heur, ps_tm_lim, gmi_cuts, mir_cuts, cov_cuts, clq_cuts;
	int presolve, br_tech, bt_tech;  // br_tech, bt_tech: 0 = GLPK default
	int want_progress, want_heur, want_incumbent, want_node;
	int last_node;          // t_cnt at the last Node callback
	double progress_every;  // seconds
	uintptr_t handle;       // cgo.Handle of the Go state
	int32_t cancel;         // set to 1 atomically by Go to stop the run

	// Results.
	int err;
	char msg[2048];  // GLPK's message when err == OFDI_EGLPK
	int msg_len;
	int lp_ret, lp_status;
	int lp_skipped;  // presolve: the original's relaxation was not solved
	double lp_obj;
	int mip_ret, mip_status;
	double mip_obj;
	double bound;
	int has_bound;
	double incumbent;
	int has_incumbent;
	int nodes, active;
	int stop;
	int has_x;            // x holds the incumbent (set by see_incumbent)
	int term_calls;       // calls of the terminal hook outside errors
	int cb_calls;         // calls of the branch-and-cut callback
	double cb_max_gap;    // longest time between two of them, seconds
	int heur_accepted;
	double elapsed;       // seconds
	double *x;            // n: column values
	double *row_act;      // m: row activities (LP only)
	double *row_dual;     // m: row duals (LP only)
	double *col_dual;     // n: reduced costs (LP only)
	double *work;         // n+1: scratch

	// Private.
	int abortable;  // a cancellation may longjmp out of GLPK
	int in_intopt;  // glp_intopt runs: an overdue run may longjmp out too
	double t0, deadline, last_progress, last_cb;
	// The phase clock (see ofdi_phase_call).
	int last_reason;                    // reason of the last callback (GLP_I*)
	int cb_returned;                    // a callback has returned,
	double cb_end;                      // at this time
	double phase_time[OFDI_REASONS];    // per reason: longest time from a callback's return to the next callback
	double root_lp_time;                // the root LP's time before glp_intopt (0: none, as with the presolver)
} ofdi_job;

int ofdi_run(ofdi_job *job);
void ofdi_phase_call(ofdi_job *job, int reason, double t);
void ofdi_phase_return(ofdi_job *job, double t);
double ofdi_phase_next(const ofdi_job *job, int reason);

#endif
