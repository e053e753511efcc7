package solver_test

import (
	"context"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/cluster"
)

// TestStart: a warm start that is feasible gives the same optimum; one that
// does not fit the instance (an unknown project, a violated budget) is
// ignored, never returned as a plan.
func TestStart(t *testing.T) {
	inst := load(t, "tiny")
	cold, err := solver.Solve(context.Background(), inst, solver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bad := &model.Assignment{Projects: []model.Project{{ID: "nowhere", Market: "de", Mode: model.Acquisition,
		Participants: []model.Stake{{Firm: "large1", Stake: 1}}}}}
	over := *cold.Assignment
	over.Credit = []model.Credit{{Firm: inst.Firms[0].ID, Amount: 1e6}} // far beyond the credit line
	for name, start := range map[string]*model.Assignment{"optimal": cold.Assignment, "unknown project": bad, "over budget": &over} {
		res, err := solver.Solve(context.Background(), inst, solver.Options{Start: start})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.Status != solver.Optimal || res.Objective != cold.Objective {
			t.Errorf("%s: %s Z %g, want optimal Z %g", name, res.Status, res.Objective, cold.Objective)
		}
		mustCheck(t, inst, res)
	}
}

// TestStartUsed: on jiangsu-electronics, where the greedy start is not
// optimal, an optimal warm start is taken (the "warm start" phase reports
// it) and the solve ends at the same optimum.
func TestStartUsed(t *testing.T) {
	inst := load(t, "jiangsu-electronics")
	cold, err := solver.Solve(context.Background(), inst, solver.Options{})
	if err != nil {
		t.Fatal(err)
	}
	used := false
	res, err := solver.Solve(context.Background(), inst, solver.Options{Start: cold.Assignment, Progress: func(p solver.Progress) {
		if p.Phase == string(cluster.PhaseWarmStart) {
			used = true
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !used {
		t.Error("the warm start was not used")
	}
	if res.Status != solver.Optimal || res.Objective != cold.Objective {
		t.Errorf("warm: %s Z %g, want optimal Z %g", res.Status, res.Objective, cold.Objective)
	}
	mustCheck(t, inst, res)
}
