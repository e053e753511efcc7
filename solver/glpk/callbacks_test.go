package glpk

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

// TestHeuristic offers a greedy solution at GLPK's first request and
// checks that GLPK takes it as its first incumbent.
func TestHeuristic(t *testing.T) {
	p := multiKnapsack(1, 10, 100)
	x0 := greedy(p)
	z0 := p.Objective(x0)
	const optimum = -40117
	if !(z0 > optimum) {
		t.Fatalf("greedy objective %g is not above the optimum", z0)
	}
	offered := 0
	var incumbents []float64
	var first []float64
	res, err := SolveMIP(context.Background(), p, Params{}, Callbacks{
		Heuristic: func() ([]float64, bool) {
			offered++
			return x0, offered == 1
		},
		Incumbent: func(obj float64, x []float64) {
			if first == nil {
				first = x
			}
			incumbents = append(incumbents, obj)
		},
	})
	if err != nil || res.Status != Optimal || res.Objective != optimum {
		t.Fatalf("SolveMIP: %v %v %g", res.Status, err, res.Objective)
	}
	if res.HeuristicAccepted != 1 || res.HeuristicRejected != 0 {
		t.Errorf("accepted %d, rejected %d; want 1, 0", res.HeuristicAccepted, res.HeuristicRejected)
	}
	if len(incumbents) == 0 || incumbents[0] != z0 || !slices.Equal(first, x0) {
		t.Fatalf("incumbents %v (first x equal to the offer: %v); want the offer %g first", incumbents, slices.Equal(first, x0), z0)
	}
	if !slices.IsSortedFunc(incumbents, func(a, b float64) int { return -cmpFloat(a, b) }) || incumbents[len(incumbents)-1] != optimum {
		t.Errorf("incumbents %v; want decreasing to %d", incumbents, optimum)
	}
	t.Logf("offered %d times; incumbents %v", offered, incumbents)
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestHeuristicStopsAtOffer stops the search at the first incumbent, which
// must be the offered solution.
func TestHeuristicStopsAtOffer(t *testing.T) {
	p := multiKnapsack(1, 10, 100)
	x0 := greedy(p)
	x0[0] -= 1e-9 // integer columns are rounded
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := SolveMIP(ctx, p, Params{}, Callbacks{
		Heuristic: func() ([]float64, bool) { return x0, true },
		Incumbent: func(float64, []float64) { cancel() },
	})
	if !errors.Is(err, context.Canceled) || res.Status != Feasible || res.Stop != Cancelled {
		t.Fatalf("got %v, %v, %v; want feasible, cancelled, context.Canceled", res.Status, res.Stop, err)
	}
	x0[0] = math.Round(x0[0])
	if !slices.Equal(res.X, x0) || res.Objective != p.Objective(x0) || res.HeuristicAccepted != 1 {
		t.Errorf("objective %g, accepted %d; want the offer, objective %g, accepted 1", res.Objective, res.HeuristicAccepted, p.Objective(x0))
	}
	if !(res.Bound <= res.Objective && res.Bound >= res.LPObjective) {
		t.Errorf("bound %g not in [LP %g, objective %g]", res.Bound, res.LPObjective, res.Objective)
	}
}

func TestHeuristicRejected(t *testing.T) {
	p := multiKnapsack(1, 10, 100)
	ones := make([]float64, len(p.Cols))
	for j := range ones {
		ones[j] = 1 // violates every capacity
	}
	tests := []struct {
		name string
		x    []float64
	}{
		{"infeasible", ones},
		{"short", ones[:3]},
		{"fractional", append([]float64{0.5}, make([]float64, len(p.Cols)-1)...)},
		{"NaN", append([]float64{math.NaN()}, make([]float64, len(p.Cols)-1)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			res, err := SolveMIP(context.Background(), p, Params{}, Callbacks{
				Heuristic: func() ([]float64, bool) {
					calls++
					return tt.x, calls <= 3
				},
			})
			if err != nil || res.Status != Optimal || res.Objective != -40117 {
				t.Fatalf("SolveMIP: %v %v %g", res.Status, err, res.Objective)
			}
			if res.HeuristicAccepted != 0 || res.HeuristicRejected != 3 {
				t.Errorf("accepted %d, rejected %d; want 0, 3", res.HeuristicAccepted, res.HeuristicRejected)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	p := multiKnapsack(2, 30, 500)
	const every = 20 * time.Millisecond
	var seen []Progress
	res, err := SolveMIP(context.Background(), p, Params{TimeLimit: 600 * time.Millisecond}, Callbacks{
		Progress:         func(pr Progress) { seen = append(seen, pr) },
		ProgressInterval: every,
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(seen); n < 5 || n > int(res.Duration/every)+1 {
		t.Fatalf("%d progress reports in %v at most every %v", n, res.Duration, every)
	}
	for k, pr := range seen {
		if k > 0 && pr.Elapsed-seen[k-1].Elapsed < every {
			t.Errorf("reports %d and %d only %v apart", k-1, k, pr.Elapsed-seen[k-1].Elapsed)
		}
		if k > 0 && (pr.Bound < seen[k-1].Bound || pr.Nodes < seen[k-1].Nodes) {
			t.Errorf("report %d: bound or nodes decreased: %+v after %+v", k, pr, seen[k-1])
		}
		if pr.Bound < res.LPObjective || pr.Bound > res.Bound {
			t.Errorf("report %d: bound %g outside [LP %g, final bound %g]", k, pr.Bound, res.LPObjective, res.Bound)
		}
		if pr.HasIncumbent {
			if pr.Bound > pr.Incumbent || pr.Incumbent < res.Objective || pr.Gap != relGap(pr.Incumbent, pr.Bound) {
				t.Errorf("report %d: %+v (final objective %g)", k, pr, res.Objective)
			}
		} else if !math.IsInf(pr.Gap, 1) {
			t.Errorf("report %d: gap %g without incumbent", k, pr.Gap)
		}
	}
	last := seen[len(seen)-1]
	t.Logf("%d reports; last %+v; result %v %g bound %g", len(seen), last, res.Status, res.Objective, res.Bound)
}

func TestCallbackPanic(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name string
		cb   Callbacks
	}{
		{"Progress", Callbacks{Progress: func(Progress) { panic(boom) }, ProgressInterval: time.Nanosecond}},
		{"Heuristic", Callbacks{Heuristic: func() ([]float64, bool) { panic(boom) }}},
		{"Incumbent", Callbacks{Incumbent: func(float64, []float64) { panic(boom) }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := SolveMIP(context.Background(), multiKnapsack(1, 10, 100), Params{}, tt.cb)
			var pe *CallbackPanicError
			if !errors.As(err, &pe) || pe.Callback != tt.name || !errors.Is(err, boom) || len(pe.Stack) == 0 {
				t.Fatalf("err = %v, want a *CallbackPanicError from %s", err, tt.name)
			}
			if res == nil || res.Stop != CallbackStop {
				t.Fatalf("result %+v, want one with stop callback", res)
			}
			if res, err := SolveMIP(context.Background(), mixed(), Params{}, Callbacks{}); err != nil || res.Objective != 8 {
				t.Errorf("solve after a panic: %v, %v", res, err)
			}
		})
	}
}

func TestReentrant(t *testing.T) {
	var inner error
	res, err := SolveMIP(context.Background(), multiKnapsack(1, 10, 100), Params{}, Callbacks{
		Progress: func(Progress) {
			if inner == nil {
				_, inner = SolveMIP(context.Background(), mixed(), Params{}, Callbacks{})
			}
		},
		ProgressInterval: time.Nanosecond,
	})
	if !errors.Is(inner, ErrReentrant) {
		t.Errorf("inner solve: %v, want ErrReentrant", inner)
	}
	if err != nil || res.Status != Optimal {
		t.Errorf("outer solve: %v, %v", res.Status, err)
	}
	// A solve on another goroutine from a callback is fine.
	res, err = SolveMIP(context.Background(), mixed(), Params{}, Callbacks{
		Incumbent: func(float64, []float64) {
			done := make(chan error)
			go func() {
				_, err := SolveMIP(context.Background(), knapsack("k", []float64{1}, []float64{1}, 1), Params{}, Callbacks{})
				done <- err
			}()
			if err := <-done; err != nil {
				t.Errorf("solve on another goroutine from a callback: %v", err)
			}
		},
	})
	if err != nil || res.Objective != 8 {
		t.Errorf("outer solve: %v, %v", res, err)
	}
}

func TestIncumbentWithPresolve(t *testing.T) {
	p := multiKnapsack(1, 10, 100)
	calls := 0
	res, err := SolveMIP(context.Background(), p, Params{Presolve: true}, Callbacks{
		Incumbent: func(obj float64, x []float64) {
			calls++
			if x != nil {
				t.Errorf("x = %v with presolve, want nil", x)
			}
		},
	})
	if err != nil || res.Objective != -40117 || calls == 0 || len(res.X) != len(p.Cols) {
		t.Errorf("got %v, %v, %d incumbents, %d values", res.Objective, err, calls, len(res.X))
	}
}
