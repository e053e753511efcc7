package solver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/model/report"
	"github.com/ofdi/ofdi/solver"
)

func load(t *testing.T, name string) *model.Instance {
	t.Helper()
	inst, err := model.LoadFile("../instances/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func mustCheck(t *testing.T, inst *model.Instance, res *solver.Result) {
	t.Helper()
	if rep := check.Check(inst, res.Plan(), check.Options{}); !rep.OK() {
		t.Fatalf("%s plan fails the checker: %v", res.Method, rep.Err())
	}
}

// The optima of tiny.json are worked out by hand in instances/tiny.md:
// the cluster takes acq_de and rnd_de with large1 leading both,
// Z = 6 + 15 − 106 − 12 = −97; alone, large1 takes acq_de, Z = 6 − 76 =
// −70 (independent); under policy_push supp1 also rushes into ne_vn,
// Z = 6 + 3 − 76 + 10 = −57.
func TestTinyHandWorkedOptima(t *testing.T) {
	inst := load(t, "tiny")
	for _, tc := range []struct {
		method   string
		want     float64
		status   solver.Status
		projects []string
	}{
		{model.MethodCluster, -97, solver.Optimal, []string{"acq_de", "rnd_de"}},
		{model.MethodIndependent, -70, solver.Feasible, []string{"acq_de"}},
		{model.MethodPolicyPush, -57, solver.Feasible, []string{"acq_de", "ne_vn"}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			res, err := solver.Solve(context.Background(), inst, solver.Options{Method: tc.method})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tc.status || !close(res.Objective, tc.want) {
				t.Fatalf("got %s Z=%g, want %s Z=%g", res.Status, res.Objective, tc.status, tc.want)
			}
			var got []string
			for _, p := range res.Assignment.Projects {
				got = append(got, p.ID)
			}
			if strings.Join(got, ",") != strings.Join(tc.projects, ",") {
				t.Errorf("projects %v, want %v", got, tc.projects)
			}
			mustCheck(t, inst, res)
		})
	}
}

func TestJiangsuSolvesAndChecks(t *testing.T) {
	inst := load(t, "jiangsu-electronics")
	for _, m := range solver.Methods() {
		res, err := solver.Solve(context.Background(), inst, solver.Options{Method: m, TimeLimit: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if res.Assignment == nil || len(res.Assignment.Projects) == 0 {
			t.Fatalf("%s: no plan (%s)", m, res.Status)
		}
		mustCheck(t, inst, res)
		if m == model.MethodCluster && res.Status != solver.Optimal {
			t.Errorf("cluster status %s, want optimal within a minute", res.Status)
		}
	}
}

func TestInfeasibleTargetExplained(t *testing.T) {
	inst := load(t, "infeasible-target")
	res, err := solver.Solve(context.Background(), inst, solver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != solver.Infeasible || !errors.Is(res.Status.Err(), solver.ErrInfeasible) {
		t.Fatalf("status %s, want infeasible", res.Status)
	}
	if len(res.Explanation) == 0 || !strings.Contains(res.Explanation[0], "market_power_target") {
		t.Fatalf("explanation %q does not name the target", res.Explanation)
	}
	p := res.Plan()
	if p.Plan != nil || p.Objective != nil || p.Status != "infeasible" {
		t.Fatalf("infeasible plan JSON carries a plan: %+v", p)
	}
	mustCheck(t, inst, res)
}

func TestErrors(t *testing.T) {
	inst := load(t, "tiny")
	if _, err := solver.Solve(context.Background(), inst, solver.Options{Method: "anarchy"}); !errors.Is(err, solver.ErrUnknownMethod) {
		t.Errorf("unknown method: got %v", err)
	}
	bad := load(t, "tiny")
	bad.Firms[0].Capital = -5
	_, err := solver.Solve(context.Background(), bad, solver.Options{})
	if !errors.Is(err, model.ErrInvalid) || !strings.Contains(err.Error(), "firms[0].capital: must be > 0, got -5") {
		t.Errorf("invalid instance: got %v", err)
	}
}

// A cancelled solve returns at once, without an error, with the plan it
// had (from the greedy start) or none.
func TestCancelledReturnsBestSoFar(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 150, Opportunities: 60, Markets: 10, Seed: 7})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(300 * time.Millisecond); cancel() }()
	res, err := solver.Solve(ctx, inst, solver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status == solver.Optimal {
		t.Skip("solved before the cancel: nothing to test on this machine")
	}
	if res.Assignment != nil {
		if res.Status != solver.Feasible || !res.HasBound || res.Bound > res.Objective {
			t.Fatalf("status %s bound %g objective %g", res.Status, res.Bound, res.Objective)
		}
		mustCheck(t, inst, res)
	} else if res.Status != solver.NoSolution {
		t.Fatalf("status %s without a plan", res.Status)
	}
}

func TestTimeLimitReturnsPlan(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	inst := gen.Generate(gen.Config{Firms: 150, Opportunities: 60, Markets: 10, Seed: 3})
	res, err := solver.Solve(context.Background(), inst, solver.Options{TimeLimit: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Assignment == nil {
		t.Fatalf("no plan after 2 s (%s)", res.Status)
	}
	if res.Status == solver.Feasible && !(res.Gap() >= 0) {
		t.Fatalf("feasible plan without a gap: %g", res.Gap())
	}
	mustCheck(t, inst, res)
}

// Balancing moves stakes only: the objective and who takes part stay.
func TestBalanceKeepsObjective(t *testing.T) {
	for _, seed := range []uint64{11, 12, 13} {
		inst := gen.Generate(gen.Config{Firms: 25, Opportunities: 15, Markets: 4, Seed: seed})
		plain, err := solver.Solve(context.Background(), inst, solver.Options{NoBalance: true})
		if err != nil {
			t.Fatal(err)
		}
		bal, err := solver.Solve(context.Background(), inst, solver.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !close(plain.Objective, bal.Objective) {
			t.Fatalf("seed %d: balancing changed Z from %g to %g", seed, plain.Objective, bal.Objective)
		}
		mustCheck(t, inst, plain)
		mustCheck(t, inst, bal)
		if plain.Metrics.CVaRUtilisationMax+1e-9 < bal.Metrics.CVaRUtilisationMax && plain.Metrics.CVaRUtilisationMean+1e-9 < bal.Metrics.CVaRUtilisationMean {
			t.Errorf("seed %d: balancing made risk both higher and less even", seed)
		}
	}
}

// Same input, same flags: byte-identical plan JSON apart from durations.
func TestDeterministicJSON(t *testing.T) {
	inst := load(t, "jiangsu-electronics")
	var first []byte
	for i := 0; i < 3; i++ {
		res, err := solver.Solve(context.Background(), inst, solver.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Plan()
		p.Statistics.DurationSeconds = 0
		p.Statistics.FirstPlanSeconds = nil
		p.Statistics.Nodes = 0 // the race between the two configurations decides this
		b, err := report.JSON(p)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b
		} else if !bytes.Equal(first, b) {
			t.Fatalf("run %d differs:\n%s\n---\n%s", i, first, b)
		}
	}
}

// TestFirstPlanSeconds: the plan JSON's statistics say when the first plan
// was known, at most the solve's duration; the baselines have their plan
// only at the end.
func TestFirstPlanSeconds(t *testing.T) {
	for _, tc := range []struct {
		instance, method string
	}{
		{"jiangsu-electronics", model.MethodCluster},
		{"tiny", model.MethodIndependent},
	} {
		t.Run(tc.instance+"/"+tc.method, func(t *testing.T) {
			res, err := solver.Solve(context.Background(), load(t, tc.instance), solver.Options{Method: tc.method})
			if err != nil {
				t.Fatal(err)
			}
			data, err := report.JSON(res.Plan())
			if err != nil {
				t.Fatal(err)
			}
			var doc struct {
				Statistics map[string]any `json:"statistics"`
			}
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			first, ok := doc.Statistics["first_plan_seconds"].(float64)
			if !ok {
				t.Fatalf("no numeric statistics.first_plan_seconds:\n%s", data)
			}
			dur, ok := doc.Statistics["duration_seconds"].(float64)
			if !ok {
				t.Fatalf("no numeric statistics.duration_seconds:\n%s", data)
			}
			if first <= 0 || first > dur {
				t.Errorf("first_plan_seconds %g, want in (0, duration_seconds %g]", first, dur)
			}
			if tc.method != model.MethodCluster && first != dur {
				t.Errorf("baseline: first_plan_seconds %g, want duration_seconds %g", first, dur)
			}
		})
	}
}

// TestFirstPlanSecondsWithoutPlan: no plan, no first_plan_seconds.
func TestFirstPlanSecondsWithoutPlan(t *testing.T) {
	p := (&solver.Result{Instance: "x", Method: model.MethodCluster, Status: solver.NoSolution}).Plan()
	if p.Statistics == nil || p.Statistics.FirstPlanSeconds != nil {
		t.Errorf("statistics %+v, want no first plan time", p.Statistics)
	}
}

// TestGapToleranceIsOptimal: a solve that stops at its gap tolerance
// (GLPK's mip_gap) reports its plan optimal, as Options.Gap documents,
// with a bound within the tolerance and below the exact optimum.
func TestGapToleranceIsOptimal(t *testing.T) {
	const gap = 0.05
	for _, tc := range []struct {
		inst    *model.Instance
		sharing string
	}{
		{gen.Generate(gen.Config{Firms: 30, Opportunities: 14, Markets: 4, Seed: 41}), ""},
		{gen.Generate(gen.Config{Firms: 30, Opportunities: 14, Markets: 4, Seed: 42}), ""},
		{gen.Generate(gen.Config{Firms: 24, Opportunities: 12, Markets: 4, Seed: 43}), model.SharingStakes},
	} {
		t.Run(tc.inst.Name+tc.sharing, func(t *testing.T) {
			exact, err := solver.Solve(context.Background(), tc.inst, solver.Options{TimeLimit: time.Minute, Sharing: tc.sharing})
			if err != nil {
				t.Fatal(err)
			}
			loose, err := solver.Solve(context.Background(), tc.inst, solver.Options{TimeLimit: time.Minute, Sharing: tc.sharing, Gap: gap})
			if err != nil {
				t.Fatal(err)
			}
			if exact.Status != solver.Optimal || loose.Status != solver.Optimal {
				t.Fatalf("status %s at the default gap, %s at gap %g (Z %.6f, bound %.6f), want optimal", exact.Status, loose.Status, gap, loose.Objective, loose.Bound)
			}
			if g := math.Abs(loose.Objective-loose.Bound) / math.Max(1, math.Abs(loose.Objective)); g > gap {
				t.Errorf("gap %g above the tolerance %g", g, gap)
			}
			if loose.Bound > exact.Objective+1e-6*math.Max(1, math.Abs(exact.Objective)) || loose.Objective < exact.Objective-1e-6 {
				t.Errorf("Z %.6f, bound %.6f around the optimum %.6f", loose.Objective, loose.Bound, exact.Objective)
			}
		})
	}
}
