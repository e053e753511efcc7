package cluster_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/cluster"
)

func tiny(t *testing.T) *model.Instance {
	t.Helper()
	inst, err := model.LoadFile("../../instances/tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// Targets that no plan can meet, though no static check sees it: the
// explanation names the target and the best value reachable without it.
func TestExplainInfeasibleTargets(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*model.Instance)
		want   []string
	}{
		{
			// Every SME must take part, but sme2 may take part in nothing.
			name: "sme target",
			mutate: func(in *model.Instance) {
				zero := 0
				in.Objective.SMEParticipationTarget = 1
				for i := range in.Firms {
					if in.Firms[i].ID == "sme2" {
						in.Firms[i].MaxProjects = &zero
					}
				}
			},
			want: []string{"sme_participation_target 1 (2 of 2 SMEs) cannot be met: at most 1 SMEs taking part are reachable"},
		},
		{
			// large1 is the only firm that can lead in Germany; limited to
			// one project, the cluster reaches acq_de (8 points) plus ne_vn
			// (1 point, no lead needed): 9 < 10. Without the SME target the
			// market-power target still fails, so that line says so too.
			name: "market power target",
			mutate: func(in *model.Instance) {
				one := 1
				for i := range in.Firms {
					if in.Firms[i].ID == "large1" {
						in.Firms[i].MaxProjects = &one
					}
				}
			},
			want: []string{
				"market_power_target 10 cannot be met: at most 9 points of market power are reachable while the other target holds",
				"even without sme_participation_target no plan meets the other target",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inst := tiny(t)
			tc.mutate(inst)
			if err := model.ValidateErr(inst); err != nil {
				t.Fatal(err)
			}
			out, err := cluster.Solve(context.Background(), model.Derive(inst), cluster.Params{TimeLimit: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if !out.Infeasible || out.Assignment != nil {
				t.Fatalf("infeasible %v, plan %v", out.Infeasible, out.Assignment)
			}
			got := strings.Join(out.Explanation, "\n")
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("explanation\n%s\ndoes not contain\n%s", got, w)
				}
			}
		})
	}
}
