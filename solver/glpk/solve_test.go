package glpk

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ofdi/ofdi/solver/mip"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

func TestSolveMIPKnown(t *testing.T) {
	inf := math.Inf(1)
	w1, v1 := []float64{3, 4, 5, 6}, []float64{4, 5, 6, 7}
	w2 := []float64{12, 7, 11, 8, 9, 5, 14, 6, 10, 3, 13, 4}
	v2 := []float64{24, 13, 23, 15, 16, 9, 30, 11, 19, 5, 28, 8}
	integerInfeasible := &mip.Problem{Name: "intinf", Cols: []mip.Col{{Name: "x", Lo: 0, Hi: 10, Kind: mip.Integer}},
		Rows: []mip.Row{{Name: "odd", Lo: 1, Hi: 1, Ind: []int{0}, Val: []float64{2}}}}
	lpInfeasible := &mip.Problem{Name: "lpinf", Cols: []mip.Col{{Name: "x", Kind: mip.Binary}, {Name: "y", Lo: 0, Hi: inf}},
		Rows: []mip.Row{{Name: "r", Lo: 3, Hi: inf, Ind: []int{0}, Val: []float64{1}}}}
	unbounded := &mip.Problem{Name: "unb", Cols: []mip.Col{{Name: "x", Kind: mip.Integer, Hi: inf, Obj: -1}, {Name: "y", Hi: inf}},
		Rows: []mip.Row{{Name: "r", Lo: 1, Hi: inf, Ind: []int{0, 1}, Val: []float64{1, 1}}}}
	empty := &mip.Problem{Name: "empty", ObjConst: 2.5}
	noRows := &mip.Problem{Name: "norows", Cols: []mip.Col{{Name: "x", Lo: -3, Hi: 4, Kind: mip.Integer, Obj: 1}}}

	tests := []struct {
		name   string
		p      *mip.Problem
		params Params
		status Status
		obj    float64
	}{
		{"knapsack4", knapsack("k4", w1, v1, 10), Params{}, Optimal, knapsackOpt(w1, v1, 10)},
		{"knapsack12", knapsack("k12", w2, v2, 50), Params{}, Optimal, knapsackOpt(w2, v2, 50)},
		{"knapsack12 presolve", knapsack("k12", w2, v2, 50), Params{Presolve: true}, Optimal, knapsackOpt(w2, v2, 50)},
		{"knapsack12 cuts dfs", knapsack("k12", w2, v2, 50), Params{GomoryCuts: true, MIRCuts: true, CoverCuts: true,
			CliqueCuts: true, Branching: BranchMostFractional, Backtracking: BacktrackDepthFirst}, Optimal, knapsackOpt(w2, v2, 50)},
		{"knapsack12 heuristics", knapsack("k12", w2, v2, 50), Params{FeasibilityPump: true, ProximitySearch: true,
			ProximityTimeLimit: time.Second, Branching: BranchHybridPseudoCost, Backtracking: BacktrackBestProjection}, Optimal, knapsackOpt(w2, v2, 50)},
		{"mixed", mixed(), Params{}, Optimal, 8},
		{"mixed presolve", mixed(), Params{Presolve: true}, Optimal, 8},
		{"multiknapsack", multiKnapsack(1, 10, 100), Params{}, Optimal, -40117},
		{"integer infeasible", integerInfeasible, Params{}, Infeasible, 0},
		{"integer infeasible presolve", integerInfeasible, Params{Presolve: true}, Infeasible, 0},
		{"LP infeasible", lpInfeasible, Params{}, Infeasible, 0},
		{"LP infeasible presolve", lpInfeasible, Params{Presolve: true}, Infeasible, 0},
		{"unbounded", unbounded, Params{}, Unbounded, 0},
		{"unbounded presolve", unbounded, Params{Presolve: true}, Unbounded, 0},
		{"empty", empty, Params{}, Optimal, 2.5},
		{"empty presolve", empty, Params{Presolve: true}, Optimal, 2.5},
		{"no rows", noRows, Params{}, Optimal, -3},
		{"no rows presolve", noRows, Params{Presolve: true}, Optimal, -3},
		{"multiknapsack presolve cuts", multiKnapsack(1, 10, 100), Params{Presolve: true, GomoryCuts: true, MIRCuts: true, CoverCuts: true}, Optimal, -40117},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := SolveMIP(context.Background(), tt.p, tt.params, Callbacks{})
			if err != nil {
				t.Fatalf("SolveMIP: %v", err)
			}
			if res.Status != tt.status || res.Stop != Completed {
				t.Fatalf("status %v, stop %v; want %v, completed", res.Status, res.Stop, tt.status)
			}
			if !errors.Is(res.Status.Err(), tt.status.Err()) {
				t.Errorf("Status.Err() = %v", res.Status.Err())
			}
			switch tt.status {
			case Optimal:
				if !res.HasSolution || !near(res.Objective, tt.obj) {
					t.Fatalf("objective %g (has solution %v), want %g", res.Objective, res.HasSolution, tt.obj)
				}
				if err := tt.p.CheckFeasible(res.X, 1e-6); err != nil {
					t.Errorf("solution infeasible: %v", err)
				}
				if z := tt.p.Objective(res.X); !near(z, res.Objective) {
					t.Errorf("objective of X %g != Objective %g", z, res.Objective)
				}
				if res.Bound != res.Objective || res.Gap() != 0 {
					t.Errorf("bound %g, gap %g; want the objective and 0", res.Bound, res.Gap())
				}
				switch {
				case tt.params.Presolve && !math.IsNaN(res.LPObjective):
					t.Errorf("LP objective %g with presolve, want NaN (not solved)", res.LPObjective)
				case !tt.params.Presolve && !(res.LPObjective <= res.Objective+1e-9):
					t.Errorf("LP objective %g above the optimum %g", res.LPObjective, res.Objective)
				}
			case Infeasible:
				if res.HasSolution || res.X != nil || !math.IsInf(res.Bound, 1) {
					t.Errorf("infeasible: has solution %v, X %v, bound %g", res.HasSolution, res.X, res.Bound)
				}
			case Unbounded:
				if res.HasSolution || !math.IsInf(res.Bound, -1) {
					t.Errorf("unbounded: has solution %v, bound %g", res.HasSolution, res.Bound)
				}
			}
		})
	}
}

func TestSolveMIPRejects(t *testing.T) {
	bad := mixed()
	bad.Rows[0].Ind[0] = 42
	tests := []struct {
		name   string
		p      *mip.Problem
		params Params
		cb     Callbacks
		want   error
	}{
		{"invalid problem", bad, Params{}, Callbacks{}, mip.ErrIndex},
		{"negative time limit", mixed(), Params{TimeLimit: -1}, Callbacks{}, ErrParams},
		{"NaN gap", mixed(), Params{RelGap: math.NaN()}, Callbacks{}, ErrParams},
		{"negative gap", mixed(), Params{RelGap: -0.1}, Callbacks{}, ErrParams},
		{"bad branching", mixed(), Params{Branching: 9}, Callbacks{}, ErrParams},
		{"bad backtracking", mixed(), Params{Backtracking: -1}, Callbacks{}, ErrParams},
		{"negative proximity limit", mixed(), Params{ProximityTimeLimit: -time.Second}, Callbacks{}, ErrParams},
		{"short LP support", mixed(), Params{LPSupport: make([]bool, 3)}, Callbacks{}, ErrParams},
		{"heuristic with presolve", mixed(), Params{Presolve: true},
			Callbacks{Heuristic: func() ([]float64, bool) { return nil, false }}, ErrHeuristicWithPresolve},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := SolveMIP(context.Background(), tt.p, tt.params, tt.cb)
			if !errors.Is(err, tt.want) || res != nil {
				t.Errorf("SolveMIP = %v, %v; want nil, %v", res, err, tt.want)
			}
			if tt.cb.Heuristic == nil {
				if lr, err := SolveLP(context.Background(), tt.p, tt.params); !errors.Is(err, tt.want) || lr != nil {
					t.Errorf("SolveLP = %v, %v; want nil, %v", lr, err, tt.want)
				}
			}
		})
	}
}

func TestSolveLP(t *testing.T) {
	inf := math.Inf(1)
	// min -x - y + 1: x + 2y ≤ 4, 3x + y ≤ 6 → x = 1.6, y = 1.2, duals -0.4, -0.2.
	p := &mip.Problem{Name: "lp", ObjConst: 1,
		Cols: []mip.Col{{Name: "x", Hi: inf, Obj: -1}, {Name: "y", Hi: inf, Obj: -1, Kind: mip.Integer}},
		Rows: []mip.Row{
			{Name: "a", Lo: negInf, Hi: 4, Ind: []int{0, 1}, Val: []float64{1, 2}},
			{Name: "b", Lo: negInf, Hi: 6, Ind: []int{0, 1}, Val: []float64{3, 1}},
		}}
	res, err := SolveLP(context.Background(), p, Params{})
	if err != nil || res.Status != Optimal || res.Stop != Completed {
		t.Fatalf("SolveLP: %+v, %v", res, err)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"objective", res.Objective, -1.8},
		{"x", res.X[0], 1.6}, {"y", res.X[1], 1.2},
		{"activity a", res.RowActivity[0], 4}, {"activity b", res.RowActivity[1], 6},
		{"dual a", res.RowDuals[0], -0.4}, {"dual b", res.RowDuals[1], -0.2},
		{"reduced cost x", res.ReducedCosts[0], 0}, {"reduced cost y", res.ReducedCosts[1], 0},
	} {
		if !near(c.got, c.want) {
			t.Errorf("%s = %g, want %g", c.name, c.got, c.want)
		}
	}
	p.Rows[1].Lo, p.Rows[1].Hi = 13, inf // 3x + y ≥ 13 and x + 2y ≤ 4 (x ≤ 4) cannot hold together
	res, err = SolveLP(context.Background(), p, Params{})
	if err != nil || res.Status != Infeasible {
		t.Errorf("infeasible LP: %+v, %v", res, err)
	}
	p.Rows = p.Rows[1:]
	res, err = SolveLP(context.Background(), p, Params{})
	if err != nil || res.Status != Unbounded {
		t.Errorf("unbounded LP: %+v, %v", res, err)
	}
}

func TestTimeLimit(t *testing.T) {
	tests := []struct {
		name  string
		p     *mip.Problem
		limit time.Duration
	}{
		{"market split", marketSplit(1, 4, 30), time.Second},
		{"multi knapsack", multiKnapsack(2, 30, 500), 500 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res, err := SolveMIP(context.Background(), tt.p, Params{TimeLimit: tt.limit}, Callbacks{})
			took := time.Since(start)
			if err != nil {
				t.Fatalf("SolveMIP: %v", err)
			}
			t.Logf("%v %v objective %g bound %g LP %g nodes %d in %v; %d callbacks, at most %v apart",
				res.Status, res.Stop, res.Objective, res.Bound, res.LPObjective, res.Nodes, took, res.CallbackCalls, res.MaxCallbackInterval)
			if took > tt.limit+time.Second {
				t.Errorf("took %v with a limit of %v", took, tt.limit)
			}
			if res.Stop != TimeLimit || (res.Status != Feasible && res.Status != NoSolution) {
				t.Fatalf("status %v, stop %v; want feasible or no_solution, time_limit", res.Status, res.Stop)
			}
			if res.Status == Feasible {
				if err := tt.p.CheckFeasible(res.X, 1e-6); err != nil {
					t.Error(err)
				}
				if !(res.LPObjective <= res.Bound && res.Bound <= res.Objective) {
					t.Errorf("want LP objective %g ≤ bound %g ≤ objective %g", res.LPObjective, res.Bound, res.Objective)
				}
				if g := res.Gap(); !(g > 0 && g < 1) {
					t.Errorf("gap %g", g)
				}
			} else if res.HasSolution || res.X != nil || !math.IsInf(res.Gap(), 1) || res.Bound < res.LPObjective {
				t.Errorf("no solution: %+v", res)
			}
		})
	}
}

func TestRelGap(t *testing.T) {
	p := multiKnapsack(2, 30, 500)
	res, err := SolveMIP(context.Background(), p, Params{RelGap: 0.01, TimeLimit: 5 * time.Second}, Callbacks{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != Feasible || res.Stop != GapLimit || res.Gap() > 0.01 {
		t.Errorf("status %v, stop %v, gap %g; want feasible, gap_limit, ≤ 0.01", res.Status, res.Stop, res.Gap())
	}
}

func TestCancel(t *testing.T) {
	tests := []struct {
		name  string
		p     *mip.Problem
		after time.Duration
		lp    bool
	}{
		{"branch and cut", marketSplit(1, 4, 30), 200 * time.Millisecond, false},
		{"root LP", bigLP(1, 6000, 6000, 10), 200 * time.Millisecond, false},
		{"SolveLP", bigLP(1, 6000, 6000, 10), 200 * time.Millisecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(tt.after, cancel)
			start := time.Now()
			var status Status
			var stop Stop
			var err error
			if tt.lp {
				var res *LPResult
				res, err = SolveLP(ctx, tt.p, Params{})
				status, stop = res.Status, res.Stop
			} else {
				var res *Result
				res, err = SolveMIP(ctx, tt.p, Params{}, Callbacks{})
				status, stop = res.Status, res.Stop
			}
			took := time.Since(start)
			if took > tt.after+time.Second {
				t.Errorf("returned %v after the cancellation", took-tt.after)
			}
			if !errors.Is(err, context.Canceled) || stop != Cancelled || status != NoSolution {
				t.Errorf("got %v, %v, %v; want no_solution, cancelled, context.Canceled", status, stop, err)
			}
		})
	}
	t.Run("deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		res, err := SolveMIP(ctx, marketSplit(1, 4, 30), Params{TimeLimit: time.Hour}, Callbacks{})
		if took := time.Since(start); took > 1300*time.Millisecond {
			t.Errorf("took %v", took)
		}
		if !errors.Is(err, context.DeadlineExceeded) || res.Status != NoSolution {
			t.Errorf("got %v, %v", res.Status, err)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if res, err := SolveMIP(ctx, mixed(), Params{}, Callbacks{}); res != nil || !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, %v", res, err)
		}
		if res, err := SolveLP(ctx, mixed(), Params{}); res != nil || !errors.Is(err, context.Canceled) {
			t.Errorf("got %v, %v", res, err)
		}
	})
}

// TestParallel checks that solves in parallel goroutines (each with its own
// GLPK environment) give exactly the results of serial solves.
func TestParallel(t *testing.T) {
	w := []float64{12, 7, 11, 8, 9, 5, 14, 6, 10, 3, 13, 4}
	v := []float64{24, 13, 23, 15, 16, 9, 30, 11, 19, 5, 28, 8}
	problems := []func() *mip.Problem{
		mixed,
		func() *mip.Problem { return knapsack("k", w, v, 50) },
		func() *mip.Problem { return multiKnapsack(1, 10, 100) },
		func() *mip.Problem { return multiKnapsack(3, 5, 60) },
	}
	type outcome struct {
		status Status
		obj    float64
		x      []float64
		nodes  int
	}
	solve := func(k int) (outcome, error) {
		res, err := SolveMIP(context.Background(), problems[k](), Params{}, Callbacks{})
		if err != nil {
			return outcome{}, err
		}
		return outcome{res.Status, res.Objective, res.X, res.Nodes}, nil
	}
	serial := make([]outcome, len(problems))
	for k := range problems {
		var err error
		if serial[k], err = solve(k); err != nil {
			t.Fatal(err)
		}
	}
	const goroutines = 8
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Go(func() {
			for r := range 3 {
				k := (g + r) % len(problems)
				got, err := solve(k)
				if err != nil {
					errs <- err
					return
				}
				want := serial[k]
				if got.status != want.status || got.obj != want.obj || got.nodes != want.nodes || !slices.Equal(got.x, want.x) {
					errs <- errors.New("parallel result differs from serial one")
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestGuard forces a GLPK error inside the guarded C function: it must
// come back as an *Error, and the next solve on the same thread must work.
func TestGuard(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for range 3 {
		err := forceError(mixed())
		var e *Error
		if !errors.As(err, &e) || e.Routine != "" {
			t.Fatalf("forceError = %v, want an *Error", err)
		}
		if want := "glp_set_col_bnds: j = 0; column number out of range"; !strings.Contains(e.Msg, want) {
			t.Errorf("message %q, want it to contain %q", e.Msg, want)
		}
		res, err := SolveMIP(context.Background(), mixed(), Params{}, Callbacks{})
		if err != nil || res.Status != Optimal || res.Objective != 8 {
			t.Fatalf("solve after a GLPK error: %+v, %v", res, err)
		}
	}
	// And with other goroutines solving meanwhile.
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			if g%2 == 0 {
				if err := forceError(mixed()); err == nil {
					t.Error("forceError: no error")
				}
				return
			}
			if res, err := SolveMIP(context.Background(), mixed(), Params{}, Callbacks{}); err != nil || res.Objective != 8 {
				t.Errorf("solve beside GLPK errors: %+v, %v", res, err)
			}
		})
	}
	wg.Wait()
}

func TestStrings(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Optimal.String(), "optimal"}, {Feasible.String(), "feasible"}, {Infeasible.String(), "infeasible"},
		{Unbounded.String(), "unbounded"}, {NoSolution.String(), "no_solution"}, {Unknown.String(), "unknown"},
		{Status(42).String(), "Status(42)"},
		{Completed.String(), "completed"}, {TimeLimit.String(), "time_limit"}, {GapLimit.String(), "gap_limit"},
		{Cancelled.String(), "cancelled"}, {CallbackStop.String(), "callback"},
		{BranchDefault.String(), "default"}, {BranchHybridPseudoCost.String(), "hybrid-pseudocost"},
		{BacktrackDepthFirst.String(), "depth-first"}, {Backtracking(7).String(), "Backtracking(7)"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	for s, want := range map[Status]error{Optimal: nil, Feasible: nil, Infeasible: ErrInfeasible,
		Unbounded: ErrUnbounded, NoSolution: ErrNoSolution, Unknown: ErrUnknown} {
		if got := s.Err(); got != want {
			t.Errorf("%v.Err() = %v, want %v", s, got, want)
		}
	}
}

// TestCancelKeepsIncumbent cancels branch and cut on a problem whose node
// LPs are slow, so that the cancellation usually stops GLPK inside a node
// LP (through its output hook) rather than at a callback; either way the
// incumbent (here the zero solution offered by the heuristic) survives.
func TestCancelKeepsIncumbent(t *testing.T) {
	p := bigLP(3, 1500, 1500, 10)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const after = 300 * time.Millisecond
	cancelled := make(chan time.Time, 1)
	var once sync.Once
	res, err := SolveMIP(ctx, p, Params{}, Callbacks{
		Heuristic: func() ([]float64, bool) { return make([]float64, len(p.Cols)), true },
		Incumbent: func(float64, []float64) {
			once.Do(func() {
				time.AfterFunc(after, func() {
					cancelled <- time.Now()
					cancel()
				})
			})
		},
	})
	select {
	case at := <-cancelled:
		if late := time.Since(at); late > time.Second {
			t.Errorf("returned %v after the cancellation", late)
		}
	default:
		t.Fatalf("returned before the cancellation: %v, %v", res.Status, err)
	}
	if !errors.Is(err, context.Canceled) || res.Status != Feasible || res.Stop != Cancelled {
		t.Fatalf("got %v, %v, %v; want feasible, cancelled, context.Canceled", res.Status, res.Stop, err)
	}
	if res.HeuristicAccepted != 1 || res.Objective != 0 || !slices.Equal(res.X, make([]float64, len(p.Cols))) {
		t.Errorf("objective %g, accepted %d; want the offered zero solution", res.Objective, res.HeuristicAccepted)
	}
	t.Logf("LP objective %g, bound %g, %d nodes, callbacks at most %v apart", res.LPObjective, res.Bound, res.Nodes, res.MaxCallbackInterval)
}
