package cluster_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
)

// A cancelled context stops the build (seconds on province-size
// clusters) and Solve then returns no plan and no error.
func TestBuildCancelled(t *testing.T) {
	d := model.Derive(gen.Generate(gen.Config{Firms: 600, Opportunities: 300, Markets: 10, Seed: 1}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if fm, err := cluster.BuildContext(ctx, d); !errors.Is(err, context.Canceled) || fm != nil {
		t.Fatalf("BuildContext on a cancelled context: %v, %v", fm, err)
	}
	out, err := cluster.Solve(ctx, d, cluster.Params{})
	if err != nil || out.Assignment != nil || out.Infeasible {
		t.Fatalf("Solve on a cancelled context: %+v, %v", out, err)
	}
	if fm, err := cluster.BuildContext(context.Background(), d); err != nil || len(fm.Prob.Cols) == 0 {
		t.Fatalf("BuildContext: %v", err)
	}
}
