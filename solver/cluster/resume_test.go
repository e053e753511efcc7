package cluster

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// Resume starts once from the first multipliers: on this mixed-shape
// cluster the first run, aimed at the greedy plan, leaves multipliers from
// which restarts no longer climb, while a run from zero aimed at the better
// plan does. The resumed bound must reach (within 0.1%) what a fresh
// Lagrangian aimed at that plan reaches, and stay below that plan.
func TestResumeFreshStart(t *testing.T) {
	if testing.Short() {
		t.Skip("a 150-firm cluster")
	}
	shape, err := gen.Preset("mixed")
	if err != nil {
		t.Fatal(err)
	}
	inst := gen.Generate(gen.Config{Firms: 150, Opportunities: 60, Markets: 10, Seed: 505, Shape: shape})
	fm, err := Build(model.Derive(inst))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := Greedy(fm)
	if start == nil {
		t.Fatal("no greedy plan")
	}
	x0, err := fm.Encode(start)
	if err != nil {
		t.Fatal(err)
	}
	r := fm.Lagrangian(ctx, fm.Objective(x0), true, time.Time{})
	if r.Plan == nil || r.Objective >= fm.Objective(x0) {
		t.Fatalf("the heuristic found no plan better than the greedy's (%v)", r.Objective)
	}
	target := r.Objective
	first := r.Bound
	resumed := r.Resume(ctx, target, time.Time{}, nil)
	fresh := newLagrangian(fm).maximise(ctx, target, true, time.Time{})
	t.Logf("first run %.3f, resumed %.3f, fresh run %.3f, plan %.3f", first, resumed, fresh, target)
	if resumed < fresh-1e-6*math.Abs(fresh) {
		t.Errorf("resumed bound %.3f below a fresh run's %.3f aimed at the same plan", resumed, fresh)
	}
	if resumed > target+1e-6*math.Abs(target) {
		t.Errorf("resumed bound %.3f above the plan %.3f", resumed, target)
	}
}
