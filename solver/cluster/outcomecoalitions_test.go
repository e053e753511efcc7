package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// Solve reports the Lagrangian's pooled coalitions: one entry per
// opportunity, each firm at most once and each an eligible pair of its
// opportunity, and not all empty on a cluster with projects worth taking.
func TestOutcomeCoalitions(t *testing.T) {
	d := model.Derive(gen.Generate(gen.Config{Firms: 40, Opportunities: 16, Markets: 4, Seed: 11}))
	out, err := Solve(context.Background(), d, Params{TimeLimit: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Coalitions) != len(d.Inst.Opportunities) {
		t.Fatalf("%d coalitions for %d opportunities", len(out.Coalitions), len(d.Inst.Opportunities))
	}
	members := 0
	for p, firms := range out.Coalitions {
		seen := map[int]bool{}
		for _, f := range firms {
			if seen[f] {
				t.Errorf("opportunity %d: firm %d twice", p, f)
			}
			seen[f] = true
			eligible := false
			for _, pr := range d.Pairs[p] {
				eligible = eligible || pr.Firm == f
			}
			if !eligible {
				t.Errorf("opportunity %d: firm %d is not an eligible pair", p, f)
			}
		}
		members += len(firms)
	}
	if members == 0 {
		t.Error("no coalition member at all")
	}
}
